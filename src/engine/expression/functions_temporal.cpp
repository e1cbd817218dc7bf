// The temporal functions — date(), localtime(), time(), localdatetime(),
// datetime(), duration() and their dotted relatives (datetime.fromepoch,
// duration.between, date.truncate, …) — plus what the evaluator delegates
// for temporal operands: component access (d.year) and arithmetic
// (temporal ± duration, duration ± duration, duration * / number).
//
// Text is parsed and printed by common/temporal.h; this file gives the
// values Cypher's semantics (Neo4j's, which the TCK encodes). A temporal
// value is handled here as "parts": an optional local date, an optional
// local time of day and an optional zone, which is how the map forms
// select from other temporal values.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>

#include "common/temporal.h"
#include "engine/common/errors.h"
#include "engine/expression/expression_internal.h"

namespace maestro::engine::detail {

namespace {

using I128 = __int128;

// ---- parts of a temporal value ---------------------------------------------

struct Parts {
  std::optional<int64_t> days;   // local date
  std::optional<int64_t> nanos;  // local time of day
  bool zoned = false;
  ZoneSpec zone;             // when zoned: the named zone or the bare offset
  int32_t offset = 0;        // when zoned: the offset in force
};

Parts partsOf(const Value& v) {
  Parts p;
  switch (v.type()) {
    case Value::Type::kDate:
      p.days = v.asDate().days;
      break;
    case Value::Type::kLocalTime:
      p.nanos = v.asLocalTime().nanos;
      break;
    case Value::Type::kTime:
      p.nanos = v.asTime().nanos;
      p.zoned = true;
      p.offset = v.asTime().offset;
      p.zone = {p.offset, {}};
      break;
    case Value::Type::kLocalDateTime: {
      LocalDateTimeValue t = v.asLocalDateTime();
      p.days = floorDiv(t.seconds, kSecondsPerDay);
      p.nanos = floorMod(t.seconds, kSecondsPerDay) * kNanosPerSecond + t.nanos;
      break;
    }
    case Value::Type::kDateTime: {
      const DateTimeValue& t = v.asDateTime();
      int64_t local = t.localSeconds();
      p.days = floorDiv(local, kSecondsPerDay);
      p.nanos = floorMod(local, kSecondsPerDay) * kNanosPerSecond + t.nanos;
      p.zoned = true;
      p.offset = t.offset;
      p.zone = {t.offset, t.zone};
      break;
    }
    default:
      break;
  }
  return p;
}

int64_t localSeconds(int64_t days, int64_t nanos) {
  return days * kSecondsPerDay + nanos / kNanosPerSecond;
}

Value makeDate(int64_t days) { return Value(DateValue{days}); }
Value makeLocalTime(int64_t nanos) { return Value(LocalTimeValue{nanos}); }
Value makeTime(int64_t nanos, int32_t offset) { return Value(TimeValue{nanos, offset}); }
Value makeLocalDateTime(int64_t days, int64_t nanos) {
  return Value(LocalDateTimeValue{localSeconds(days, nanos),
                                  static_cast<int32_t>(nanos % kNanosPerSecond)});
}
Value makeZonedDateTime(int64_t days, int64_t nanos, const ZoneSpec& zone) {
  return Value(makeDateTime(localSeconds(days, nanos),
                            static_cast<int32_t>(nanos % kNanosPerSecond), zone));
}

// ---- construction from maps ------------------------------------------------

enum class Kind { kDate, kLocalTime, kTime, kLocalDateTime, kDateTime };

const char* kindName(Kind k) {
  switch (k) {
    case Kind::kDate: return "date";
    case Kind::kLocalTime: return "localtime";
    case Kind::kTime: return "time";
    case Kind::kLocalDateTime: return "localdatetime";
    case Kind::kDateTime: return "datetime";
  }
  return "temporal";
}

bool hasDate(Kind k) { return k == Kind::kDate || k == Kind::kLocalDateTime || k == Kind::kDateTime; }
bool hasTime(Kind k) { return k != Kind::kDate; }
bool hasZone(Kind k) { return k == Kind::kTime || k == Kind::kDateTime; }

[[noreturn]] void invalid(const std::string& message) {
  throw argumentError("InvalidArgumentValue", message);
}

// The integer fields of a construction map, checked by name.
class Fields {
 public:
  Fields(const ValueMap& map, Kind kind) : map_(map), kind_(kind) {}

  std::optional<int64_t> get(const char* key) const {
    auto it = map_.find(key);
    if (it == map_.end() || it->second.isNull()) return std::nullopt;
    if (!it->second.isInt()) {
      invalid(std::string(kindName(kind_)) + "(): " + key + " must be an integer, not " +
              std::string(it->second.typeName()));
    }
    return it->second.asInt();
  }
  bool has(const char* key) const { return map_.count(key) != 0; }
  const Value* value(const char* key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }

