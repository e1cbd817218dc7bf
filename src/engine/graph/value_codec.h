// Binary codec for property values and property maps.
//
// Used by change records (change_set.h) and by the storage layer for node
// and relationship rows, so its format is persistent: never change what an
// existing tag means; add new tags instead. A value is one tag byte
// followed by its payload:
//
//   0x00 null          0x01 false          0x02 true
//   0x03 int           zigzag varint
//   0x04 float         8 bytes, IEEE-754 binary64, little-endian
//   0x05 string        varint byte length, UTF-8 bytes
//   0x06 list          varint count, values
//   0x07 map           varint count, (string key, value) pairs in key order
//   0x08 int list      varint count, zigzag varints      (homogeneous lists:
//   0x09 float list    varint count, 8-byte doubles       the common property
//   0x0a string list   varint count, strings              case, no per-item tag)
//   0x0b date          zigzag days since 1970-01-01
//   0x0c local time    zigzag nanoseconds of the day
//   0x0d time          zigzag nanoseconds of the day, zigzag offset seconds
//   0x0e local datetime  zigzag seconds since 1970-01-01T00:00, zigzag nanos
//   0x0f datetime      zigzag UTC seconds, zigzag nanos, zigzag offset
//                      seconds, string zone name (empty for a bare offset)
//   0x10 duration      zigzag months, days, seconds, nanos
//
// Varints are unsigned LEB128 (at most 10 bytes). A property map is a
// varint count then (key name, value) pairs; key names, not catalog ids,
// because ids differ between processes.
//
// Decoders never trust their input: truncation, unknown tags, overlong
// varints, counts larger than the remaining bytes and nesting deeper than
// kMaxDepth all throw Error::internal ("corrupt …"), never crash.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/value.h"
#include "engine/catalog/catalog.h"
#include "engine/graph/graph.h"

namespace maestro::engine {

inline constexpr int kMaxValueDepth = 64;

void putVarint(std::string& out, uint64_t v);
void putZigzag(std::string& out, int64_t v);
void putString(std::string& out, std::string_view s);  // varint length + bytes

// A cursor over untrusted bytes. Every read checks bounds and throws
// Error::internal("corrupt <what> at byte N: …") on bad input. Borrows the
// bytes (and `what`), which must outlive it; one thread at a time.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data, std::string_view what = "record")
      : data_(data), what_(what) {}

  bool atEnd() const { return pos_ == data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }

  uint8_t byte();
  uint64_t varint();
  int64_t zigzag();
  double float64();
  std::string_view string();
  // A count of items that each take at least `min_item_bytes`: rejected
  // when the rest of the input could not hold them (so a corrupt count
  // cannot make the caller reserve gigabytes).
  size_t count(size_t min_item_bytes = 1);
  // Throws unless every byte was consumed.
  void expectEnd();
  [[noreturn]] void fail(std::string_view why) const;

 private:
  std::string_view data_;
  std::string_view what_;
  size_t pos_ = 0;
};

// Throws typeError("InvalidPropertyType", …) unless `v` may be stored as a
// property value: bool, int, float, string, a temporal value, or a list of one of those
// kinds (no nulls, no nesting, no mixing — ints with floats included).
// Null is accepted (it means "remove").
void checkPropertyValue(const Value& v);
bool isPropertyValue(const Value& v);

// Appends the encoding of `v`. Throws Error::badInput for nodes,
// relationships and paths, which are references, not storable values.
void encodeValue(const Value& v, std::string& out);
std::string encodeValue(const Value& v);
Value decodeValue(ByteReader& in);
// The whole input must be one value.
Value decodeValue(std::string_view bytes);

// Properties with key names taken from `catalog`.
void encodeProperties(const Properties& props, const Catalog& catalog, std::string& out);
std::string encodeProperties(const Properties& props, const Catalog& catalog);
// Interns key names into `catalog`. Rejects nulls, duplicate keys and
// values that are not property values (all as Error::internal).
Properties decodeProperties(ByteReader& in, Catalog& catalog);
Properties decodeProperties(std::string_view bytes, Catalog& catalog);

}  // namespace maestro::engine
