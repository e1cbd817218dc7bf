#include "common/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/error.h"

namespace maestro {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Runs `fn`, expecting Error::badInput; returns the error for inspection.
template <typename Fn>
Error badInput(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kBadInput) << e.message();
    return e;
  }
  ADD_FAILURE() << "expected Error::badInput";
  return Error::internal("no error thrown");
}

// --- parseJson -------------------------------------------------------------

TEST(ParseJsonTest, ParsesValidDocuments) {
  Json j = parseJson(R"({"a": [1, 2.5, "x", true, null], "b": {"c": -3}})", "config");
  EXPECT_EQ(j["a"][0], 1);
  EXPECT_EQ(j["a"][1], 2.5);
  EXPECT_EQ(j["a"][2], "x");
  EXPECT_EQ(j["a"][3], true);
  EXPECT_TRUE(j["a"][4].is_null());
  EXPECT_EQ(j["b"]["c"], -3);
  EXPECT_EQ(parseJson("42", "x"), 42);
  EXPECT_EQ(parseJson(" \"s\" ", "x"), "s");
}

TEST(ParseJsonTest, MalformedInputNamesWhatAndSaysInvalidJson) {
  for (std::string_view bad :
       {"", "{", "[1,]", "{\"a\" 1}", "nul", "[1] 2", "{'a': 1}", "\"unterminated", "[1, 2"}) {
    Error e = badInput([&] { parseJson(bad, "request body"); });
    EXPECT_THAT(e.message(), StartsWith("request body: invalid JSON")) << bad;
  }
}

TEST(ParseJsonTest, DepthAtTheLimitIsAccepted) {
  EXPECT_NO_THROW(parseJson("[[[1]]]", "x", 3));
  EXPECT_NO_THROW(parseJson(R"({"a":{"b":[1]}})", "x", 3));
  Error e = badInput([] { parseJson("[[[[1]]]]", "x", 3); });
  EXPECT_THAT(e.message(), HasSubstr("nested deeper than 3"));
  badInput([] { parseJson(R"({"a":{"b":{"c":[1]}}})", "x", 3); });
}

// Deep nesting must be refused before anything recursive sees it.
TEST(ParseJsonTest, HugeNestingIsRejectedWithoutCrashing) {
  std::string open_only(100000, '[');
  Error e = badInput([&] { parseJson(open_only, "body"); });
  EXPECT_THAT(e.message(), HasSubstr("body: nested deeper than 128"));

  std::string balanced = std::string(100000, '[') + std::string(100000, ']');
  badInput([&] { parseJson(balanced, "body"); });

  std::string objects;
  for (int i = 0; i < 50000; ++i) objects += "{\"a\":";
  badInput([&] { parseJson(objects, "body"); });
}

// Brackets inside strings are text, not nesting; escaped quotes do not end
// the string.
TEST(ParseJsonTest, BracketsInsideStringsAreNotCounted) {
  std::string brackets(1000, '[');
  Json j = parseJson("[\"" + brackets + "\"]", "x", 2);
  EXPECT_EQ(j[0], brackets);
  j = parseJson(R"(["a\"[[[[[[", {"k": "]]]]\\"}])", "x", 2);
  EXPECT_EQ(j[0], "a\"[[[[[[");
  EXPECT_EQ(j[1]["k"], "]]]]\\");
  // Inside a deeply nested document, string contents still do not count.
  std::string nested = "[[[\"" + std::string(500, '{') + "\"]]]";
  EXPECT_NO_THROW(parseJson(nested, "x", 3));
  badInput([&] { parseJson(nested, "x", 2); });
}

// --- joinPath / jsonTypeName -----------------------------------------------

TEST(JoinPathTest, JoinsWithDot) {
  EXPECT_EQ(joinPath("", "b"), "b");
  EXPECT_EQ(joinPath("a", "b"), "a.b");
  EXPECT_EQ(joinPath("a.b", "c"), "a.b.c");
}

TEST(JsonTypeNameTest, NamesEveryType) {
  EXPECT_EQ(jsonTypeName(Json("s")), "string");
  EXPECT_EQ(jsonTypeName(Json(-1)), "integer");
  EXPECT_EQ(jsonTypeName(Json(1u)), "integer");
  EXPECT_EQ(jsonTypeName(Json(1.5)), "number");
  EXPECT_EQ(jsonTypeName(Json::object()), "object");
  EXPECT_EQ(jsonTypeName(Json::array()), "array");
  EXPECT_EQ(jsonTypeName(Json(true)), "boolean");
  EXPECT_EQ(jsonTypeName(Json(nullptr)), "null");
}

// --- field readers ---------------------------------------------------------

