// Drift as RFC 6902: every kind of difference, pointer escaping, and the
// proposed fix restoring the expected document.
#include "features/blueprint/drift.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "testing/test_stores.h"

namespace maestro::blueprint {
namespace {

const Json kExpected = Json::parse(R"({
  "slo": {"read_p95_ms": 350, "write_p95_ms": 700},
  "alerts": ["quota80", "slo_burn"],
  "policies": {"token_ttls": {"access": "1h"}, "persisted_operations_only": true}
})");

std::vector<DriftOp> driftAfter(const std::function<void(Json&)>& edit) {
  Json live = kExpected;
  edit(live);
  auto ops = diffConfigs(kExpected, live);
  // The proposed fix restores the blueprint exactly.
  EXPECT_EQ(live.patch(fixPatch(ops)), kExpected);
  return ops;
}

TEST(Drift, NoneWhenEqualIncludingIntegralNumbers) {
  EXPECT_TRUE(diffConfigs(kExpected, kExpected).empty());
  EXPECT_TRUE(diffConfigs(Json{{"a", 2}}, Json{{"a", 2.0}}).empty());
}

TEST(Drift, ScalarChange) {
  auto ops = driftAfter([](Json& j) { j["slo"]["read_p95_ms"] = 900; });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].op, "replace");
  EXPECT_EQ(ops[0].path, "/slo/read_p95_ms");
  EXPECT_EQ(*ops[0].expected, 350);
  EXPECT_EQ(*ops[0].actual, 900);
}

TEST(Drift, AddedKey) {
  auto ops = driftAfter([](Json& j) { j["slo"]["extra"] = 1; });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].op, "add");
  EXPECT_EQ(ops[0].path, "/slo/extra");
  EXPECT_FALSE(ops[0].expected);
  EXPECT_EQ(*ops[0].actual, 1);
  EXPECT_EQ(fixPatch(ops)[0]["op"], "remove");
}

TEST(Drift, RemovedKey) {
  auto ops = driftAfter([](Json& j) { j["slo"].erase("write_p95_ms"); });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].op, "remove");
  EXPECT_EQ(*ops[0].expected, 700);
  EXPECT_FALSE(ops[0].actual);
  EXPECT_EQ(fixPatch(ops)[0], Json({{"op", "add"}, {"path", "/slo/write_p95_ms"}, {"value", 700}}));
}

TEST(Drift, ListChangeIsOneReplaceOfTheList) {
  auto ops = driftAfter([](Json& j) { j["alerts"] = {"slo_burn"}; });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].op, "replace");
  EXPECT_EQ(ops[0].path, "/alerts");
  EXPECT_EQ(*ops[0].actual, Json({"slo_burn"}));
}

TEST(Drift, NestedObjectChange) {
  auto ops = driftAfter([](Json& j) { j["policies"]["token_ttls"]["access"] = "8h"; });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].path, "/policies/token_ttls/access");
}

TEST(Drift, TypeChange) {
  auto ops = driftAfter([](Json& j) {
    j["policies"]["persisted_operations_only"] = "no";
    j["slo"] = 5;
  });
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].path, "/policies/persisted_operations_only");
  EXPECT_EQ(ops[1].path, "/slo");
  EXPECT_EQ(ops[1].op, "replace");
}

TEST(Drift, PathsEscapeSlashAndTilde) {
  auto ops = driftAfter([](Json& j) { j["slo"]["a/b~c"] = 1; });
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].path, "/slo/a~1b~0c");
}

TEST(Drift, PathsAreUnderTheirPrefixOnly) {
  EXPECT_TRUE(pathUnder("/slo/read", "/slo"));
  EXPECT_TRUE(pathUnder("/slo", "/slo"));
  EXPECT_FALSE(pathUnder("/slow", "/slo"));
  EXPECT_FALSE(pathUnder("/a", "/a/b"));
}

TEST(Drift, PointersAreValidated) {
  validatePointer("/a/b~0~1");
  validatePointer("");
  for (const char* bad : {"a", "/a~", "/a~2"}) {
    EXPECT_EQ(testing::errorFrom([&] { validatePointer(bad); }).code(), Code::kBadInput) << bad;
  }
}

}  // namespace
}  // namespace maestro::blueprint
