#include "engine/graph/value_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "common/error.h"
#include "engine/graph/graph_dump.h"

namespace maestro::engine {
namespace {

using testing::renderValue;

Value roundTrip(const Value& v) { return decodeValue(encodeValue(v)); }

void expectInternal(const std::function<void()>& fn) {
  try {
    fn();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInternal) << e.message();
  }
}

TEST(ValueCodecTest, ScalarsRoundTrip) {
  for (const Value& v : {Value(),
                         Value(true),
                         Value(false),
                         Value(0),
                         Value(1),
                         Value(-1),
                         Value(63),
                         Value(-64),
                         Value(64),
                         Value(std::numeric_limits<int64_t>::max()),
                         Value(std::numeric_limits<int64_t>::min()),
                         Value(0.0),
                         Value(-0.0),
                         Value(1.5),
                         Value(1e300),
                         Value(std::numeric_limits<double>::infinity()),
                         Value(-std::numeric_limits<double>::infinity()),
                         Value(std::string()),
                         Value("hello"),
                         Value("ünïcødé ✓"),
                         Value(std::string(1000, 'z'))}) {
    Value back = roundTrip(v);
    EXPECT_EQ(back.type(), v.type()) << renderValue(v);
    EXPECT_EQ(renderValue(back), renderValue(v));
  }
}

TEST(ValueCodecTest, TemporalValuesRoundTrip) {
  const Value values[] = {
      Value(parseDate("-999999999-01-01")),
      Value(parseLocalTime("23:59:59.999999999")),
      Value(parseTime("12:31:14.645876123-02:05:07")),
      Value(parseLocalDateTime("2015-07-21T21:40:32.142")),
      Value(parseDateTime("2015-07-21T20:40:32.142+01:00[Europe/London]")),
      Value(parseDuration("P-6M-15DT-17H-45M-3.500000002S")),
      Value(ValueList{Value(parseDate("2015-01-01")), Value(parseDate("2015-01-02"))}),
  };
  for (const Value& v : values) {
    Value back = roundTrip(v);
    EXPECT_EQ(back.type(), v.type()) << toDebugString(v);
    EXPECT_EQ(toDebugString(back), toDebugString(v));
    EXPECT_TRUE(equivalent(back, v)) << toDebugString(v);
  }
  EXPECT_NO_THROW(checkPropertyValue(values[4]));
}

TEST(ValueCodecTest, CorruptTemporalFieldsAreRejected) {
  // A local time (tag 0x0c) of -64 ns, and one with nanos past a second.
  expectInternal([] { decodeValue(std::string_view("\x0c\x7f", 2)); });
  expectInternal([] { decodeValue(std::string_view("\x0e\x00\x80\xd0\xac\xf3\x0e", 7)); });
}

TEST(ValueCodecTest, FloatsKeepTheirBits) {
  for (double d : {-0.0, std::nan(""), std::numeric_limits<double>::denorm_min(), 0.1}) {
    Value back = roundTrip(Value(d));
    ASSERT_TRUE(back.isFloat());
    double got = back.asFloat();
    EXPECT_EQ(std::memcmp(&got, &d, sizeof d), 0);
  }
}

TEST(ValueCodecTest, StringsWithNulBytes) {
  std::string s("a\0b", 3);
  EXPECT_EQ(roundTrip(Value(s)).asString(), s);
}

TEST(ValueCodecTest, ListsAndMapsRoundTrip) {
  ValueMap inner{{"x", Value(1)}, {"y", Value(ValueList{Value("a"), Value()})}};
  for (const Value& v : {
           Value(ValueList{}),
           Value(ValueList{Value(1), Value(2), Value(-3)}),
           Value(ValueList{Value(1.5), Value(-2.0)}),
           Value(ValueList{Value("a"), Value("")}),
           Value(ValueList{Value(true), Value(false)}),
           Value(ValueList{Value(1), Value(1.0), Value("1"), Value()}),
           Value(ValueList{Value(ValueList{Value(1)}), Value(ValueList{})}),
           Value(ValueMap{}),
           Value(inner),
           Value(ValueMap{{"nested", Value(inner)}, {"list", Value(ValueList{Value(inner)})}}),
       }) {
    EXPECT_EQ(renderValue(roundTrip(v)), renderValue(v));
  }
}

TEST(ValueCodecTest, HomogeneousListsAreCompact) {
  ValueList ints;
  for (int i = -32; i < 32; ++i) ints.emplace_back(i);
  // One tag, one count byte, one byte per small int (zigzag: |i| < 64).
  EXPECT_EQ(encodeValue(Value(ints)).size(), 2u + 64u);
}

TEST(ValueCodecTest, EntitiesAreNotStorable) {
  for (const Value& v :
       {Value::node(1), Value::rel(2), Value(PathValue{{1}, {}}), Value(ValueList{Value::node(1)}),
        Value(ValueMap{{"n", Value::node(1)}})}) {
    try {
      encodeValue(v);
      FAIL() << renderValue(v);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kBadInput);
      EXPECT_NE(e.message().find("property values must be"), std::string::npos) << e.message();
    }
  }
}

