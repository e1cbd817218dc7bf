// Operators of the evaluator on hand-built expression trees, with the
// expected values taken from the TCK's expressions/* features.
#include "engine/expression/evaluator.h"

#include <cmath>
#include <limits>

#include "engine/common/errors.h"
#include "expr_test_util.h"

namespace maestro::engine {
namespace {

using namespace maestro::engine::testing;  // NOLINT
using ast::CompareOp;
using ast::Quantifier;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
const Value T(true);
const Value F(false);
const Value N;

TEST(SameValueTest, TellsIntegersFromFloatsAndComparesDeeply) {
  EXPECT_TRUE(sameValue("a", "b", Value(1), Value(1)));
  EXPECT_FALSE(sameValue("a", "b", Value(1), Value(1.0)));
  EXPECT_FALSE(sameValue("a", "b", list({1}), list({1.0})));
  EXPECT_FALSE(sameValue("a", "b", list({1, 2}), list({1})));
  EXPECT_TRUE(sameValue("a", "b", nan(), nan()));
  EXPECT_FALSE(sameValue("a", "b", N, F));
}

// ---- boolean logic (Boolean1-5) ------------------------------------------

struct TruthRow {
  Value a;
  Value b;
  Value expected;
};

class BooleanTest : public ExprTest {
 protected:
  void checkTable(BoundKind kind, std::initializer_list<TruthRow> rows) {
    for (const TruthRow& r : rows) {
      EXPECT_VALUE(eval(binary(kind, r.a, r.b)), r.expected)
          << toDebugString(r.a) << " op " << toDebugString(r.b);
    }
  }
};

TEST_F(BooleanTest, AndTruthTable) {
  checkTable(BoundKind::kAnd, {{T, T, T},
                               {T, F, F},
                               {T, N, N},
                               {F, T, F},
                               {F, F, F},
                               {F, N, F},
                               {N, T, N},
                               {N, F, F},
                               {N, N, N}});
}

TEST_F(BooleanTest, OrTruthTable) {
  checkTable(BoundKind::kOr, {{T, T, T},
                              {T, F, T},
                              {T, N, T},
                              {F, T, T},
                              {F, F, F},
                              {F, N, N},
                              {N, T, T},
                              {N, F, N},
                              {N, N, N}});
}

TEST_F(BooleanTest, XorTruthTable) {
  checkTable(BoundKind::kXor, {{T, T, F},
                               {T, F, T},
                               {T, N, N},
                               {F, T, T},
                               {F, F, F},
                               {F, N, N},
                               {N, T, N},
                               {N, F, N},
                               {N, N, N}});
}

TEST_F(BooleanTest, Not) {
  EXPECT_VALUE(eval(unary(BoundKind::kNot, lit(T))), F);
  EXPECT_VALUE(eval(unary(BoundKind::kNot, lit(F))), T);
  EXPECT_VALUE(eval(unary(BoundKind::kNot, lit(N))), N);
  EXPECT_VALUE(eval(unary(BoundKind::kNot, unary(BoundKind::kNot, lit(N)))), N);
}

TEST_F(BooleanTest, NonBooleanOperandsAreTypeErrors) {
  EXPECT_EQ(evalError(binary(BoundKind::kAnd, Value(123), T)), "TypeError.InvalidArgumentType");
  EXPECT_EQ(evalError(binary(BoundKind::kOr, F, Value("foo"))), "TypeError.InvalidArgumentType");
  EXPECT_EQ(evalError(binary(BoundKind::kXor, N, list({}))), "TypeError.InvalidArgumentType");
  EXPECT_EQ(evalError(binary(BoundKind::kXor, Value(1.5), N)), "TypeError.InvalidArgumentType");
  EXPECT_EQ(evalError(unary(BoundKind::kNot, lit(Value(0)))), "TypeError.InvalidArgumentType");
  EXPECT_EQ(evalError(unary(BoundKind::kNot, lit(map({})))), "TypeError.InvalidArgumentType");
}

TEST_F(BooleanTest, AndOrShortCircuit) {
  // The right side would fail (integer division by zero) if evaluated.
  auto boom = [] { return binary(BoundKind::kDiv, Value(1), Value(0)); };
  EXPECT_VALUE(eval(binary(BoundKind::kAnd, lit(F), boom())), F);
  EXPECT_VALUE(eval(binary(BoundKind::kOr, lit(T), boom())), T);
  EXPECT_EQ(evalError(binary(BoundKind::kAnd, lit(T), boom())), "ArgumentError.NumberOutOfRange");
}

// ---- arithmetic (Mathematical*, Precedence2, List4) -----------------------

TEST_F(ExprTest, AdditionAcrossKinds) {
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value(99), Value(5))), Value(104));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value(1), Value(2.5))), Value(3.5));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value(0.5), Value(1))), Value(1.5));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value("nam"), Value("e"))), Value("name"));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value("a"), Value(1))), Value("a1"));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value(1.5), Value("a"))), Value("1.5a"));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value("x"), Value(2.0))), Value("x2.0"));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, list({1, 10, 100}), list({4, 5}))),
               list({1, 10, 100, 4, 5}));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, list({F, T}), F)), list({F, T, F}));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value(0), list({1}))), list({0, 1}));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, list({list({})}), list({list({})}))),
               list({list({}), list({})}));
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, N, Value(1))), N);
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, list({1}), N)), N);
  EXPECT_EQ(evalError(binary(BoundKind::kAdd, T, Value(1))), "TypeError.InvalidArgumentType");
  EXPECT_EQ(evalError(binary(BoundKind::kAdd, Value("a"), T)), "TypeError.InvalidArgumentType");
  EXPECT_EQ(evalError(binary(BoundKind::kAdd, map({}), Value(1))), "TypeError.InvalidArgumentType");
}

