#include "common/value.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace maestro {

std::string_view Value::typeName() const {
  switch (type()) {
    case Type::kNull:
      return "NULL";
    case Type::kBool:
      return "BOOLEAN";
    case Type::kInt:
      return "INTEGER";
    case Type::kFloat:
      return "FLOAT";
    case Type::kString:
      return "STRING";
    case Type::kList:
      return "LIST";
    case Type::kMap:
      return "MAP";
    case Type::kNode:
      return "NODE";
    case Type::kRel:
      return "RELATIONSHIP";
    case Type::kPath:
      return "PATH";
    case Type::kDate:
      return "DATE";
    case Type::kLocalTime:
      return "LOCAL TIME";
    case Type::kTime:
      return "TIME";
    case Type::kLocalDateTime:
      return "LOCAL DATETIME";
    case Type::kDateTime:
      return "DATETIME";
    case Type::kDuration:
      return "DURATION";
  }
  return "NULL";
}

namespace {

// 2^63 as a double: the first double above every int64.
constexpr double kTwoPow63 = 9223372036854775808.0;

template <typename T>
int sign3(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Exact comparison of an integer with a (non-NaN) double: converting the
// integer to double would make 2^53 + 1 equal to 2^53.
int compareIntDouble(int64_t i, double d) {
  if (d >= kTwoPow63) return -1;
  if (d < -kTwoPow63) return 1;
  double t = std::trunc(d);
  auto ti = static_cast<int64_t>(t);
  if (i != ti) return i < ti ? -1 : 1;
  // Same integral part: the fraction of d decides.
  if (d > t) return -1;
  if (d < t) return 1;
  return 0;
}

// Both numbers, neither NaN.
int compareNumbers(const Value& a, const Value& b) {
  if (a.isInt()) {
    if (b.isInt()) return sign3(a.asInt(), b.asInt());
    return compareIntDouble(a.asInt(), b.asFloat());
  }
  if (b.isInt()) return -compareIntDouble(b.asInt(), a.asFloat());
  return sign3(a.asFloat(), b.asFloat());
}

bool isNaN(const Value& v) { return v.isFloat() && std::isnan(v.asFloat()); }

int compareStrings(const std::string& a, const std::string& b) {
  // std::string::compare compares as unsigned char, i.e. by UTF-8 byte,
  // which is the order of Unicode code points.
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Kind for equality purposes: ints and floats are one kind.
int equalityKind(const Value& v) {
  return v.isFloat() ? static_cast<int>(Value::Type::kInt) : static_cast<int>(v.type());
}

// Two temporal values of the same kind. Times and date-times compare by
// instant, then by offset so that the order is total; durations component
// by component (only ORDER BY uses that: `<` has no order for them).
int compareTemporal(const Value& a, const Value& b) {
  switch (a.type()) {
    case Value::Type::kDate:
      return sign3(a.asDate(), b.asDate());
    case Value::Type::kLocalTime:
      return sign3(a.asLocalTime(), b.asLocalTime());
    case Value::Type::kTime: {
      TimeValue x = a.asTime(), y = b.asTime();
      if (int c = sign3(x.utcNanos(), y.utcNanos()); c != 0) return c;
      return sign3(x.offset, y.offset);
    }
    case Value::Type::kLocalDateTime:
      return sign3(a.asLocalDateTime(), b.asLocalDateTime());
    case Value::Type::kDateTime: {
      const DateTimeValue& x = a.asDateTime();
      const DateTimeValue& y = b.asDateTime();
      if (int c = sign3(x.seconds, y.seconds); c != 0) return c;
      if (int c = sign3(x.nanos, y.nanos); c != 0) return c;
      if (int c = sign3(x.offset, y.offset); c != 0) return c;
      return compareStrings(x.zone, y.zone);
    }
    case Value::Type::kDuration: {
      const DurationValue& x = a.asDuration();
      const DurationValue& y = b.asDuration();
      if (int c = sign3(x.months, y.months); c != 0) return c;
      if (int c = sign3(x.days, y.days); c != 0) return c;
      if (int c = sign3(x.seconds, y.seconds); c != 0) return c;
      return sign3(x.nanos, y.nanos);
    }
    default:
      return 0;
  }
}

// Same instant (times, date-times) or same value (the other kinds).
bool temporalEquals(const Value& a, const Value& b) {
  switch (a.type()) {
    case Value::Type::kTime:
      return a.asTime().utcNanos() == b.asTime().utcNanos();
    case Value::Type::kDateTime:
      return a.asDateTime().seconds == b.asDateTime().seconds &&
             a.asDateTime().nanos == b.asDateTime().nanos;
    default:
      return compareTemporal(a, b) == 0;
  }
}

// Three-valued AND accumulator over element comparisons: false wins, then
// null, then true.
struct Tri {
  bool saw_null = false;
  std::optional<bool> result() const {
    if (saw_null) return std::nullopt;
    return true;
  }
};

}  // namespace

std::optional<bool> cypherEquals(const Value& a, const Value& b) {
  if (a.isNull() || b.isNull()) return std::nullopt;
  if (equalityKind(a) != equalityKind(b)) return false;
  switch (a.type()) {
    case Value::Type::kNull:
      return std::nullopt;
    case Value::Type::kBool:
      return a.asBool() == b.asBool();
    case Value::Type::kInt:
    case Value::Type::kFloat:
      if (isNaN(a) || isNaN(b)) return false;
      return compareNumbers(a, b) == 0;
    case Value::Type::kString:
      return a.asString() == b.asString();
    case Value::Type::kList: {
      const ValueList& x = a.asList();
      const ValueList& y = b.asList();
      if (x.size() != y.size()) return false;
      Tri tri;
      for (size_t i = 0; i < x.size(); ++i) {
        std::optional<bool> e = cypherEquals(x[i], y[i]);
        if (!e.has_value()) {
          tri.saw_null = true;
        } else if (!*e) {
          return false;
        }
      }
      return tri.result();
    }
    case Value::Type::kMap: {
      const ValueMap& x = a.asMap();
      const ValueMap& y = b.asMap();
      if (x.size() != y.size()) return false;
      // Keys first: a differing key set is false even when values are null.
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first) return false;
      }
      Tri tri;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        std::optional<bool> e = cypherEquals(i->second, j->second);
        if (!e.has_value()) {
          tri.saw_null = true;
        } else if (!*e) {
          return false;
        }
      }
      return tri.result();
    }
    case Value::Type::kNode:
      return a.nodeId() == b.nodeId();
    case Value::Type::kRel:
      return a.relId() == b.relId();
    case Value::Type::kPath:
      return a.asPath().nodes == b.asPath().nodes && a.asPath().rels == b.asPath().rels;
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      return temporalEquals(a, b);
  }
  return false;
}

