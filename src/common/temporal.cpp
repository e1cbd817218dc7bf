#include "common/temporal.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace maestro {

void throwTemporalError(const std::string& message) {
  throw Error::badInput(message).withDetail("ArgumentError.InvalidArgumentValue");
}

// ---- durations --------------------------------------------------------------

DurationValue DurationValue::of(int64_t months, int64_t days, int64_t seconds, int64_t nanos) {
  seconds += floorDiv(nanos, kNanosPerSecond);
  return {months, days, seconds, static_cast<int32_t>(floorMod(nanos, kNanosPerSecond))};
}

// ---- calendar (Howard Hinnant's civil-date algorithms) ---------------------

bool isLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && isLeapYear(year)) return 29;
  return kDays[month - 1];
}

int64_t daysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = floorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = floorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int isoDayOfWeek(int64_t days) { return static_cast<int>(floorMod(days + 3, 7)) + 1; }

int64_t firstDayOfWeekYear(int64_t week_year) {
  // Week 1 is the week (Monday to Sunday) holding 4 January.
  int64_t jan4 = daysFromCivil(week_year, 1, 4);
  return jan4 - (isoDayOfWeek(jan4) - 1);
}

int weeksInWeekYear(int64_t week_year) {
  return static_cast<int>((firstDayOfWeekYear(week_year + 1) - firstDayOfWeekYear(week_year)) / 7);
}

WeekDate weekDateFromDays(int64_t days) {
  int64_t y = civilFromDays(days).year;
  if (days < firstDayOfWeekYear(y)) {
    --y;
  } else if (days >= firstDayOfWeekYear(y + 1)) {
    ++y;
  }
  int week = static_cast<int>((days - firstDayOfWeekYear(y)) / 7) + 1;
  return {y, week, isoDayOfWeek(days)};
}

// ---- formatting -------------------------------------------------------------

namespace {

void appendPadded(std::string& out, int64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(v));
  out += buf;
}

// Java's LocalDate rendering: four digits for years 0–9999, a sign and at
// least four digits beyond.
void appendYear(std::string& out, int64_t year) {
  if (year > 9999) out += '+';
  if (year < 0) {
    out += '-';
    appendPadded(out, -year, 4);
  } else {
    appendPadded(out, year, 4);
  }
}

void appendDate(std::string& out, int64_t days) {
  CivilDate c = civilFromDays(days);
  appendYear(out, c.year);
  out += '-';
  appendPadded(out, c.month, 2);
  out += '-';
  appendPadded(out, c.day, 2);
}

// hh:mm, then :ss when seconds or nanos are set, then the fraction in
// groups of three digits (as java.time prints it).
void appendTimeOfDay(std::string& out, int64_t nanos_of_day) {
  int64_t secs = nanos_of_day / kNanosPerSecond;
  int64_t nanos = nanos_of_day % kNanosPerSecond;
  appendPadded(out, secs / 3600, 2);
  out += ':';
  appendPadded(out, secs / 60 % 60, 2);
  if (secs % 60 == 0 && nanos == 0) return;
  out += ':';
  appendPadded(out, secs % 60, 2);
  if (nanos == 0) return;
  out += '.';
  if (nanos % 1'000'000 == 0) {
    appendPadded(out, nanos / 1'000'000, 3);
  } else if (nanos % 1000 == 0) {
    appendPadded(out, nanos / 1000, 6);
  } else {
    appendPadded(out, nanos, 9);
  }
}

void appendLocalDateTime(std::string& out, int64_t seconds, int32_t nanos) {
  appendDate(out, floorDiv(seconds, kSecondsPerDay));
  out += 'T';
  appendTimeOfDay(out, floorMod(seconds, kSecondsPerDay) * kNanosPerSecond + nanos);
}

}  // namespace

std::string formatOffset(int32_t offset) {
  if (offset == 0) return "Z";
  std::string out(1, offset < 0 ? '-' : '+');
  int32_t a = offset < 0 ? -offset : offset;
  appendPadded(out, a / 3600, 2);
  out += ':';
  appendPadded(out, a / 60 % 60, 2);
  if (a % 60 != 0) {
    out += ':';
    appendPadded(out, a % 60, 2);
  }
  return out;
}

