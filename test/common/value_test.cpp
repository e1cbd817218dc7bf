#include "common/value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <unordered_set>

namespace maestro {
namespace {

Value list(std::initializer_list<Value> items) { return Value(ValueList(items)); }
Value map(std::initializer_list<std::pair<const std::string, Value>> entries) {
  return Value(ValueMap(entries));
}
const Value kNaN(std::nan(""));
const Value kInf(std::numeric_limits<double>::infinity());
Value path(std::vector<uint64_t> nodes, std::vector<uint64_t> rels) {
  return Value(PathValue{std::move(nodes), std::move(rels)});
}

// "true", "false" or "null" for a three-valued result.
std::string tri(std::optional<bool> b) {
  if (!b.has_value()) return "null";
  return *b ? "true" : "false";
}

TEST(ValueTest, TypeNames) {
  EXPECT_EQ(Value().typeName(), "NULL");
  EXPECT_EQ(Value(true).typeName(), "BOOLEAN");
  EXPECT_EQ(Value(1).typeName(), "INTEGER");
  EXPECT_EQ(Value(1.5).typeName(), "FLOAT");
  EXPECT_EQ(Value("s").typeName(), "STRING");
  EXPECT_EQ(list({}).typeName(), "LIST");
  EXPECT_EQ(map({}).typeName(), "MAP");
  EXPECT_EQ(Value::node(1).typeName(), "NODE");
  EXPECT_EQ(Value::rel(1).typeName(), "RELATIONSHIP");
  EXPECT_EQ(path({1}, {}).typeName(), "PATH");
}

struct EqCase {
  Value a;
  Value b;
  std::string expected;  // "true", "false", "null"
};

// Comparison1 [6]-[9], List3, and the brief's list cases.
TEST(CypherEqualsTest, MatchesTheTck) {
  const EqCase cases[] = {
      {Value(1), Value(1), "true"},
      {Value(1), Value(1.0), "true"},
      {Value(1.0), Value(1.0), "true"},
      {Value(1.5), Value(1), "false"},
      {Value("1.0"), Value(1.0), "false"},
      {Value("1"), Value(1), "false"},
      {kNaN, Value(1), "false"},
      {kNaN, Value(1.0), "false"},
      {kNaN, kNaN, "false"},
      {kNaN, Value("a"), "false"},
      {Value(), Value(), "null"},
      {Value(), Value(1), "null"},
      {Value(true), Value(true), "true"},
      {Value(true), Value(1), "false"},
      {Value(int64_t{4611686018427387905}), Value(int64_t{4611686018427387900}), "false"},
      // 2^53 + 1 is no double: it must not equal the double 2^53.
      {Value(int64_t{9007199254740993}), Value(9007199254740992.0), "false"},
      {Value(int64_t{9007199254740992}), Value(9007199254740992.0), "true"},
      // lists
      {list({1, 2}), list({1}), "false"},
      {list({Value()}), list({1}), "null"},
      {list({"a"}), list({1}), "false"},
      {list({list({1})}), list({list({1}), list({Value()})}), "false"},
      {list({list({1}), list({2})}), list({list({1}), list({Value()})}), "null"},
      {list({list({1}), list({2, 3})}), list({list({1}), list({Value()})}), "false"},
      {list({1, 2}), Value("foo"), "false"},
      {list({1}), list({1, Value()}), "false"},
      {list({1, 2}), list({Value(), "foo"}), "false"},
      {list({1, 2}), list({Value(), 2}), "null"},
      {list({list({1, 2}), list({1, 3})}), list({list({1, 2}), list({Value(), "foo"})}), "false"},
      {list({list({1, 2}), list({"foo", "bar"})}), list({list({1, 2}), list({Value(), "bar"})}),
       "null"},
      {list({1, Value()}), list({1, 2}), "null"},
      {list({1, Value()}), list({2, Value()}), "false"},
      {list({1, 2.0}), list({1.0, 2}), "true"},
      {list({}), list({}), "true"},
      // maps
      {map({}), map({}), "true"},
      {map({{"k", true}}), map({{"k", true}}), "true"},
      {map({{"k", 1}}), map({{"k", 1}}), "true"},
      {map({{"k", 1.0}}), map({{"k", 1.0}}), "true"},
      {map({{"k", "abc"}}), map({{"k", "abc"}}), "true"},
      {map({{"k", "a"}, {"l", 2}}), map({{"k", "a"}, {"l", 2}}), "true"},
      {map({}), map({{"k", Value()}}), "false"},
      {map({{"k", Value()}}), map({}), "false"},
      {map({{"k", 1}}), map({{"k", 1}, {"l", Value()}}), "false"},
      {map({{"k", Value()}, {"l", 1}}), map({{"l", 1}}), "false"},
      {map({{"k", Value()}}), map({{"k", Value()}, {"l", Value()}}), "false"},
      {map({{"k", Value()}}), map({{"k", Value()}}), "null"},
      {map({{"k", 1}}), map({{"k", Value()}}), "null"},
      {map({{"k", 1}, {"l", Value()}}), map({{"k", Value()}, {"l", Value()}}), "null"},
      {map({{"k", 1}, {"l", Value()}}), map({{"k", Value()}, {"l", 1}}), "null"},
      {map({{"k", 1}, {"l", Value()}}), map({{"k", 1}, {"l", 1}}), "null"},
      {map({{"k", 1}, {"l", Value()}}), map({{"k", 2}, {"l", 1}}), "false"},
      // graph entities
      {Value::node(1), Value::node(1), "true"},
      {Value::node(1), Value::node(2), "false"},
      {Value::node(1), Value::rel(1), "false"},
      {Value::rel(3), Value::rel(3), "true"},
      {path({1, 1}, {7}), path({1, 1}, {7}), "true"},
      {path({1, 2}, {7}), path({2, 1}, {7}), "false"},
      {path({1}, {}), Value::node(1), "false"},
  };
  for (const EqCase& c : cases) {
    EXPECT_EQ(tri(cypherEquals(c.a, c.b)), c.expected)
        << toDebugString(c.a) << " = " << toDebugString(c.b);
    // Equality is symmetric.
    EXPECT_EQ(tri(cypherEquals(c.b, c.a)), c.expected)
        << toDebugString(c.b) << " = " << toDebugString(c.a);
  }
}

const char* orderingName(Ordering o) {
  switch (o) {
    case Ordering::kLess:
      return "less";
    case Ordering::kEqual:
      return "equal";
    case Ordering::kGreater:
      return "greater";
    case Ordering::kUnordered:
      return "unordered";
    case Ordering::kNull:
      return "null";
  }
  return "?";
}

struct OrderingCase {
  Value a;
  Value b;
  Ordering expected;
};

// Comparison2 [3]-[6], ReturnOrderBy1 strings and booleans.
TEST(CypherOrderingTest, MatchesTheTck) {
  const OrderingCase cases[] = {
      {Value(1), Value(3.14), Ordering::kLess},
      {Value(3.14), Value(1), Ordering::kGreater},
      {Value(1), Value(1.0), Ordering::kEqual},
      {Value(2), Value(1), Ordering::kGreater},
      {kNaN, Value(1), Ordering::kUnordered},
      {kNaN, Value(1.0), Ordering::kUnordered},
      {kNaN, kNaN, Ordering::kUnordered},
      {kNaN, Value("a"), Ordering::kNull},
      {Value("1.0"), Value(1.0), Ordering::kNull},
      {Value("1"), Value(1), Ordering::kNull},
      {Value(), Value(1), Ordering::kNull},
      {Value(), Value(), Ordering::kNull},
      {Value("a"), Value("b"), Ordering::kLess},
      {Value(""), Value(" "), Ordering::kLess},
      {Value(".*"), Value("one"), Ordering::kLess},
      // By code point: é (U+00E9) sorts after z (U+007A).
      {Value("\xC3\xA9"), Value("z"), Ordering::kGreater},
      {Value(false), Value(true), Ordering::kLess},
      {Value(true), Value(true), Ordering::kEqual},
      {Value(true), Value(1), Ordering::kNull},
      {list({1, 0}), list({1}), Ordering::kGreater},
      {list({1, Value()}), list({1}), Ordering::kGreater},
      {list({1, 2}), list({1, Value()}), Ordering::kNull},
      {list({1, "a"}), list({1, Value()}), Ordering::kNull},
      {list({1, 2}), list({3, Value()}), Ordering::kLess},
      {list({}), list({}), Ordering::kEqual},
      {list({}), list({1}), Ordering::kLess},
      {list({kNaN}), list({1}), Ordering::kUnordered},
      {list({1}), Value(1), Ordering::kNull},
      {map({{"a", 1}}), map({{"a", 1}}), Ordering::kNull},
      {Value::node(1), Value::node(2), Ordering::kNull},
      {Value::rel(1), Value::rel(2), Ordering::kNull},
      {path({1}, {}), path({2}, {}), Ordering::kNull},
      {Value(std::numeric_limits<int64_t>::max()), Value(9223372036854775808.0), Ordering::kLess},
      {Value(int64_t{9007199254740993}), Value(9007199254740992.0), Ordering::kGreater},
      {Value(-1), Value(-kInf.asFloat()), Ordering::kGreater},
      {Value(1), kInf, Ordering::kLess},
  };
  for (const OrderingCase& c : cases) {
    EXPECT_STREQ(orderingName(cypherOrdering(c.a, c.b)), orderingName(c.expected))
        << toDebugString(c.a) << " vs " << toDebugString(c.b);
  }
}

TEST(CypherCompareTest, GivesTheSignOrNullWhenThereIsNoOrder) {
  EXPECT_EQ(cypherCompare(Value(1), Value(2)), -1);
  EXPECT_EQ(cypherCompare(Value(2.0), Value(2)), 0);
  EXPECT_EQ(cypherCompare(Value("b"), Value("a")), 1);
  EXPECT_EQ(cypherCompare(kNaN, Value(1)), std::nullopt);
  EXPECT_EQ(cypherCompare(Value(), Value(1)), std::nullopt);
  EXPECT_EQ(cypherCompare(Value("a"), Value(1)), std::nullopt);
  EXPECT_EQ(cypherCompare(map({}), map({})), std::nullopt);
}

// ReturnOrderBy1 [11]: the global order of ORDER BY across kinds.
TEST(OrderCompareTest, OrdersKindsAsTheTckDoes) {
  const std::vector<Value> sorted = {
      map({{"a", "map"}}), Value::node(1), Value::rel(1), list({"list"}), path({1, 2}, {1}),
      Value("text"),       Value(false),   Value(1.5),    kNaN,           Value(),
  };
  std::vector<Value> shuffled = sorted;
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::stable_sort(shuffled.begin(), shuffled.end(),
                     [](const Value& a, const Value& b) { return orderCompare(a, b) < 0; });
    for (size_t i = 0; i < sorted.size(); ++i) {
      EXPECT_EQ(toDebugString(shuffled[i]), toDebugString(sorted[i])) << "position " << i;
    }
  }
}

// ReturnOrderBy1 [9]: lists element by element, with the global order
// inside (strings before numbers before null), shorter first.
TEST(OrderCompareTest, OrdersListsAsTheTckDoes) {
  const std::vector<Value> sorted = {
      list({}),       list({"a"}),        list({"a", 1}),     list({1}),
      list({1, "a"}), list({1, Value()}), list({Value(), 1}), list({Value(), 2}),
  };
  for (size_t i = 0; i < sorted.size(); ++i) {
    for (size_t j = 0; j < sorted.size(); ++j) {
      int expected = i < j ? -1 : (i > j ? 1 : 0);
      int got = orderCompare(sorted[i], sorted[j]);
      EXPECT_EQ((got > 0) - (got < 0), expected)
          << toDebugString(sorted[i]) << " vs " << toDebugString(sorted[j]);
    }
  }
}

TEST(OrderCompareTest, NumbersMixIntegersAndFloatsWithNaNLast) {
  const std::vector<Value> sorted = {Value(-kInf.asFloat()),
                                     Value(-2),
                                     Value(-1.5),
                                     Value(0),
                                     Value(1),
                                     Value(1.5),
                                     Value(2),
                                     kInf,
                                     kNaN};
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    EXPECT_LT(orderCompare(sorted[i], sorted[i + 1]), 0)
        << toDebugString(sorted[i]) << " < " << toDebugString(sorted[i + 1]);
    EXPECT_GT(orderCompare(sorted[i + 1], sorted[i]), 0);
  }
  EXPECT_EQ(orderCompare(Value(1), Value(1.0)), 0);
  EXPECT_EQ(orderCompare(kNaN, kNaN), 0);
  EXPECT_EQ(orderCompare(Value(), Value()), 0);
  EXPECT_LT(orderCompare(Value(true), Value(0)), 0);
  EXPECT_LT(orderCompare(Value(false), Value(true)), 0);
  EXPECT_LT(orderCompare(Value::node(1), Value::node(2)), 0);
  EXPECT_LT(orderCompare(path({1}, {}), path({1, 2}, {5})), 0);
  EXPECT_LT(orderCompare(map({{"a", 1}}), map({{"a", 2}})), 0);
  EXPECT_LT(orderCompare(map({{"z", 1}}), map({{"a", 1}, {"b", 1}})), 0);  // fewer entries first
}