Ordering cypherOrdering(const Value& a, const Value& b) {
  if (a.isNull() || b.isNull()) return Ordering::kNull;
  auto fromSign = [](int c) {
    return c < 0 ? Ordering::kLess : (c > 0 ? Ordering::kGreater : Ordering::kEqual);
  };
  if (a.isNumber() && b.isNumber()) {
    if (isNaN(a) || isNaN(b)) return Ordering::kUnordered;
    return fromSign(compareNumbers(a, b));
  }
  if (a.type() != b.type()) return Ordering::kNull;
  switch (a.type()) {
    case Value::Type::kBool:
      return fromSign(sign3(a.asBool(), b.asBool()));
    case Value::Type::kString:
      return fromSign(compareStrings(a.asString(), b.asString()));
    case Value::Type::kList: {
      // Lexicographic: the first element pair that is not equal decides,
      // whatever it says (less, greater, unordered or null); a proper
      // prefix is smaller.
      const ValueList& x = a.asList();
      const ValueList& y = b.asList();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        Ordering o = cypherOrdering(x[i], y[i]);
        if (o != Ordering::kEqual) return o;
      }
      return fromSign(sign3(x.size(), y.size()));
    }
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
      return fromSign(compareTemporal(a, b));
    default:
      // Maps, nodes, relationships, paths and durations have no order for `<`.
      return Ordering::kNull;
  }
}

