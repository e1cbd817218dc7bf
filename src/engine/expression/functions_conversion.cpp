// Type conversions: toInteger, toFloat, toString, toBoolean and their
// *OrNull variants; Cypher's float formatting.
//
// A value that cannot be converted gives null ('foo' → null); a value of
// a kind the function does not take is TypeError.InvalidArgumentValue
// (TypeConversion1-4), except in the *OrNull variants, which give null.
#include <cctype>
#include <charconv>
#include <cmath>

#include "engine/common/errors.h"
#include "engine/expression/expression_internal.h"

namespace maestro::engine::detail {

std::string formatFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  if (d == 0.0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));  // [-]d[.ddd]e±xx
  std::string out;
  if (s.front() == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp10 = 0;
  std::string_view exp_text = s.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  double a = std::fabs(d);
  if (a >= 1e-3 && a < 1e7) {
    if (exp10 >= 0) {
      auto int_len = static_cast<size_t>(exp10) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out += digits.substr(0, int_len);
        out += '.';
        out += digits.substr(int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exp10 - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += 'E';
  out += std::to_string(exp10);
  return out;
}

bool appendScalarString(std::string& out, const Value& v) {
  switch (v.type()) {
    case Value::Type::kInt:
      out += std::to_string(v.asInt());
      return true;
    case Value::Type::kFloat:
      out += formatFloat(v.asFloat());
      return true;
    case Value::Type::kBool:
      out += v.asBool() ? "true" : "false";
      return true;
    case Value::Type::kString:
      out += v.asString();
      return true;
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      out += temporalToString(v);
      return true;
    default:
      return false;
  }
}

namespace {

std::string_view trimSpace(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Java's Long.parseLong after trimming: optional sign, decimal digits.
std::optional<int64_t> parseInteger(std::string_view s) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() == '-') return std::nullopt;
  }
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Java's Double.parseDouble after trimming: optional sign, then decimal
// digits with optional fraction and exponent, or NaN / Infinity.
std::optional<double> parseFloat(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "NaN") return std::nan("");
  if (s == "Infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s.front())) || s.front() == '.')) {
    return std::nullopt;
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  // Out of range (1e999) reads as infinity, as in Java.
  if (ec == std::errc::result_out_of_range) {
    v = HUGE_VAL;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  if (ptr != s.data() + s.size()) return std::nullopt;
  return negative ? -v : v;
}

constexpr double kTwoPow63 = 9223372036854775808.0;

// A float truncated toward zero, when it fits in 64 bits.
std::optional<int64_t> truncateFloat(double d) {
  if (!std::isfinite(d)) return std::nullopt;
  double t = std::trunc(d);
  if (t < -kTwoPow63 || t >= kTwoPow63) return std::nullopt;
  return static_cast<int64_t>(t);
}

// What a conversion made of its argument: a value (null when the argument
// cannot be converted), or the verdict that the argument's kind is not
// accepted at all, which the strict and *OrNull variants treat differently.
enum class Outcome { kValue, kWrongKind };

struct Converted {
  Outcome outcome;
  Value value;
};

Converted toIntegerImpl(const Value& v, bool or_null) {
  auto outOfRange = [&](double d) -> Converted {
    if (or_null) return {Outcome::kValue, Value()};
    throw argumentError("NumberOutOfRange",
                        "toInteger(): " + formatFloat(d) + " does not fit in a 64-bit integer");
  };
  switch (v.type()) {
    case Value::Type::kNull:
      return {Outcome::kValue, Value()};
    case Value::Type::kInt:
      return {Outcome::kValue, v};
    case Value::Type::kBool:
      return {Outcome::kValue, Value(int64_t{v.asBool() ? 1 : 0})};
    case Value::Type::kFloat: {
      std::optional<int64_t> i = truncateFloat(v.asFloat());
      if (!i) return outOfRange(v.asFloat());
      return {Outcome::kValue, Value(*i)};
    }
    case Value::Type::kString: {
      std::string_view s = trimSpace(v.asString());
      if (std::optional<int64_t> i = parseInteger(s)) return {Outcome::kValue, Value(*i)};
      // '1.9' → 1, '1e3' → 1000. Text that is no number, or none that
      // fits in 64 bits, converts to null.
      std::optional<double> d = parseFloat(s);
      std::optional<int64_t> i = d ? truncateFloat(*d) : std::nullopt;
      return {Outcome::kValue, i ? Value(*i) : Value()};
    }
    default:
      return {Outcome::kWrongKind, Value()};
  }
}

Converted toFloatImpl(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return {Outcome::kValue, Value()};
    case Value::Type::kFloat:
      return {Outcome::kValue, v};
    case Value::Type::kInt:
      return {Outcome::kValue, Value(static_cast<double>(v.asInt()))};
    case Value::Type::kString: {
      std::optional<double> d = parseFloat(trimSpace(v.asString()));
      return {Outcome::kValue, d ? Value(*d) : Value()};
    }
    default:
      return {Outcome::kWrongKind, Value()};
  }
}

Converted toStringImpl(const Value& v) {
  if (v.isNull()) return {Outcome::kValue, Value()};
  if (v.isString()) return {Outcome::kValue, v};
  std::string out;
  if (!appendScalarString(out, v)) return {Outcome::kWrongKind, Value()};
  return {Outcome::kValue, Value(std::move(out))};
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

Converted toBooleanImpl(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return {Outcome::kValue, Value()};
    case Value::Type::kBool:
      return {Outcome::kValue, v};
    case Value::Type::kInt:
      return {Outcome::kValue, Value(v.asInt() != 0)};
    case Value::Type::kString: {
      std::string_view s = trimSpace(v.asString());
      if (equalsIgnoreCase(s, "true")) return {Outcome::kValue, Value(true)};
      if (equalsIgnoreCase(s, "false")) return {Outcome::kValue, Value(false)};
      return {Outcome::kValue, Value()};
    }
    default:
      return {Outcome::kWrongKind, Value()};
  }
}

Value strict(Converted c, std::string_view fn, std::string_view expected, const Value& arg) {
  if (c.outcome == Outcome::kWrongKind) throwArgumentValue(fn, expected, arg);
  return std::move(c.value);
}

Value lenient(Converted c) { return std::move(c.value); }

}  // namespace

void addConversionFunctions(std::vector<FunctionDef>& out) {
  out.push_back({"toInteger", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return strict(toIntegerImpl(a[0], false), "toInteger",
                                 "a number, STRING or BOOLEAN", a[0]);
                 }});
  out.push_back({"toIntegerOrNull", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return lenient(toIntegerImpl(a[0], true));
                 }});
  out.push_back({"toFloat", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return strict(toFloatImpl(a[0]), "toFloat", "a number or STRING", a[0]);
                 }});
  out.push_back({"toFloatOrNull", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return lenient(toFloatImpl(a[0]));
                 }});
  out.push_back({"toString", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return strict(toStringImpl(a[0]), "toString", "a number, BOOLEAN or STRING",
                                 a[0]);
                 }});
  out.push_back({"toStringOrNull", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return lenient(toStringImpl(a[0]));
                 }});
  out.push_back({"toBoolean", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return strict(toBooleanImpl(a[0]), "toBoolean", "a BOOLEAN, STRING or INTEGER",
                                 a[0]);
                 }});
  out.push_back({"toBooleanOrNull", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return lenient(toBooleanImpl(a[0]));
                 }});
}

}  // namespace maestro::engine::detail
