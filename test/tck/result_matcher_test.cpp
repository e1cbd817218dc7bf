#include "tck/result_matcher.h"

#include <gtest/gtest.h>

namespace maestro::tck {
namespace {

ResultTable table(const Table& t) { return parseExpectedTable(t); }

bool matches(const Table& expected, const Table& actual, RowOrder rows = RowOrder::kAnyOrder,
             ListOrder lists = ListOrder::kOrdered) {
  return !matchResult(table(expected), table(actual), rows, lists).has_value();
}

TEST(ResultMatcher, AnyOrderComparesRowsAsABag) {
  Table expected{{"a", "b"}, {"1", "'x'"}, {"2", "'y'"}, {"2", "'y'"}};
  EXPECT_TRUE(matches(expected, {{"a", "b"}, {"2", "'y'"}, {"1", "'x'"}, {"2", "'y'"}}));
  // Duplicates count: a set comparison would accept these.
  EXPECT_FALSE(matches(expected, {{"a", "b"}, {"1", "'x'"}, {"1", "'x'"}, {"2", "'y'"}}));
  EXPECT_FALSE(matches(expected, {{"a", "b"}, {"1", "'x'"}, {"2", "'y'"}}));
  EXPECT_FALSE(matches(expected, {{"a", "b"}}));
  EXPECT_TRUE(matches({{"a"}}, {{"a"}}));
}

TEST(ResultMatcher, InOrderComparesRowsAsASequence) {
  Table expected{{"n"}, {"1"}, {"2"}, {"3"}};
  EXPECT_TRUE(matches(expected, {{"n"}, {"1"}, {"2"}, {"3"}}, RowOrder::kInOrder));
  EXPECT_FALSE(matches(expected, {{"n"}, {"1"}, {"3"}, {"2"}}, RowOrder::kInOrder));
  EXPECT_TRUE(matches(expected, {{"n"}, {"1"}, {"3"}, {"2"}}, RowOrder::kAnyOrder));
  EXPECT_FALSE(matches(expected, {{"n"}, {"1"}, {"2"}}, RowOrder::kInOrder));
  EXPECT_FALSE(matches(expected, {{"n"}, {"1"}, {"2"}, {"3"}, {"4"}}, RowOrder::kInOrder));
}

TEST(ResultMatcher, ColumnsMustMatchExactlyAndInOrder) {
  EXPECT_FALSE(matches({{"a", "b"}, {"1", "2"}}, {{"b", "a"}, {"2", "1"}}));
  EXPECT_FALSE(matches({{"n.name"}, {"1"}}, {{"n.Name"}, {"1"}}));
  EXPECT_FALSE(matches({{"a"}, {"1"}}, {{"a", "b"}, {"1", "2"}}));
  auto diff = matchResult(table({{"a", "b"}}), table({{"b", "a"}}), RowOrder::kAnyOrder,
                          ListOrder::kOrdered);
  ASSERT_TRUE(diff);
  EXPECT_NE(diff->find("columns differ: expected [a, b], got [b, a]"), std::string::npos);
}

TEST(ResultMatcher, IgnoringElementOrderAppliesToListsInCells) {
  Table expected{{"l"}, {"[1, 2, 3]"}, {"[(:A), (:B)]"}};
  Table shuffled{{"l"}, {"[(:B), (:A)]"}, {"[3, 1, 2]"}};
  EXPECT_FALSE(matches(expected, shuffled));
  EXPECT_TRUE(matches(expected, shuffled, RowOrder::kAnyOrder, ListOrder::kIgnored));
  // In order, ignoring list order: rows keep their order.
  EXPECT_FALSE(matches(expected, shuffled, RowOrder::kInOrder, ListOrder::kIgnored));
  EXPECT_TRUE(matches(expected, {{"l"}, {"[2, 3, 1]"}, {"[(:B), (:A)]"}}, RowOrder::kInOrder,
                      ListOrder::kIgnored));
  // Elements still have to be the same bag.
  EXPECT_FALSE(matches({{"l"}, {"[1, 2]"}}, {{"l"}, {"[1, 1, 2]"}}, RowOrder::kAnyOrder,
                       ListOrder::kIgnored));
}

TEST(ResultMatcher, CellsCompareStructurally) {
  EXPECT_TRUE(matches({{"n"}, {"(:A:B {k: 1})"}}, {{"n"}, {"(:B:A {k: 1})"}}));
  EXPECT_FALSE(matches({{"n"}, {"(:A {k: 1})"}}, {{"n"}, {"(:A {k: 1.0})"}}));
  EXPECT_TRUE(matches({{"x"}, {"1e3"}}, {{"x"}, {"1000.0"}}));
  EXPECT_TRUE(matches({{"x"}, {"NaN"}}, {{"x"}, {"NaN"}}));
  EXPECT_FALSE(matches({{"x"}, {"null"}}, {{"x"}, {"'null'"}}));
}

TEST(ResultMatcher, ExplainsMissingAndUnexpectedRows) {
  auto diff = matchResult(table({{"a"}, {"1"}, {"2"}, {"2"}}), table({{"a"}, {"2"}, {"3"}}),
                          RowOrder::kAnyOrder, ListOrder::kOrdered);
  ASSERT_TRUE(diff);
  EXPECT_NE(diff->find("missing:\n    | 1 |\n    | 2 |"), std::string::npos) << *diff;
  EXPECT_NE(diff->find("unexpected:\n    | 3 |"), std::string::npos) << *diff;
  auto ordered = matchResult(table({{"a"}, {"1"}, {"2"}}), table({{"a"}, {"2"}, {"1"}}),
                             RowOrder::kInOrder, ListOrder::kOrdered);
  ASSERT_TRUE(ordered);
  EXPECT_NE(ordered->find("row 1 differs: expected | 1 |, got | 2 |"), std::string::npos);
}

TEST(ResultMatcher, MessagesUseTheEngineRenderingWhenGiven) {
  ResultTable actual = table({{"n"}, {"(:A)"}});
  actual.rendered = {{"(:A) as rendered"}};
  auto diff =
      matchResult(table({{"n"}, {"(:B)"}}), actual, RowOrder::kAnyOrder, ListOrder::kOrdered);
  ASSERT_TRUE(diff);
  EXPECT_NE(diff->find("| (:A) as rendered |"), std::string::npos) << *diff;
}

TEST(ResultMatcher, RejectsUnreadableExpectedCells) {
  EXPECT_THROW(parseExpectedTable({{"a"}, {"(:A"}}), TckParseError);
  EXPECT_THROW(parseExpectedTable({}), TckParseError);
}

}  // namespace
}  // namespace maestro::tck