std::string formatDate(const DateValue& d) {
  std::string out;
  appendDate(out, d.days);
  return out;
}

std::string formatLocalTime(const LocalTimeValue& t) {
  std::string out;
  appendTimeOfDay(out, t.nanos);
  return out;
}

std::string formatTime(const TimeValue& t) {
  std::string out;
  appendTimeOfDay(out, t.nanos);
  return out + formatOffset(t.offset);
}

std::string formatLocalDateTime(const LocalDateTimeValue& t) {
  std::string out;
  appendLocalDateTime(out, t.seconds, t.nanos);
  return out;
}

std::string formatDateTime(const DateTimeValue& t) {
  std::string out;
  appendLocalDateTime(out, t.localSeconds(), t.nanos);
  out += formatOffset(t.offset);
  if (!t.zone.empty()) out += '[' + t.zone + ']';
  return out;
}

// Neo4j's rendering: PnYnMnDTnHnMnS with zero components left out, hours
// and minutes split from the seconds, "PT0S" for zero.
std::string formatDuration(const DurationValue& d) {
  std::string out = "P";
  auto put = [&out](int64_t n, char unit) {
    if (n == 0) return;
    out += std::to_string(n);
    out += unit;
  };
  put(d.months / 12, 'Y');
  put(d.months % 12, 'M');
  put(d.days, 'D');
  // Printed with the fraction on the side of the seconds: -0.1 s is
  // seconds -1 and nanos 900000000 inside, "-0.1S" outside.
  int64_t secs = d.seconds;
  int64_t nanos = d.nanos;
  if (secs < 0 && nanos > 0) {
    secs += 1;
    nanos -= kNanosPerSecond;
  }
  if (secs != 0 || nanos != 0) {
    out += 'T';
    put(secs / 3600, 'H');
    put(secs % 3600 / 60, 'M');
    int64_t s = secs % 60;
    if (s != 0 || nanos != 0) {
      if (s == 0 && nanos < 0) out += '-';
      out += std::to_string(s);
      if (nanos != 0) {
        std::string frac;
        appendPadded(frac, nanos < 0 ? -nanos : nanos, 9);
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        out += '.' + frac;
      }
      out += 'S';
    }
  }
  if (out.size() == 1) out += "T0S";
  return out;
}

// ---- parsing ----------------------------------------------------------------

namespace {

class Cursor {
 public:
  Cursor(std::string_view text, const char* what) : s_(text), what_(what) {}