TEST_F(ExprTest, SubtractionMultiplicationDivisionModulo) {
  EXPECT_VALUE(eval(binary(BoundKind::kSub, Value(3), Value(5))), Value(-2));
  EXPECT_VALUE(eval(binary(BoundKind::kSub, Value(3), Value(0.5))), Value(2.5));
  EXPECT_VALUE(eval(binary(BoundKind::kMul, Value(4), Value(3))), Value(12));
  EXPECT_VALUE(eval(binary(BoundKind::kMul, Value(4), Value(0.5))), Value(2.0));
  EXPECT_VALUE(eval(binary(BoundKind::kDiv, Value(7), Value(2))), Value(3));
  EXPECT_VALUE(eval(binary(BoundKind::kDiv, Value(-7), Value(2))), Value(-3));
  EXPECT_VALUE(eval(binary(BoundKind::kDiv, Value(7.0), Value(2))), Value(3.5));
  EXPECT_VALUE(eval(binary(BoundKind::kMod, Value(7), Value(3))), Value(1));
  EXPECT_VALUE(eval(binary(BoundKind::kMod, Value(-7), Value(3))), Value(-1));
  EXPECT_VALUE(eval(binary(BoundKind::kMod, Value(7.5), Value(2))), Value(1.5));
  EXPECT_VALUE(eval(binary(BoundKind::kMod, Value(kMin), Value(-1))), Value(0));
  EXPECT_VALUE(eval(binary(BoundKind::kDiv, Value(1.0), Value(0))),
               Value(std::numeric_limits<double>::infinity()));
  EXPECT_VALUE(eval(binary(BoundKind::kDiv, Value(-1), Value(0.0))),
               Value(-std::numeric_limits<double>::infinity()));
  EXPECT_VALUE(eval(binary(BoundKind::kDiv, Value(0.0), Value(0.0))), nan());
  for (BoundKind k :
       {BoundKind::kSub, BoundKind::kMul, BoundKind::kDiv, BoundKind::kMod, BoundKind::kPow}) {
    EXPECT_VALUE(eval(binary(k, N, Value(2))), N);
    EXPECT_VALUE(eval(binary(k, Value(2), N)), N);
    EXPECT_EQ(evalError(binary(k, Value("a"), Value(2))), "TypeError.InvalidArgumentType");
    EXPECT_EQ(evalError(binary(k, Value(2), list({2}))), "TypeError.InvalidArgumentType");
  }
}

TEST_F(ExprTest, IntegerDivisionByZeroIsAnError) {
  EXPECT_EQ(evalError(binary(BoundKind::kDiv, Value(1), Value(0))),
            "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(evalError(binary(BoundKind::kMod, Value(1), Value(0))),
            "ArgumentError.NumberOutOfRange");
}

TEST_F(ExprTest, IntegerOverflowIsAnError) {
  EXPECT_EQ(evalError(binary(BoundKind::kAdd, Value(kMax), Value(1))),
            "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(evalError(binary(BoundKind::kSub, Value(kMin), Value(1))),
            "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(evalError(binary(BoundKind::kMul, Value(kMax), Value(2))),
            "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(evalError(binary(BoundKind::kDiv, Value(kMin), Value(-1))),
            "ArgumentError.NumberOutOfRange");
  EXPECT_EQ(evalError(unary(BoundKind::kNegate, lit(Value(kMin)))),
            "ArgumentError.NumberOutOfRange");
  // The limits themselves are fine, and floats never overflow into errors.
  EXPECT_VALUE(eval(binary(BoundKind::kAdd, Value(kMax - 1), Value(1))), Value(kMax));
  EXPECT_VALUE(eval(binary(BoundKind::kMul, Value(1e308), Value(10))),
               Value(std::numeric_limits<double>::infinity()));
}

