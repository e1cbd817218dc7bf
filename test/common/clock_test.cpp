#include "common/clock.h"

#include <gtest/gtest.h>

namespace maestro {
namespace {

using std::chrono::milliseconds;

TEST(ManualClockTest, StartsAtTheGivenTime) {
  ManualClock clock(1'234'567);
  EXPECT_EQ(clock.nowMillis(), 1'234'567);
  EXPECT_EQ(clock.nowSeconds(), 1'234);
  EXPECT_EQ(clock.now(), TimePoint(milliseconds(1'234'567)));
}

TEST(ManualClockTest, DefaultIsAFixedInstant) {
  ManualClock a, b;
  EXPECT_EQ(a.nowMillis(), 1'700'000'000'000);
  EXPECT_EQ(a.nowMillis(), b.nowMillis());
}

TEST(ManualClockTest, SetAndAdvance) {
  ManualClock clock(0);
  clock.setMillis(5'000);
  EXPECT_EQ(clock.nowMillis(), 5'000);
  clock.advance(milliseconds(1'500));
  EXPECT_EQ(clock.nowMillis(), 6'500);
  EXPECT_EQ(clock.nowSeconds(), 6);
  clock.advance(std::chrono::hours(1));
  EXPECT_EQ(clock.nowMillis(), 6'500 + 3'600'000);
  clock.advance(milliseconds(-10'000));
  EXPECT_EQ(clock.nowMillis(), 3'596'500);
  // Does not move on its own.
  EXPECT_EQ(clock.nowMillis(), 3'596'500);
}

TEST(SystemClockTest, IsNearTheRealTime) {
  auto before = std::chrono::system_clock::now();
  TimePoint t = SystemClock::instance().now();
  auto after = std::chrono::system_clock::now();
  EXPECT_LE(before, t);
  EXPECT_LE(t, after);
  EXPECT_EQ(&SystemClock::instance(), &SystemClock::instance());
}

// Expected strings checked against GNU date (`date -u -d @<seconds>`).
TEST(FormatRfc3339Test, KnownInstants) {
  EXPECT_EQ(formatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatRfc3339(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(formatRfc3339(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(formatRfc3339(951'782'400'000), "2000-02-29T00:00:00.000Z");  // leap day
  EXPECT_EQ(formatRfc3339(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
}

// Before the epoch the millisecond part must still count forwards within
// its second: -1 ms is 23:59:59.999, not 00:00:00.-01.
TEST(FormatRfc3339Test, NegativeMillis) {
  EXPECT_EQ(formatRfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(formatRfc3339(-1'000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(formatRfc3339(-1'001), "1969-12-31T23:59:58.999Z");
  EXPECT_EQ(formatRfc3339(-86'400'000), "1969-12-31T00:00:00.000Z");
}

}  // namespace
}  // namespace maestro