  bool atEnd() const { return i_ >= s_.size(); }
  char peek(size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  bool isDigitAt(size_t k) const { return std::isdigit(static_cast<unsigned char>(peek(k))) != 0; }
  // How many digits follow from here.
  size_t digitRun() const {
    size_t n = 0;
    while (isDigitAt(n)) ++n;
    return n;
  }
  int64_t digits(size_t n) {
    if (digitRun() < n) fail();
    int64_t v = 0;
    for (size_t k = 0; k < n; ++k) v = v * 10 + (s_[i_++] - '0');
    return v;
  }
  std::string_view rest() const { return s_.substr(i_); }
  void skip(size_t n) { i_ += n; }
  [[noreturn]] void fail(const std::string& why = {}) const {
    throwTemporalError("Text cannot be parsed to a " + std::string(what_) + ": '" +
                       std::string(s_) + "'" + (why.empty() ? "" : " (" + why + ")"));
  }
  void check(bool ok, const std::string& why) const {
    if (!ok) fail(why);
  }

 private:
  std::string_view s_;
  const char* what_;
  size_t i_ = 0;
};

int64_t parseYear(Cursor& c) {
  if (c.peek() == '+' || c.peek() == '-') {
    bool neg = c.peek() == '-';
    c.skip(1);
    size_t n = c.digitRun();
    c.check(n >= 4 && n <= 9, "a signed year has 4 to 9 digits");
    int64_t y = c.digits(n);
    return neg ? -y : y;
  }
  return c.digits(4);
}

int64_t checkedDate(Cursor& c, int64_t year, int64_t month, int64_t day) {
  c.check(month >= 1 && month <= 12, "month out of range");
  c.check(day >= 1 && day <= daysInMonth(year, static_cast<int>(month)), "day out of range");
  return daysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
}

int64_t weekDays(Cursor& c, int64_t year, int64_t week, int64_t dow) {
  c.check(week >= 1 && week <= weeksInWeekYear(year), "week out of range");
  c.check(dow >= 1 && dow <= 7, "day of week out of range");
  return firstDayOfWeekYear(year) + (week - 1) * 7 + (dow - 1);
}

int64_t ordinalDays(Cursor& c, int64_t year, int64_t ordinal) {
  c.check(ordinal >= 1 && ordinal <= (isLeapYear(year) ? 366 : 365), "ordinal day out of range");
  return daysFromCivil(year, 1, 1) + ordinal - 1;
}

// A calendar, week or ordinal date, extended or basic, possibly reduced to
// year-month or year (or year-week).
int64_t parseDatePart(Cursor& c) {
  int64_t year = parseYear(c);
  if (c.atEnd() || c.peek() == 'T') return daysFromCivil(year, 1, 1);
  bool extended = c.accept('-');
  if (c.accept('W')) {
    int64_t week = c.digits(2);
    int64_t dow = 1;
    if (extended ? c.accept('-') : c.isDigitAt(0)) dow = c.digits(1);
    return weekDays(c, year, week, dow);
  }
  size_t n = c.digitRun();
  if (n == 3) return ordinalDays(c, year, c.digits(3));
  if (!extended && n == 4) {
    int64_t month = c.digits(2);
    return checkedDate(c, year, month, c.digits(2));
  }
  int64_t month = c.digits(2);
  int64_t day = 1;
  if (extended && c.accept('-')) day = c.digits(2);
  return checkedDate(c, year, month, day);
}

// hh[:mm[:ss[.fff]]] or hh[mm[ss[.fff]]]; nanoseconds of the day.
int64_t parseTimePart(Cursor& c) {
  int64_t h = c.digits(2);
  int64_t m = 0;
  int64_t s = 0;
  int64_t nanos = 0;
  bool extended = c.accept(':');
  if (extended || c.digitRun() >= 2) {
    m = c.digits(2);
    if (extended ? c.accept(':') : c.digitRun() >= 2) {
      s = c.digits(2);
      if (c.accept('.') || c.accept(',')) {
        size_t n = c.digitRun();
        c.check(n >= 1 && n <= 9, "at most nine fractional digits");
        nanos = c.digits(n);
        for (size_t k = n; k < 9; ++k) nanos *= 10;
      }
    }
  }
  c.check(h < 24 && m < 60 && s < 60, "time field out of range");
  return ((h * 60 + m) * 60 + s) * kNanosPerSecond + nanos;
}

// Z, ±hh, ±hhmm, ±hh:mm, ±hh:mm:ss; nullopt when none is there.
std::optional<int32_t> parseOffsetPart(Cursor& c) {
  if (c.accept('Z')) return 0;
  if (c.peek() != '+' && c.peek() != '-') return std::nullopt;
  int sign = c.peek() == '-' ? -1 : 1;
  c.skip(1);
  int64_t h = c.digits(2);
  int64_t m = 0;
  int64_t s = 0;
  bool extended = c.accept(':');
  if (extended || c.digitRun() >= 2) {
    m = c.digits(2);
    if (extended ? c.accept(':') : c.digitRun() >= 2) s = c.digits(2);
  }
  c.check(h <= 18 && m < 60 && s < 60, "offset out of range");
  int64_t total = (h * 3600 + m * 60 + s);
  c.check(total <= 18 * 3600, "offset out of range");
  return static_cast<int32_t>(sign * total);
}

std::optional<std::string> parseZoneNamePart(Cursor& c) {
  if (!c.accept('[')) return std::nullopt;
  std::string_view rest = c.rest();
  size_t close = rest.find(']');
  c.check(close != std::string_view::npos && close > 0, "unterminated zone name");
  std::string name(rest.substr(0, close));
  c.skip(close + 1);
  return name;
}

void expectEnd(Cursor& c) {
  if (!c.atEnd()) c.fail("unexpected '" + std::string(c.rest()) + "'");
}

}  // namespace

DateValue parseDate(std::string_view text) {
  Cursor c(text, "Date");
  int64_t days = parseDatePart(c);
  expectEnd(c);
  return {days};
}

LocalTimeValue parseLocalTime(std::string_view text) {
  Cursor c(text, "LocalTime");
  int64_t nanos = parseTimePart(c);
  expectEnd(c);
  return {nanos};
}

TimeValue parseTime(std::string_view text) {
  Cursor c(text, "Time");
  int64_t nanos = parseTimePart(c);
  std::optional<int32_t> offset = parseOffsetPart(c);
  expectEnd(c);
  return {nanos, offset.value_or(0)};
}

LocalDateTimeValue parseLocalDateTime(std::string_view text) {
  Cursor c(text, "LocalDateTime");
  int64_t days = parseDatePart(c);
  int64_t nanos = 0;
  if (c.accept('T')) nanos = parseTimePart(c);
  expectEnd(c);
  return {days * kSecondsPerDay + nanos / kNanosPerSecond,
          static_cast<int32_t>(nanos % kNanosPerSecond)};
}

DateTimeValue parseDateTime(std::string_view text) {
  Cursor c(text, "DateTime");
  int64_t days = parseDatePart(c);
  int64_t nanos = 0;
  if (c.accept('T')) nanos = parseTimePart(c);
  std::optional<int32_t> offset = parseOffsetPart(c);
  std::optional<std::string> zone = parseZoneNamePart(c);
  expectEnd(c);
  int64_t local = days * kSecondsPerDay + nanos / kNanosPerSecond;
  auto n = static_cast<int32_t>(nanos % kNanosPerSecond);
  if (zone) {
    // The zone decides; an explicit offset only picks between the two
    // readings of an ambiguous local time.
    DateTimeValue t = makeDateTime(local, n, ZoneSpec{0, *zone});
    if (offset && *offset != t.offset && zoneOffsetAtUtc(*zone, local - *offset) == *offset) {
      t.seconds = local - *offset;
      t.offset = *offset;
    }
    return t;
  }
  return DateTimeValue{local - offset.value_or(0), n, offset.value_or(0), {}};
}

// ---- durations from text ---------------------------------------------------

void DurationBuilder::add(Unit unit, int64_t whole, int64_t frac9) {
  using I = __int128;
  const I e9 = kNanosPerSecond;
  switch (unit) {
    case Unit::kYears:
      months_ += (I(whole) * e9 + frac9) * 12;
      break;
    case Unit::kMonths:
      months_ += I(whole) * e9 + frac9;
      break;
    case Unit::kWeeks:
      days_ += (I(whole) * e9 + frac9) * 7;
      break;
    case Unit::kDays:
      days_ += I(whole) * e9 + frac9;
      break;
    case Unit::kHours:
      nanos_ += (I(whole) * e9 + frac9) * 3600;
      break;
    case Unit::kMinutes:
      nanos_ += (I(whole) * e9 + frac9) * 60;
      break;
    case Unit::kSeconds:
      nanos_ += I(whole) * e9 + frac9;
      break;
    case Unit::kMilliseconds:
      nanos_ += (I(whole) * e9 + frac9) / 1000;
      break;
    case Unit::kMicroseconds:
      nanos_ += (I(whole) * e9 + frac9) / 1'000'000;
      break;
    case Unit::kNanoseconds:
      nanos_ += I(whole) + frac9 / kNanosPerSecond;
      break;
  }
}

DurationValue DurationBuilder::build() const {
  using I = __int128;
  const I e9 = kNanosPerSecond;
  // Fractions cascade down: part of a month becomes days and seconds (an
  // average month of 2629746 s), part of a day becomes seconds.
  I months = months_ / e9;
  I month_frac_nanos = (months_ % e9) * 2629746;
  I days = days_ / e9 + month_frac_nanos / (e9 * kSecondsPerDay);
  I nanos = nanos_ + month_frac_nanos % (e9 * kSecondsPerDay) + (days_ % e9) * kSecondsPerDay;
  auto fits = [](I v) { return v >= INT64_MIN && v <= INT64_MAX; };
  I seconds = nanos / e9;
  if (!fits(months) || !fits(days) || !fits(seconds)) throwTemporalError("duration out of range");
  return DurationValue::of(static_cast<int64_t>(months), static_cast<int64_t>(days),
                           static_cast<int64_t>(seconds), static_cast<int64_t>(nanos % e9));
}

namespace {

// A decimal number as whole part and nanos of fraction (both signed).
struct Decimal {
  int64_t whole = 0;
  int64_t frac9 = 0;
};

Decimal parseDecimal(Cursor& c) {
  bool neg = c.accept('-');
  if (!neg) c.accept('+');
  size_t n = c.digitRun();
  c.check(n >= 1 && n <= 18, "a number was expected");
  Decimal d{c.digits(n), 0};
  if (c.accept('.') || c.accept(',')) {
    size_t f = c.digitRun();
    c.check(f >= 1, "digits after the decimal point");
    int64_t frac = c.digits(std::min<size_t>(f, 9));
    for (size_t k = f; k < 9; ++k) frac *= 10;
    c.skip(f > 9 ? f - 9 : 0);
    d.frac9 = frac;
  }
  if (neg) {
    d.whole = -d.whole;
    d.frac9 = -d.frac9;
  }
  return d;
}

}  // namespace

DurationValue parseDuration(std::string_view text) {
  Cursor c(text, "Duration");
  bool negate = c.accept('-');
  if (!negate) c.accept('+');
  if (!c.accept('P')) c.fail("a duration starts with P");
  DurationBuilder b;
  size_t run = c.digitRun();
  if (run >= 4 && c.peek(run) == '-') {
    // The alternative form PYYYY-MM-DDThh:mm:ss(.fff).
    int64_t y = c.digits(run);
    c.check(c.accept('-'), "'-' after the years");
    int64_t m = c.digits(2);
    c.check(c.accept('-'), "'-' after the months");
    int64_t d = c.digits(2);
    b.add(DurationBuilder::Unit::kYears, y, 0);
    b.add(DurationBuilder::Unit::kMonths, m, 0);
    b.add(DurationBuilder::Unit::kDays, d, 0);
    if (c.accept('T')) b.add(DurationBuilder::Unit::kNanoseconds, parseTimePart(c), 0);
  } else {
    bool time = false;
    bool any = false;
    while (!c.atEnd()) {
      if (!time && c.accept('T')) {
        time = true;
        continue;
      }
      Decimal d = parseDecimal(c);
      char unit = c.peek();
      c.skip(1);
      using U = DurationBuilder::Unit;
      U u;
      if (!time && unit == 'Y') {
        u = U::kYears;
      } else if (!time && unit == 'M') {
        u = U::kMonths;
      } else if (!time && unit == 'W') {
        u = U::kWeeks;
      } else if (!time && unit == 'D') {
        u = U::kDays;
      } else if (time && unit == 'H') {
        u = U::kHours;
      } else if (time && unit == 'M') {
        u = U::kMinutes;
      } else if (time && unit == 'S') {
        u = U::kSeconds;
      } else {
        c.fail("unknown duration unit");
      }
      b.add(u, d.whole, d.frac9);
      any = true;
    }
    c.check(any, "no duration components");
  }
  expectEnd(c);
  DurationValue v = b.build();
  if (negate) v = DurationValue::of(-v.months, -v.days, -v.seconds, -int64_t{v.nanos});
  return v;
}

// ---- time zones (TZif, RFC 8536) --------------------------------------------

namespace {

// A POSIX TZ rule from a TZif footer, e.g. "CET-1CEST,M3.5.0,M10.5.0/3":
// what applies after the last transition in the file.
struct PosixRule {
  int32_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int32_t dst_offset = 0;
  struct When {
    int month = 0, week = 0, weekday = 0;  // Mm.w.d
    int32_t time = 7200;                   // local seconds after midnight
  } start, end;
};

struct Zone {
  std::vector<int64_t> transitions;  // UTC seconds, ascending
  std::vector<uint8_t> types;        // per transition: index into offsets
  std::vector<int32_t> offsets;      // per local time type
  std::optional<PosixRule> rule;
};

class Reader {
 public:
  explicit Reader(const std::string& bytes) : b_(bytes) {}
  bool has(size_t n) const { return i_ + n <= b_.size(); }
  int64_t be(size_t n) {
    if (!has(n)) throw std::runtime_error("truncated");
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v = (v << 8) | static_cast<uint8_t>(b_[i_ + k]);
    i_ += n;
    if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
  }
  uint8_t u8() { return static_cast<uint8_t>(be(1)); }
  void skip(size_t n) {
    if (!has(n)) throw std::runtime_error("truncated");
    i_ += n;
  }
  std::string_view rest() const { return std::string_view(b_).substr(i_); }