struct EquivCase {
  Value a;
  Value b;
  bool expected;
};

TEST(EquivalenceTest, NullAndNaNAreEquivalentToThemselvesAndHashesAgree) {
  const EquivCase cases[] = {
      {Value(), Value(), true},
      {kNaN, kNaN, true},
      {Value(1), Value(1.0), true},
      {Value(0), Value(-0.0), true},
      {Value(1e300), Value(1e300), true},
      {Value(int64_t{9007199254740993}), Value(9007199254740992.0), false},
      {list({1, Value()}), list({1.0, Value()}), true},
      {list({kNaN}), list({kNaN}), true},
      {list({1, 2}), list({2, 1}), false},
      {map({{"a", 1}}), map({{"a", 1.0}}), true},
      {map({{"a", Value()}}), map({}), false},
      {Value("a"), Value("b"), false},
      {Value(1), Value("1"), false},
      {Value(1), Value(true), false},
      {Value(), Value(0), false},
      {Value::node(4), Value::node(4), true},
      {Value::node(4), Value::rel(4), false},
      {path({1, 2}, {3}), path({1, 2}, {3}), true},
  };
  for (const EquivCase& c : cases) {
    EXPECT_EQ(equivalent(c.a, c.b), c.expected)
        << toDebugString(c.a) << " ≡ " << toDebugString(c.b);
    EXPECT_EQ(equivalent(c.b, c.a), c.expected);
    if (c.expected) {
      EXPECT_EQ(hashValue(c.a), hashValue(c.b))
          << toDebugString(c.a) << " / " << toDebugString(c.b);
    }
  }
  // Different values should (almost always) hash apart; these must.
  EXPECT_NE(hashValue(Value(1)), hashValue(Value(2)));
  EXPECT_NE(hashValue(Value(1)), hashValue(Value("1")));
  EXPECT_NE(hashValue(Value::node(1)), hashValue(Value::rel(1)));
  EXPECT_NE(hashValue(list({1, 2})), hashValue(list({2, 1})));
}