TEST_F(ExprTest, PowerIsAlwaysFloat) {
  EXPECT_VALUE(eval(binary(BoundKind::kPow, Value(2), Value(3))), Value(8.0));
  EXPECT_VALUE(eval(binary(BoundKind::kPow, Value(4), Value(0.5))), Value(2.0));
  // 4 ^ 3 % 2 ^ 3 (Precedence2 [2]).
  auto e = binary(BoundKind::kMod, binary(BoundKind::kPow, Value(4), Value(3)),
                  binary(BoundKind::kPow, Value(2), Value(3)));
  EXPECT_VALUE(eval(e), Value(0.0));
}

TEST_F(ExprTest, PrecedenceTreeFromMathematical8) {
  // 12 / 4 * 3 - 2 * 4
  auto e = binary(BoundKind::kSub,
                  binary(BoundKind::kMul, binary(BoundKind::kDiv, Value(12), Value(4)), lit(3)),
                  binary(BoundKind::kMul, Value(2), Value(4)));
  EXPECT_VALUE(eval(e), Value(1));
}

TEST_F(ExprTest, Negation) {
  EXPECT_VALUE(eval(unary(BoundKind::kNegate, lit(3))), Value(-3));
  EXPECT_VALUE(eval(unary(BoundKind::kNegate, lit(1.5))), Value(-1.5));
  EXPECT_VALUE(eval(unary(BoundKind::kNegate, lit(N))), N);
  EXPECT_EQ(evalError(unary(BoundKind::kNegate, lit("a"))), "TypeError.InvalidArgumentType");
}

// ---- comparison (Comparison1-4) ---------------------------------------------

TEST_F(ExprTest, ComparisonOperators) {
  EXPECT_VALUE(eval(compare(Value(1), CompareOp::kEq, Value(1.0))), T);
  EXPECT_VALUE(eval(compare(Value("1"), CompareOp::kEq, Value(1))), F);
  EXPECT_VALUE(eval(compare(Value(1), CompareOp::kNe, Value(2))), T);
  EXPECT_VALUE(eval(compare(N, CompareOp::kEq, N)), N);
  EXPECT_VALUE(eval(compare(N, CompareOp::kNe, N)), N);
  EXPECT_VALUE(eval(compare(Value(1), CompareOp::kLt, Value(3.14))), T);
  EXPECT_VALUE(eval(compare(Value(1), CompareOp::kLe, Value(1.0))), T);
  EXPECT_VALUE(eval(compare(Value(3.14), CompareOp::kGe, Value(1))), T);
  EXPECT_VALUE(eval(compare(Value(3.14), CompareOp::kGt, Value(4))), F);
  EXPECT_VALUE(eval(compare(Value("1"), CompareOp::kLt, Value(1))), N);
  EXPECT_VALUE(eval(compare(list({1, 0}), CompareOp::kGe, list({1}))), T);
  EXPECT_VALUE(eval(compare(list({1, 2}), CompareOp::kGe, list({1, N}))), N);
  EXPECT_VALUE(eval(compare(list({1, 2}), CompareOp::kGe, list({3, N}))), F);
  EXPECT_VALUE(eval(compare(list({1, 2}), CompareOp::kLt, T)), N);  // Precedence3 [6]
  EXPECT_VALUE(eval(compare(map({}), CompareOp::kLt, map({}))), N);
}

TEST_F(ExprTest, NaNComparisonsAreFalseNotNull) {
  // Comparison1 [8], Comparison2 [5].
  for (const Value& other : {Value(1), Value(1.0), nan()}) {
    for (CompareOp op :
         {CompareOp::kLt, CompareOp::kLe, CompareOp::kGt, CompareOp::kGe, CompareOp::kEq}) {
      EXPECT_VALUE(eval(compare(nan(), op, other)), F) << toDebugString(other);
    }
    EXPECT_VALUE(eval(compare(nan(), CompareOp::kNe, other)), T);
  }
  EXPECT_VALUE(eval(compare(nan(), CompareOp::kGt, Value("a"))), N);
  EXPECT_VALUE(eval(compare(nan(), CompareOp::kEq, Value("a"))), F);
  EXPECT_VALUE(eval(compare(nan(), CompareOp::kNe, Value("a"))), T);
}

// Counts how often the evaluator runs a subplan; returns `result`.
class CountingRunner : public SubplanRunner {
 public:
  explicit CountingRunner(Value result) : result_(std::move(result)) {}
  Value run(const Subplan&, Row&) override {
    ++runs;
    return result_;
  }
  int runs = 0;

 private:
  Value result_;
};

BoundExprPtr subplan() {
  // Subplan is the executor's type (opaque here); CountingRunner never
  // looks inside, so any non-null pointer will do, owned by nobody.
  static const char kDummy = 0;
  auto e = node(BoundKind::kSubplan, {});
  e->subplan = std::shared_ptr<const Subplan>(reinterpret_cast<const Subplan*>(&kDummy),
                                              [](const Subplan*) {});
  return e;
}

