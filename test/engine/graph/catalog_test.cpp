#include "engine/catalog/catalog.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace maestro::engine {
namespace {

TEST(NameTableTest, InternAssignsDenseIdsOnce) {
  NameTable t;
  EXPECT_EQ(t.intern("Person"), 0u);
  EXPECT_EQ(t.intern("Account"), 1u);
  EXPECT_EQ(t.intern("Person"), 0u);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.name(1), "Account");
}

TEST(NameTableTest, FindDoesNotIntern) {
  NameTable t;
  t.intern("a");
  EXPECT_EQ(t.find("a"), 0u);
  EXPECT_EQ(t.find("b"), std::nullopt);
  EXPECT_EQ(t.find("A"), std::nullopt);  // names are case-sensitive
  EXPECT_EQ(t.size(), 1u);
}

TEST(NameTableTest, TruncateForgetsLaterNames) {
  NameTable t;
  t.intern("a");
  t.intern("b");
  t.intern("c");
  t.truncate(1);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.find("b"), std::nullopt);
  EXPECT_EQ(t.find("c"), std::nullopt);
  EXPECT_EQ(t.intern("c"), 1u);  // the id is handed out again
}

TEST(NameTableTest, LongNamesAndEmptyName) {
  NameTable t;
  std::string long_name(100, 'x');
  EXPECT_EQ(t.intern(long_name), 0u);
  EXPECT_EQ(t.intern(""), 1u);
  EXPECT_EQ(t.find(long_name), 0u);
  EXPECT_EQ(t.find(""), 1u);
  EXPECT_GT(t.memoryUsage(), 100u);
}

TEST(CatalogTest, SensitivityDefaultsToLow) {
  Catalog c;
  PropKeyId ssn = c.propertyKeys().intern("ssn");
  EXPECT_EQ(c.sensitivity(ssn), Sensitivity::kLow);
  EXPECT_EQ(c.sensitivity(12345), Sensitivity::kLow);  // even an unknown key
  c.setSensitivity(ssn, Sensitivity::kHigh);
  EXPECT_EQ(c.sensitivity(ssn), Sensitivity::kHigh);
  EXPECT_EQ(c.sensitivities().size(), 1u);
  c.clearSensitivity(ssn);
  EXPECT_EQ(c.sensitivity(ssn), Sensitivity::kLow);
  EXPECT_TRUE(c.sensitivities().empty());
}

TEST(CatalogTest, ParseSensitivity) {
  EXPECT_EQ(parseSensitivity("low"), Sensitivity::kLow);
  EXPECT_EQ(parseSensitivity("medium"), Sensitivity::kMedium);
  EXPECT_EQ(parseSensitivity("high"), Sensitivity::kHigh);
  EXPECT_EQ(parseSensitivity("Low"), Sensitivity::kLow);
  EXPECT_EQ(parseSensitivity("MEDIUM"), Sensitivity::kMedium);
  // Unknown tiers count as high: fail closed.
  EXPECT_EQ(parseSensitivity("secret"), Sensitivity::kHigh);
  EXPECT_EQ(parseSensitivity(""), Sensitivity::kHigh);
  EXPECT_EQ(parseSensitivity("lowest"), Sensitivity::kHigh);
  EXPECT_EQ(parseSensitivity(" low"), Sensitivity::kHigh);
}

TEST(CatalogTest, SensitivityNamesRoundTrip) {
  for (auto s : {Sensitivity::kLow, Sensitivity::kMedium, Sensitivity::kHigh}) {
    EXPECT_EQ(parseSensitivity(sensitivityName(s)), s);
  }
  EXPECT_EQ(sensitivityName(Sensitivity::kMedium), "medium");
}

TEST(CatalogTest, IndexesAreFoundByTargetAndName) {
  Catalog c;
  LabelId person = c.labels().intern("Person");
  PropKeyId id = c.propertyKeys().intern("id");
  PropKeyId name = c.propertyKeys().intern("name");
  c.addIndex({"index_Person_id", person, id});
  ASSERT_NE(c.findIndex(person, id), nullptr);
  EXPECT_EQ(c.findIndex(person, id)->name, "index_Person_id");
  EXPECT_EQ(c.findIndex(person, name), nullptr);
  ASSERT_NE(c.findIndexByName("index_Person_id"), nullptr);
  EXPECT_EQ(c.findIndexByName("nope"), nullptr);
  c.removeIndex("index_Person_id");
  EXPECT_EQ(c.findIndex(person, id), nullptr);
  EXPECT_TRUE(c.indexes().empty());
  c.removeIndex("index_Person_id");  // absent: no-op
}

TEST(CatalogTest, IndexClashesAreConflicts) {
  Catalog c;
  LabelId l = c.labels().intern("L");
  PropKeyId a = c.propertyKeys().intern("a");
  PropKeyId b = c.propertyKeys().intern("b");
  c.addIndex({"i1", l, a});
  try {
    c.addIndex({"i1", l, b});
    FAIL() << "same name accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kConflict);
  }
  try {
    c.addIndex({"i2", l, a});
    FAIL() << "same target accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kConflict);
  }
  EXPECT_EQ(c.indexes().size(), 1u);
}

TEST(CatalogTest, IndexesAreListedInNameOrder) {
  Catalog c;
  LabelId l = c.labels().intern("L");
  for (const char* key : {"c", "a", "b"}) {
    c.addIndex({std::string("idx_") + key, l, c.propertyKeys().intern(key)});
  }
  ASSERT_EQ(c.indexes().size(), 3u);
  EXPECT_EQ(c.indexes()[0].name, "idx_a");
  EXPECT_EQ(c.indexes()[1].name, "idx_b");
  EXPECT_EQ(c.indexes()[2].name, "idx_c");
}

}  // namespace
}  // namespace maestro::engine