std::optional<int> cypherCompare(const Value& a, const Value& b) {
  switch (cypherOrdering(a, b)) {
    case Ordering::kLess:
      return -1;
    case Ordering::kEqual:
      return 0;
    case Ordering::kGreater:
      return 1;
    case Ordering::kUnordered:
    case Ordering::kNull:
      return std::nullopt;
  }
  return std::nullopt;
}

namespace {

// Rank of each kind in ORDER BY's global order (ReturnOrderBy1 [11]).
int orderRank(const Value& v) {
  switch (v.type()) {
    case Value::Type::kMap:
      return 0;
    case Value::Type::kNode:
      return 1;
    case Value::Type::kRel:
      return 2;
    case Value::Type::kList:
      return 3;
    case Value::Type::kPath:
      return 4;
    case Value::Type::kDateTime:
      return 5;
    case Value::Type::kLocalDateTime:
      return 6;
    case Value::Type::kDate:
      return 7;
    case Value::Type::kTime:
      return 8;
    case Value::Type::kLocalTime:
      return 9;
    case Value::Type::kDuration:
      return 10;
    case Value::Type::kString:
      return 11;
    case Value::Type::kBool:
      return 12;
    case Value::Type::kInt:
    case Value::Type::kFloat:
      return 13;
    case Value::Type::kNull:
      return 14;
  }
  return 14;
}

}  // namespace

int orderCompare(const Value& a, const Value& b) {
  int ra = orderRank(a);
  int rb = orderRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case Value::Type::kNull:
      return 0;
    case Value::Type::kBool:
      return sign3(a.asBool(), b.asBool());
    case Value::Type::kInt:
    case Value::Type::kFloat: {
      // NaN sorts after every other number and equal to itself.
      bool na = isNaN(a);
      bool nb = isNaN(b);
      if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
      return compareNumbers(a, b);
    }
    case Value::Type::kString:
      return compareStrings(a.asString(), b.asString());
    case Value::Type::kList: {
      const ValueList& x = a.asList();
      const ValueList& y = b.asList();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        int c = orderCompare(x[i], y[i]);
        if (c != 0) return c;
      }
      return sign3(x.size(), y.size());
    }
    case Value::Type::kMap: {
      // Fewer entries first, then keys in order, then values in key order.
      const ValueMap& x = a.asMap();
      const ValueMap& y = b.asMap();
      if (x.size() != y.size()) return sign3(x.size(), y.size());
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        int c = compareStrings(i->first, j->first);
        if (c != 0) return c;
      }
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        int c = orderCompare(i->second, j->second);
        if (c != 0) return c;
      }
      return 0;
    }
    case Value::Type::kNode:
      return sign3(a.nodeId(), b.nodeId());
    case Value::Type::kRel:
      return sign3(a.relId(), b.relId());
    case Value::Type::kPath: {
      // Element by element along the path (node, relationship, node, …);
      // a proper prefix first.
      const PathValue& x = a.asPath();
      const PathValue& y = b.asPath();
      size_t n = std::min(x.nodes.size(), y.nodes.size());
      for (size_t i = 0; i < n; ++i) {
        if (int c = sign3(x.nodes[i], y.nodes[i]); c != 0) return c;
        if (i < x.rels.size() && i < y.rels.size()) {
          if (int c = sign3(x.rels[i], y.rels[i]); c != 0) return c;
        }
      }
      return sign3(x.nodes.size(), y.nodes.size());
    }
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      return compareTemporal(a, b);
  }
  return 0;
}