 private:
  const ValueMap& map_;
  Kind kind_;
};

void checkRange(int64_t v, int64_t lo, int64_t hi, const char* what) {
  if (v < lo || v > hi) {
    invalid("Invalid value for " + std::string(what) + ": " + std::to_string(v) +
            " (valid values " + std::to_string(lo) + " - " + std::to_string(hi) + ")");
  }
}

int64_t dayOfQuarterOf(const CivilDate& c) {
  int first_month = (c.month - 1) / 3 * 3 + 1;
  return daysFromCivil(c.year, c.month, c.day) - daysFromCivil(c.year, first_month, 1) + 1;
}

// The date a map describes, relative to `base` (the selected date) when
// there is one: the fields given replace the base's.
int64_t dateFromFields(const Fields& f, std::optional<int64_t> base) {
  std::optional<int64_t> year = f.get("year");
  if (!base && !year) invalid("year must be specified");
  CivilDate bc = base ? civilFromDays(*base) : CivilDate{*year, 1, 1};
  if (f.has("week") || f.has("dayOfWeek")) {
    WeekDate bw = base ? weekDateFromDays(*base) : WeekDate{*year, 1, 1};
    int64_t wy = year.value_or(bw.week_year);
    int64_t week = f.get("week").value_or(bw.week);
    int64_t dow = f.get("dayOfWeek").value_or(bw.day_of_week);
    checkRange(week, 1, weeksInWeekYear(wy), "Week");
    checkRange(dow, 1, 7, "DayOfWeek");
    return firstDayOfWeekYear(wy) + (week - 1) * 7 + (dow - 1);
  }
  if (f.has("ordinalDay")) {
    int64_t y = year.value_or(bc.year);
    int64_t ordinal = *f.get("ordinalDay");
    checkRange(ordinal, 1, isLeapYear(y) ? 366 : 365, "DayOfYear");
    return daysFromCivil(y, 1, 1) + ordinal - 1;
  }
  if (f.has("quarter") || f.has("dayOfQuarter")) {
    int64_t y = year.value_or(bc.year);
    int64_t quarter = f.get("quarter").value_or((bc.month - 1) / 3 + 1);
    int64_t doq = f.get("dayOfQuarter").value_or(base ? dayOfQuarterOf(bc) : 1);
    checkRange(quarter, 1, 4, "QuarterOfYear");
    int month = static_cast<int>(quarter - 1) * 3 + 1;
    int64_t first = daysFromCivil(y, month, 1);
    int64_t length = daysFromCivil(month == 10 ? y + 1 : y, month == 10 ? 1 : month + 3, 1) - first;
    checkRange(doq, 1, length, "DayOfQuarter");
    return first + doq - 1;
  }
  if (!base && !f.has("month") && f.has("day")) invalid("day requires month");
  int64_t y = year.value_or(bc.year);
  int64_t month = f.get("month").value_or(bc.month);
  int64_t day = f.get("day").value_or(bc.day);
  checkRange(month, 1, 12, "MonthOfYear");
  checkRange(day, 1, daysInMonth(y, static_cast<int>(month)), "DayOfMonth");
  return daysFromCivil(y, static_cast<int>(month), static_cast<int>(day));
}

bool hasTimeFields(const Fields& f) {
  for (const char* k : {"hour", "minute", "second", "millisecond", "microsecond", "nanosecond"}) {
    if (f.has(k)) return true;
  }
  return false;
}

bool hasDateFields(const Fields& f) {
  for (const char* k : {"year", "month", "day", "week", "dayOfWeek", "ordinalDay", "quarter",
                        "dayOfQuarter"}) {
    if (f.has(k)) return true;
  }
  return false;
}

// The time of day a map describes, relative to `base` when selected.
int64_t timeFromFields(const Fields& f, std::optional<int64_t> base) {
  int64_t b = base.value_or(0);
  int64_t bsec = b / kNanosPerSecond;
  int64_t hour = f.get("hour").value_or(bsec / 3600);
  int64_t minute = f.get("minute").value_or(bsec / 60 % 60);
  int64_t second = f.get("second").value_or(bsec % 60);
  int64_t sub = b % kNanosPerSecond;
  if (f.has("millisecond") || f.has("microsecond") || f.has("nanosecond")) {
    int64_t ms = f.get("millisecond").value_or(0);
    int64_t us = f.get("microsecond").value_or(0);
    int64_t ns = f.get("nanosecond").value_or(0);
    checkRange(ms, 0, 999, "MilliOfSecond");
    checkRange(us, 0, f.has("millisecond") ? 999 : 999'999, "MicroOfSecond");
    checkRange(ns, 0, f.has("millisecond") || f.has("microsecond") ? 999 : 999'999'999,
               "NanoOfSecond");
    if (!base) {
      sub = ms * 1'000'000 + us * 1000 + ns;
    } else {
      // On a selected time each field replaces its own digits: a
      // nanosecond below 1000 only the nanoseconds of the microsecond.
      if (f.has("millisecond")) sub = ms * 1'000'000 + sub % 1'000'000;
      if (f.has("microsecond")) {
        sub = us < 1000 ? sub / 1'000'000 * 1'000'000 + us * 1000 + sub % 1000
                        : us * 1000 + sub % 1000;
      }
      if (f.has("nanosecond")) sub = ns < 1000 ? sub / 1000 * 1000 + ns : ns;
    }
  }
  if (!base && !f.has("hour") && (f.has("minute") || f.has("second"))) {
    invalid("minute and second require hour");
  }
  checkRange(hour, 0, 23, "HourOfDay");
  checkRange(minute, 0, 59, "MinuteOfHour");
  checkRange(second, 0, 59, "SecondOfMinute");
  return ((hour * 60 + minute) * 60 + second) * kNanosPerSecond + sub;
}

const Value& temporalField(const Fields& f, const char* key, Kind kind) {
  const Value* v = f.value(key);
  if (!v->isTemporal() || v->isDuration()) {
    invalid(std::string(kindName(kind)) + "(): " + key + " must be a temporal value, not " +
            std::string(v->typeName()));
  }
  return *v;
}

Value fromMap(const ValueMap& map, Kind kind) {
  Fields f(map, kind);
  for (const auto& [key, v] : map) {
    static const char* const kKnown[] = {
        "year", "month", "day", "week", "dayOfWeek", "ordinalDay", "quarter", "dayOfQuarter",
        "hour", "minute", "second", "millisecond", "microsecond", "nanosecond", "timezone",
        "date", "time", "datetime", "epochSeconds", "epochMillis"};
    if (std::find_if(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return key == k; }) == std::end(kKnown)) {
      invalid(std::string(kindName(kind)) + "(): unknown field '" + key + "'");
    }
  }
  std::optional<ZoneSpec> tz;
  if (const Value* z = f.value("timezone"); z != nullptr && !z->isNull()) {
    if (!z->isString()) invalid("timezone must be a string");
    tz = parseZone(z->asString());
  }

  // What is selected from other temporal values.
  Parts date_src;
  Parts time_src;
  if (f.has("datetime")) {
    date_src = time_src = partsOf(temporalField(f, "datetime", kind));
  }
  if (f.has("date")) date_src = partsOf(temporalField(f, "date", kind));
  if (f.has("time")) time_src = partsOf(temporalField(f, "time", kind));

  std::optional<int64_t> base_days = date_src.days;
  std::optional<int64_t> base_nanos = time_src.nanos;
  bool zoned = time_src.zoned || (f.has("datetime") && date_src.zoned);
  ZoneSpec zone = time_src.zoned ? time_src.zone : date_src.zone;
  int32_t offset = time_src.zoned ? time_src.offset : date_src.offset;

  if (kind == Kind::kDateTime && (f.has("epochSeconds") || f.has("epochMillis"))) {
    int64_t secs = 0;
    int64_t nanos = 0;
    if (auto ms = f.get("epochMillis")) {
      secs = floorDiv(*ms, 1000);
      nanos = floorMod(*ms, 1000) * 1'000'000;
    } else {
      secs = *f.get("epochSeconds");
    }
    nanos += f.get("nanosecond").value_or(0);
    DateTimeValue t{secs, static_cast<int32_t>(nanos), 0, {}};
    return Value(tz ? withZone(t, *tz) : t);
  }

  // A new zone on a zoned source moves the source to it (the same instant,
  // or for a bare time the same instant of the day); on a local one it is
  // attached.
  bool full_datetime = f.has("datetime") && !f.has("date") && !f.has("time");
  if (tz && zoned && hasZone(kind)) {
    int64_t days = base_days.value_or(0);
    int64_t nanos = base_nanos.value_or(0);
    if (!full_datetime && hasDate(kind) && time_src.zoned && !time_src.zone.name.empty()) {
      // A time taken from a named zone keeps its local time on the new
      // date, so its offset is the zone's on that date.
      days = hasDateFields(f) || !base_days ? dateFromFields(f, base_days) : *base_days;
      offset = zoneOffsetForLocal(time_src.zone.name, localSeconds(days, nanos));
    }
    I128 instant = I128(localSeconds(days, nanos)) - offset;
    int32_t new_offset =
        tz->name.empty() ? tz->offset : zoneOffsetAtUtc(tz->name, static_cast<int64_t>(instant));
    I128 local = instant + new_offset;
    if (base_nanos) {
      base_nanos = static_cast<int64_t>(floorMod(static_cast<int64_t>(local), kSecondsPerDay)) *
                       kNanosPerSecond +
                   *base_nanos % kNanosPerSecond;
    }
    // Only a full date-time carries its date along; a date from elsewhere
    // stays the date it was.
    if (full_datetime && base_days) {
      base_days = floorDiv(static_cast<int64_t>(local), kSecondsPerDay);
    }
    offset = new_offset;
  }
  if (tz) {
    zone = *tz;
    zoned = true;
  }

  int64_t days = 0;
  if (hasDate(kind)) {
    if (base_days && !hasDateFields(f)) {
      days = *base_days;
    } else {
      days = dateFromFields(f, base_days);
    }
  } else if (hasDateFields(f)) {
    invalid(std::string(kindName(kind)) + "(): a time has no date fields");
  }
  int64_t nanos = 0;
  if (hasTime(kind)) {
    nanos = base_nanos && !hasTimeFields(f) ? *base_nanos : timeFromFields(f, base_nanos);
  } else if (hasTimeFields(f)) {
    invalid("date(): a date has no time fields");
  }

  switch (kind) {
    case Kind::kDate:
      return makeDate(days);
    case Kind::kLocalTime:
      return makeLocalTime(nanos);
    case Kind::kLocalDateTime:
      return makeLocalDateTime(days, nanos);
    case Kind::kTime: {
      if (!zoned) return makeTime(nanos, 0);
      int32_t off = zone.name.empty() ? zone.offset : zoneOffsetAtUtc(zone.name, 0);
      if (!tz && time_src.zoned) off = offset;
      return makeTime(nanos, off);
    }
    case Kind::kDateTime:
      if (!zoned) return makeZonedDateTime(days, nanos, ZoneSpec{});
      if (zone.name.empty() && !tz) zone.offset = offset;
      return makeZonedDateTime(days, nanos, zone);
  }
  return Value();
}

// ---- the constructor functions ---------------------------------------------

// Selecting a kind from another temporal value, as the map form {date: x}
// or {time: x} or {datetime: x} would.
Value fromTemporal(const Value& v, Kind kind) {
  ValueMap m;
  switch (kind) {
    case Kind::kDate:
      m.emplace("date", v);
      break;
    case Kind::kLocalTime:
    case Kind::kTime:
      m.emplace("time", v);
      break;
    case Kind::kLocalDateTime:
    case Kind::kDateTime:
      m.emplace("datetime", v);
      break;
  }
  Parts p = partsOf(v);
  if (hasDate(kind) && !p.days) invalid(std::string(kindName(kind)) + "(): no date in " + std::string(v.typeName()));
  if (kind != Kind::kDate && hasDate(kind) && !p.nanos) {
    m.clear();
    m.emplace("date", v);
  }
  if (hasTime(kind) && !hasDate(kind) && !p.nanos) {
    invalid(std::string(kindName(kind)) + "(): no time in " + std::string(v.typeName()));
  }
  return fromMap(m, kind);
}

Value parseText(const std::string& s, Kind kind) {
  switch (kind) {
    case Kind::kDate:
      return Value(parseDate(s));
    case Kind::kLocalTime:
      return Value(parseLocalTime(s));
    case Kind::kTime:
      return Value(parseTime(s));
    case Kind::kLocalDateTime:
      return Value(parseLocalDateTime(s));
    case Kind::kDateTime:
      return Value(parseDateTime(s));
  }
  return Value();
}

// statement: the statement's fixed instant; otherwise the clock now
// (X.realtime()).
Value now(Kind kind, EvalContext& ctx, bool statement = true) {
  auto since = std::chrono::system_clock::now().time_since_epoch();
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since).count();
  if (statement) {
    if (!ctx.statement_time) ctx.statement_time = ns;
    ns = *ctx.statement_time;
  }
  int64_t secs = floorDiv(ns, kNanosPerSecond);
  DateTimeValue t{secs, static_cast<int32_t>(floorMod(ns, kNanosPerSecond)), 0, {}};
  ValueMap m{{"datetime", Value(t)}};
  return fromMap(m, kind);
}

Value construct(std::span<const Value> args, Kind kind, EvalContext& ctx, bool statement = true) {
  if (args.empty()) return now(kind, ctx, statement);
  const Value& a = args[0];
  if (a.isNull()) return Value();
  if (a.isString()) return parseText(a.asString(), kind);
  if (a.isMap()) {
    // {timezone: 'X'} alone is "now in X".
    if (a.asMap().size() == 1 && a.asMap().count("timezone") != 0) {
      ValueMap m{{"datetime", now(Kind::kDateTime, ctx, statement)},
                 {"timezone", a.asMap().at("timezone")}};
      return fromMap(m, kind);
    }
    return fromMap(a.asMap(), kind);
  }
  if (a.isTemporal() && !a.isDuration()) return fromTemporal(a, kind);
  throwArgumentType(kindName(kind), "a string, map or temporal value", a);
}

// ---- truncation --------------------------------------------------------------

// Truncates local (days, nanos) to `unit`; unit names as Neo4j's.
void truncateParts(const std::string& unit, int64_t& days, int64_t& nanos, bool has_date) {
  auto dateUnit = [&](int64_t d) {
    if (!has_date) invalid("cannot truncate a time to " + unit);
    days = d;
    nanos = 0;
  };
  CivilDate c = civilFromDays(days);
  if (unit == "millennium") {
    dateUnit(daysFromCivil(floorDiv(c.year, 1000) * 1000, 1, 1));
  } else if (unit == "century") {
    dateUnit(daysFromCivil(floorDiv(c.year, 100) * 100, 1, 1));
  } else if (unit == "decade") {
    dateUnit(daysFromCivil(floorDiv(c.year, 10) * 10, 1, 1));
  } else if (unit == "year") {
    dateUnit(daysFromCivil(c.year, 1, 1));
  } else if (unit == "weekYear") {
    dateUnit(firstDayOfWeekYear(weekDateFromDays(days).week_year));
  } else if (unit == "quarter") {
    dateUnit(daysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1));
  } else if (unit == "month") {
    dateUnit(daysFromCivil(c.year, c.month, 1));
  } else if (unit == "week") {
    dateUnit(days - (isoDayOfWeek(days) - 1));
  } else if (unit == "day") {
    nanos = 0;
  } else if (unit == "hour") {
    nanos -= nanos % (3600 * kNanosPerSecond);
  } else if (unit == "minute") {
    nanos -= nanos % (60 * kNanosPerSecond);
  } else if (unit == "second") {
    nanos -= nanos % kNanosPerSecond;
  } else if (unit == "millisecond") {
    nanos -= nanos % 1'000'000;
  } else if (unit == "microsecond") {
    nanos -= nanos % 1000;
  } else {
    invalid("unknown truncation unit '" + unit + "'");
  }
}

