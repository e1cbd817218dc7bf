// Numeric functions: abs, ceil, floor, round, sign, sqrt, exp, log, log10,
// trigonometry, degrees, radians, pi, e, rand.
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "engine/common/errors.h"
#include "engine/expression/expression_internal.h"

namespace maestro::engine::detail {

namespace {

double numberArg(std::string_view fn, const Value& v) {
  if (!v.isNumber()) throwArgumentType(fn, "a number", v);
  return v.asNumber();
}

Value abs(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (v.isInt()) {
    if (v.asInt() == std::numeric_limits<int64_t>::min()) {
      throw argumentError("NumberOutOfRange", "abs(): the result does not fit in 64 bits");
    }
    return Value(v.asInt() < 0 ? -v.asInt() : v.asInt());
  }
  return Value(std::fabs(numberArg("abs", v)));
}

// Round half toward positive infinity, as Neo4j does: round(-1.5) = -1.0,
// round(2.5) = 3.0. x - floor(x) is exact for every double.
double roundHalfUp(double x) {
  if (!std::isfinite(x)) return x;
  double r = std::floor(x);
  if (x - r >= 0.5) r += 1.0;
  return r;
}

// round(x, precision): rounds the decimal digits of x as written (the
// shortest representation that reads back to x), ties away from zero, so
// round(2.675, 2) is 2.68 even though the double is slightly below.
double roundDecimal(double x, int64_t precision) {
  if (!std::isfinite(x) || x == 0.0) return x;
  if (precision == 0) return roundHalfUp(x);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));  // d.ddde±xx
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp10 = std::stoi(std::string(s.substr(e + 1)));
  // x = 0.<digits> * 10^(exp10 + 1); keep the digits before position
  // `keep` (those at or above 10^-precision).
  int64_t keep = static_cast<int64_t>(exp10) + 1 + precision;
  if (keep >= static_cast<int64_t>(digits.size())) return x;
  double sign = x < 0 ? -1.0 : 1.0;
  if (keep < 0) return sign * 0.0;
  bool up = digits[static_cast<size_t>(keep)] >= '5';
  digits.resize(static_cast<size_t>(keep));
  if (up) {
    // Propagate the carry; all nines become a leading one.
    int i = static_cast<int>(keep) - 1;
    while (i >= 0 && digits[static_cast<size_t>(i)] == '9') digits[static_cast<size_t>(i--)] = '0';
    if (i >= 0) {
      ++digits[static_cast<size_t>(i)];
    } else {
      digits.insert(digits.begin(), '1');
      ++exp10;
    }
  }
  if (digits.empty()) return sign * 0.0;
  std::string text = digits.substr(0, 1) + "." + digits.substr(1) + "0e" + std::to_string(exp10);
  double out = 0.0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return sign * out;
}

Value round(std::span<const Value> args, EvalContext&) {
  for (const Value& a : args) {
    if (a.isNull()) return Value();
  }
  double x = numberArg("round", args[0]);
  if (args.size() == 1) return Value(roundHalfUp(x));
  if (!args[1].isInt()) throwArgumentType("round", "an INTEGER precision", args[1]);
  return Value(roundDecimal(x, args[1].asInt()));
}

Value sign(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (v.isInt()) return Value(static_cast<int64_t>((v.asInt() > 0) - (v.asInt() < 0)));
  double d = numberArg("sign", v);
  return Value(static_cast<int64_t>((d > 0) - (d < 0)));  // NaN: 0
}

// A function of one number returning a float; null in, null out.
template <double (*F)(double)>
Value unary(std::string_view name, std::span<const Value> args) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  return Value(F(numberArg(name, v)));
}

double cot(double x) { return 1.0 / std::tan(x); }
double degrees(double x) { return x * 180.0 / std::numbers::pi; }
double radians(double x) { return x * std::numbers::pi / 180.0; }
double haversin(double x) { return (1.0 - std::cos(x)) / 2.0; }
double ceilF(double x) { return std::ceil(x); }
double floorF(double x) { return std::floor(x); }
double sqrtF(double x) { return std::sqrt(x); }
double expF(double x) { return std::exp(x); }
double logF(double x) { return std::log(x); }
double log10F(double x) { return std::log10(x); }
double sinF(double x) { return std::sin(x); }
double cosF(double x) { return std::cos(x); }
double tanF(double x) { return std::tan(x); }
double asinF(double x) { return std::asin(x); }
double acosF(double x) { return std::acos(x); }
double atanF(double x) { return std::atan(x); }

Value atan2(std::span<const Value> args, EvalContext&) {
  if (args[0].isNull() || args[1].isNull()) return Value();
  return Value(std::atan2(numberArg("atan2", args[0]), numberArg("atan2", args[1])));
}

Value rand(std::span<const Value>, EvalContext&) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return Value(std::uniform_real_distribution<double>(0.0, 1.0)(engine));
}

// The definition of a one-number function computing `F`.
template <double (*F)(double)>
FunctionDef unaryDef(const char* name) {
  return {name, 1,
          1,    false,
          true, [name](std::span<const Value> args, EvalContext&) { return unary<F>(name, args); }};
}

}  // namespace

void addMathFunctions(std::vector<FunctionDef>& out) {
  out.push_back({"abs", 1, 1, false, true, abs});
  out.push_back(unaryDef<ceilF>("ceil"));
  out.push_back(unaryDef<floorF>("floor"));
  out.push_back({"round", 1, 2, false, true, round});
  out.push_back({"sign", 1, 1, false, true, sign});
  out.push_back(unaryDef<sqrtF>("sqrt"));
  out.push_back(unaryDef<expF>("exp"));
  out.push_back(unaryDef<logF>("log"));
  out.push_back(unaryDef<log10F>("log10"));
  out.push_back(unaryDef<sinF>("sin"));
  out.push_back(unaryDef<cosF>("cos"));
  out.push_back(unaryDef<tanF>("tan"));
  out.push_back(unaryDef<cot>("cot"));
  out.push_back(unaryDef<asinF>("asin"));
  out.push_back(unaryDef<acosF>("acos"));
  out.push_back(unaryDef<atanF>("atan"));
  out.push_back(unaryDef<haversin>("haversin"));
  out.push_back(unaryDef<degrees>("degrees"));
  out.push_back(unaryDef<radians>("radians"));
  out.push_back({"atan2", 2, 2, false, true, atan2});
  out.push_back({"pi", 0, 0, false, true,
                 [](std::span<const Value>, EvalContext&) { return Value(std::numbers::pi); }});
  out.push_back({"e", 0, 0, false, true,
                 [](std::span<const Value>, EvalContext&) { return Value(std::numbers::e); }});
  out.push_back({"rand", 0, 0, false, false, rand});
}

}  // namespace maestro::engine::detail