 private:
  const std::string& b_;
  size_t i_ = 0;
};

// [+-]hh[:mm[:ss]] as POSIX writes offsets and times.
bool posixTime(std::string_view& s, int32_t& out) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int32_t parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (s.empty() || s[0] != ':') break;
      s.remove_prefix(1);
    }
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    int32_t v = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
      v = v * 10 + (s[0] - '0');
      s.remove_prefix(1);
    }
    parts[k] = v;
  }
  out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool posixName(std::string_view& s) {
  if (!s.empty() && s[0] == '<') {
    size_t close = s.find('>');
    if (close == std::string_view::npos) return false;
    s.remove_prefix(close + 1);
    return true;
  }
  size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  s.remove_prefix(n);
  return n >= 3;
}

bool posixWhen(std::string_view& s, PosixRule::When& w) {
  // Only the Mm.w.d form: the only one the tz database emits for zones with
  // daylight saving today.
  if (s.empty() || s[0] != 'M') return false;
  s.remove_prefix(1);
  int vals[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
    }
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
      vals[k] = vals[k] * 10 + (s[0] - '0');
      s.remove_prefix(1);
    }
  }
  w.month = vals[0];
  w.week = vals[1];
  w.weekday = vals[2];
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    if (!posixTime(s, w.time)) return false;
  }
  return w.month >= 1 && w.month <= 12 && w.week >= 1 && w.week <= 5 && w.weekday <= 6;
}