TEST_F(ExprTest, ComparisonChainsEvaluateEachOperandOnce) {
  CountingRunner runner(Value(2));
  ctx_.subplans = &runner;
  // 1 < x < 3 with x computed by a subplan.
  auto e = compare(exprs(lit(1), subplan(), lit(3)), {CompareOp::kLt, CompareOp::kLt});
  EXPECT_VALUE(eval(e), T);
  EXPECT_EQ(runner.runs, 1);
  EXPECT_VALUE(eval(compare(exprs(lit(1), lit(3), lit(2)), {CompareOp::kLt, CompareOp::kLt})), F);
  EXPECT_VALUE(eval(compare(exprs(lit(1), lit(N), lit(3)), {CompareOp::kLt, CompareOp::kLt})), N);
  // A false link decides even after a null one: 1 < null < 0 … is false.
  EXPECT_VALUE(eval(compare(exprs(lit(3), lit(N), lit(4), lit(0)),
                            {CompareOp::kLt, CompareOp::kLt, CompareOp::kLt})),
               F);
  // 3 < 4 = 4 <> 5 (Comparison4 [1] with constants).
  EXPECT_VALUE(eval(compare(exprs(lit(3), lit(4), lit(4), lit(5)),
                            {CompareOp::kLt, CompareOp::kEq, CompareOp::kNe})),
               T);
}

TEST_F(ExprTest, IsNullAndIsNotNull) {
  EXPECT_VALUE(eval(unary(BoundKind::kIsNull, lit(N))), T);
  EXPECT_VALUE(eval(unary(BoundKind::kIsNull, lit(0))), F);
  EXPECT_VALUE(eval(unary(BoundKind::kIsNotNull, lit(N))), F);
  EXPECT_VALUE(eval(unary(BoundKind::kIsNotNull, lit(list({N})))), T);
}

// ---- IN (Null3 [4], List5) ----------------------------------------------------

TEST_F(ExprTest, InList) {
  struct Row {
    Value x;
    Value list;
    Value expected;
  };
  const Row rows[] = {
      {N, N, N},
      {N, list({1, 2, 3}), N},
      {N, list({1, 2, 3, N}), N},
      {N, list({}), F},
      {Value(1), list({1, 2, 3, N}), T},
      {Value(1), list({N, 1}), T},
      {Value(5), list({1, 2, 3, N}), N},
      {Value(1), list({"1", 2}), F},
      {list({1, 2}), list({1, list({1, "2"})}), F},
      {list({1}), list({1, 2}), F},
      {list({1}), list({1, 2, list({1})}), T},
      {list({1, 2}), list({1, list({1, 2})}), T},
      {list({1, 2}), list({1, list({2, 1})}), F},
      {list({list({1, 2}), list({3, 4})}), list({5, list({list({1, 2}), list({3, 4})})}), T},
      {N, list({N}), N},
      {list({N}), list({list({N})}), N},
      {list({N}), list({N}), N},
      {list({1}), list({list({1, N})}), F},
      {Value(3), list({1, N, 3}), T},
      {Value(4), list({1, N, 3}), N},
      {list({1, 2}), list({list({N, "foo"}), list({1, 2})}), T},
      {list({1, 2}), list({list({N, "foo"})}), F},
      {list({1, 2}), list({list({N, 2})}), N},
      {list({1, 2, N}), list({1, list({1, 2, N})}), N},
      {list({}), list({list({})}), T},
      {list({}), list({}), F},
      {list({}), list({1, 2, N}), N},
      {Value(1.0), list({1}), T},
  };
  for (const Row& r : rows) {
    EXPECT_VALUE(eval(binary(BoundKind::kIn, r.x, r.list)), r.expected)
        << toDebugString(r.x) << " IN " << toDebugString(r.list);
  }
  EXPECT_EQ(evalError(binary(BoundKind::kIn, Value(1), Value("foo"))),
            "TypeError.InvalidArgumentType");
  EXPECT_EQ(evalError(binary(BoundKind::kIn, Value(1), map({{"x", list({})}}))),
            "TypeError.InvalidArgumentType");
}

// ---- string predicates (String8-11) and regular expressions ---------------