Value truncate(std::span<const Value> args, Kind kind) {
  const std::string fn = std::string(kindName(kind)) + ".truncate";
  if (args[0].isNull() || args[1].isNull()) return Value();
  if (!args[0].isString()) throwArgumentType(fn, "a unit string", args[0]);
  const Value& v = args[1];
  if (!v.isTemporal() || v.isDuration()) throwArgumentType(fn, "a temporal value", v);
  Parts p = partsOf(v);
  if (hasDate(kind) && !p.days) invalid(fn + "(): no date in " + std::string(v.typeName()));
  int64_t days = p.days.value_or(0);
  int64_t nanos = p.nanos.value_or(0);
  truncateParts(args[0].asString(), days, nanos, p.days.has_value());
  // The truncated value is the selection; the map (if any) adjusts it.
  ValueMap m;
  if (args.size() > 2 && !args[2].isNull()) {
    if (!args[2].isMap()) throwArgumentType(fn, "a map", args[2]);
    m = args[2].asMap();
  }
  Value selected;
  // A timezone in the map is attached to the truncated local value.
  if (m.count("timezone") != 0) p.zoned = false;
  if (p.zoned && p.days) {
    selected = makeZonedDateTime(days, nanos, p.zone);
  } else if (p.zoned) {
    selected = makeTime(nanos, p.offset);
  } else if (p.days && p.nanos) {
    selected = makeLocalDateTime(days, nanos);
  } else if (p.days) {
    selected = makeLocalDateTime(days, 0);
  } else {
    selected = makeLocalTime(nanos);
  }
  if (hasDate(kind)) {
    m.emplace("datetime", selected);
    if (!hasTime(kind)) {
      m.erase("datetime");
      m.emplace("date", selected);
    }
  } else {
    m.emplace("time", selected);
  }
  return fromMap(m, kind);
}