std::optional<PosixRule> parsePosixRule(std::string_view s) {
  PosixRule r;
  int32_t off = 0;
  if (!posixName(s) || !posixTime(s, off)) return std::nullopt;
  r.std_offset = -off;  // POSIX counts west of UTC as positive
  if (s.empty()) return r;
  if (!posixName(s)) return std::nullopt;
  r.has_dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!posixTime(s, off)) return std::nullopt;
    r.dst_offset = -off;
  }
  if (s.empty() || s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  if (!posixWhen(s, r.start)) return std::nullopt;
  if (s.empty() || s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  if (!posixWhen(s, r.end) || !s.empty()) return std::nullopt;
  return r;
}

// Local seconds (at midnight of the day plus `time`) of a Mm.w.d rule.
int64_t ruleLocalSeconds(int64_t year, const PosixRule::When& w) {
  int64_t first = daysFromCivil(year, w.month, 1);
  int dow0 = isoDayOfWeek(first) % 7;  // 0 = Sunday, as POSIX counts
  int64_t day = first + (w.weekday - dow0 + 7) % 7 + (w.week - 1) * 7;
  if (w.week == 5) {
    int64_t last = first + daysInMonth(year, w.month) - 1;
    while (day > last) day -= 7;
  }
  return day * kSecondsPerDay + w.time;
}

int32_t ruleOffsetAt(const PosixRule& r, int64_t utc) {
  if (!r.has_dst) return r.std_offset;
  int64_t year = civilFromDays(floorDiv(utc + r.std_offset, kSecondsPerDay)).year;
  int64_t start = ruleLocalSeconds(year, r.start) - r.std_offset;
  int64_t end = ruleLocalSeconds(year, r.end) - r.dst_offset;
  bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? r.dst_offset : r.std_offset;
}

std::shared_ptr<const Zone> readZone(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 44 || bytes.compare(0, 4, "TZif") != 0) return nullptr;
  Reader r(bytes);
  auto header = [&r](int64_t counts[6]) {
    r.skip(4);
    char version = static_cast<char>(r.u8());
    r.skip(15);
    for (int k = 0; k < 6; ++k) counts[k] = r.be(4);
    return version;
  };
  // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  int64_t c[6];
  char version = header(c);
  size_t time_size = 4;
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    r.skip(static_cast<size_t>(c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]));
    header(c);
    time_size = 8;
  }
  auto zone = std::make_shared<Zone>();
  for (int64_t k = 0; k < c[3]; ++k) zone->transitions.push_back(r.be(time_size));
  for (int64_t k = 0; k < c[3]; ++k) zone->types.push_back(r.u8());
  for (int64_t k = 0; k < c[4]; ++k) {
    zone->offsets.push_back(static_cast<int32_t>(r.be(4)));
    r.skip(2);  // isdst, abbreviation index
  }
  r.skip(static_cast<size_t>(c[5] + c[2] * (time_size + 4) + c[1] + c[0]));
  if (zone->offsets.empty()) return nullptr;
  for (uint8_t t : zone->types) {
    if (t >= zone->offsets.size()) return nullptr;
  }
  std::string_view footer = r.rest();
  if (version >= '2' && footer.size() >= 2 && footer[0] == '\n') {
    footer.remove_prefix(1);
    footer = footer.substr(0, footer.find('\n'));
    zone->rule = parsePosixRule(footer);
  }
  return zone;
}

