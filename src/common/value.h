// maestro::Value — a Cypher value.
//
// Null, boolean, 64-bit integer, double, string, list, map, node,
// relationship, path and the temporal kinds (date, local time, time, local
// date-time, date-time, duration; see common/temporal.h). Node and relationship values carry only the
// entity's internal id; their labels, type and properties live in the graph
// (engine/graph) and are looked up there. Strings, lists, maps and paths are
// immutable and shared (so are date-times and durations; the other temporal
// kinds are held inline), so copying a Value is cheap (at most one atomic
// increment). Thread-safe to share once built.
//
// Cypher's semantics over values live beside the type (value_ops below):
// equality with three-valued logic, comparison, the global sort order of
// ORDER BY, equivalence and hashing for DISTINCT and grouping.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/temporal.h"

namespace maestro {

class Value;
using ValueList = std::vector<Value>;
// Keys ordered so that output is deterministic; Cypher maps are unordered.
using ValueMap = std::map<std::string, Value, std::less<>>;

// A path alternates nodes and relationships: nodes.size() == rels.size() + 1.
// Relationship direction is read from the graph (each rel knows its start).
struct PathValue {
  std::vector<uint64_t> nodes;
  std::vector<uint64_t> rels;
};

struct NodeRef {
  uint64_t id;
  bool operator==(const NodeRef&) const = default;
};
struct RelRef {
  uint64_t id;
  bool operator==(const RelRef&) const = default;
};

class Value {
 public:
  enum class Type : uint8_t {
    kNull,
    kBool,
    kInt,
    kFloat,
    kString,
    kList,
    kMap,
    kNode,
    kRel,
    kPath,
    kDate,
    kLocalTime,
    kTime,
    kLocalDateTime,
    kDateTime,
    kDuration,
  };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool v) : v_(v) {}
  Value(int v) : v_(static_cast<int64_t>(v)) {}
  Value(int64_t v) : v_(v) {}
  Value(double v) : v_(v) {}
  Value(const char* v) : v_(std::make_shared<const std::string>(v)) {}
  Value(std::string v) : v_(std::make_shared<const std::string>(std::move(v))) {}
  Value(std::string_view v) : v_(std::make_shared<const std::string>(v)) {}
  Value(ValueList v) : v_(std::make_shared<const ValueList>(std::move(v))) {}
  Value(ValueMap v) : v_(std::make_shared<const ValueMap>(std::move(v))) {}
  Value(NodeRef v) : v_(v) {}
  Value(RelRef v) : v_(v) {}
  Value(PathValue v) : v_(std::make_shared<const PathValue>(std::move(v))) {}
  Value(DateValue v) : v_(v) {}
  Value(LocalTimeValue v) : v_(v) {}
  Value(TimeValue v) : v_(v) {}
  Value(LocalDateTimeValue v) : v_(v) {}
  Value(DateTimeValue v) : v_(std::make_shared<const DateTimeValue>(std::move(v))) {}
  Value(DurationValue v) : v_(std::make_shared<const DurationValue>(v)) {}

  static Value node(uint64_t id) { return Value(NodeRef{id}); }
  static Value rel(uint64_t id) { return Value(RelRef{id}); }

  Type type() const { return static_cast<Type>(v_.index()); }
  bool isNull() const { return type() == Type::kNull; }
  bool isBool() const { return type() == Type::kBool; }
  bool isInt() const { return type() == Type::kInt; }
  bool isFloat() const { return type() == Type::kFloat; }
  bool isNumber() const { return isInt() || isFloat(); }
  bool isString() const { return type() == Type::kString; }
  bool isList() const { return type() == Type::kList; }
  bool isMap() const { return type() == Type::kMap; }
  bool isNode() const { return type() == Type::kNode; }
  bool isRel() const { return type() == Type::kRel; }
  bool isPath() const { return type() == Type::kPath; }
  bool isDate() const { return type() == Type::kDate; }
  bool isLocalTime() const { return type() == Type::kLocalTime; }
  bool isTime() const { return type() == Type::kTime; }
  bool isLocalDateTime() const { return type() == Type::kLocalDateTime; }
  bool isDateTime() const { return type() == Type::kDateTime; }
  bool isDuration() const { return type() == Type::kDuration; }
  // Date, LocalTime, Time, LocalDateTime, DateTime or Duration.
  bool isTemporal() const { return type() >= Type::kDate; }