TEST(FieldReaderTest, ReadsPresentValues) {
  Json j = parseJson(R"({"s": "v", "i": -7, "u": 9, "b": false, "n": null})", "x");
  EXPECT_EQ(requireString(j, "s", "p"), "v");
  EXPECT_EQ(optionalString(j, "s", "p"), "v");
  EXPECT_EQ(requireInt(j, "i", "p"), -7);
  EXPECT_EQ(optionalInt(j, "u", "p"), 9);
  EXPECT_EQ(optionalBool(j, "b", "p"), false);
  // Absent and null both read as "not given".
  EXPECT_EQ(optionalString(j, "missing", "p"), std::nullopt);
  EXPECT_EQ(optionalString(j, "n", "p"), std::nullopt);
  EXPECT_EQ(optionalInt(j, "n", "p"), std::nullopt);
  EXPECT_EQ(optionalBool(j, "missing", "p"), std::nullopt);
}

TEST(FieldReaderTest, TypeErrorsNameTheFullPath) {
  Json privacy = parseJson(R"({"k": "5", "on": 1, "name": 3, "f": 1.5})", "x");
  Error e = badInput([&] { optionalInt(privacy, "k", "privacy"); });
  EXPECT_EQ(e.message(), "privacy.k: expected an integer, got string");
  EXPECT_EQ(e.field(), "privacy.k");

  e = badInput([&] { requireInt(privacy, "f", "privacy"); });
  EXPECT_EQ(e.message(), "privacy.f: expected an integer, got number");

  e = badInput([&] { optionalBool(privacy, "on", "privacy"); });
  EXPECT_EQ(e.message(), "privacy.on: expected a boolean, got integer");
  EXPECT_EQ(e.field(), "privacy.on");

  e = badInput([&] { requireString(privacy, "name", "tenant.privacy"); });
  EXPECT_EQ(e.message(), "tenant.privacy.name: expected a string, got integer");
  EXPECT_EQ(e.field(), "tenant.privacy.name");

  // At the top level the path is just the key.
  e = badInput([&] { optionalInt(privacy, "k", ""); });
  EXPECT_EQ(e.message(), "k: expected an integer, got string");
  EXPECT_EQ(e.field(), "k");
}

TEST(FieldReaderTest, MissingRequiredFieldNamesThePath) {
  Json j = Json::object();
  Error e = badInput([&] { requireString(j, "name", "tenant"); });
  EXPECT_EQ(e.message(), "tenant.name: is required");
  EXPECT_EQ(e.field(), "tenant.name");
  e = badInput([&] { requireInt(Json{{"k", nullptr}}, "k", "privacy"); });
  EXPECT_EQ(e.message(), "privacy.k: is required");
}

TEST(FieldReaderTest, ReadingFromANonObjectIsATypeError) {
  Error e = badInput([] { optionalString(Json::array(), "k", "privacy"); });
  EXPECT_EQ(e.message(), "privacy: expected an object, got array");
  EXPECT_EQ(e.field(), "privacy");
  e = badInput([] { requireObject(Json(1), ""); });
  EXPECT_EQ(e.message(), "document: expected an object, got integer");
}

TEST(FieldReaderTest, IntegerRange) {
  Json j = parseJson(R"({"max": 9223372036854775807, "min": -9223372036854775808})", "x");
  EXPECT_EQ(requireInt(j, "max", "p"), INT64_MAX);
  EXPECT_EQ(requireInt(j, "min", "p"), INT64_MIN);
}

// Past INT64_MAX nlohmann stores an unsigned, and is_number_integer() is true
// for unsigned values too; such values once wrapped to INT64_MIN and -1.
TEST(FieldReaderTest, IntegerPastInt64MaxIsRejectedNotWrapped) {
  Json j = parseJson(R"({"over": 9223372036854775808, "max_u64": 18446744073709551615})", "x");
  Error e = badInput([&] { requireInt(j, "over", "p"); });
  EXPECT_EQ(e.field(), "p.over");
  e = badInput([&] { optionalInt(j, "max_u64", "p"); });
  EXPECT_EQ(e.field(), "p.max_u64");
}

TEST(RejectUnknownKeysTest, NamesTheFirstUnknownKey) {
  Json j = parseJson(R"({"k": 5, "epsilon": 1})", "x");
  EXPECT_NO_THROW(rejectUnknownKeys(j, {"k", "epsilon", "delta"}, "privacy"));
  Error e = badInput([&] { rejectUnknownKeys(j, {"k"}, "privacy"); });
  EXPECT_EQ(e.message(), "privacy.epsilon: unknown key");
  EXPECT_EQ(e.field(), "privacy.epsilon");
  e = badInput([&] { rejectUnknownKeys(j, {"epsilon"}, ""); });
  EXPECT_EQ(e.message(), "k: unknown key");
  badInput([] { rejectUnknownKeys(Json::array(), {}, "privacy"); });
}

}  // namespace
}  // namespace maestro