// ---- durations ---------------------------------------------------------------

// A number as whole part and nanos of fraction, both with its sign.
std::pair<int64_t, int64_t> splitNumber(const Value& v, const char* key) {
  if (v.isInt()) return {v.asInt(), 0};
  if (!v.isFloat() || !std::isfinite(v.asFloat())) {
    invalid(std::string("duration(): ") + key + " must be a number, not " +
            std::string(v.typeName()));
  }
  double d = v.asFloat();
  double whole = std::trunc(d);
  if (std::fabs(whole) > 9.2e18) invalid("duration(): " + std::string(key) + " out of range");
  return {static_cast<int64_t>(whole), static_cast<int64_t>(std::llround((d - whole) * 1e9))};
}

Value durationFromMap(const ValueMap& map) {
  using U = DurationBuilder::Unit;
  static const std::pair<const char*, U> kUnits[] = {
      {"years", U::kYears},       {"months", U::kMonths},
      {"weeks", U::kWeeks},       {"days", U::kDays},
      {"hours", U::kHours},       {"minutes", U::kMinutes},
      {"seconds", U::kSeconds},   {"milliseconds", U::kMilliseconds},
      {"microseconds", U::kMicroseconds}, {"nanoseconds", U::kNanoseconds}};
  DurationBuilder b;
  for (const auto& [key, v] : map) {
    auto it = std::find_if(std::begin(kUnits), std::end(kUnits),
                           [&](const auto& u) { return key == u.first; });
    if (it == std::end(kUnits)) invalid("duration(): unknown field '" + key + "'");
    if (v.isNull()) continue;
    auto [whole, frac] = splitNumber(v, it->first);
    b.add(it->second, whole, frac);
  }
  return Value(b.build());
}

