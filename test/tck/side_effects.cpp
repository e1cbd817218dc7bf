#include "tck/side_effects.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <stdexcept>

namespace maestro::tck {

namespace {

constexpr std::string_view kNames[SideEffects::kCount] = {
    "+nodes",  "-nodes",  "+relationships", "-relationships",
    "+labels", "-labels", "+properties",    "-properties",
};

// The triple as one string: entity kind and id, the key (length-prefixed
// so no key can run into the value), and the value's canonical key, where
// 1 and 1.0 differ as they do for the TCK.
std::string propertyTriple(char entity, uint64_t id, std::string_view key, const TckValue& value) {
  std::string out(1, entity);
  out += std::to_string(id);
  out += ':';
  out += std::to_string(key.size());
  out += ':';
  out += key;
  out += canonicalKey(value, ListOrder::kOrdered);
  return out;
}

template <typename Set>
int64_t countMissing(const Set& from, const Set& in) {
  Set missing;
  std::set_difference(from.begin(), from.end(), in.begin(), in.end(),
                      std::inserter(missing, missing.end()));
  return static_cast<int64_t>(missing.size());
}

}  // namespace

void GraphState::addNodeProperty(uint64_t node, std::string_view key, const TckValue& value) {
  properties.insert(propertyTriple('n', node, key, value));
}

void GraphState::addRelProperty(uint64_t rel, std::string_view key, const TckValue& value) {
  properties.insert(propertyTriple('r', rel, key, value));
}

std::string_view SideEffects::name(Kind kind) { return kNames[kind]; }

SideEffects SideEffects::diff(const GraphState& earlier, const GraphState& later) {
  SideEffects d;
  d.counts_[kAddedNodes] = countMissing(later.nodes, earlier.nodes);
  d.counts_[kDeletedNodes] = countMissing(earlier.nodes, later.nodes);
  d.counts_[kAddedRels] = countMissing(later.rels, earlier.rels);
  d.counts_[kDeletedRels] = countMissing(earlier.rels, later.rels);
  d.counts_[kAddedLabels] = countMissing(later.labels, earlier.labels);
  d.counts_[kDeletedLabels] = countMissing(earlier.labels, later.labels);
  // Multiset difference, as Scala's Seq.diff.
  d.counts_[kAddedProps] = countMissing(later.properties, earlier.properties);
  d.counts_[kDeletedProps] = countMissing(earlier.properties, later.properties);
  return d;
}

SideEffects SideEffects::parse(const Table& table) {
  SideEffects s;
  std::array<bool, kCount> seen{};
  for (const auto& row : table) {
    if (row.size() != 2) throw std::invalid_argument("side effect rows have two cells");
    auto it = std::find(std::begin(kNames), std::end(kNames), row[0]);
    if (it == std::end(kNames)) throw std::invalid_argument("unknown side effect '" + row[0] + "'");
    auto kind = static_cast<Kind>(it - std::begin(kNames));
    if (seen[kind]) throw std::invalid_argument("side effect '" + row[0] + "' listed twice");
    seen[kind] = true;
    const std::string& text = row[1];
    int64_t count = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (ec != std::errc() || end != text.data() + text.size() || count < 0) {
      throw std::invalid_argument("side effect count '" + text + "' is not a count");
    }
    s.counts_[kind] = count;
  }
  return s;
}

bool SideEffects::none() const {
  return std::all_of(counts_.begin(), counts_.end(), [](int64_t c) { return c == 0; });
}

std::string SideEffects::toString() const {
  std::string out;
  for (int k = 0; k < kCount; ++k) {
    if (counts_[k] == 0) continue;
    if (!out.empty()) out += ", ";
    out += kNames[k];
    out += ' ';
    out += std::to_string(counts_[k]);
  }
  return out.empty() ? "none" : out;
}

}  // namespace maestro::tck