TEST_F(ExprTest, StringPredicates) {
  EXPECT_VALUE(eval(binary(BoundKind::kStartsWith, Value("ABCDEF"), Value("ABC"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kStartsWith, Value("AB"), Value("ABC"))), F);
  EXPECT_VALUE(eval(binary(BoundKind::kStartsWith, Value(""), Value(""))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kEndsWith, Value("ABCDEF"), Value("DEF"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kEndsWith, Value("abcdef"), Value("DEF"))), F);
  EXPECT_VALUE(eval(binary(BoundKind::kContains, Value("ABCDEF"), Value("CD"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kContains, Value("Foo\nFoo"), Value("\n"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kContains, Value("ab"), Value(""))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kContains, Value("ab"), Value("b "))), F);
}

TEST_F(ExprTest, StringPredicatesOnNonStringsAreNull) {
  const Value operands[] = {Value(1), Value(3.14), T, list({}), map({}), N};
  for (BoundKind k : {BoundKind::kStartsWith, BoundKind::kEndsWith, BoundKind::kContains,
                      BoundKind::kRegexMatch}) {
    for (const Value& a : operands) {
      for (const Value& b : operands) EXPECT_VALUE(eval(binary(k, a, b)), N);
      EXPECT_VALUE(eval(binary(k, Value("abc"), a)), N);
      EXPECT_VALUE(eval(binary(k, a, Value("abc"))), N);
    }
  }
}

TEST_F(ExprTest, RegexMatchesTheWholeString) {
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("abc"), Value("a.c"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("abcd"), Value("a.c"))), F);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("xbx"), Value("b"))), F);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("ANDRES"), Value("(?i)and.*"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("ANDRES"), Value("and.*"))), F);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("a\nb"), Value("a.b"))), F);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("a\nb"), Value("(?s)a.b"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("a.b"), Value("(?s)a\\.b"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("ab"), Value("(?:a)b"))), T);
  // The cache must not confuse patterns: the same pattern again, then another.
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("abc"), Value("a.c"))), T);
  EXPECT_VALUE(eval(binary(BoundKind::kRegexMatch, Value("abc"), Value("a.d"))), F);
}

TEST_F(ExprTest, InvalidRegexIsAnArgumentError) {
  EXPECT_EQ(evalError(binary(BoundKind::kRegexMatch, Value("a"), Value("("))),
            "ArgumentError.InvalidArgumentValue");
  EXPECT_EQ(evalError(binary(BoundKind::kRegexMatch, Value("a"), Value("[a"))),
            "ArgumentError.InvalidArgumentValue");
  EXPECT_EQ(evalError(binary(BoundKind::kRegexMatch, Value("a"), Value("(?x)a"))),
            "ArgumentError.InvalidArgumentValue");
}

// ---- subscripts and slices (List1, List2, Map2) -------------------------------

TEST_F(ExprTest, ListIndexing) {
  Value l = list({1, 2, 3});
  EXPECT_VALUE(eval(subscript(lit(l), lit(0))), Value(1));
  EXPECT_VALUE(eval(subscript(lit(l), lit(-1))), Value(3));
  EXPECT_VALUE(eval(subscript(lit(l), lit(-3))), Value(1));
  EXPECT_VALUE(eval(subscript(lit(l), lit(3))), N);
  EXPECT_VALUE(eval(subscript(lit(l), lit(-4))), N);
  EXPECT_VALUE(eval(subscript(lit(l), lit(N))), N);
  EXPECT_VALUE(eval(subscript(lit(N), lit(0))), N);
  EXPECT_VALUE(eval(subscript(subscript(lit(list({list({1})})), lit(0)), lit(0))), Value(1));
  for (const Value& bad : {T, Value(4.7), Value("1"), list({1}), map({{"x", 3}})}) {
    EXPECT_EQ(evalError(subscript(lit(l), lit(bad))), "TypeError.ListElementAccessByNonInteger")
        << toDebugString(bad);
  }
  for (const Value& bad : {T, Value(123), Value(4.7), Value("1")}) {
    EXPECT_EQ(evalError(subscript(lit(bad), lit(0))), "TypeError.InvalidArgumentType")
        << toDebugString(bad);
  }
}

TEST_F(ExprTest, MapIndexing) {
  Value m = map({{"name", "Mats"}, {"Name", "Pontus"}, {"null", "x"}});
  EXPECT_VALUE(eval(subscript(lit(m), lit("name"))), Value("Mats"));
  EXPECT_VALUE(eval(subscript(lit(m), lit("Name"))), Value("Pontus"));
  EXPECT_VALUE(eval(subscript(lit(m), lit("nAMe"))), N);
  EXPECT_VALUE(eval(subscript(lit(m), lit("null"))), Value("x"));
  EXPECT_VALUE(eval(subscript(lit(m), lit(N))), N);
  EXPECT_VALUE(eval(subscript(lit(N), lit("x"))), N);
  EXPECT_EQ(evalError(subscript(lit(m), lit(0))), "TypeError.MapElementAccessByNonString");
  EXPECT_EQ(evalError(subscript(lit(m), lit(12.3))), "TypeError.MapElementAccessByNonString");
}