Value durationFn(std::span<const Value> args) {
  const Value& a = args[0];
  if (a.isNull()) return Value();
  if (a.isString()) return Value(parseDuration(a.asString()));
  if (a.isMap()) return durationFromMap(a.asMap());
  if (a.isDuration()) return a;
  throwArgumentType("duration", "a string or map", a);
}

// Java's LocalDateTime.until for months and days: whole units, a partial
// last day not counted (hence the end date moved by one when the times
// would make it so).
struct LocalPoint {
  int64_t days;
  int64_t nanos;
};

int64_t adjustedEndDate(const LocalPoint& a, const LocalPoint& b) {
  int64_t end = b.days;
  if (end > a.days && b.nanos < a.nanos) --end;
  if (end < a.days && b.nanos > a.nanos) ++end;
  return end;
}

int64_t monthsUntil(const LocalPoint& a, const LocalPoint& b) {
  CivilDate x = civilFromDays(a.days);
  CivilDate y = civilFromDays(adjustedEndDate(a, b));
  int64_t p1 = (x.year * 12 + x.month - 1) * 32 + x.day;
  int64_t p2 = (y.year * 12 + y.month - 1) * 32 + y.day;
  return (p2 - p1) / 32;
}

int64_t plusMonths(int64_t days, int64_t months) {
  CivilDate c = civilFromDays(days);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t year = floorDiv(total, 12);
  int month = static_cast<int>(floorMod(total, 12)) + 1;
  int day = std::min(c.day, daysInMonth(year, month));
  return daysFromCivil(year, month, day);
}

I128 totalNanos(const LocalPoint& p) { return I128(p.days) * kNanosPerDay + p.nanos; }

Value durationOfNanos(int64_t months, int64_t days, I128 nanos) {
  I128 secs = nanos / kNanosPerSecond;
  if (secs > INT64_MAX || secs < INT64_MIN) invalid("duration out of range");
  return Value(DurationValue::of(months, days, static_cast<int64_t>(secs),
                                 static_cast<int64_t>(nanos % kNanosPerSecond)));
}

enum class Between { kAll, kMonths, kDays, kSeconds };