TEST(ValueCodecTest, CorruptInputFailsCleanly) {
  expectInternal([] { decodeValue(std::string_view()); });
  expectInternal([] { decodeValue(std::string("\x63", 1)); });          // unknown tag
  expectInternal([] { decodeValue(std::string("\x03", 1)); });          // int without payload
  expectInternal([] { decodeValue(std::string("\x04\x01\x02", 3)); });  // short float
  expectInternal([] {
    decodeValue(
        std::string("\x05\x05"
                    "abc",
                    5));
  });                                                               // short string
  expectInternal([] { decodeValue(std::string("\x01\x01", 2)); });  // trailing byte
  // Overlong varint (11 continuation bytes) and a 10th byte above 1.
  expectInternal([] { decodeValue(std::string("\x03") + std::string(11, '\xff')); });
  expectInternal([] { decodeValue(std::string("\x03") + std::string(9, '\xff') + "\x02"); });
  // A count far beyond the input must not allocate.
  expectInternal([] { decodeValue(std::string("\x06\xff\xff\xff\xff\x0f", 6)); });
  expectInternal([] { decodeValue(std::string("\x09\xff\xff\xff\x7f", 5)); });
  // Duplicate map keys.
  expectInternal([] { decodeValue(std::string("\x07\x02\x01k\x00\x01k\x00", 8)); });
  // Nesting deeper than the limit.
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "\x06\x01";
  deep += '\x00';
  expectInternal([&] { decodeValue(deep); });
}

TEST(ValueCodecTest, EveryTruncationOfAValidEncodingFails) {
  Value v(ValueMap{{"a", Value(ValueList{Value(1.5), Value(2.5)})},
                   {"b", Value("text")},
                   {"c", Value(ValueList{Value(ValueList{Value(-7)}), Value(true)})}});
  std::string bytes = encodeValue(v);
  for (size_t n = 0; n < bytes.size(); ++n) {
    expectInternal([&] { decodeValue(std::string_view(bytes).substr(0, n)); });
  }
}

TEST(ValueCodecTest, RandomMutationsNeverCrash) {
  Value v(ValueMap{{"a", Value(ValueList{Value(1), Value(200000)})},
                   {"b", Value(ValueList{Value("x"), Value("yy")})},
                   {"c", Value(3.25)}});
  std::string bytes = encodeValue(v);
  uint64_t x = 7;
  for (int i = 0; i < 20000; ++i) {
    std::string m = bytes;
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    m[(x >> 33) % m.size()] = static_cast<char>(x >> 20);
    try {
      decodeValue(m);
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), Code::kInternal);
    }
  }
}

TEST(ValueCodecTest, PropertyValueRules) {
  for (const Value& ok :
       {Value(), Value(true), Value(1), Value(1.5), Value("s"), Value(ValueList{}),
        Value(ValueList{Value(1), Value(2)}), Value(ValueList{Value("a")}),
        Value(ValueList{Value(true)}), Value(ValueList{Value(0.5)})}) {
    EXPECT_TRUE(isPropertyValue(ok)) << renderValue(ok);
    EXPECT_NO_THROW(checkPropertyValue(ok));
  }
  for (const Value& bad :
       {Value(ValueMap{{"num", Value(1)}}), Value(ValueList{Value(ValueMap{{"num", Value(1)}})}),
        Value(ValueList{Value(1), Value("a")}), Value(ValueList{Value(1), Value(1.5)}),
        Value(ValueList{Value(1), Value()}), Value(ValueList{Value()}),
        Value(ValueList{Value(ValueList{Value(1)})}), Value::node(1), Value::rel(1),
        Value(PathValue{{1}, {}})}) {
    EXPECT_FALSE(isPropertyValue(bad)) << renderValue(bad);
    try {
      checkPropertyValue(bad);
      FAIL() << renderValue(bad);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kBadInput);
      EXPECT_EQ(e.detail(), "TypeError.InvalidPropertyType");
    }
  }
}

TEST(ValueCodecTest, PropertiesTravelByKeyName) {
  Catalog a;
  Properties p;
  p.set(a.propertyKeys().intern("name"), Value("Ada"));
  p.set(a.propertyKeys().intern("born"), Value(1815));
  p.set(a.propertyKeys().intern("tags"), Value(ValueList{Value("x"), Value("y")}));
  std::string bytes = encodeProperties(p, a);

  Catalog b;  // different ids for the same names
  b.propertyKeys().intern("tags");
  b.propertyKeys().intern("other");
  Properties q = decodeProperties(bytes, b);
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q.get(*b.propertyKeys().find("name"))->asString(), "Ada");
  EXPECT_EQ(q.get(*b.propertyKeys().find("born"))->asInt(), 1815);
  EXPECT_EQ(q.get(*b.propertyKeys().find("tags"))->asList().size(), 2u);
  EXPECT_EQ(encodeProperties(Properties(), a), std::string(1, '\0'));
}

TEST(ValueCodecTest, CorruptPropertiesFailCleanly) {
  Catalog c;
  // Null value, duplicate key, a map value, truncated.
  expectInternal([&] { decodeProperties(std::string("\x01\x01k\x00", 4), c); });
  expectInternal([&] { decodeProperties(std::string("\x02\x01k\x02\x01k\x01", 7), c); });
  expectInternal([&] { decodeProperties(std::string("\x01\x01k\x07\x00", 5), c); });
  expectInternal([&] { decodeProperties(std::string("\x02\x01k\x02", 4), c); });
}

}  // namespace
}  // namespace maestro::engine