TEST_F(ExprTest, ListSlices) {
  Value l = list({1, 2, 3});
  EXPECT_VALUE(eval(slice(list({1, 2, 3, 4, 5}), Value(1), Value(3))), list({2, 3}));
  EXPECT_VALUE(eval(slice(l, Value(1), std::nullopt)), list({2, 3}));
  EXPECT_VALUE(eval(slice(l, std::nullopt, Value(2))), list({1, 2}));
  EXPECT_VALUE(eval(slice(l, Value(0), Value(1))), list({1}));
  EXPECT_VALUE(eval(slice(l, Value(0), Value(0))), list({}));
  EXPECT_VALUE(eval(slice(l, Value(-3), Value(-1))), list({1, 2}));
  EXPECT_VALUE(eval(slice(l, Value(3), Value(1))), list({}));
  EXPECT_VALUE(eval(slice(l, Value(-5), Value(5))), list({1, 2, 3}));
  EXPECT_VALUE(eval(slice(l, std::nullopt, std::nullopt)), list({1, 2, 3}));
  EXPECT_VALUE(eval(slice(l, N, N)), N);
  EXPECT_VALUE(eval(slice(l, Value(1), N)), N);
  EXPECT_VALUE(eval(slice(l, N, Value(3))), N);
  EXPECT_VALUE(eval(slice(l, std::nullopt, N)), N);
  EXPECT_VALUE(eval(slice(l, N, std::nullopt)), N);
  EXPECT_VALUE(eval(slice(N, Value(1), Value(2))), N);
  EXPECT_EQ(evalError(slice(l, Value(1.5), Value(2))), "TypeError.ListElementAccessByNonInteger");
  EXPECT_EQ(evalError(slice(Value("abc"), Value(0), Value(1))), "TypeError.InvalidArgumentType");
}

// ---- property access on maps (Map1, Null1) ----------------------------------

TEST_F(ExprTest, PropertyOfMapsAndNull) {
  Value m = map({{"existing", 42}, {"notMissing", N}});
  EXPECT_VALUE(eval(prop(lit(m), "existing")), Value(42));
  EXPECT_VALUE(eval(prop(lit(m), "notMissing")), N);
  EXPECT_VALUE(eval(prop(lit(m), "missing")), N);
  EXPECT_VALUE(eval(prop(lit(N), "missing")), N);
  EXPECT_VALUE(eval(prop(subscript(lit(list({123, m})), lit(1)), "existing")), Value(42));
  for (const Value& bad : {Value(123), Value(42.45), T, F, Value("string"), list({123, T})}) {
    EXPECT_EQ(evalError(prop(lit(bad), "num")), "TypeError.InvalidArgumentType")
        << toDebugString(bad);
  }
}

// ---- literals, parameters, CASE ----------------------------------------------

TEST_F(ExprTest, ListAndMapLiterals) {
  row_[0] = Value(7);
  EXPECT_VALUE(eval(listOf(exprs(lit(1), slot(0), lit(N)))), list({1, 7, N}));
  EXPECT_EQ(toDebugString(eval(mapOf({"a", "b"}, exprs(lit(1), slot(0))))), "{a: 1, b: 7}");
}

TEST_F(ExprTest, Parameters) {
  params_["x"] = list({"Apa"});
  EXPECT_VALUE(eval(subscript(param("x"), lit(0))), Value("Apa"));
  EXPECT_EQ(evalError(param("missing")), "ParameterMissing.MissingParameter");
}

BoundExprPtr simpleCase(Value subject) {
  // CASE subject WHEN -10 … WHEN 3000 … ELSE 'something else' END
  auto e = node(BoundKind::kCase, {});
  e->has_subject = true;
  e->has_else = true;
  e->children.push_back(lit(std::move(subject)));
  const std::pair<int, const char*> arms[] = {{-10, "minus ten"}, {0, "zero"},
                                              {1, "one"},         {5, "five"},
                                              {10, "ten"},        {3000, "three thousand"}};
  for (const auto& [when, then] : arms) {
    e->children.push_back(lit(when));
    e->children.push_back(lit(then));
  }
  e->children.push_back(lit("something else"));
  return e;
}

TEST_F(ExprTest, SimpleCase) {
  // Conditional2 [1].
  const std::pair<Value, const char*> rows[] = {
      {Value(0), "zero"},
      {Value(1), "one"},
      {Value(5), "five"},
      {Value(10), "ten"},
      {Value(3000), "three thousand"},
      {Value(3), "something else"},
      {Value(3001), "something else"},
      {Value("0"), "something else"},
      {T, "something else"},
      {Value(10.1), "something else"},
      {Value(10.0), "ten"},
      {N, "something else"},
  };
  for (const auto& [subject, expected] : rows) {
    EXPECT_VALUE(eval(simpleCase(subject)), Value(expected)) << toDebugString(subject);
  }
}

TEST_F(ExprTest, GenericCase) {
  auto make = [](Value w1, Value w2, bool with_else) {
    auto e = node(BoundKind::kCase,
                  exprs(lit(std::move(w1)), lit("first"), lit(std::move(w2)), lit("second")));
    if (with_else) {
      e->has_else = true;
      e->children.push_back(lit("else"));
    }
    return e;
  };
  EXPECT_VALUE(eval(make(T, T, true)), Value("first"));
  EXPECT_VALUE(eval(make(N, T, true)), Value("second"));
  EXPECT_VALUE(eval(make(F, N, true)), Value("else"));
  EXPECT_VALUE(eval(make(F, F, false)), N);
  EXPECT_VALUE(eval(make(Value(1), Value("x"), false)), N);  // non-booleans never match
}