  // Accessors assume the type (checked with an assert in debug builds only:
  // callers test the type first; user input never reaches these unchecked).
  bool asBool() const { return std::get<bool>(v_); }
  int64_t asInt() const { return std::get<int64_t>(v_); }
  double asFloat() const { return std::get<double>(v_); }
  // Int or float as double.
  double asNumber() const { return isInt() ? static_cast<double>(asInt()) : asFloat(); }
  const std::string& asString() const { return *std::get<StringPtr>(v_); }
  const ValueList& asList() const { return *std::get<ListPtr>(v_); }
  const ValueMap& asMap() const { return *std::get<MapPtr>(v_); }
  uint64_t nodeId() const { return std::get<NodeRef>(v_).id; }
  uint64_t relId() const { return std::get<RelRef>(v_).id; }
  const PathValue& asPath() const { return *std::get<PathPtr>(v_); }
  DateValue asDate() const { return std::get<DateValue>(v_); }
  LocalTimeValue asLocalTime() const { return std::get<LocalTimeValue>(v_); }
  TimeValue asTime() const { return std::get<TimeValue>(v_); }
  LocalDateTimeValue asLocalDateTime() const { return std::get<LocalDateTimeValue>(v_); }
  const DateTimeValue& asDateTime() const { return *std::get<DateTimePtr>(v_); }
  const DurationValue& asDuration() const { return *std::get<DurationPtr>(v_); }

  // "NULL", "BOOLEAN", "INTEGER", "FLOAT", "STRING", "LIST", "MAP", "NODE",
  // "RELATIONSHIP", "PATH", "DATE", "LOCAL TIME", "TIME", "LOCAL DATETIME",
  // "DATETIME", "DURATION" — as Cypher names them in type errors.
  std::string_view typeName() const;

 private:
  using StringPtr = std::shared_ptr<const std::string>;
  using ListPtr = std::shared_ptr<const ValueList>;
  using MapPtr = std::shared_ptr<const ValueMap>;
  using PathPtr = std::shared_ptr<const PathValue>;
  using DateTimePtr = std::shared_ptr<const DateTimeValue>;
  using DurationPtr = std::shared_ptr<const DurationValue>;
  // The order of alternatives is the order of Type. Inline alternatives are
  // at most 16 bytes, keeping a Value at 24.
  std::variant<std::monostate, bool, int64_t, double, StringPtr, ListPtr, MapPtr, NodeRef, RelRef,
               PathPtr, DateValue, LocalTimeValue, TimeValue, LocalDateTimeValue, DateTimePtr,
               DurationPtr>
      v_;
};

// ---- Cypher semantics over values ------------------------------------------

// `a = b` with three-valued logic: nullopt means null (unknown). Numbers
// compare by value across int/float (1 = 1.0); NaN equals nothing; lists and
// maps compare element-wise and are null when an element comparison is null
// and no other element decides false; nodes/relationships by id; paths by
// their sequence of ids; temporal values of one kind by value (times and
// date-times by the instant, durations component by component after
// normalisation). Values of different kinds are unequal (false).
std::optional<bool> cypherEquals(const Value& a, const Value& b);

// `a < b` and friends: the sign of the comparison, or nullopt (null) when
// the values are not comparable (different kinds, null, NaN involved,
// nodes, maps …). Strings compare by Unicode code point (UTF-8 bytes),
// booleans false < true, lists lexicographically, temporal values within
// their kind (times and date-times by instant; durations have no order).
std::optional<int> cypherCompare(const Value& a, const Value& b);

// What `<`, `<=`, `>` and `>=` need beyond cypherCompare: openCypher makes
// every ordering comparison involving NaN false (not null), so "no order"
// and "unknown" must be told apart. kUnordered: both sides comparable
// kinds but no order holds (NaN, also inside lists); kNull: the result is
// null (null operand, different kinds, incomparable kinds).
enum class Ordering : int8_t { kLess, kEqual, kGreater, kUnordered, kNull };
Ordering cypherOrdering(const Value& a, const Value& b);

// The total order of ORDER BY: maps < nodes < relationships < lists < paths
// < date-times < local date-times < dates < times < local times < durations
// < strings < booleans < numbers (NaN after all other numbers) < null (the
// openCypher CIP on comparability and orderability). Inside a kind, the
// natural order; date-times and times by instant, then offset; durations
// by months, days, seconds, nanos. Returns <0, 0, >0.
int orderCompare(const Value& a, const Value& b);

// Equivalence for DISTINCT, grouping keys and UNION: like equality, but
// null is equivalent to null, NaN to NaN, and 1 to 1.0.
bool equivalent(const Value& a, const Value& b);
// Hash consistent with `equivalent` (1 and 1.0 hash the same).
size_t hashValue(const Value& v);

struct ValueHash {
  size_t operator()(const Value& v) const { return hashValue(v); }
};
struct ValueEquivalent {
  bool operator()(const Value& a, const Value& b) const { return equivalent(a, b); }
};

// Cypher-literal-like rendering without graph access: 1, 1.5, 'text',
// [1, 2], {a: 1}, null, true; nodes as (#12), relationships as [#7], paths
// as <(#1)-[#7]-(#2)>; temporal values as their ISO-8601 string
// ('2015-07-21', 'P1Y2M'). Floats always show a decimal point or exponent
// (1.0, 1e+20, NaN, Infinity). Used in messages and as a fallback.
std::string toDebugString(const Value& v);

// The ISO-8601 text of a temporal value (what toString() gives in Cypher);
// v.isTemporal() must hold.
std::string temporalToString(const Value& v);

}  // namespace maestro
