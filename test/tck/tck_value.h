// TckValue — a value as the openCypher TCK writes it in expected results
// and parameter tables, and the TCK's rules for comparing two of them.
//
// The notation (tck/README.adoc, "Format of the expected results"):
//   null  true  false  42  -7  1.5  .5  1e10  -1.2e-3  NaN  Inf  -Inf
//   'text' (\' and \\ are the only escapes)  [1, 'a']  {k: 1, `odd key`: 2}
//   (:L1:L2 {k: 1})   [:T {k: 1}]   <(:A)-[:T]->(:B)<-[:U]-(:C)>
// Graph elements carry no identity: a node is its label *set* and its
// properties, a relationship its type and properties, a path its start node
// and the sequence of (direction, relationship, node) hops after it.
//
// Equality is the TCK's (tools/tck-api CypherValue): structural, integers
// and floats are different kinds (1 <> 1.0), floats compare as IEEE doubles
// after parsing the expected text with correct rounding (so `1e10`,
// `10000000000.0` and the engine's 1e10 are all equal, and 0.1 + 0.2 only
// equals `0.30000000000000004`), NaN equals NaN and -0.0 equals 0.0. With
// ListOrder::kIgnored every list (at any depth) compares as a bag.
//
// A plain value type; copying copies the whole tree. Thread-compatible.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maestro::tck {

enum class ListOrder { kOrdered, kIgnored };

struct TckHop;

struct TckValue {
  enum class Kind { kNull, kBool, kInt, kFloat, kString, kList, kMap, kNode, kRel, kPath };
  // Sorted by key, keys unique (maps are unordered in Cypher).
  using Entries = std::vector<std::pair<std::string, TckValue>>;

  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;                 // kString: the string; kRel: the type
  std::vector<std::string> labels;  // kNode: sorted, unique
  Entries entries;                  // kMap: the map; kNode/kRel: the properties
  // kList: the elements. kPath: node, rel, node, …, rel, node.
  std::vector<TckValue> elements;
  std::vector<bool> forward;  // kPath: per hop, true for -[]->, false for <-[]-

  static TckValue null() { return {}; }
  static TckValue ofBool(bool b);
  static TckValue ofInt(int64_t i);
  static TckValue ofFloat(double d);
  static TckValue ofString(std::string s);
  static TckValue ofList(std::vector<TckValue> elements);
  // Sorts the entries; throws std::invalid_argument on a duplicate key.
  static TckValue ofMap(Entries entries);
  // Sorts and de-duplicates the labels; sorts the properties.
  static TckValue ofNode(std::vector<std::string> labels, Entries properties);
  static TckValue ofRel(std::string type, Entries properties);
  // `start` and every hop's node are kNode, every hop's rel kRel.
  static TckValue ofPath(TckValue start, std::vector<TckHop> hops);

  bool isNull() const { return kind == Kind::kNull; }

  // TCK notation, e.g. `(:A {name: 'a'})`. Floats print in their shortest
  // round-trip form with a `.` or exponent, so the output parses back to
  // the same value.
  std::string toString() const;
};

// One step of a path after its start node.
struct TckHop {
  bool forward;  // -[rel]-> rather than <-[rel]-
  TckValue rel;
  TckValue node;
};

// Thrown by parseTckValue with the offending position in the message.
class TckParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses one whole value (surrounding whitespace allowed).
TckValue parseTckValue(std::string_view text);

// A string that is equal for two values exactly when the TCK considers the
// values equal under `order`: used to compare rows as bags by sorting.
std::string canonicalKey(const TckValue& v, ListOrder order);

bool tckEquals(const TckValue& a, const TckValue& b, ListOrder order);

}  // namespace maestro::tck
