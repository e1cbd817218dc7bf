#include "common/temporal.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/value.h"

namespace maestro {
namespace {

TEST(TemporalTest, CalendarRoundTrips) {
  for (int64_t d : {int64_t{-719528}, int64_t{-1}, int64_t{0}, int64_t{11016}, int64_t{2932896}}) {
    CivilDate c = civilFromDays(d);
    EXPECT_EQ(daysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(isoDayOfWeek(0), 4);  // 1970-01-01 was a Thursday
  WeekDate w = weekDateFromDays(daysFromCivil(1816, 12, 31));
  EXPECT_EQ(w.week_year, 1817);
  EXPECT_EQ(w.week, 1);
  EXPECT_EQ(w.day_of_week, 2);
}

TEST(TemporalTest, ParsesEveryDateForm) {
  const int64_t expected = daysFromCivil(2015, 7, 21);
  for (const char* s : {"2015-07-21", "20150721", "2015-W30-2", "2015W302", "2015-202", "2015202"}) {
    EXPECT_EQ(parseDate(s).days, expected) << s;
  }
  EXPECT_EQ(formatDate(parseDate("2015-W30")), "2015-07-20");
  EXPECT_EQ(formatDate(parseDate("201507")), "2015-07-01");
  EXPECT_EQ(formatDate(parseDate("2015")), "2015-01-01");
  EXPECT_EQ(formatDate(parseDate("+999999999-12-31")), "+999999999-12-31");
  EXPECT_EQ(formatDate(parseDate("-0001-01-01")), "-0001-01-01");
}

TEST(TemporalTest, ParsesAndFormatsTimes) {
  EXPECT_EQ(formatLocalTime(parseLocalTime("214032.142")), "21:40:32.142");
  EXPECT_EQ(formatLocalTime(parseLocalTime("21")), "21:00");
  EXPECT_EQ(formatTime(parseTime("21:40:32.142+0100")), "21:40:32.142+01:00");
  EXPECT_EQ(formatTime(parseTime("2140-00:00")), "21:40Z");
  EXPECT_EQ(formatTime(parseTime("12:31:14.000000003-02:05:07")), "12:31:14.000000003-02:05:07");
  EXPECT_EQ(formatLocalDateTime(parseLocalDateTime("2015-W30T2140")), "2015-07-20T21:40");
  EXPECT_EQ(formatDateTime(parseDateTime("2015202T21+18:00")), "2015-07-21T21:00+18:00");
}

TEST(TemporalTest, NamedZonesComeFromTzif) {
  DateTimeValue t = parseDateTime("2015-07-21T21:40:32.142[Europe/London]");
  EXPECT_EQ(formatDateTime(t), "2015-07-21T21:40:32.142+01:00[Europe/London]");
  // Winter time, and a date far past the file's transitions (the POSIX rule).
  EXPECT_EQ(zoneOffsetAtUtc("Europe/Stockholm", parseDateTime("2015-01-10T12:00Z").seconds), 3600);
  EXPECT_EQ(zoneOffsetAtUtc("Europe/Stockholm", parseDateTime("2090-07-10T12:00Z").seconds), 7200);
  EXPECT_THROW(parseZone("No/Such_Zone"), Error);
}

TEST(TemporalTest, DurationsNormaliseAndPrint) {
  EXPECT_EQ(formatDuration(parseDuration("P12Y5M14DT16H12M70S")), "P12Y5M14DT16H13M10S");
  EXPECT_EQ(formatDuration(parseDuration("P0.75M")), "P22DT19H51M49.5S");
  EXPECT_EQ(formatDuration(parseDuration("P2.5W")), "P17DT12H");
  EXPECT_EQ(formatDuration(parseDuration("P2012-02-02T14:37:21.545")), "P2012Y2M2DT14H37M21.545S");
  EXPECT_EQ(formatDuration(DurationValue{}), "PT0S");
  // -0.1 s: seconds -1 and nanos 900000000 inside, "-0.1S" outside.
  DurationValue d = DurationValue::of(0, 0, 0, -100'000'000);
  EXPECT_EQ(d.seconds, -1);
  EXPECT_EQ(d.nanos, 900'000'000);
  EXPECT_EQ(formatDuration(d), "PT-0.1S");
}

TEST(TemporalTest, MalformedTextNamesTheProblem) {
  try {
    parseDate("2015-13-01");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.detail(), "ArgumentError.InvalidArgumentValue");
    EXPECT_NE(std::string(e.message()).find("month out of range"), std::string::npos);
  }
  EXPECT_THROW(parseLocalTime("25:00"), Error);
  EXPECT_THROW(parseDuration("P1X"), Error);
}

TEST(TemporalValueTest, KindsCompareWithinThemselves) {
  Value a(parseTime("12:35:15+05:00"));
  Value b(parseTime("12:30:14+01:01"));
  EXPECT_EQ(cypherCompare(a, b), -1);  // 07:35 UTC before 11:29 UTC
  Value d1(parseDate("2015-07-21"));
  EXPECT_FALSE(cypherCompare(d1, Value(parseLocalDateTime("2015-07-21T00:00"))).has_value());
  EXPECT_EQ(cypherEquals(d1, Value(parseLocalDateTime("2015-07-21T00:00"))), false);
  // Same instant, different offsets: equal and equivalent (same hash).
  Value x(parseDateTime("2015-07-21T12:00+01:00"));
  Value y(parseDateTime("2015-07-21T11:00Z"));
  EXPECT_EQ(cypherEquals(x, y), true);
  EXPECT_EQ(hashValue(x), hashValue(y));
  // Durations: equality, no order.
  Value p(parseDuration("PT70S"));
  Value q(parseDuration("PT1M10S"));
  EXPECT_EQ(cypherEquals(p, q), true);
  EXPECT_FALSE(cypherCompare(p, q).has_value());
}

TEST(TemporalValueTest, GlobalOrderPutsTemporalsBetweenPathsAndStrings) {
  std::vector<Value> in = {Value("s"),
                           Value(parseDuration("P1D")),
                           Value(parseLocalTime("10:00")),
                           Value(parseTime("10:00Z")),
                           Value(parseDate("2015-01-01")),
                           Value(parseLocalDateTime("2015-01-01T00:00")),
                           Value(parseDateTime("2015-01-01T00:00Z")),
                           Value(PathValue{{1}, {}})};
  std::sort(in.begin(), in.end(), [](const Value& a, const Value& b) {
    return orderCompare(a, b) < 0;
  });
  std::vector<std::string> types;
  for (const Value& v : in) types.emplace_back(v.typeName());
  EXPECT_EQ(types, (std::vector<std::string>{"PATH", "DATETIME", "LOCAL DATETIME", "DATE", "TIME",
                                             "LOCAL TIME", "DURATION", "STRING"}));
  EXPECT_EQ(toDebugString(Value(parseDate("2015-07-21"))), "'2015-07-21'");
  EXPECT_LE(sizeof(Value), 24u);
}

}  // namespace
}  // namespace maestro