bool equivalent(const Value& a, const Value& b) {
  if (equalityKind(a) != equalityKind(b)) return false;
  switch (a.type()) {
    case Value::Type::kNull:
      return true;
    case Value::Type::kBool:
      return a.asBool() == b.asBool();
    case Value::Type::kInt:
    case Value::Type::kFloat: {
      bool na = isNaN(a);
      bool nb = isNaN(b);
      if (na || nb) return na && nb;
      return compareNumbers(a, b) == 0;
    }
    case Value::Type::kString:
      return a.asString() == b.asString();
    case Value::Type::kList: {
      const ValueList& x = a.asList();
      const ValueList& y = b.asList();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!equivalent(x[i], y[i])) return false;
      }
      return true;
    }
    case Value::Type::kMap: {
      const ValueMap& x = a.asMap();
      const ValueMap& y = b.asMap();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first || !equivalent(i->second, j->second)) return false;
      }
      return true;
    }
    case Value::Type::kNode:
      return a.nodeId() == b.nodeId();
    case Value::Type::kRel:
      return a.relId() == b.relId();
    case Value::Type::kPath:
      return a.asPath().nodes == b.asPath().nodes && a.asPath().rels == b.asPath().rels;
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      return temporalEquals(a, b);
  }
  return false;
}

namespace {

uint64_t mix(uint64_t x) {
  // splitmix64's finaliser: cheap and spreads small ids well.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t combine(uint64_t seed, uint64_t h) {
  return mix(seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

enum : uint64_t {
  kTagNull = 0x6e756c6cULL,
  kTagBool = 1,
  kTagNumber = 2,
  kTagString = 3,
  kTagList = 4,
  kTagMap = 5,
  kTagNode = 6,
  kTagRel = 7,
  kTagPath = 8,
  kTagNaN = 9,
  kTagTemporal = 10,
};

uint64_t hashNumber(const Value& v) {
  if (v.isInt()) return combine(kTagNumber, static_cast<uint64_t>(v.asInt()));
  double d = v.asFloat();
  if (std::isnan(d)) return mix(kTagNaN);
  // A float equal to an integer hashes as that integer (1.0 like 1, -0.0
  // like 0), keeping the hash consistent with `equivalent`.
  if (d >= -kTwoPow63 && d < kTwoPow63 && std::trunc(d) == d) {
    return combine(kTagNumber, static_cast<uint64_t>(static_cast<int64_t>(d)));
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return combine(kTagNumber + 100, bits);
}

// Consistent with temporalEquals: times and date-times hash their instant.
uint64_t hashTemporal(const Value& v) {
  uint64_t h = combine(kTagTemporal, static_cast<uint64_t>(v.type()));
  switch (v.type()) {
    case Value::Type::kDate:
      return combine(h, static_cast<uint64_t>(v.asDate().days));
    case Value::Type::kLocalTime:
      return combine(h, static_cast<uint64_t>(v.asLocalTime().nanos));
    case Value::Type::kTime:
      return combine(h, static_cast<uint64_t>(v.asTime().utcNanos()));
    case Value::Type::kLocalDateTime:
      h = combine(h, static_cast<uint64_t>(v.asLocalDateTime().seconds));
      return combine(h, static_cast<uint64_t>(v.asLocalDateTime().nanos));
    case Value::Type::kDateTime:
      h = combine(h, static_cast<uint64_t>(v.asDateTime().seconds));
      return combine(h, static_cast<uint64_t>(v.asDateTime().nanos));
    default: {
      const DurationValue& d = v.asDuration();
      h = combine(h, static_cast<uint64_t>(d.months));
      h = combine(h, static_cast<uint64_t>(d.days));
      h = combine(h, static_cast<uint64_t>(d.seconds));
      return combine(h, static_cast<uint64_t>(d.nanos));
    }
  }
}

uint64_t hashImpl(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return mix(kTagNull);
    case Value::Type::kBool:
      return combine(kTagBool, v.asBool() ? 1 : 0);
    case Value::Type::kInt:
    case Value::Type::kFloat:
      return hashNumber(v);
    case Value::Type::kString:
      return combine(kTagString, std::hash<std::string_view>{}(v.asString()));
    case Value::Type::kList: {
      uint64_t h = combine(kTagList, v.asList().size());
      for (const Value& e : v.asList()) h = combine(h, hashImpl(e));
      return h;
    }
    case Value::Type::kMap: {
      uint64_t h = combine(kTagMap, v.asMap().size());
      for (const auto& [k, e] : v.asMap()) {
        h = combine(h, std::hash<std::string_view>{}(k));
        h = combine(h, hashImpl(e));
      }
      return h;
    }
    case Value::Type::kNode:
      return combine(kTagNode, v.nodeId());
    case Value::Type::kRel:
      return combine(kTagRel, v.relId());
    case Value::Type::kPath: {
      uint64_t h = combine(kTagPath, v.asPath().nodes.size());
      for (uint64_t n : v.asPath().nodes) h = combine(h, n);
      for (uint64_t r : v.asPath().rels) h = combine(h, r);
      return h;
    }
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      return hashTemporal(v);
  }
  return 0;
}

void appendDebugFloat(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view s(buf, static_cast<size_t>(end - buf));
  out += s;
  // Keep floats recognisable as floats: 1.0, not 1.
  if (s.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void appendQuoted(std::string& out, const std::string& s) {
  out += '\'';
  for (char c : s) {
    switch (c) {
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  out += '\'';
}

void appendDebug(std::string& out, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      out += "null";
      return;
    case Value::Type::kBool:
      out += v.asBool() ? "true" : "false";
      return;
    case Value::Type::kInt:
      out += std::to_string(v.asInt());
      return;
    case Value::Type::kFloat:
      appendDebugFloat(out, v.asFloat());
      return;
    case Value::Type::kString:
      appendQuoted(out, v.asString());
      return;
    case Value::Type::kList: {
      out += '[';
      bool first = true;
      for (const Value& e : v.asList()) {
        if (!first) out += ", ";
        first = false;
        appendDebug(out, e);
      }
      out += ']';
      return;
    }
    case Value::Type::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.asMap()) {
        if (!first) out += ", ";
        first = false;
        out += k;
        out += ": ";
        appendDebug(out, e);
      }
      out += '}';
      return;
    }
    case Value::Type::kNode:
      out += "(#" + std::to_string(v.nodeId()) + ")";
      return;
    case Value::Type::kRel:
      out += "[#" + std::to_string(v.relId()) + "]";
      return;
    case Value::Type::kPath: {
      const PathValue& p = v.asPath();
      out += '<';
      for (size_t i = 0; i < p.nodes.size(); ++i) {
        if (i > 0 && i - 1 < p.rels.size()) out += "-[#" + std::to_string(p.rels[i - 1]) + "]-";
        out += "(#" + std::to_string(p.nodes[i]) + ")";
      }
      out += '>';
      return;
    }
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      appendQuoted(out, temporalToString(v));
      return;
  }
}

}  // namespace

std::string temporalToString(const Value& v) {
  switch (v.type()) {
    case Value::Type::kDate:
      return formatDate(v.asDate());
    case Value::Type::kLocalTime:
      return formatLocalTime(v.asLocalTime());
    case Value::Type::kTime:
      return formatTime(v.asTime());
    case Value::Type::kLocalDateTime:
      return formatLocalDateTime(v.asLocalDateTime());
    case Value::Type::kDateTime:
      return formatDateTime(v.asDateTime());
    case Value::Type::kDuration:
      return formatDuration(v.asDuration());
    default:
      return toDebugString(v);
  }
}

size_t hashValue(const Value& v) { return static_cast<size_t>(hashImpl(v)); }

std::string toDebugString(const Value& v) {
  std::string out;
  appendDebug(out, v);
  return out;
}

}  // namespace maestro
