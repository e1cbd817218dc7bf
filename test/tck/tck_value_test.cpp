#include "tck/tck_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace maestro::tck {
namespace {

using Kind = TckValue::Kind;

bool same(std::string_view a, std::string_view b, ListOrder order = ListOrder::kOrdered) {
  return tckEquals(parseTckValue(a), parseTckValue(b), order);
}

TEST(TckValue, ParsesScalars) {
  EXPECT_EQ(parseTckValue("null").kind, Kind::kNull);
  EXPECT_EQ(parseTckValue("  null ").kind, Kind::kNull);
  auto t = parseTckValue("true");
  EXPECT_EQ(t.kind, Kind::kBool);
  EXPECT_TRUE(t.boolean);
  EXPECT_FALSE(parseTckValue("false").boolean);
  EXPECT_EQ(parseTckValue("42").integer, 42);
  EXPECT_EQ(parseTckValue("-7").integer, -7);
  EXPECT_EQ(parseTckValue("9223372036854775807").integer, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parseTckValue("-9223372036854775808").integer, std::numeric_limits<int64_t>::min());
  EXPECT_THROW(parseTckValue("9223372036854775808"), TckParseError);
}

TEST(TckValue, ParsesEveryFloatNotation) {
  struct Case {
    const char* text;
    double value;
  } cases[] = {
      {"1.5", 1.5},       {".5", 0.5},
      {"-.5", -0.5},      {"0.0", 0.0},
      {"1e10", 1e10},     {"1E10", 1e10},
      {"1e-305", 1e-305}, {"-1.2635418652381264e305", -1.2635418652381264e305},
      {"2.5e+3", 2500.0}, {"123.4", 123.4},
  };
  for (const auto& c : cases) {
    TckValue v = parseTckValue(c.text);
    EXPECT_EQ(v.kind, Kind::kFloat) << c.text;
    EXPECT_EQ(v.real, c.value) << c.text;
  }
  EXPECT_TRUE(std::isnan(parseTckValue("NaN").real));
  EXPECT_EQ(parseTckValue("Inf").real, std::numeric_limits<double>::infinity());
  EXPECT_EQ(parseTckValue("-Inf").real, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(parseTckValue("Infinity").real, std::numeric_limits<double>::infinity());
  // An exponent makes a float even without a decimal point.
  EXPECT_EQ(parseTckValue("1e10").kind, Kind::kFloat);
}

TEST(TckValue, FloatsCompareAsCorrectlyRoundedDoubles) {
  EXPECT_TRUE(same("1e10", "10000000000.0"));
  EXPECT_TRUE(same(".5", "0.5"));
  EXPECT_TRUE(same("1.0", "1.00"));
  double sum = 0.1;
  sum += 0.2;
  TckValue computed = TckValue::ofFloat(sum);
  EXPECT_TRUE(tckEquals(computed, parseTckValue("0.30000000000000004"), ListOrder::kOrdered));
  EXPECT_FALSE(tckEquals(computed, parseTckValue("0.3"), ListOrder::kOrdered));
  EXPECT_TRUE(same("NaN", "NaN"));
  EXPECT_TRUE(same("-0.0", "0.0"));
  EXPECT_FALSE(same("Inf", "-Inf"));
  EXPECT_FALSE(same("NaN", "0.0"));
}

TEST(TckValue, IntegersAndFloatsAreDifferentKinds) {
  EXPECT_FALSE(same("1", "1.0"));
  EXPECT_FALSE(same("[1]", "[1.0]"));
  EXPECT_FALSE(same("{a: 0}", "{a: 0.0}"));
  EXPECT_TRUE(same("1", "1"));
}

TEST(TckValue, ParsesStringsWithTheTckEscapes) {
  EXPECT_EQ(parseTckValue("''").text, "");
  EXPECT_EQ(parseTckValue("'a\\'b'").text, "a'b");
  EXPECT_EQ(parseTckValue("'a\\\\b'").text, "a\\b");
  // Literals6 [5], after Gherkin's own unescaping of the table cell.
  EXPECT_EQ(parseTckValue(R"('a\\bcn5t\'"\\//\\"\'')").text, R"(a\bcn5t'"\//\"')");
  // Other backslashes are plain text, as in the TCK's parser.
  EXPECT_EQ(parseTckValue("'a\\tb'").text, "a\\tb");
  EXPECT_EQ(parseTckValue("'🧐🍌❖⋙⚐'").text, "🧐🍌❖⋙⚐");
  EXPECT_EQ(parseTckValue("'\nFoo\n'").text, "\nFoo\n");
  EXPECT_EQ(parseTckValue("'x, y]'").text, "x, y]");
  EXPECT_THROW(parseTckValue("'open"), TckParseError);
  EXPECT_FALSE(same("'1'", "1"));
}

TEST(TckValue, ParsesListsAndMaps) {
  TckValue l = parseTckValue("[1, 'a', [null, true], {k: []}]");
  ASSERT_EQ(l.kind, Kind::kList);
  ASSERT_EQ(l.elements.size(), 4u);
  EXPECT_EQ(l.elements[2].elements[1].kind, Kind::kBool);
  EXPECT_EQ(parseTckValue("[]").elements.size(), 0u);
  EXPECT_EQ(parseTckValue("[ ]").kind, Kind::kList);

  TckValue m = parseTckValue("{b: 2, a: 1, `odd key`: 3, ``: 4}");
  ASSERT_EQ(m.kind, Kind::kMap);
  ASSERT_EQ(m.entries.size(), 4u);
  EXPECT_EQ(m.entries[0].first, "");  // sorted by key
  EXPECT_EQ(m.entries[1].first, "a");
  EXPECT_EQ(m.entries[3].first, "odd key");
  EXPECT_TRUE(same("{a: 1, b: 2}", "{b: 2, a: 1}"));
  EXPECT_FALSE(same("{a: 1}", "{a: 1, b: 2}"));
  EXPECT_FALSE(same("{a: 1}", "{b: 1}"));
  EXPECT_THROW(parseTckValue("{a: 1, a: 2}"), TckParseError);
  EXPECT_FALSE(same("{}", "[]"));
}

TEST(TckValue, NodesCompareLabelsAsASet) {
  TckValue n = parseTckValue("(:L1:L2 {k: 1, s: 'x'})");
  ASSERT_EQ(n.kind, Kind::kNode);
  EXPECT_EQ(n.labels, (std::vector<std::string>{"L1", "L2"}));
  EXPECT_EQ(n.entries.size(), 2u);
  EXPECT_TRUE(same("(:A:B)", "(:B:A)"));
  EXPECT_TRUE(same("(:A:A)", "(:A)"));
  EXPECT_FALSE(same("(:A)", "(:A:B)"));
  EXPECT_FALSE(same("(:A {k: 1})", "(:A)"));
  EXPECT_FALSE(same("(:A {k: 1})", "(:A {k: 2})"));
  EXPECT_TRUE(same("()", "( )"));
  EXPECT_TRUE(same("({k: 1})", "( {k: 1} )"));
  EXPECT_FALSE(same("()", "{}"));
}

TEST(TckValue, RelationshipsAndListsAreTellApart) {
  TckValue r = parseTckValue("[:T {k: 'v'}]");
  ASSERT_EQ(r.kind, Kind::kRel);
  EXPECT_EQ(r.text, "T");
  EXPECT_EQ(parseTckValue("[:T]").kind, Kind::kRel);
  EXPECT_EQ(parseTckValue("[[:T]]").kind, Kind::kList);
  EXPECT_FALSE(same("[:T]", "[:U]"));
  EXPECT_FALSE(same("[:T {k: 1}]", "[:T]"));
  EXPECT_THROW(parseTckValue("[:T, 1]"), TckParseError);
}

TEST(TckValue, PathsKeepTheDirectionOfEachHop) {
  TckValue p = parseTckValue("<(:A)-[:T]->(:B)<-[:U {w: 2}]-(:C)>");
  ASSERT_EQ(p.kind, Kind::kPath);
  EXPECT_EQ(p.forward, (std::vector<bool>{true, false}));
  ASSERT_EQ(p.elements.size(), 5u);
  EXPECT_EQ(p.elements[3].text, "U");
  EXPECT_EQ(parseTckValue("<()>").elements.size(), 1u);
  EXPECT_FALSE(same("<(:A)-[:T]->(:B)>", "<(:A)<-[:T]-(:B)>"));
  EXPECT_FALSE(same("<(:A)-[:T]->(:B)>", "<(:B)-[:T]->(:A)>"));
  EXPECT_TRUE(same("<(:A)-[:T]->(:B)>", "< (:A) -[:T]-> (:B) >"));
  EXPECT_FALSE(same("<(:A)>", "(:A)"));
  EXPECT_THROW(parseTckValue("<(:A)-[:T]-(:B)>"), TckParseError);
}

TEST(TckValue, ListOrderCanBeIgnoredAtAnyDepth) {
  EXPECT_FALSE(same("[1, 2]", "[2, 1]"));
  EXPECT_TRUE(same("[1, 2]", "[2, 1]", ListOrder::kIgnored));
  // Still a bag: multiplicities matter.
  EXPECT_FALSE(same("[1, 1, 2]", "[1, 2, 2]", ListOrder::kIgnored));
  EXPECT_FALSE(same("[1, 2]", "[1, 2, 2]", ListOrder::kIgnored));
  EXPECT_TRUE(same("[[1, 2], [3]]", "[[3], [2, 1]]", ListOrder::kIgnored));
  EXPECT_TRUE(same("{k: ['a', 'b']}", "{k: ['b', 'a']}", ListOrder::kIgnored));
  EXPECT_TRUE(same("(:A {k: [1, 2]})", "(:A {k: [2, 1]})", ListOrder::kIgnored));
  EXPECT_FALSE(same("[(:A), (:B)]", "[(:B), (:A)]"));
  EXPECT_TRUE(same("[(:A), (:B)]", "[(:B), (:A)]", ListOrder::kIgnored));
}

TEST(TckValue, RejectsMalformedText) {
  for (const char* bad : {"", "nul", "nullx", "1.", "1e", "-", "(:A", "[1, 2", "{a 1}", "(:A) x",
                          "'a' 'b'", "<(:A)-[:T]->>", "[:]", "12abc", "@"}) {
    EXPECT_THROW(parseTckValue(bad), TckParseError) << bad;
  }
}

TEST(TckValue, ToStringParsesBackToAnEqualValue) {
  for (const char* text :
       {"null", "true", "-3", "1.5", "1e+20", "0.30000000000000004", "NaN", "-Inf", "'it\\'s'",
        "'back\\\\slash'", "[1, [2.0, 'x']]", "{`a b`: 1, c: {d: null}}", "(:A:B {k: [1, 2]})",
        "[:T {w: 0.5}]", "<(:A)-[:T]->(:B)<-[:U]-()>", "<()>", "(:`odd label` {})"}) {
    TckValue v = parseTckValue(text);
    EXPECT_TRUE(tckEquals(parseTckValue(v.toString()), v, ListOrder::kOrdered))
        << text << " printed as " << v.toString();
  }
  EXPECT_EQ(parseTckValue("1.0").toString(), "1.0");
  EXPECT_EQ(parseTckValue("(:B:A {k: 'v'})").toString(), "(:A:B {k: 'v'})");
  EXPECT_EQ(parseTckValue("<(:A)<-[:T]-(:B)>").toString(), "<(:A)<-[:T]-(:B)>");
}

}  // namespace
}  // namespace maestro::tck