// duration.between and its in* variants, with Neo4j's rules for mixed
// kinds: dates count only when both sides have one (a missing time is
// midnight), zones only when both sides have one (then the second is seen
// in the first's zone).
Value between(const Value& from, const Value& to, Between what, const char* fn) {
  if (from.isNull() || to.isNull()) return Value();
  for (const Value* v : {&from, &to}) {
    if (!v->isTemporal() || v->isDuration()) throwArgumentType(fn, "a temporal value", *v);
  }
  Parts a = partsOf(from);
  Parts b = partsOf(to);
  // A side without a date takes the other's; a side without a zone is
  // read in the other's zone.
  if (!a.days) a.days = b.days;
  if (!b.days) b.days = a.days;
  if (a.zoned != b.zoned) {
    Parts& local = a.zoned ? b : a;
    const Parts& zoned_side = a.zoned ? a : b;
    local.zoned = true;
    local.zone = zoned_side.zone;
    local.offset = zoned_side.zone.name.empty() || !local.days
                       ? zoned_side.offset
                       : zoneOffsetForLocal(zoned_side.zone.name,
                                            localSeconds(*local.days, local.nanos.value_or(0)));
  }
  bool dated = a.days && b.days;
  bool zoned = a.zoned && b.zoned;
  LocalPoint pa{a.days.value_or(0), a.nanos.value_or(0)};
  LocalPoint pb{b.days.value_or(0), b.nanos.value_or(0)};
  // Where `to` is: an instant when both are zoned, else a local point.
  const I128 to_instant = totalNanos(pb) - (zoned ? I128(b.offset) * kNanosPerSecond : 0);
  if (zoned) {
    // Move `to` into from's zone.
    I128 instant = totalNanos(pb) - I128(b.offset) * kNanosPerSecond;
    int32_t off = a.offset;
    if (dated && !a.zone.name.empty()) {
      off = zoneOffsetAtUtc(a.zone.name, static_cast<int64_t>(instant / kNanosPerSecond));
    }
    I128 local = instant + I128(off) * kNanosPerSecond;
    if (dated) {
      pb.days = static_cast<int64_t>(local / kNanosPerDay);
      if (local % kNanosPerDay < 0) --pb.days;
      pb.nanos = static_cast<int64_t>(local - I128(pb.days) * kNanosPerDay);
    } else {
      pb.nanos = static_cast<int64_t>(local);
    }
  }
  if (!dated) {
    if (what == Between::kMonths || what == Between::kDays) return Value(DurationValue{});
    return durationOfNanos(0, 0, I128(pb.nanos) - pa.nanos);
  }
  // The instant of a local point of `from` (its zone may change offset).
  auto instantOf = [&](const LocalPoint& p) {
    I128 n = totalNanos(p);
    if (!zoned) return n;
    int32_t off = a.zone.name.empty()
                      ? a.offset
                      : zoneOffsetForLocal(a.zone.name, static_cast<int64_t>(n / kNanosPerSecond));
    return n - I128(off) * kNanosPerSecond;
  };
  switch (what) {
    case Between::kMonths:
      return Value(DurationValue{monthsUntil(pa, pb), 0, 0, 0});
    case Between::kDays:
      return Value(DurationValue{0, adjustedEndDate(pa, pb) - pa.days, 0, 0});
    case Between::kSeconds:
      return durationOfNanos(0, 0, to_instant - instantOf(pa));
    case Between::kAll:
      break;
  }
  int64_t months = monthsUntil(pa, pb);
  pa.days = plusMonths(pa.days, months);
  int64_t days = adjustedEndDate(pa, pb) - pa.days;
  pa.days += days;
  return durationOfNanos(months, days, to_instant - instantOf(pa));
}

// ---- arithmetic ----------------------------------------------------------

DurationValue negated(const DurationValue& d) {
  return DurationValue::of(-d.months, -d.days, -d.seconds, -int64_t{d.nanos});
}

// Neo4j's DurationValue.addTo: months (the day clamped to the month's
// length), then days, then seconds and nanoseconds — each where the value
// has such a field (a date takes whole days of the seconds).
Value plusDuration(const Value& t, const DurationValue& d) {
  Parts p = partsOf(t);
  int64_t days = p.days.value_or(0);
  if (p.days) days = plusMonths(days, d.months) + d.days;
  I128 time_nanos = I128(d.seconds) * kNanosPerSecond + d.nanos;
  switch (t.type()) {
    case Value::Type::kDate:
      return makeDate(days + d.seconds / kSecondsPerDay);
    case Value::Type::kLocalTime:
    case Value::Type::kTime: {
      auto n = static_cast<int64_t>((I128(*p.nanos) + time_nanos % kNanosPerDay + kNanosPerDay) %
                                    kNanosPerDay);
      return t.isTime() ? makeTime(n, p.offset) : makeLocalTime(n);
    }
    case Value::Type::kLocalDateTime: {
      I128 total = I128(days) * kNanosPerDay + *p.nanos + time_nanos;
      I128 q = total / kNanosPerDay;
      if (total % kNanosPerDay < 0) --q;
      return makeLocalDateTime(static_cast<int64_t>(q),
                               static_cast<int64_t>(total - q * kNanosPerDay));
    }
    default: {  // kDateTime: the date part in local time, the rest on the instant
      Value moved = makeZonedDateTime(days, *p.nanos, p.zone.name.empty()
                                                          ? ZoneSpec{p.offset, {}}
                                                          : p.zone);
      const DateTimeValue& m = moved.asDateTime();
      I128 instant = I128(m.seconds) * kNanosPerSecond + m.nanos + time_nanos;
      I128 secs = instant / kNanosPerSecond;
      I128 nanos = instant % kNanosPerSecond;
      if (nanos < 0) {
        nanos += kNanosPerSecond;
        --secs;
      }
      DateTimeValue r{static_cast<int64_t>(secs), static_cast<int32_t>(nanos), m.offset, {}};
      return Value(withZone(r, p.zone.name.empty() ? ZoneSpec{p.offset, {}} : p.zone));
    }
  }
}

