#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/clock.h"

namespace maestro {
namespace {

TEST(UuidV7Test, IsWellFormed) {
  ManualClock clock;
  for (int i = 0; i < 100; ++i) {
    std::string id = newUuidV7(clock);
    ASSERT_TRUE(isUuid(id)) << id;
    EXPECT_EQ(id[14], '7') << id;  // version nibble
    // Variant 10xx: the first hex digit of the fourth group is 8, 9, a or b.
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  }
}

// RFC 9562 Appendix A.6: at 1645557742000 ms (0x017F22E279B0) the example
// UUIDv7 is 017F22E2-79B0-7CC3-98C4-DC0C0C07398F; the first 48 bits are the
// timestamp, whatever the random bits.
TEST(UuidV7Test, EmbedsTheClockTimeInTheFirst48Bits) {
  ManualClock clock(1'645'557'742'000);
  std::string id = newUuidV7(clock);
  EXPECT_EQ(id.substr(0, 15), "017f22e2-79b0-7") << id;

  clock.setMillis(0);
  EXPECT_EQ(newUuidV7(clock).substr(0, 15), "00000000-0000-7");
  // All 48 bits set would be year 10889, past what system_clock's nanosecond
  // time_point holds (year 2262); this is the largest all-ones value below it.
  clock.setMillis(0x07FF'FFFF'FFFF);
  EXPECT_EQ(newUuidV7(clock).substr(0, 15), "07ffffff-ffff-7");
}

TEST(UuidV7Test, RandomBitsDiffer) {
  ManualClock clock;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(newUuidV7(clock));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidV7Test, LaterIdsSortAfter) {
  ManualClock clock(1'700'000'000'000);
  std::string previous = newUuidV7(clock);
  for (int i = 0; i < 100; ++i) {
    clock.advance(std::chrono::milliseconds(1));
    std::string next = newUuidV7(clock);
    EXPECT_LT(previous, next);
    previous = next;
  }
  // Across a carry into a higher hex digit as well.
  clock.setMillis(0x00FF'FFFF'FFFF);
  std::string before = newUuidV7(clock);
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_LT(before, newUuidV7(clock));
}

TEST(IsUuidTest, AcceptsCanonicalLowercase) {
  EXPECT_TRUE(isUuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"));
  EXPECT_TRUE(isUuid("00000000-0000-0000-0000-000000000000"));
}

TEST(IsUuidTest, RejectsEverythingElse) {
  for (std::string_view bad : {
           "",
           "017F22E2-79B0-7CC3-98C4-DC0C0C07398F",   // uppercase
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398F",   // one uppercase digit
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398",    // too short
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0",  // too long
           "017f22e279b07cc398c4dc0c0c07398f",       // no dashes
           "017f22e2-79b07-cc3-98c4-dc0c0c07398f",   // dash moved
           "017f22e2_79b0_7cc3_98c4_dc0c0c07398f",   // wrong separator
           "{017f22e2-79b0-7cc3-98c4-dc0c0c07398}",  // braces
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398g",   // non-hex
           "017f22e2-79b0-7cc3-98c4--c0c0c07398ff",  // extra dash
       }) {
    EXPECT_FALSE(isUuid(bad)) << bad;
  }
}

}  // namespace
}  // namespace maestro
