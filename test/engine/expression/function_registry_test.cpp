// The scalar functions, called through the evaluator as the binder would
// bind them; expected values from the TCK where it has them.
#include "engine/expression/function_registry.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "expr_test_util.h"

namespace maestro::engine {
namespace {

using namespace maestro::engine::testing;  // NOLINT

const Value T(true);
const Value F(false);
const Value N;

class FunctionTest : public ExprTest {
 protected:
  Value f(std::string_view name, std::initializer_list<Value> args) {
    return eval(callv(name, args));
  }
  std::string fError(std::string_view name, std::initializer_list<Value> args) {
    return evalError(callv(name, args));
  }
};

// ---- the registry --------------------------------------------------------

TEST(FunctionRegistryTest, LooksNamesUpCaseInsensitively) {
  const FunctionDef* f = findFunction("toInteger");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->name, "toInteger");
  EXPECT_EQ(findFunction("TOINTEGER"), f);
  EXPECT_EQ(findFunction("tointeger"), f);
  EXPECT_EQ(findFunction("nOdEs"), findFunction("nodes"));
  EXPECT_EQ(findFunction("noSuchFunction"), nullptr);
  EXPECT_EQ(findFunction(""), nullptr);
}

TEST(FunctionRegistryTest, EveryDocumentedFunctionIsThereWithAnImplementation) {
  for (const char* name : {"id",
                           "labels",
                           "type",
                           "properties",
                           "keys",
                           "startNode",
                           "endNode",
                           "nodes",
                           "relationships",
                           "length",
                           "size",
                           "head",
                           "last",
                           "tail",
                           "range",
                           "reverse",
                           "coalesce",
                           "exists",
                           "toInteger",
                           "toFloat",
                           "toString",
                           "toBoolean",
                           "toIntegerOrNull",
                           "toFloatOrNull",
                           "toStringOrNull",
                           "toBooleanOrNull",
                           "abs",
                           "ceil",
                           "floor",
                           "round",
                           "sign",
                           "sqrt",
                           "exp",
                           "log",
                           "log10",
                           "sin",
                           "cos",
                           "tan",
                           "asin",
                           "acos",
                           "atan",
                           "atan2",
                           "cot",
                           "degrees",
                           "radians",
                           "pi",
                           "e",
                           "rand",
                           "toUpper",
                           "toLower",
                           "upper",
                           "lower",
                           "trim",
                           "ltrim",
                           "rtrim",
                           "replace",
                           "substring",
                           "left",
                           "right",
                           "split",
                           "isEmpty",
                           "timestamp"}) {
    const FunctionDef* f = findFunction(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_FALSE(f->aggregate) << name;
    EXPECT_TRUE(static_cast<bool>(f->impl)) << name;
  }
}

TEST(FunctionRegistryTest, AggregatesHaveNoImplementation) {
  for (const char* name : {"count", "sum", "avg", "min", "max", "collect", "stDev", "stDevP",
                           "percentileCont", "percentileDisc"}) {
    const FunctionDef* f = findFunction(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_TRUE(f->aggregate) << name;
    EXPECT_FALSE(static_cast<bool>(f->impl)) << name;
  }
  EXPECT_EQ(findFunction("percentileCont")->min_args, 2);
  EXPECT_EQ(findFunction("collect")->max_args, 1);
}

TEST(FunctionRegistryTest, ArityAndDeterminism) {
  EXPECT_EQ(findFunction("range")->min_args, 2);
  EXPECT_EQ(findFunction("range")->max_args, 3);
  EXPECT_EQ(findFunction("coalesce")->max_args, -1);
  EXPECT_EQ(findFunction("substring")->max_args, 3);
  EXPECT_EQ(findFunction("pi")->max_args, 0);
  EXPECT_FALSE(findFunction("rand")->deterministic);
  EXPECT_FALSE(findFunction("timestamp")->deterministic);
  EXPECT_TRUE(findFunction("toString")->deterministic);
}

// ---- conversions (TypeConversion1-4) ---------------------------------------

TEST_F(FunctionTest, ToBoolean) {
  EXPECT_VALUE(f("toBoolean", {T}), T);
  EXPECT_VALUE(f("toBoolean", {F}), F);
  EXPECT_VALUE(f("toBoolean", {Value("true")}), T);
  EXPECT_VALUE(f("toBoolean", {Value("TRUE")}), T);
  EXPECT_VALUE(f("toBoolean", {Value("False")}), F);
  EXPECT_VALUE(f("toBoolean", {Value(0)}), F);
  EXPECT_VALUE(f("toBoolean", {Value(7)}), T);
  for (const Value& v : {N, Value(""), Value(" tru "), Value("f alse"), Value("yes")}) {
    EXPECT_VALUE(f("toBoolean", {v}), N) << toDebugString(v);
  }
  for (const Value& v : {list({}), map({}), Value(1.0), Value::node(0), Value::rel(0)}) {
    EXPECT_EQ(fError("toBoolean", {v}), "TypeError.InvalidArgumentValue") << toDebugString(v);
    EXPECT_VALUE(f("toBooleanOrNull", {v}), N);
  }
  EXPECT_VALUE(f("toBooleanOrNull", {Value("true")}), T);
}

TEST_F(FunctionTest, ToInteger) {
  EXPECT_VALUE(f("toInteger", {Value(82.9)}), Value(82));
  EXPECT_VALUE(f("toInteger", {Value(-2.9)}), Value(-2));
  EXPECT_VALUE(f("toInteger", {Value(2)}), Value(2));
  EXPECT_VALUE(f("toInteger", {Value("1.7")}), Value(1));
  EXPECT_VALUE(f("toInteger", {Value("1.9")}), Value(1));
  EXPECT_VALUE(f("toInteger", {Value("42")}), Value(42));
  EXPECT_VALUE(f("toInteger", {Value(" -7 ")}), Value(-7));
  EXPECT_VALUE(f("toInteger", {Value("+5")}), Value(5));
  EXPECT_VALUE(f("toInteger", {Value("1e3")}), Value(1000));
  EXPECT_VALUE(f("toInteger", {Value("9223372036854775807")}),
               Value(std::numeric_limits<int64_t>::max()));
  EXPECT_VALUE(f("toInteger", {T}), Value(1));
  for (const Value& v :
       {N, Value("foo"), Value(""), Value("1e99"), Value("NaN"), Value("+-1"), Value("0x10")}) {
    EXPECT_VALUE(f("toInteger", {v}), N) << toDebugString(v);
  }
  EXPECT_EQ(fError("toInteger", {Value(1e30)}), "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(fError("toInteger", {nan()}), "ArgumentError.NumberOutOfRange");
  EXPECT_VALUE(f("toIntegerOrNull", {Value(1e30)}), N);
  for (const Value& v : {list({}), map({}), Value::node(0), Value::rel(0)}) {
    EXPECT_EQ(fError("toInteger", {v}), "TypeError.InvalidArgumentValue") << toDebugString(v);
    EXPECT_VALUE(f("toIntegerOrNull", {v}), N);
  }
}

TEST_F(FunctionTest, ToFloat) {
  EXPECT_VALUE(f("toFloat", {Value(3.4)}), Value(3.4));
  EXPECT_VALUE(f("toFloat", {Value(3)}), Value(3.0));
  EXPECT_VALUE(f("toFloat", {Value("5")}), Value(5.0));
  EXPECT_VALUE(f("toFloat", {Value(" 2.5e1 ")}), Value(25.0));
  EXPECT_VALUE(f("toFloat", {Value(".5")}), Value(0.5));
  EXPECT_VALUE(f("toFloat", {Value("-Infinity")}), Value(-std::numeric_limits<double>::infinity()));
  EXPECT_VALUE(f("toFloat", {Value("NaN")}), nan());
  for (const Value& v : {N, Value("foo"), Value(""), Value("1.5x"), Value("inf")}) {
    EXPECT_VALUE(f("toFloat", {v}), N) << toDebugString(v);
  }
  for (const Value& v : {T, list({}), map({}), Value::node(0)}) {
    EXPECT_EQ(fError("toFloat", {v}), "TypeError.InvalidArgumentValue") << toDebugString(v);
    EXPECT_VALUE(f("toFloatOrNull", {v}), N);
  }
}

TEST_F(FunctionTest, ToStringFormatsLikeCypher) {
  const std::pair<Value, const char*> rows[] = {
      {Value(42), "42"},
      {Value(-42), "-42"},
      {T, "true"},
      {F, "false"},
      {Value("apa"), "apa"},
      {Value(2.3), "2.3"},
      {Value(1.0), "1.0"},
      {Value(3.0), "3.0"},
      {Value(-0.5), "-0.5"},
      {Value(100.0), "100.0"},
      {Value(0.1), "0.1"},
      {Value(0.001), "0.001"},
      {Value(0.0001), "1.0E-4"},
      {Value(1234567.0), "1234567.0"},
      {Value(1e7), "1.0E7"},
      {Value(12345678.9), "1.23456789E7"},
      {Value(1e10), "1.0E10"},
      {Value(1.2635418652381264e305), "1.2635418652381264E305"},
      {Value(0.0), "0.0"},
      {nan(), "NaN"},
      {Value(std::numeric_limits<double>::infinity()), "Infinity"},
  };
  for (const auto& [v, expected] : rows) {
    EXPECT_VALUE(f("toString", {v}), Value(expected)) << toDebugString(v);
  }
  EXPECT_VALUE(f("toString", {N}), N);
  for (const Value& v : {list({}), map({}), Value::node(0), Value::rel(0)}) {
    EXPECT_EQ(fError("toString", {v}), "TypeError.InvalidArgumentValue") << toDebugString(v);
    EXPECT_VALUE(f("toStringOrNull", {v}), N);
  }
}

// ---- lists -----------------------------------------------------------------
// Functions with typed signatures reject other kinds as InvalidArgumentType
// (the engine's e2e errors.test: toUpper(1)); the conversions above and the
// graph accessors below, which take any value, as InvalidArgumentValue.

TEST_F(FunctionTest, SizeHeadLastTail) {
  EXPECT_VALUE(f("size", {list({1, 2, 3})}), Value(3));
  EXPECT_VALUE(f("size", {Value("h\xC3\xA9llo")}), Value(5));  // code points, not bytes
  EXPECT_VALUE(f("size", {N}), N);
  EXPECT_EQ(fError("size", {Value(1)}), "TypeError.InvalidArgumentType");
  EXPECT_VALUE(f("head", {list({1, 2})}), Value(1));
  EXPECT_VALUE(f("head", {list({})}), N);
  EXPECT_VALUE(f("last", {list({1, 2})}), Value(2));
  EXPECT_VALUE(f("last", {list({})}), N);
  EXPECT_VALUE(f("tail", {list({1, 2, 3})}), list({2, 3}));
  EXPECT_VALUE(f("tail", {list({})}), list({}));
  EXPECT_VALUE(eval(call("tail", exprs(call("tail", exprs(lit(list({1, 2, 3, 4, 5}))))))),
               list({3, 4, 5}));  // List9 [1]
  for (const char* fn : {"head", "last", "tail"}) {
    EXPECT_VALUE(f(fn, {N}), N);
    EXPECT_EQ(fError(fn, {Value("ab")}), "TypeError.InvalidArgumentType") << fn;
  }
}

TEST_F(FunctionTest, RangeFromList11) {
  struct Row {
    int64_t start, end, step;
    Value expected;
  };
  const Row rows[] = {
      {0, -123, 1, list({})},
      {0, 0, 1, list({0})},
      {0, 10, 1, list({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})},
      {1234, 1236, 1, list({1234, 1235, 1236})},
      {1381, -3412, -1298, list({1381, 83, -1215, -2513})},
      {0, -2000, -1298, list({0, -1298})},
      {10, -10, -3, list({10, 7, 4, 1, -2, -5, -8})},
      {0, -1, -1, list({0, -1})},
      {0, 1, -123, list({})},
      {0, 0, -1, list({0})},
      {0, 1, 2, list({0})},
  };
  for (const Row& r : rows) {
    EXPECT_VALUE(f("range", {Value(r.start), Value(r.end), Value(r.step)}), r.expected)
        << r.start << ".." << r.end << " step " << r.step;
  }
  EXPECT_VALUE(f("range", {Value(6), Value(10)}), list({6, 7, 8, 9, 10}));
  EXPECT_VALUE(f("range", {Value(0), Value(-1)}), list({}));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_VALUE(f("range", {Value(kMax - 1), Value(kMax)}), list({kMax - 1, kMax}));
}

TEST_F(FunctionTest, RangeErrors) {
  // List11 [4] and [5]: a zero step is out of range; non-integers are
  // ArgumentError.InvalidArgumentType (not a TypeError).
  EXPECT_EQ(fError("range", {Value(2), Value(8), Value(0)}), "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(fError("range", {Value(0), Value(0), Value(0)}), "ArgumentError.NumberOutOfRange");
  for (const Value& bad :
       {T, Value(0.0), Value(1.1), Value(-0.0), Value("xyz"), list({1}), map({{"step", 1}})}) {
    EXPECT_EQ(fError("range", {bad, Value(1), Value(1)}), "ArgumentError.InvalidArgumentType");
    EXPECT_EQ(fError("range", {Value(0), bad, Value(1)}), "ArgumentError.InvalidArgumentType");
    EXPECT_EQ(fError("range", {Value(0), Value(1), bad}), "ArgumentError.InvalidArgumentType");
  }
  EXPECT_EQ(fError("range", {Value(0), Value(std::numeric_limits<int64_t>::max())}),
            "ArgumentError.NumberOutOfRange");
}

TEST_F(FunctionTest, ReverseCoalesceIsEmpty) {
  EXPECT_VALUE(f("reverse", {Value("raksO")}), Value("Oskar"));
  EXPECT_VALUE(f("reverse", {Value("a\xC3\xB1"
                                   "b")}),
               Value("b\xC3\xB1"
                     "a"));
  EXPECT_VALUE(f("reverse", {list({1, 2, 3})}), list({3, 2, 1}));
  EXPECT_VALUE(f("reverse", {N}), N);
  EXPECT_EQ(fError("reverse", {Value(1)}), "TypeError.InvalidArgumentType");
  EXPECT_VALUE(f("coalesce", {N, Value(1), Value(2)}), Value(1));
  EXPECT_VALUE(f("coalesce", {N, N}), N);
  EXPECT_VALUE(f("isEmpty", {list({})}), T);
  EXPECT_VALUE(f("isEmpty", {Value("")}), T);
  EXPECT_VALUE(f("isEmpty", {map({})}), T);
  EXPECT_VALUE(f("isEmpty", {list({N})}), F);
  EXPECT_VALUE(f("isEmpty", {N}), N);
  EXPECT_EQ(fError("isEmpty", {Value(1)}), "TypeError.InvalidArgumentType");
}

// ---- maths ----------------------------------------------------------------

TEST_F(FunctionTest, AbsSignCeilFloor) {
  EXPECT_VALUE(f("abs", {Value(-1)}), Value(1));
  EXPECT_VALUE(f("abs", {Value(-1.5)}), Value(1.5));
  EXPECT_VALUE(f("abs", {N}), N);
  EXPECT_EQ(fError("abs", {Value(std::numeric_limits<int64_t>::min())}),
            "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(fError("abs", {Value("a")}), "TypeError.InvalidArgumentType");
  EXPECT_VALUE(f("sign", {Value(-3)}), Value(-1));
  EXPECT_VALUE(f("sign", {Value(0.0)}), Value(0));
  EXPECT_VALUE(f("sign", {Value(2.5)}), Value(1));
  EXPECT_VALUE(f("ceil", {Value(1.2)}), Value(2.0));
  EXPECT_VALUE(f("ceil", {Value(1)}), Value(1.0));
  EXPECT_VALUE(f("floor", {Value(-1.2)}), Value(-2.0));
}

TEST_F(FunctionTest, RoundTiesTowardPositiveInfinity) {
  const std::pair<double, double> rows[] = {{2.5, 3.0},
                                            {-1.5, -1.0},
                                            {-2.5, -2.0},
                                            {0.5, 1.0},
                                            {3.14, 3.0},
                                            {-3.7, -4.0},
                                            {0.49999999999999994, 0.0}};
  for (const auto& [x, expected] : rows) EXPECT_VALUE(f("round", {Value(x)}), Value(expected)) << x;
  EXPECT_VALUE(f("round", {Value(3)}), Value(3.0));
  EXPECT_VALUE(f("round", {N}), N);
}

TEST_F(FunctionTest, RoundWithPrecisionUsesTheDecimalDigits) {
  EXPECT_VALUE(f("round", {Value(3.141592), Value(3)}), Value(3.142));
  EXPECT_VALUE(f("round", {Value(2.675), Value(2)}), Value(2.68));
  EXPECT_VALUE(f("round", {Value(-1.55), Value(1)}), Value(-1.6));
  EXPECT_VALUE(f("round", {Value(9.96), Value(1)}), Value(10.0));
  EXPECT_VALUE(f("round", {Value(1234.5), Value(-2)}), Value(1200.0));
  EXPECT_VALUE(f("round", {Value(0.004), Value(2)}), Value(0.0));
  EXPECT_VALUE(f("round", {Value(1.5), Value(5)}), Value(1.5));
  EXPECT_VALUE(f("round", {Value(-1.5), Value(0)}), Value(-1.0));
  EXPECT_VALUE(f("round", {Value(1.5), N}), N);
  EXPECT_EQ(fError("round", {Value(1.5), Value(1.0)}), "TypeError.InvalidArgumentType");
}

TEST_F(FunctionTest, Transcendentals) {
  EXPECT_VALUE(f("sqrt", {Value(12.96)}), Value(3.6));  // Mathematical13 [1]
  EXPECT_VALUE(f("sqrt", {Value(4)}), Value(2.0));
  EXPECT_VALUE(f("exp", {Value(0)}), Value(1.0));
  EXPECT_DOUBLE_EQ(f("log", {Value(std::numbers::e)}).asFloat(), 1.0);
  EXPECT_VALUE(f("log", {Value(0)}), Value(-std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(std::isnan(f("log", {Value(-1)}).asFloat()));
  EXPECT_VALUE(f("log10", {Value(1000)}), Value(3.0));
  EXPECT_VALUE(f("sin", {Value(0)}), Value(0.0));
  EXPECT_VALUE(f("cos", {Value(0)}), Value(1.0));
  EXPECT_VALUE(f("tan", {Value(0)}), Value(0.0));
  EXPECT_DOUBLE_EQ(f("asin", {Value(1)}).asFloat(), std::numbers::pi / 2);
  EXPECT_VALUE(f("acos", {Value(1)}), Value(0.0));
  EXPECT_VALUE(f("atan", {Value(0)}), Value(0.0));
  EXPECT_DOUBLE_EQ(f("atan2", {Value(1), Value(1)}).asFloat(), std::numbers::pi / 4);
  EXPECT_DOUBLE_EQ(f("cot", {Value(std::numbers::pi / 4)}).asFloat(), 1.0);
  EXPECT_DOUBLE_EQ(f("degrees", {Value(std::numbers::pi)}).asFloat(), 180.0);
  EXPECT_DOUBLE_EQ(f("radians", {Value(180)}).asFloat(), std::numbers::pi);
  EXPECT_VALUE(f("pi", {}), Value(std::numbers::pi));
  EXPECT_VALUE(f("e", {}), Value(std::numbers::e));
  EXPECT_VALUE(f("haversin", {Value(0)}), Value(0.0));
  for (const char* fn : {"sqrt", "exp", "log", "sin", "degrees"}) {
    EXPECT_VALUE(f(fn, {N}), N) << fn;
    EXPECT_EQ(fError(fn, {Value("1")}), "TypeError.InvalidArgumentType") << fn;
  }
  EXPECT_VALUE(f("atan2", {N, Value(1)}), N);
}

TEST_F(FunctionTest, RandIsAFloatInTheUnitInterval) {
  bool differs = false;
  double first = f("rand", {}).asFloat();
  for (int i = 0; i < 100; ++i) {
    Value r = f("rand", {});
    ASSERT_TRUE(r.isFloat());
    EXPECT_GE(r.asFloat(), 0.0);
    EXPECT_LT(r.asFloat(), 1.0);
    differs = differs || r.asFloat() != first;
  }
  EXPECT_TRUE(differs);
}

// ---- strings ---------------------------------------------------------------

TEST_F(FunctionTest, CaseAndTrim) {
  EXPECT_VALUE(f("toUpper", {Value("abc1")}), Value("ABC1"));
  EXPECT_VALUE(f("upper", {Value("abc")}), Value("ABC"));
  EXPECT_VALUE(f("toLower", {Value("AbC")}), Value("abc"));
  EXPECT_VALUE(f("lower", {Value("ABC")}), Value("abc"));
  EXPECT_VALUE(f("trim", {Value("  a b \t\n")}), Value("a b"));
  EXPECT_VALUE(f("ltrim", {Value("  a ")}), Value("a "));
  EXPECT_VALUE(f("rtrim", {Value("  a ")}), Value("  a"));
  for (const char* fn : {"toUpper", "toLower", "trim", "ltrim", "rtrim"}) {
    EXPECT_VALUE(f(fn, {N}), N) << fn;
    EXPECT_EQ(fError(fn, {Value(1)}), "TypeError.InvalidArgumentType") << fn;
  }
}

TEST_F(FunctionTest, Replace) {
  EXPECT_VALUE(f("replace", {Value("hello"), Value("l"), Value("L")}), Value("heLLo"));
  EXPECT_VALUE(f("replace", {Value("aaa"), Value("aa"), Value("b")}), Value("ba"));
  EXPECT_VALUE(f("replace", {Value("abc"), Value(""), Value("-")}), Value("-a-b-c-"));
  EXPECT_VALUE(f("replace", {Value("abc"), N, Value("-")}), N);
  EXPECT_EQ(fError("replace", {Value("abc"), Value(1), Value("-")}),
            "TypeError.InvalidArgumentType");
}

TEST_F(FunctionTest, SubstringLeftRight) {
  EXPECT_VALUE(f("substring", {Value("0123456789"), Value(1)}), Value("123456789"));  // String1
  EXPECT_VALUE(f("substring", {Value("0123456789"), Value(1), Value(3)}), Value("123"));
  EXPECT_VALUE(f("substring", {Value("abc"), Value(10)}), Value(""));
  EXPECT_VALUE(f("substring", {Value("abc"), Value(1), Value(10)}), Value("bc"));
  EXPECT_VALUE(f("substring", {Value("h\xC3\xA9llo"), Value(1), Value(2)}), Value("\xC3\xA9l"));
  EXPECT_VALUE(f("substring", {N, Value(1)}), N);
  EXPECT_EQ(fError("substring", {Value("abc"), Value(-1)}), "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(fError("substring", {Value("abc"), Value(0), Value(-1)}),
            "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(fError("substring", {Value("abc"), Value(1.0)}), "TypeError.InvalidArgumentType");
  EXPECT_VALUE(f("left", {Value("hello"), Value(3)}), Value("hel"));
  EXPECT_VALUE(f("left", {Value("hi"), Value(10)}), Value("hi"));
  EXPECT_VALUE(f("right", {Value("hello"), Value(3)}), Value("llo"));
  EXPECT_VALUE(f("right", {Value("h\xC3\xA9llo"), Value(4)}), Value("\xC3\xA9llo"));
  EXPECT_VALUE(f("right", {Value("hi"), Value(10)}), Value("hi"));
  EXPECT_VALUE(f("left", {N, Value(1)}), N);
  EXPECT_EQ(fError("left", {Value("a"), Value(-1)}), "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(fError("right", {Value("a"), Value(-1)}), "ArgumentError.NumberOutOfRange");
}

TEST_F(FunctionTest, Split) {
  EXPECT_VALUE(f("split", {Value("one1two"), Value("1")}), list({"one", "two"}));  // String4
  EXPECT_VALUE(f("split", {Value("a,,b,"), Value(",")}), list({"a", "", "b", ""}));
  EXPECT_VALUE(f("split", {Value("a::b"), Value("::")}), list({"a", "b"}));
  EXPECT_VALUE(f("split", {Value("ab\xC3\xA9"), Value("")}), list({"a", "b", "\xC3\xA9"}));
  EXPECT_VALUE(f("split", {Value(""), Value(",")}), list({}));
  EXPECT_VALUE(f("split", {Value("a-b_c"), list({"-", "_"})}), list({"a", "b", "c"}));
  EXPECT_VALUE(f("split", {Value("abc"), N}), N);
  EXPECT_EQ(fError("split", {Value("abc"), Value(1)}), "TypeError.InvalidArgumentType");
}

// ---- graph-free uses of the graph functions --------------------------------

TEST_F(FunctionTest, PathsKeysPropertiesIdWithoutTheGraph) {
  Value p(PathValue{{1, 2, 3}, {10, 11}});
  EXPECT_EQ(toDebugString(f("nodes", {p})), "[(#1), (#2), (#3)]");
  EXPECT_EQ(toDebugString(f("relationships", {p})), "[[#10], [#11]]");
  EXPECT_VALUE(f("length", {p}), Value(2));
  EXPECT_VALUE(f("length", {Value(PathValue{{1}, {}})}), Value(0));
  for (const char* fn : {"nodes", "relationships", "length", "keys", "properties", "labels", "type",
                         "id", "startNode", "endNode"}) {
    EXPECT_VALUE(f(fn, {N}), N) << fn;
  }
  EXPECT_EQ(fError("length", {Value::node(1)}), "TypeError.InvalidArgumentValue");
  EXPECT_EQ(fError("nodes", {list({})}), "TypeError.InvalidArgumentValue");
  // Map3 [4]: keys with null values count.
  EXPECT_VALUE(f("keys", {map({{"k", N}, {"l", 1}})}), list({"k", "l"}));
  EXPECT_VALUE(f("keys", {map({})}), list({}));
  EXPECT_EQ(toDebugString(f("properties", {map({{"name", "Popeye"}, {"level", 9001}})})),
            "{level: 9001, name: 'Popeye'}");
  EXPECT_EQ(fError("properties", {Value(1)}), "TypeError.InvalidArgumentValue");
  EXPECT_EQ(fError("keys", {Value("Cypher")}), "TypeError.InvalidArgumentValue");
  EXPECT_VALUE(f("id", {Value::node(5)}), Value(5));
  EXPECT_VALUE(f("id", {Value::rel(6)}), Value(6));
  // Graph3 [9], Graph4 [6]: wrong kinds at runtime are InvalidArgumentValue.
  EXPECT_EQ(fError("labels", {Value(1)}), "TypeError.InvalidArgumentValue");
  for (const Value& v : {Value(0), Value(1.0), T, Value(""), list({})}) {
    EXPECT_EQ(fError("type", {v}), "TypeError.InvalidArgumentValue") << toDebugString(v);
  }
  EXPECT_EQ(fError("startNode", {Value::node(1)}), "TypeError.InvalidArgumentValue");
  EXPECT_EQ(fError("id", {Value("x")}), "TypeError.InvalidArgumentValue");
}

TEST_F(FunctionTest, ExistsAndTimestamp) {
  EXPECT_VALUE(f("exists", {N}), F);
  EXPECT_VALUE(f("exists", {Value(0)}), T);
  Value ts = f("timestamp", {});
  ASSERT_TRUE(ts.isInt());
  EXPECT_GT(ts.asInt(), int64_t{1'600'000'000'000});  // after 2020, in milliseconds
}

TEST_F(FunctionTest, ManyArgumentsGoThroughTheHeap) {
  // More arguments than the evaluator keeps on the stack.
  EXPECT_VALUE(f("coalesce", {N, N, N, N, N, Value(6), Value(7)}), Value(6));
}

}  // namespace
}  // namespace maestro::engine