DurationValue addDurations(const DurationValue& a, const DurationValue& b) {
  int64_t months, days, seconds;
  if (__builtin_add_overflow(a.months, b.months, &months) ||
      __builtin_add_overflow(a.days, b.days, &days) ||
      __builtin_add_overflow(a.seconds, b.seconds, &seconds)) {
    invalid("duration arithmetic overflows");
  }
  return DurationValue::of(months, days, seconds, int64_t{a.nanos} + b.nanos);
}

// Each component times the factor, fractions cascading down as duration()
// does with fractional fields.
DurationValue scaleDuration(const DurationValue& d, long double factor) {
  using U = DurationBuilder::Unit;
  DurationBuilder b;
  auto add = [&b](U unit, long double v) {
    if (!std::isfinite(static_cast<double>(v)) || std::fabs(static_cast<double>(v)) > 9.2e18) {
      invalid("duration arithmetic overflows");
    }
    long double whole = std::trunc(v);
    b.add(unit, static_cast<int64_t>(whole), static_cast<int64_t>(std::llround((v - whole) * 1e9L)));
  };
  add(U::kMonths, static_cast<long double>(d.months) * factor);
  add(U::kDays, static_cast<long double>(d.days) * factor);
  add(U::kNanoseconds,
      (static_cast<long double>(d.seconds) * 1e9L + static_cast<long double>(d.nanos)) * factor);
  return b.build();
}

// ---- component access ------------------------------------------------------

std::optional<Value> durationField(const DurationValue& d, const std::string& key) {
  int64_t ns = d.nanos;
  if (key == "years") return Value(d.months / 12);
  if (key == "quarters") return Value(d.months / 3);
  if (key == "months") return Value(d.months);
  if (key == "weeks") return Value(d.days / 7);
  if (key == "days") return Value(d.days);
  if (key == "hours") return Value(d.seconds / 3600);
  if (key == "minutes") return Value(d.seconds / 60);
  if (key == "seconds") return Value(d.seconds);
  if (key == "milliseconds") return Value(d.seconds * 1000 + ns / 1'000'000);
  if (key == "microseconds") return Value(d.seconds * 1'000'000 + ns / 1000);
  if (key == "nanoseconds") return Value(d.seconds * kNanosPerSecond + ns);
  if (key == "quartersOfYear") return Value(d.months % 12 / 3);
  if (key == "monthsOfQuarter") return Value(d.months % 3);
  if (key == "monthsOfYear") return Value(d.months % 12);
  if (key == "daysOfWeek") return Value(d.days % 7);
  if (key == "minutesOfHour") return Value(d.seconds / 60 % 60);
  if (key == "secondsOfMinute") return Value(d.seconds % 60);
  if (key == "millisecondsOfSecond") return Value(ns / 1'000'000);
  if (key == "microsecondsOfSecond") return Value(ns / 1000);
  if (key == "nanosecondsOfSecond") return Value(ns);
  return std::nullopt;
}

std::optional<Value> dateField(int64_t days, const std::string& key) {
  CivilDate c = civilFromDays(days);
  if (key == "year") return Value(c.year);
  if (key == "quarter") return Value(int64_t{(c.month - 1) / 3 + 1});
  if (key == "month") return Value(int64_t{c.month});
  if (key == "week") return Value(int64_t{weekDateFromDays(days).week});
  if (key == "weekYear") return Value(weekDateFromDays(days).week_year);
  if (key == "day") return Value(int64_t{c.day});
  if (key == "ordinalDay") return Value(days - daysFromCivil(c.year, 1, 1) + 1);
  if (key == "weekDay" || key == "dayOfWeek") return Value(int64_t{isoDayOfWeek(days)});
  if (key == "dayOfQuarter") return Value(dayOfQuarterOf(c));
  return std::nullopt;
}

std::optional<Value> timeField(int64_t nanos, const std::string& key) {
  int64_t secs = nanos / kNanosPerSecond;
  int64_t sub = nanos % kNanosPerSecond;
  if (key == "hour") return Value(secs / 3600);
  if (key == "minute") return Value(secs / 60 % 60);
  if (key == "second") return Value(secs % 60);
  if (key == "millisecond") return Value(sub / 1'000'000);
  if (key == "microsecond") return Value(sub / 1000);
  if (key == "nanosecond") return Value(sub);
  return std::nullopt;
}

std::optional<Value> zoneField(const Parts& p, const std::string& key) {
  if (key == "timezone") {
    return Value(p.zone.name.empty() ? formatOffset(p.offset) : p.zone.name);
  }
  if (key == "offset") {
    // The offset as text: "+00:00" rather than "Z" here.
    return Value(p.offset == 0 ? std::string("+00:00") : formatOffset(p.offset));
  }
  if (key == "offsetMinutes") return Value(int64_t{p.offset / 60});
  if (key == "offsetSeconds") return Value(int64_t{p.offset});
  return std::nullopt;
}