// ---- comprehensions, quantifiers, reduce ------------------------------------

TEST_F(ExprTest, ListComprehension) {
  row_[1] = Value("outer");
  // [x IN [1, 2, 3] WHERE x > 1 | x * 10]
  auto e = comprehension(1, lit(list({1, 2, 3})), compare(exprs(slot(1), lit(1)), {CompareOp::kGt}),
                         binary(BoundKind::kMul, slot(1), lit(10)));
  EXPECT_VALUE(eval(e), list({20, 30}));
  EXPECT_VALUE(row_[1], Value("outer"));  // the iteration variable does not leak
  EXPECT_VALUE(eval(comprehension(1, lit(list({1, 2})), nullptr, nullptr)), list({1, 2}));
  EXPECT_VALUE(eval(comprehension(1, lit(list({1, 2})), nullptr, lit("k"))), list({"k", "k"}));
  EXPECT_VALUE(eval(comprehension(1, lit(N), nullptr, nullptr)), N);
  EXPECT_EQ(evalError(comprehension(1, lit(5), nullptr, nullptr)), "TypeError.InvalidArgumentType");
  // A null or false filter drops the element; a non-boolean one is an error.
  EXPECT_VALUE(eval(comprehension(1, lit(list({1, N, 3})),
                                  compare(exprs(slot(1), lit(1)), {CompareOp::kGt}), nullptr)),
               list({3}));
  EXPECT_EQ(evalError(comprehension(1, lit(list({1})), slot(1), nullptr)),
            "TypeError.InvalidArgumentType");
}

TEST_F(ExprTest, IterationRestoresTheSlotAfterAnError) {
  row_[2] = Value("saved");
  auto e = comprehension(2, lit(list({1, 0})), nullptr, binary(BoundKind::kDiv, lit(1), slot(2)));
  EXPECT_EQ(evalError(e), "ArgumentError.NumberOutOfRange");
  EXPECT_VALUE(row_[2], Value("saved"));
}

TEST_F(ExprTest, IterationMayReuseTheSlotOfItsOwnList) {
  // [x IN x | x + 1] where the outer x lives in the slot the inner x reuses.
  row_[3] = list({1, 2});
  auto e = comprehension(3, slot(3), nullptr, binary(BoundKind::kAdd, slot(3), lit(1)));
  EXPECT_VALUE(eval(e), list({2, 3}));
  EXPECT_VALUE(row_[3], list({1, 2}));
}

TEST_F(ExprTest, NestedComprehensions) {
  // [x IN [[1, 2], [3]] | [y IN x | y * 2]]
  auto inner = comprehension(2, slot(1), nullptr, binary(BoundKind::kMul, slot(2), lit(2)));
  auto e = comprehension(1, lit(list({list({1, 2}), list({3})})), nullptr, std::move(inner));
  EXPECT_VALUE(eval(e), list({list({2, 4}), list({6})}));
}

struct QuantRow {
  Value list;
  Value expected_all;
  Value expected_any;
  Value expected_none;
  Value expected_single;
};

class QuantifierTest : public ExprTest {
 protected:
  Value run(Quantifier q, const Value& l, BoundExprPtr where) {
    return eval(quantifier(q, 4, lit(l), std::move(where)));
  }
  void check(const QuantRow& r, const std::function<BoundExprPtr()>& where) {
    EXPECT_VALUE(run(Quantifier::kAll, r.list, where()), r.expected_all) << toDebugString(r.list);
    EXPECT_VALUE(run(Quantifier::kAny, r.list, where()), r.expected_any) << toDebugString(r.list);
    EXPECT_VALUE(run(Quantifier::kNone, r.list, where()), r.expected_none) << toDebugString(r.list);
    EXPECT_VALUE(run(Quantifier::kSingle, r.list, where()), r.expected_single)
        << toDebugString(r.list);
  }
};

TEST_F(QuantifierTest, ListsContainingNulls) {
  // Quantifier1-4 [10]: x = 2 and x < 10.
  auto eq2 = [] { return compare(exprs(slot(4), lit(2)), {CompareOp::kEq}); };
  auto lt10 = [] { return compare(exprs(slot(4), lit(10)), {CompareOp::kLt}); };
  const QuantRow eq_rows[] = {
      {list({N}), N, N, N, N},    {list({N, N}), N, N, N, N}, {list({0, N}), F, N, N, N},
      {list({2, N}), N, T, F, N}, {list({N, 2}), N, T, F, N}, {list({}), T, F, T, F},
      {list({2}), T, T, F, T},    {list({2, 2}), T, T, F, F},
  };
  for (const QuantRow& r : eq_rows) check(r, eq2);
  const QuantRow lt_rows[] = {
      {list({34, 0, N, 5, 900}), F, T, F, F},
      {list({34, 10, N, 15, 900}), F, N, N, N},
      {list({4, 0, N, -15, 9}), N, T, F, F},
  };
  for (const QuantRow& r : lt_rows) check(r, lt10);
}