TEST(EquivalenceTest, DistinctThroughAHashSet) {
  std::unordered_set<Value, ValueHash, ValueEquivalent> set;
  for (const Value& v : {Value(1), Value(1.0), Value(), Value(), kNaN, kNaN, Value("a"), list({1}),
                         list({1.0}), Value(1.5)}) {
    set.insert(v);
  }
  EXPECT_EQ(set.size(), 6u);  // 1, null, NaN, 'a', [1], 1.5
}

TEST(ToDebugStringTest, RendersEveryKind) {
  EXPECT_EQ(toDebugString(Value()), "null");
  EXPECT_EQ(toDebugString(Value(true)), "true");
  EXPECT_EQ(toDebugString(Value(-12)), "-12");
  EXPECT_EQ(toDebugString(Value(1.0)), "1.0");
  EXPECT_EQ(toDebugString(Value(1.5)), "1.5");
  EXPECT_EQ(toDebugString(Value(1e20)), "1e+20");
  EXPECT_EQ(toDebugString(kNaN), "NaN");
  EXPECT_EQ(toDebugString(kInf), "Infinity");
  EXPECT_EQ(toDebugString(Value(-kInf.asFloat())), "-Infinity");
  EXPECT_EQ(toDebugString(Value("it's")), "'it\\'s'");
  EXPECT_EQ(toDebugString(list({1, "a", list({})})), "[1, 'a', []]");
  EXPECT_EQ(toDebugString(map({{"b", 2}, {"a", Value()}})), "{a: null, b: 2}");
  EXPECT_EQ(toDebugString(Value::node(12)), "(#12)");
  EXPECT_EQ(toDebugString(Value::rel(7)), "[#7]");
  EXPECT_EQ(toDebugString(path({1, 2}, {7})), "<(#1)-[#7]-(#2)>");
}

}  // namespace
}  // namespace maestro