// ---- registration --------------------------------------------------------

FunctionDef fn(const char* name, int min_args, int max_args,
               std::function<Value(std::span<const Value>, EvalContext&)> impl) {
  FunctionDef f{name, min_args, max_args};
  f.impl = std::move(impl);
  return f;
}

}  // namespace

std::optional<Value> temporalProperty(const Value& v, const std::string& key) {
  if (v.isDuration()) return durationField(v.asDuration(), key);
  Parts p = partsOf(v);
  if (p.days) {
    if (auto r = dateField(*p.days, key)) return r;
  }
  if (p.nanos) {
    if (auto r = timeField(*p.nanos, key)) return r;
  }
  if (p.zoned) {
    if (auto r = zoneField(p, key)) return r;
  }
  if (v.isDateTime() || v.isLocalDateTime()) {
    int64_t local = localSeconds(*p.days, *p.nanos);
    int64_t secs = v.isDateTime() ? v.asDateTime().seconds : local;
    int64_t nanos = *p.nanos % kNanosPerSecond;
    if (key == "epochSeconds" && v.isDateTime()) return Value(secs);
    if (key == "epochMillis" && v.isDateTime()) return Value(secs * 1000 + nanos / 1'000'000);
  }
  return std::nullopt;
}

std::optional<Value> temporalArithmetic(char op, const Value& a, const Value& b) {
  bool ta = a.isTemporal();
  bool tb = b.isTemporal();
  if (!ta && !tb) return std::nullopt;
  switch (op) {
    case '+':
      if (a.isDuration() && b.isDuration()) {
        return Value(addDurations(a.asDuration(), b.asDuration()));
      }
      if (ta && b.isDuration()) return plusDuration(a, b.asDuration());
      if (a.isDuration() && tb) return plusDuration(b, a.asDuration());
      return std::nullopt;
    case '-':
      if (a.isDuration() && b.isDuration()) {
        return Value(addDurations(a.asDuration(), negated(b.asDuration())));
      }
      if (ta && b.isDuration()) return plusDuration(a, negated(b.asDuration()));
      return std::nullopt;
    case '*':
      if (a.isDuration() && b.isNumber()) {
        return Value(scaleDuration(a.asDuration(), static_cast<long double>(b.asNumber())));
      }
      if (a.isNumber() && b.isDuration()) {
        return Value(scaleDuration(b.asDuration(), static_cast<long double>(a.asNumber())));
      }
      return std::nullopt;
    case '/':
      if (a.isDuration() && b.isNumber()) {
        if (b.asNumber() == 0) throw argumentError("InvalidArgumentValue", "/ by zero");
        return Value(scaleDuration(a.asDuration(), 1.0L / static_cast<long double>(b.asNumber())));
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

void addTemporalFunctions(std::vector<FunctionDef>& out) {
  for (Kind kind : {Kind::kDate, Kind::kLocalTime, Kind::kTime, Kind::kLocalDateTime,
                    Kind::kDateTime}) {
    // Without an argument they read the clock: the statement's instant
    // (X(), X.transaction(), X.statement()) or the real one (X.realtime()).
    for (const char* suffix : {"", ".transaction", ".statement", ".realtime"}) {
      bool statement = std::string_view(suffix) != ".realtime";
      FunctionDef ctor = fn((std::string(kindName(kind)) + suffix).c_str(), 0, 1,
                            [kind, statement](std::span<const Value> args, EvalContext& ctx) {
                              return construct(args, kind, ctx, statement);
                            });
      ctor.deterministic = false;
      out.push_back(std::move(ctor));
    }
    out.push_back(fn((std::string(kindName(kind)) + ".truncate").c_str(), 2, 3,
                     [kind](std::span<const Value> args, EvalContext&) {
                       return truncate(args, kind);
                     }));
  }
  out.push_back(fn("datetime.fromepoch", 2, 2, [](std::span<const Value> args, EvalContext&) {
    if (args[0].isNull() || args[1].isNull()) return Value();
    if (!args[0].isInt() || !args[1].isInt()) {
      throwArgumentType("datetime.fromepoch", "integers", args[0].isInt() ? args[1] : args[0]);
    }
    return fromMap(ValueMap{{"epochSeconds", args[0]}, {"nanosecond", args[1]}}, Kind::kDateTime);
  }));
  out.push_back(fn("datetime.fromepochmillis", 1, 1, [](std::span<const Value> args, EvalContext&) {
    if (args[0].isNull()) return Value();
    if (!args[0].isInt()) throwArgumentType("datetime.fromepochmillis", "an integer", args[0]);
    return fromMap(ValueMap{{"epochMillis", args[0]}}, Kind::kDateTime);
  }));
  out.push_back(fn("duration", 1, 1, [](std::span<const Value> args, EvalContext&) {
    return durationFn(args);
  }));
  const std::pair<const char*, Between> kBetween[] = {{"duration.between", Between::kAll},
                                                     {"duration.inMonths", Between::kMonths},
                                                     {"duration.inDays", Between::kDays},
                                                     {"duration.inSeconds", Between::kSeconds}};
  for (const auto& [name, what] : kBetween) {
    std::string n = name;
    Between w = what;
    out.push_back(fn(name, 2, 2, [n, w](std::span<const Value> args, EvalContext&) {
      return between(args[0], args[1], w, n.c_str());
    }));
  }
}

}  // namespace maestro::engine::detail