TEST_F(QuantifierTest, IsNullPredicates) {
  // Quantifier1-4 [11].
  auto isNull = [] { return unary(BoundKind::kIsNull, slot(4)); };
  const QuantRow rows[] = {
      {list({}), T, F, T, F},           {list({0}), F, F, T, F},
      {list({N}), T, T, F, T},          {list({N, N}), T, T, F, F},
      {list({0, N}), F, T, F, T},       {list({34, 0, N, 8, N}), F, T, F, F},
      {list({N, N, N, N}), T, T, F, F},
  };
  for (const QuantRow& r : rows) check(r, isNull);
}

TEST_F(QuantifierTest, NullListIsNullAndSlotIsRestored) {
  row_[4] = Value("keep");
  EXPECT_VALUE(run(Quantifier::kAny, N, lit(T)), N);
  EXPECT_VALUE(run(Quantifier::kAll, list({1, 2}), lit(T)), T);
  EXPECT_VALUE(row_[4], Value("keep"));
  EXPECT_EQ(errorDetail([&] { run(Quantifier::kAll, Value(1), lit(T)); }),
            "TypeError.InvalidArgumentType");
  // x % 2 = 0 over strings (Quantifier1 [15]) fails at runtime too.
  EXPECT_EQ(
      errorDetail([&] {
        run(Quantifier::kNone, list({"Clara"}),
            compare(exprs(binary(BoundKind::kMod, slot(4), lit(2)), lit(0)), {CompareOp::kEq}));
      }),
      "TypeError.InvalidArgumentType");
}

TEST_F(ExprTest, Reduce) {
  row_[5] = Value("acc");
  row_[6] = Value("x");
  // reduce(acc = 0, x IN [1, 2, 3] | acc + x)
  auto e = reduce(5, lit(0), 6, lit(list({1, 2, 3})), binary(BoundKind::kAdd, slot(5), slot(6)));
  EXPECT_VALUE(eval(e), Value(6));
  EXPECT_VALUE(row_[5], Value("acc"));
  EXPECT_VALUE(row_[6], Value("x"));
  EXPECT_VALUE(eval(reduce(5, lit(10), 6, lit(list({})), slot(6))), Value(10));
  EXPECT_VALUE(eval(reduce(5, lit(0), 6, lit(N), slot(6))), N);
  // reduce(s = '', x IN ['a', 'b'] | s + x)
  EXPECT_VALUE(
      eval(reduce(5, lit(""), 6, lit(list({"a", "b"})), binary(BoundKind::kAdd, slot(5), slot(6)))),
      Value("ab"));
}

TEST_F(ExprTest, MapProjectionOfAMap) {
  row_[0] = map({{"a", 1}, {"b", 2}});
  auto e = node(BoundKind::kMapProjection, exprs(slot(0)));
  auto item = [](BoundMapProjectionItem::Kind kind, std::string key, BoundExprPtr value) {
    BoundMapProjectionItem i;
    i.kind = kind;
    i.key = std::move(key);
    i.value = std::move(value);
    return i;
  };
  e->projection_items.push_back(item(BoundMapProjectionItem::Kind::kProperty, "a", nullptr));
  e->projection_items.push_back(item(BoundMapProjectionItem::Kind::kProperty, "missing", nullptr));
  e->projection_items.push_back(item(BoundMapProjectionItem::Kind::kValue, "c", lit(3)));
  Value got = eval(e);
  EXPECT_EQ(toDebugString(got), "{a: 1, c: 3, missing: null}");
  // .* then an override: later items win.
  auto all = node(BoundKind::kMapProjection, exprs(slot(0)));
  all->projection_items.push_back(item(BoundMapProjectionItem::Kind::kAllProperties, "", nullptr));
  all->projection_items.push_back(item(BoundMapProjectionItem::Kind::kValue, "a", lit("x")));
  EXPECT_EQ(toDebugString(eval(all)), "{a: 'x', b: 2}");
  row_[0] = N;
  EXPECT_VALUE(eval(e), N);
  row_[0] = Value(5);
  EXPECT_EQ(evalError(e), "TypeError.InvalidArgumentType");
}

TEST_F(ExprTest, SubplanRunsThroughTheRunner) {
  CountingRunner runner(T);
  EXPECT_EQ(evalError(subplan()).rfind("Error without detail", 0), 0u);  // no runner: internal
  ctx_.subplans = &runner;
  EXPECT_VALUE(eval(subplan()), T);
  EXPECT_EQ(runner.runs, 1);
}

}  // namespace
}  // namespace maestro::engine
