// Side effects as the TCK defines them (tck/README.adoc, "Side effects of
// executing a query"): the difference between what a set of observation
// queries return before and after the query under test.
//
//   ±nodes          node ids           MATCH (n) RETURN n
//   ±relationships  relationship ids   MATCH ()-[r]->() RETURN r
//   ±labels         distinct label *names* present on some node (not
//                   node-label pairs): adding :Foo to two nodes when no node
//                   had it is +labels 1; adding it to a third is +labels 0
//   ±properties     (entity, key, value) triples: changing a value is one
//                   removal and one addition; setting the same value is none
//
// Only what a later query can observe counts: CREATE (n) DELETE n is no side
// effect. GraphState is one observation; SideEffects the difference of two.
// Plain values; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "tck/gherkin_parser.h"
#include "tck/tck_value.h"

namespace maestro::tck {

struct GraphState {
  std::set<uint64_t> nodes;
  std::set<uint64_t> rels;
  std::set<std::string> labels;
  // propertyTriple() keys; a multiset like the TCK's Seq, although entity
  // ids make duplicates impossible in practice.
  std::multiset<std::string> properties;

  void addNodeProperty(uint64_t node, std::string_view key, const TckValue& value);
  void addRelProperty(uint64_t rel, std::string_view key, const TckValue& value);
};

class SideEffects {
 public:
  // In the order the TCK's tables list them.
  enum Kind {
    kAddedNodes,
    kDeletedNodes,
    kAddedRels,
    kDeletedRels,
    kAddedLabels,
    kDeletedLabels,
    kAddedProps,
    kDeletedProps,
    kCount
  };

  // "+nodes", "-nodes", "+relationships", …, "-properties".
  static std::string_view name(Kind kind);

  // `later` minus `earlier`.
  static SideEffects diff(const GraphState& earlier, const GraphState& later);
  // The table of `And the side effects should be:` (| +nodes | 1 |); rows
  // not listed are zero. Throws std::invalid_argument on an unknown name, a
  // repeated name, a non-integer count or a row without two cells.
  static SideEffects parse(const Table& table);

  int64_t get(Kind kind) const { return counts_[kind]; }
  void set(Kind kind, int64_t count) { counts_[kind] = count; }
  bool none() const;
  bool operator==(const SideEffects&) const = default;

  // "+nodes 1, +properties 2", or "none".
  std::string toString() const;

 private:
  std::array<int64_t, kCount> counts_{};
};

}  // namespace maestro::tck