bool plausibleZoneName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '/' || name.find("..") != std::string::npos) {
    return false;
  }
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '/' && ch != '_' && ch != '-' &&
        ch != '+') {
      return false;
    }
  }
  return true;
}

std::shared_ptr<const Zone> findZone(const std::string& name) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const Zone>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  std::shared_ptr<const Zone> zone;
  if (plausibleZoneName(name)) {
    const char* dir = std::getenv("TZDIR");
    try {
      zone = readZone(std::string(dir != nullptr ? dir : "/usr/share/zoneinfo") + "/" + name);
    } catch (const std::runtime_error&) {
      zone = nullptr;  // a truncated file is no zone
    }
  }
  cache.emplace(name, zone);
  return zone;
}

const Zone& zoneOrThrow(const std::string& name) {
  std::shared_ptr<const Zone> z = findZone(name);
  if (!z) throwTemporalError("Unknown time zone '" + name + "'");
  // Cached for the life of the process, so the reference stays valid.
  return *z;
}

}  // namespace

int32_t zoneOffsetAtUtc(const std::string& name, int64_t utc) {
  const Zone& z = zoneOrThrow(name);
  // Before the first transition the first local time type applies.
  if (z.transitions.empty() || utc < z.transitions.front()) {
    if (z.transitions.empty() && z.rule) return ruleOffsetAt(*z.rule, utc);
    return z.offsets[0];
  }
  if (utc >= z.transitions.back() && z.rule) return ruleOffsetAt(*z.rule, utc);
  auto it = std::upper_bound(z.transitions.begin(), z.transitions.end(), utc);
  size_t k = static_cast<size_t>(it - z.transitions.begin()) - 1;
  return z.offsets[z.types[k]];
}

