// Temporal values of openCypher: Date, LocalTime, Time, LocalDateTime,
// DateTime and Duration — their representation, the proleptic Gregorian
// calendar arithmetic under them, ISO-8601 parsing and formatting, and
// named time zones read from the system's TZif files.
//
// The structs are plain values (maestro::Value holds the small ones inline
// and DateTime/Duration behind a shared immutable pointer). Everything here
// is stateless except the zone cache, which is filled once per zone and is
// safe to use from any thread. Malformed input throws maestro::Error
// (bad input, detail "ArgumentError.InvalidArgumentValue") whose message
// names what could not be read.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace maestro {

inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kSecondsPerDay = 86'400;
inline constexpr int64_t kNanosPerDay = kSecondsPerDay * kNanosPerSecond;

// Days since 1970-01-01.
struct DateValue {
  int64_t days = 0;
  auto operator<=>(const DateValue&) const = default;
};

// Nanoseconds since midnight, in [0, kNanosPerDay).
struct LocalTimeValue {
  int64_t nanos = 0;
  auto operator<=>(const LocalTimeValue&) const = default;
};

// A local time of day and its offset from UTC (seconds east).
struct TimeValue {
  int64_t nanos = 0;
  int32_t offset = 0;
  // The same instant of the day in UTC (may fall outside [0, kNanosPerDay)).
  int64_t utcNanos() const { return nanos - int64_t{offset} * kNanosPerSecond; }
  bool operator==(const TimeValue&) const = default;
};

// A date and time without a zone: seconds since 1970-01-01T00:00 read as
// if it were UTC, and the nanoseconds of that second.
struct LocalDateTimeValue {
  int64_t seconds = 0;
  int32_t nanos = 0;
  auto operator<=>(const LocalDateTimeValue&) const = default;
};

// An instant (UTC seconds since the epoch and nanoseconds) with the offset
// in force there and, optionally, the named zone that gave that offset.
struct DateTimeValue {
  int64_t seconds = 0;
  int32_t nanos = 0;
  int32_t offset = 0;
  std::string zone;  // IANA name, or empty for a bare offset
  int64_t localSeconds() const { return seconds + offset; }
  bool operator==(const DateTimeValue&) const = default;
};

// openCypher's duration: months, days and seconds are independent
// components (a month is not a fixed number of days, nor a day of
// seconds); 0 <= nanos < 1e9 (so -0.1 s is seconds -1, nanos 900000000,
// as Neo4j keeps it).
struct DurationValue {
  int64_t months = 0;
  int64_t days = 0;
  int64_t seconds = 0;
  int32_t nanos = 0;
  bool operator==(const DurationValue&) const = default;
  // Builds a normalised duration (nanos folded into seconds).
  static DurationValue of(int64_t months, int64_t days, int64_t seconds, int64_t nanos);
};

// ---- calendar ---------------------------------------------------------------

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

bool isLeapYear(int64_t year);
int daysInMonth(int64_t year, int month);
int64_t daysFromCivil(int64_t year, int month, int day);
CivilDate civilFromDays(int64_t days);
// 1 = Monday … 7 = Sunday.
int isoDayOfWeek(int64_t days);

struct WeekDate {
  int64_t week_year;
  int week;          // 1..53
  int day_of_week;   // 1..7
};
WeekDate weekDateFromDays(int64_t days);
// Day of the Monday of ISO week 1 of `week_year`.
int64_t firstDayOfWeekYear(int64_t week_year);
int weeksInWeekYear(int64_t week_year);

// ---- ISO-8601 text ----------------------------------------------------------

std::string formatDate(const DateValue& d);
std::string formatLocalTime(const LocalTimeValue& t);
std::string formatTime(const TimeValue& t);
std::string formatLocalDateTime(const LocalDateTimeValue& t);
std::string formatDateTime(const DateTimeValue& t);
std::string formatDuration(const DurationValue& d);
// "Z", "+01:00", "-00:53:28".
std::string formatOffset(int32_t offset_seconds);

// All forms the openCypher TCK uses: calendar, week (2015-W30-2) and
// ordinal (2015-202) dates, basic and extended, reduced precision,
// fractional seconds, offsets Z/±hh/±hhmm/±hh:mm(:ss), [Zone/Name].
// A datetime without offset or zone is in UTC; a time without offset too.
DateValue parseDate(std::string_view text);
LocalTimeValue parseLocalTime(std::string_view text);
TimeValue parseTime(std::string_view text);
LocalDateTimeValue parseLocalDateTime(std::string_view text);
DateTimeValue parseDateTime(std::string_view text);
// PnYnMnWnDTnHnMnS (fractions allowed on any component, cascading down
// with a month of 2629746 s and a day of 86400 s) or PYYYY-MM-DDThh:mm:ss.
DurationValue parseDuration(std::string_view text);

// Sums duration components given as whole part and nanos of fraction (both
// carrying the sign), exactly; build() cascades fractions down.
class DurationBuilder {
 public:
  enum class Unit {
    kYears, kMonths, kWeeks, kDays, kHours, kMinutes, kSeconds,
    kMilliseconds, kMicroseconds, kNanoseconds,
  };
  void add(Unit unit, int64_t whole, int64_t frac9);
  DurationValue build() const;

 private:
  // In billionths of a month, of a day and in nanoseconds.
  __int128 months_ = 0;
  __int128 days_ = 0;
  __int128 nanos_ = 0;
};

// ---- time zones ------------------------------------------------------------

// A zone given as text: an offset ("+01:00", "Z", "-0530") or an IANA name.
struct ZoneSpec {
  int32_t offset = 0;  // for a bare offset
  std::string name;    // empty for a bare offset
};
ZoneSpec parseZone(std::string_view text);
// Offset of named zone `name` at the UTC instant (throws for unknown zones).
int32_t zoneOffsetAtUtc(const std::string& name, int64_t utc_seconds);
// Offset for a local date-time in zone `name`: in an overlap the earlier
// offset, in a gap the offset before the gap (the local time moves forward).
int32_t zoneOffsetForLocal(const std::string& name, int64_t local_seconds);
// A DateTime from a local date-time in a zone.
DateTimeValue makeDateTime(int64_t local_seconds, int32_t nanos, const ZoneSpec& zone);
// The same instant seen in another zone.
DateTimeValue withZone(const DateTimeValue& t, const ZoneSpec& zone);

// ---- errors ----------------------------------------------------------------

[[noreturn]] void throwTemporalError(const std::string& message);

// Floor division and modulo (the calendar needs them for negative values).
inline int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline int64_t floorMod(int64_t a, int64_t b) { return a - floorDiv(a, b) * b; }

}  // namespace maestro
