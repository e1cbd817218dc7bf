#include "engine/graph/value_codec.h"

#include <bit>
#include <cstring>

#include "common/error.h"
#include "engine/common/errors.h"

namespace maestro::engine {

namespace {

enum Tag : uint8_t {
  kTagNull = 0x00,
  kTagFalse = 0x01,
  kTagTrue = 0x02,
  kTagInt = 0x03,
  kTagFloat = 0x04,
  kTagString = 0x05,
  kTagList = 0x06,
  kTagMap = 0x07,
  kTagIntList = 0x08,
  kTagFloatList = 0x09,
  kTagStringList = 0x0a,
  kTagDate = 0x0b,
  kTagLocalTime = 0x0c,
  kTagTime = 0x0d,
  kTagLocalDateTime = 0x0e,
  kTagDateTime = 0x0f,
  kTagDuration = 0x10,
};

void putFloat(std::string& out, double d) {
  uint64_t bits = std::bit_cast<uint64_t>(d);
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  out.append(buf, 8);
}

// The element type shared by every item of `list`, or kNull when mixed
// (or empty); drives the compact homogeneous encodings.
Value::Type homogeneousType(const ValueList& list) {
  if (list.empty()) return Value::Type::kNull;
  Value::Type t = list.front().type();
  for (const auto& item : list) {
    if (item.type() != t) return Value::Type::kNull;
  }
  return t;
}

void encodeValueAt(const Value& v, std::string& out, int depth) {
  if (depth > kMaxValueDepth) throw Error::badInput("value nested too deeply to store");
  switch (v.type()) {
    case Value::Type::kNull:
      out.push_back(static_cast<char>(kTagNull));
      return;
    case Value::Type::kBool:
      out.push_back(static_cast<char>(v.asBool() ? kTagTrue : kTagFalse));
      return;
    case Value::Type::kInt:
      out.push_back(static_cast<char>(kTagInt));
      putZigzag(out, v.asInt());
      return;
    case Value::Type::kFloat:
      out.push_back(static_cast<char>(kTagFloat));
      putFloat(out, v.asFloat());
      return;
    case Value::Type::kString:
      out.push_back(static_cast<char>(kTagString));
      putString(out, v.asString());
      return;
    case Value::Type::kList: {
      const auto& list = v.asList();
      switch (homogeneousType(list)) {
        case Value::Type::kInt:
          out.push_back(static_cast<char>(kTagIntList));
          putVarint(out, list.size());
          for (const auto& item : list) putZigzag(out, item.asInt());
          return;
        case Value::Type::kFloat:
          out.push_back(static_cast<char>(kTagFloatList));
          putVarint(out, list.size());
          for (const auto& item : list) putFloat(out, item.asFloat());
          return;
        case Value::Type::kString:
          out.push_back(static_cast<char>(kTagStringList));
          putVarint(out, list.size());
          for (const auto& item : list) putString(out, item.asString());
          return;
        default:
          out.push_back(static_cast<char>(kTagList));
          putVarint(out, list.size());
          for (const auto& item : list) encodeValueAt(item, out, depth + 1);
          return;
      }
    }
    case Value::Type::kMap: {
      const auto& map = v.asMap();
      out.push_back(static_cast<char>(kTagMap));
      putVarint(out, map.size());
      for (const auto& [key, item] : map) {
        putString(out, key);
        encodeValueAt(item, out, depth + 1);
      }
      return;
    }
    case Value::Type::kDate:
      out.push_back(static_cast<char>(kTagDate));
      putZigzag(out, v.asDate().days);
      return;
    case Value::Type::kLocalTime:
      out.push_back(static_cast<char>(kTagLocalTime));
      putZigzag(out, v.asLocalTime().nanos);
      return;
    case Value::Type::kTime:
      out.push_back(static_cast<char>(kTagTime));
      putZigzag(out, v.asTime().nanos);
      putZigzag(out, v.asTime().offset);
      return;
    case Value::Type::kLocalDateTime:
      out.push_back(static_cast<char>(kTagLocalDateTime));
      putZigzag(out, v.asLocalDateTime().seconds);
      putZigzag(out, v.asLocalDateTime().nanos);
      return;
    case Value::Type::kDateTime: {
      const DateTimeValue& t = v.asDateTime();
      out.push_back(static_cast<char>(kTagDateTime));
      putZigzag(out, t.seconds);
      putZigzag(out, t.nanos);
      putZigzag(out, t.offset);
      putString(out, t.zone);
      return;
    }
    case Value::Type::kDuration: {
      const DurationValue& d = v.asDuration();
      out.push_back(static_cast<char>(kTagDuration));
      putZigzag(out, d.months);
      putZigzag(out, d.days);
      putZigzag(out, d.seconds);
      putZigzag(out, d.nanos);
      return;
    }
    case Value::Type::kNode:
    case Value::Type::kRel:
    case Value::Type::kPath:
      break;
  }
  throw Error::badInput(
      "property values must be null, booleans, numbers, strings, lists, maps or temporal "
      "values, not " +
      std::string(v.typeName()));
}

// Range-checked temporal fields: a corrupt record fails, never yields a
// value that the formatting code cannot print.
int64_t timeOfDay(ByteReader& in) {
  int64_t v = in.zigzag();
  if (v < 0 || v >= kNanosPerDay) in.fail("time of day out of range");
  return v;
}

int32_t nanosOfSecond(ByteReader& in) {
  int64_t v = in.zigzag();
  if (v < 0 || v >= kNanosPerSecond) in.fail("nanoseconds out of range");
  return static_cast<int32_t>(v);
}

int32_t offsetSeconds(ByteReader& in) {
  int64_t v = in.zigzag();
  if (v < -18 * 3600 || v > 18 * 3600) in.fail("offset out of range");
  return static_cast<int32_t>(v);
}

Value decodeValueAt(ByteReader& in, int depth) {
  if (depth > kMaxValueDepth) in.fail("value nested too deeply");
  uint8_t tag = in.byte();
  switch (tag) {
    case kTagNull:
      return Value();
    case kTagFalse:
      return Value(false);
    case kTagTrue:
      return Value(true);
    case kTagInt:
      return Value(in.zigzag());
    case kTagFloat:
      return Value(in.float64());
    case kTagString:
      return Value(in.string());
    case kTagList: {
      size_t n = in.count();
      ValueList list;
      list.reserve(n);
      for (size_t i = 0; i < n; ++i) list.push_back(decodeValueAt(in, depth + 1));
      return Value(std::move(list));
    }
    case kTagMap: {
      size_t n = in.count(2);
      ValueMap map;
      for (size_t i = 0; i < n; ++i) {
        std::string key(in.string());
        Value item = decodeValueAt(in, depth + 1);
        if (!map.emplace(std::move(key), std::move(item)).second) in.fail("duplicate map key");
      }
      return Value(std::move(map));
    }
    case kTagIntList: {
      size_t n = in.count();
      ValueList list;
      list.reserve(n);
      for (size_t i = 0; i < n; ++i) list.emplace_back(in.zigzag());
      return Value(std::move(list));
    }
    case kTagFloatList: {
      size_t n = in.count(8);
      ValueList list;
      list.reserve(n);
      for (size_t i = 0; i < n; ++i) list.emplace_back(in.float64());
      return Value(std::move(list));
    }
    case kTagStringList: {
      size_t n = in.count();
      ValueList list;
      list.reserve(n);
      for (size_t i = 0; i < n; ++i) list.emplace_back(in.string());
      return Value(std::move(list));
    }
    case kTagDate:
      return Value(DateValue{in.zigzag()});
    case kTagLocalTime:
      return Value(LocalTimeValue{timeOfDay(in)});
    case kTagTime: {
      int64_t nanos = timeOfDay(in);
      return Value(TimeValue{nanos, offsetSeconds(in)});
    }
    case kTagLocalDateTime: {
      int64_t seconds = in.zigzag();
      return Value(LocalDateTimeValue{seconds, nanosOfSecond(in)});
    }
    case kTagDateTime: {
      DateTimeValue t;
      t.seconds = in.zigzag();
      t.nanos = nanosOfSecond(in);
      t.offset = offsetSeconds(in);
      t.zone = std::string(in.string());
      return Value(std::move(t));
    }
    case kTagDuration: {
      DurationValue d;
      d.months = in.zigzag();
      d.days = in.zigzag();
      d.seconds = in.zigzag();
      int64_t nanos = in.zigzag();
      if (nanos <= -kNanosPerSecond || nanos >= kNanosPerSecond) in.fail("duration nanos");
      d.nanos = static_cast<int32_t>(nanos);
      return Value(d);
    }
    default:
      in.fail("unknown value tag " + std::to_string(tag));
  }
}

// Temporal values are property values too (openCypher stores them, and
// homogeneous lists of them).
bool isScalarPropertyType(Value::Type t) {
  return t == Value::Type::kBool || t == Value::Type::kInt || t == Value::Type::kFloat ||
         t == Value::Type::kString || t >= Value::Type::kDate;
}

}  // namespace

// ---- primitives -------------------------------------------------------------

void putVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void putZigzag(std::string& out, int64_t v) {
  putVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void putString(std::string& out, std::string_view s) {
  putVarint(out, s.size());
  out.append(s);
}

void ByteReader::fail(std::string_view why) const {
  throw Error::internal("corrupt " + std::string(what_) + " at byte " + std::to_string(pos_) +
                        ": " + std::string(why));
}

uint8_t ByteReader::byte() {
  if (pos_ >= data_.size()) fail("truncated");
  return static_cast<uint8_t>(data_[pos_++]);
}

uint64_t ByteReader::varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t b = byte();
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (shift == 63 && b > 1) fail("varint overflows 64 bits");
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  fail("varint too long");
}

int64_t ByteReader::zigzag() {
  uint64_t u = varint();
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

double ByteReader::float64() {
  if (remaining() < 8) fail("truncated float");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  }
  pos_ += 8;
  return std::bit_cast<double>(bits);
}

std::string_view ByteReader::string() {
  uint64_t n = varint();
  if (n > remaining()) fail("string length exceeds the input");
  auto s = data_.substr(pos_, n);
  pos_ += n;
  return s;
}

size_t ByteReader::count(size_t min_item_bytes) {
  uint64_t n = varint();
  if (min_item_bytes > 0 && n > remaining() / min_item_bytes) fail("count exceeds the input");
  return static_cast<size_t>(n);
}

void ByteReader::expectEnd() {
  if (!atEnd()) fail("trailing bytes");
}

// ---- values -----------------------------------------------------------------

bool isPropertyValue(const Value& v) {
  if (v.isNull() || isScalarPropertyType(v.type())) return true;
  if (!v.isList()) return false;
  const auto& list = v.asList();
  if (list.empty()) return true;
  Value::Type t = list.front().type();
  if (!isScalarPropertyType(t)) return false;
  for (const auto& item : list) {
    if (item.type() != t) return false;
  }
  return true;
}

void checkPropertyValue(const Value& v) {
  if (isPropertyValue(v)) return;
  std::string what(v.typeName());
  if (v.isList()) what = "a list mixing types or holding nulls, lists or maps";
  throw typeError("InvalidPropertyType",
                  "Property values can only be of primitive types or arrays thereof; got " + what);
}

void encodeValue(const Value& v, std::string& out) { encodeValueAt(v, out, 0); }

std::string encodeValue(const Value& v) {
  std::string out;
  encodeValue(v, out);
  return out;
}

Value decodeValue(ByteReader& in) { return decodeValueAt(in, 0); }

Value decodeValue(std::string_view bytes) {
  ByteReader in(bytes, "value");
  Value v = decodeValue(in);
  in.expectEnd();
  return v;
}

// ---- property maps ----------------------------------------------------------

void encodeProperties(const Properties& props, const Catalog& catalog, std::string& out) {
  putVarint(out, props.size());
  for (const auto& [key, value] : props.entries()) {
    putString(out, catalog.propertyKeys().name(key));
    encodeValue(value, out);
  }
}

std::string encodeProperties(const Properties& props, const Catalog& catalog) {
  std::string out;
  encodeProperties(props, catalog, out);
  return out;
}

Properties decodeProperties(ByteReader& in, Catalog& catalog) {
  size_t n = in.count(2);
  Properties props;
  for (size_t i = 0; i < n; ++i) {
    PropKeyId key = catalog.propertyKeys().intern(in.string());
    Value value = decodeValue(in);
    if (value.isNull()) in.fail("null property value");
    if (!isPropertyValue(value)) in.fail("value is not a property value");
    if (props.get(key) != nullptr) in.fail("duplicate property key");
    props.set(key, std::move(value));
  }
  return props;
}

Properties decodeProperties(std::string_view bytes, Catalog& catalog) {
  ByteReader in(bytes, "properties");
  Properties props = decodeProperties(in, catalog);
  in.expectEnd();
  return props;
}

}  // namespace maestro::engine