int32_t zoneOffsetForLocal(const std::string& name, int64_t local) {
  // Offsets change at most once within a day around any local time, so the
  // offsets a day before and after bound the candidates.
  int32_t before = zoneOffsetAtUtc(name, local - kSecondsPerDay);
  int32_t after = zoneOffsetAtUtc(name, local + kSecondsPerDay);
  if (zoneOffsetAtUtc(name, local - before) == before) return before;
  if (zoneOffsetAtUtc(name, local - after) == after) return after;
  return before;  // in a gap: read with the earlier offset, which moves it forward
}

ZoneSpec parseZone(std::string_view text) {
  if (text == "Z" || text == "z") return {0, {}};
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    Cursor c(text, "time zone");
    std::optional<int32_t> off = parseOffsetPart(c);
    expectEnd(c);
    return {*off, {}};
  }
  std::string name(text);
  zoneOrThrow(name);
  return {0, name};
}

DateTimeValue makeDateTime(int64_t local, int32_t nanos, const ZoneSpec& zone) {
  if (zone.name.empty()) return {local - zone.offset, nanos, zone.offset, {}};
  int64_t utc = local - zoneOffsetForLocal(zone.name, local);
  return {utc, nanos, zoneOffsetAtUtc(zone.name, utc), zone.name};
}

DateTimeValue withZone(const DateTimeValue& t, const ZoneSpec& zone) {
  if (zone.name.empty()) return {t.seconds, t.nanos, zone.offset, {}};
  return {t.seconds, t.nanos, zoneOffsetAtUtc(zone.name, t.seconds), zone.name};
}

}  // namespace maestro
