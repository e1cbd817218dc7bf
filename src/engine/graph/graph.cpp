#include "engine/graph/graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"

namespace maestro::engine {

namespace {

// Heap allocations cost more than their payload; count a typical malloc
// header so that memoryUsage() does not flatter node-based containers.
constexpr size_t kAllocOverhead = 16;

// Below this many delta (or deleted) entries compaction is never worth it.
constexpr size_t kMinCompactEntries = 1024;

template <class T>
size_t vectorBytes(const std::vector<T>& v) {
  return v.capacity() == 0 ? 0 : v.capacity() * sizeof(T) + kAllocOverhead;
}

size_t stringHeapBytes(const std::string& s) {
  // libstdc++ keeps up to 15 characters inside the object.
  return s.capacity() > 15 ? s.capacity() + 1 + kAllocOverhead : 0;
}

// Heap bytes behind one Value (shared payloads counted per reference: an
// over-estimate only when values are shared, which stored properties
// rarely are).
size_t valueHeapBytes(const Value& v) {
  constexpr size_t kControlBlock = 16;  // make_shared: counts beside the payload
  switch (v.type()) {
    case Value::Type::kString:
      return kControlBlock + sizeof(std::string) + kAllocOverhead + stringHeapBytes(v.asString());
    case Value::Type::kList: {
      const auto& list = v.asList();
      size_t bytes = kControlBlock + sizeof(ValueList) + kAllocOverhead + vectorBytes(list);
      for (const auto& item : list) bytes += valueHeapBytes(item);
      return bytes;
    }
    case Value::Type::kMap: {
      size_t bytes = kControlBlock + sizeof(ValueMap) + kAllocOverhead;
      for (const auto& [key, item] : v.asMap()) {
        bytes += sizeof(ValueMap::value_type) + 32 + kAllocOverhead + stringHeapBytes(key) +
                 valueHeapBytes(item);
      }
      return bytes;
    }
    case Value::Type::kPath: {
      const auto& p = v.asPath();
      return kControlBlock + sizeof(PathValue) + kAllocOverhead + vectorBytes(p.nodes) +
             vectorBytes(p.rels);
    }
    case Value::Type::kDateTime:
      return kControlBlock + sizeof(DateTimeValue) + kAllocOverhead +
             stringHeapBytes(v.asDateTime().zone);
    case Value::Type::kDuration:
      return kControlBlock + sizeof(DurationValue) + kAllocOverhead;
    default:
      return 0;
  }
}

size_t propertiesBytes(const Properties& props) {
  size_t bytes =
      props.entries().capacity() == 0
          ? 0
          : props.entries().capacity() * sizeof(std::pair<PropKeyId, Value>) + kAllocOverhead;
  for (const auto& [key, value] : props.entries()) bytes += valueHeapBytes(value);
  return bytes;
}

void sortUnique(std::vector<LabelId>& labels) {
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
}

bool containsNaN(const Value& v) {
  if (v.isFloat()) return std::isnan(v.asFloat());
  if (v.isList()) {
    for (const auto& item : v.asList()) {
      if (containsNaN(item)) return true;
    }
  }
  return false;
}

// The comparable kinds a range bound can have; values of other kinds (and
// null, maps, entities) never satisfy a range predicate.
enum class RangeKind {
  kNone, kNumber, kString, kBool, kList, kDate, kLocalTime, kTime, kLocalDateTime, kDateTime
};

RangeKind rangeKind(const Value& v) {
  switch (v.type()) {
    case Value::Type::kInt:
      return RangeKind::kNumber;
    case Value::Type::kFloat:
      return std::isnan(v.asFloat()) ? RangeKind::kNone : RangeKind::kNumber;
    case Value::Type::kString:
      return RangeKind::kString;
    case Value::Type::kBool:
      return RangeKind::kBool;
    case Value::Type::kList:
      return RangeKind::kList;
    case Value::Type::kDate:
      return RangeKind::kDate;
    case Value::Type::kLocalTime:
      return RangeKind::kLocalTime;
    case Value::Type::kTime:
      return RangeKind::kTime;
    case Value::Type::kLocalDateTime:
      return RangeKind::kLocalDateTime;
    case Value::Type::kDateTime:
      return RangeKind::kDateTime;
    default:  // durations have no order
      return RangeKind::kNone;
  }
}

// The smallest value of a kind in the ORDER BY order, to start a scan
// that has only an upper bound.
Value kindMinimum(RangeKind kind) {
  switch (kind) {
    case RangeKind::kNumber:
      return Value(-std::numeric_limits<double>::infinity());
    case RangeKind::kString:
      return Value(std::string());
    case RangeKind::kBool:
      return Value(false);
    case RangeKind::kList:
      return Value(ValueList{});
    case RangeKind::kDate:
      return Value(DateValue{std::numeric_limits<int64_t>::min()});
    case RangeKind::kLocalTime:
      return Value(LocalTimeValue{0});
    case RangeKind::kTime:
      // Below every real time: offsets are at most 18 hours.
      return Value(TimeValue{-kNanosPerDay, 0});
    case RangeKind::kLocalDateTime:
      return Value(LocalDateTimeValue{std::numeric_limits<int64_t>::min(), 0});
    case RangeKind::kDateTime:
      return Value(DateTimeValue{std::numeric_limits<int64_t>::min(), 0, 0, {}});
    case RangeKind::kNone:
      break;
  }
  return Value();
}

}  // namespace

// ---- Properties ---------------------------------------------------------------

const Value* Properties::get(PropKeyId key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const auto& e, PropKeyId k) { return e.first < k; });
  return it != entries_.end() && it->first == key ? &it->second : nullptr;
}

Value Properties::set(PropKeyId key, Value value) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const auto& e, PropKeyId k) { return e.first < k; });
  bool found = it != entries_.end() && it->first == key;
  if (value.isNull()) {
    if (!found) return Value();
    Value old = std::move(it->second);
    entries_.erase(it);
    return old;
  }
  if (found) {
    std::swap(it->second, value);
    return value;
  }
  entries_.emplace(it, key, std::move(value));
  return Value();
}

// ---- PropertyIndex ------------------------------------------------------------

std::vector<NodeId> PropertyIndex::equal(const Value& v) const {
  // Equivalence makes NaN match NaN; Cypher equality does not.
  if (v.isNull() || containsNaN(v)) return {};
  auto it = hash_.find(v);
  if (it == hash_.end()) return {};
  return it->second;
}

std::vector<NodeId> PropertyIndex::range(const std::optional<Value>& lower, bool lower_inclusive,
                                         const std::optional<Value>& upper,
                                         bool upper_inclusive) const {
  if (!lower && !upper) return {};
  RangeKind kind = rangeKind(lower ? *lower : *upper);
  if (kind == RangeKind::kNone) return {};
  if (lower && upper && rangeKind(*upper) != kind) return {};

  // Start at the lower bound, stepping back over keys that compare equal
  // to it so the scan does not depend on how orderCompare breaks ties
  // between equal numbers of different types.
  Value start = lower ? *lower : kindMinimum(kind);
  auto it = ordered_.lower_bound(start);
  while (it != ordered_.begin() && cypherCompare((*std::prev(it))->first, start) == 0) --it;

  std::vector<NodeId> out;
  for (; it != ordered_.end(); ++it) {
    const Value& key = (*it)->first;
    if (rangeKind(key) != kind) {
      // NaN sorts right after the numbers: skip it rather than stop.
      if (key.isFloat()) continue;
      break;
    }
    if (lower) {
      auto c = cypherCompare(key, *lower);
      if (!c || *c < 0 || (*c == 0 && !lower_inclusive)) continue;
    }
    if (upper) {
      auto c = cypherCompare(key, *upper);
      if (!c) continue;
      if (*c > 0) break;
      if (*c == 0 && !upper_inclusive) continue;
    }
    const Bucket& ids = (*it)->second;
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

void PropertyIndex::add(const Value& v, NodeId node) {
  auto [it, inserted] = hash_.try_emplace(v);
  if (inserted) ordered_.insert(&*it);
  Bucket& ids = it->second;
  if (ids.empty() || ids.back() < node) {
    ids.push_back(node);  // the common case: nodes arrive in id order
  } else {
    auto pos = std::lower_bound(ids.begin(), ids.end(), node);
    if (pos != ids.end() && *pos == node) return;
    ids.insert(pos, node);
  }
  ++count_;
}

void PropertyIndex::remove(const Value& v, NodeId node) {
  auto it = hash_.find(v);
  if (it == hash_.end()) return;
  Bucket& ids = it->second;
  auto pos = std::lower_bound(ids.begin(), ids.end(), node);
  if (pos == ids.end() || *pos != node) return;
  ids.erase(pos);
  --count_;
  if (!ids.empty()) return;
  auto [first, last] = ordered_.equal_range(&*it);
  for (auto o = first; o != last; ++o) {
    if (*o == &*it) {
      ordered_.erase(o);
      break;
    }
  }
  hash_.erase(it);
}

size_t PropertyIndex::memoryUsage() const {
  size_t bytes = hash_.bucket_count() * sizeof(void*);
  for (const auto& [value, ids] : hash_) {
    // Hash node: next pointer, the pair, the cached hash.
    bytes += sizeof(Entry) + 2 * sizeof(void*) + kAllocOverhead + valueHeapBytes(value) +
             vectorBytes(ids);
  }
  // Red-black tree node: three pointers and a colour, plus the element.
  bytes += ordered_.size() * (4 * sizeof(void*) + sizeof(const Entry*) + kAllocOverhead);
  return bytes;
}

// ---- Adjacency ----------------------------------------------------------------

// Per direction: a CSR over node ids — offsets[n]..offsets[n+1] delimit
// node n's entries, grouped by relationship type (ascending) and by
// relationship id within a type, with the types in a parallel array so a
// type filter is a binary search inside the node's range. One array per
// direction rather than one per (type, direction) keeps the offsets at
// 16 bytes per node whatever the number of types.
//
// Relationships added since the last compact() live in a per-node delta;
// deleted ones stay in the CSR as tombstones and are skipped while reading
// (a liveness bitset, 1 bit per relationship, checked only while there are
// tombstones at all). Undoing a delete revives the entries in place.
struct Graph::Adjacency {
  struct Entry {
    RelId rel;
    NodeId other;
  };
  struct DeltaEntry {
    RelId rel;
    NodeId other;
    RelTypeId type;
  };
  struct Side {
    std::vector<uint64_t> offsets;  // csr_nodes + 1 entries, or none
    std::vector<Entry> entries;
    std::vector<RelTypeId> types;  // parallel to entries
    // The delta: node -> 1 + its slot in delta_lists (0: none). A dense
    // array rather than a hash map: one predictable load per lookup, which
    // keeps expansion fast while a quarter of the relationships sit here.
    std::vector<uint32_t> delta_slot;
    std::vector<std::vector<DeltaEntry>> delta_lists;

    const std::vector<DeltaEntry>* delta(NodeId node) const {
      if (node >= delta_slot.size()) return nullptr;
      uint32_t slot = delta_slot[node];
      return slot == 0 ? nullptr : &delta_lists[slot - 1];
    }
  };

  Side out;
  Side in;
  // Bitsets by relationship id, covering the ids that existed at the last
  // compact(). `member`: the CSR holds this relationship's entries and they
  // may be revived. `live`: its entries are to be reported. An entry whose
  // id was truncated away or reused for another relationship loses
  // `member` and never regains `live`, so it stays hidden until the next
  // compact() drops it.
  std::vector<uint64_t> member;
  std::vector<uint64_t> live;
  size_t csr_nodes = 0;   // nodes covered by the offsets
  size_t csr_rels = 0;    // entries per side
  size_t delta_rels = 0;  // live relationships in the delta
  size_t dead_csr = 0;    // hidden entries (per side) still in the CSR
  bool auto_compact = true;

  static bool test(const std::vector<uint64_t>& bits, uint64_t i) {
    return (i >> 6) < bits.size() && ((bits[i >> 6] >> (i & 63)) & 1) != 0;
  }
  static void assign(std::vector<uint64_t>& bits, uint64_t i, bool on) {
    if (on) {
      bits[i >> 6] |= uint64_t{1} << (i & 63);
    } else {
      bits[i >> 6] &= ~(uint64_t{1} << (i & 63));
    }
  }
  bool isMember(RelId rel) const { return test(member, rel); }
  // Only for ids of CSR entries, which the bitsets always cover.
  bool isLive(RelId rel) const { return ((live[rel >> 6] >> (rel & 63)) & 1) != 0; }

  // `node_limit`: the graph's node id limit, so the slot array grows to
  // cover every node at once rather than one id at a time.
  static void addDelta(Side& side, NodeId node, RelId rel, NodeId other, RelTypeId type,
                       size_t node_limit) {
    if (node >= side.delta_slot.size()) side.delta_slot.resize(std::max(node + 1, node_limit), 0);
    uint32_t& slot = side.delta_slot[node];
    if (slot == 0) {
      side.delta_lists.emplace_back();
      slot = static_cast<uint32_t>(side.delta_lists.size());
    }
    side.delta_lists[slot - 1].push_back({rel, other, type});
  }
  static void removeDelta(Side& side, NodeId node, RelId rel) {
    // An emptied list keeps its slot: the node is likely to get more.
    if (node >= side.delta_slot.size() || side.delta_slot[node] == 0) return;
    std::erase_if(side.delta_lists[side.delta_slot[node] - 1],
                  [rel](const DeltaEntry& d) { return d.rel == rel; });
  }
  static void clearDelta(Side& side) {
    std::vector<uint32_t>().swap(side.delta_slot);
    std::vector<std::vector<DeltaEntry>>().swap(side.delta_lists);
  }

  // The index range [lo, hi) of `type` inside node range [b, e).
  static std::pair<uint64_t, uint64_t> typeRange(const Side& side, uint64_t b, uint64_t e,
                                                 RelTypeId type) {
    const RelTypeId* base = side.types.data();
    auto [lo, hi] = std::equal_range(base + b, base + e, type);
    return {static_cast<uint64_t>(lo - base), static_cast<uint64_t>(hi - base)};
  }

  size_t sideBytes(const Side& side) const {
    size_t bytes = vectorBytes(side.offsets) + vectorBytes(side.entries) + vectorBytes(side.types);
    bytes += vectorBytes(side.delta_slot) + vectorBytes(side.delta_lists);
    for (const auto& list : side.delta_lists) bytes += vectorBytes(list);
    return bytes;
  }
};

namespace {

// True when `t` occurs in types[0, i): a repeated type in a filter must
// not report the same relationships twice.
bool seenBefore(std::span<const RelTypeId> types, size_t i) {
  return std::find(types.begin(), types.begin() + static_cast<std::ptrdiff_t>(i), types[i]) !=
         types.begin() + static_cast<std::ptrdiff_t>(i);
}

bool typeSelected(std::span<const RelTypeId> types, RelTypeId t) {
  return types.empty() || std::find(types.begin(), types.end(), t) != types.end();
}

}  // namespace

// ---- Graph: construction and reads --------------------------------------------

Graph::Graph() : adjacency_(std::make_unique<Adjacency>()) {}
Graph::~Graph() = default;

bool Graph::hasLabel(NodeId id, LabelId label) const {
  if (!nodeAlive(id)) return false;
  const auto& labels = nodes_[id].labels;
  return std::binary_search(labels.begin(), labels.end(), label);
}

std::vector<NodeId> Graph::nodesWithLabel(LabelId label) const {
  std::vector<NodeId> out;
  if (label >= label_nodes_.size()) return out;
  const LabelList& list = label_nodes_[label];
  out.reserve(list.live);
  auto emit = [&](NodeId id) {
    // Stale entries (label removed, node deleted) and duplicates (label
    // removed and added again) are dropped here.
    if ((out.empty() || out.back() != id) && hasLabel(id, label)) out.push_back(id);
  };
  if (list.sorted == list.ids.size()) {
    for (NodeId id : list.ids) emit(id);
    return out;
  }
  std::vector<NodeId> tail(list.ids.begin() + static_cast<std::ptrdiff_t>(list.sorted),
                           list.ids.end());
  std::sort(tail.begin(), tail.end());
  size_t i = 0;
  size_t j = 0;
  while (i < list.sorted || j < tail.size()) {
    if (j == tail.size() || (i < list.sorted && list.ids[i] <= tail[j])) {
      emit(list.ids[i++]);
    } else {
      emit(tail[j++]);
    }
  }
  return out;
}

size_t Graph::labelCount(LabelId label) const {
  return label < label_nodes_.size() ? label_nodes_[label].live : 0;
}

void Graph::forEachNode(const std::function<bool(NodeId)>& fn) const {
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    if (nodes_[id].alive && !fn(id)) return;
  }
}

void Graph::forEachRel(const std::function<bool(RelId)>& fn) const {
  for (RelId id = 0; id < rels_.size(); ++id) {
    if (rels_[id].alive && !fn(id)) return;
  }
}

void Graph::forEachAdjacent(NodeId node, Dir dir, std::span<const RelTypeId> types,
                            const std::function<bool(const Adjacent&)>& fn) const {
  if (!nodeAlive(node)) return;
  const Adjacency& adj = *adjacency_;
  const bool check_dead = adj.dead_csr > 0;

  // Returns false when `fn` asked to stop. With kBoth, incoming self-loops
  // were already reported as outgoing ones.
  auto visit = [&](const Adjacency::Side& side, bool outgoing, bool skip_self) -> bool {
    Adjacent a{0, 0, outgoing};
    if (node < adj.csr_nodes) {
      const uint64_t b = side.offsets[node];
      const uint64_t e = side.offsets[node + 1];
      auto emitRange = [&](uint64_t lo, uint64_t hi) -> bool {
        for (uint64_t i = lo; i < hi; ++i) {
          const Adjacency::Entry& entry = side.entries[i];
          if (skip_self && entry.other == node) continue;
          if (check_dead && !adj.isLive(entry.rel)) continue;
          a.rel = entry.rel;
          a.other = entry.other;
          if (!fn(a)) return false;
        }
        return true;
      };
      if (b != e) {
        if (types.empty()) {
          if (!emitRange(b, e)) return false;
        } else {
          for (size_t t = 0; t < types.size(); ++t) {
            if (seenBefore(types, t)) continue;
            auto [lo, hi] = Adjacency::typeRange(side, b, e, types[t]);
            if (!emitRange(lo, hi)) return false;
          }
        }
      }
    }
    if (const auto* delta = side.delta(node)) {
      for (const auto& d : *delta) {
        if (skip_self && d.other == node) continue;
        if (!typeSelected(types, d.type)) continue;
        a.rel = d.rel;
        a.other = d.other;
        if (!fn(a)) return false;
      }
    }
    return true;
  };

  if (dir != Dir::kIn && !visit(adj.out, true, false)) return;
  if (dir != Dir::kOut) visit(adj.in, false, dir == Dir::kBoth);
}

size_t Graph::degree(NodeId node, Dir dir, std::span<const RelTypeId> types) const {
  if (!nodeAlive(node)) return 0;
  const Adjacency& adj = *adjacency_;
  const bool check_dead = adj.dead_csr > 0;

  auto count = [&](const Adjacency::Side& side, bool skip_self) -> size_t {
    size_t n = 0;
    auto countRange = [&](uint64_t lo, uint64_t hi) {
      if (!check_dead && !skip_self) {
        n += hi - lo;
        return;
      }
      for (uint64_t i = lo; i < hi; ++i) {
        const Adjacency::Entry& entry = side.entries[i];
        if (skip_self && entry.other == node) continue;
        if (check_dead && !adj.isLive(entry.rel)) continue;
        ++n;
      }
    };
    if (node < adj.csr_nodes) {
      const uint64_t b = side.offsets[node];
      const uint64_t e = side.offsets[node + 1];
      if (types.empty()) {
        countRange(b, e);
      } else {
        for (size_t t = 0; t < types.size(); ++t) {
          if (seenBefore(types, t)) continue;
          auto [lo, hi] = Adjacency::typeRange(side, b, e, types[t]);
          countRange(lo, hi);
        }
      }
    }
    if (const auto* delta = side.delta(node)) {
      for (const auto& d : *delta) {
        if (skip_self && d.other == node) continue;
        if (typeSelected(types, d.type)) ++n;
      }
    }
    return n;
  };

  size_t n = 0;
  if (dir != Dir::kIn) n += count(adj.out, false);
  if (dir != Dir::kOut) n += count(adj.in, dir == Dir::kBoth);
  return n;
}

const PropertyIndex* Graph::index(LabelId label, PropKeyId key) const {
  auto it = indexes_.find({label, key});
  return it == indexes_.end() ? nullptr : it->second.get();
}

template <class Fn>
void Graph::forEachIndexOfLabel(LabelId label, Fn&& fn) const {
  if (indexes_.empty()) return;
  for (auto it = indexes_.lower_bound({label, 0}); it != indexes_.end() && it->first.first == label;
       ++it) {
    fn(it->first.second, *it->second);
  }
}

// ---- Graph: label lists -------------------------------------------------------

void Graph::labelListAdd(LabelId label, NodeId id) {
  if (label >= label_nodes_.size()) label_nodes_.resize(label + 1);
  LabelList& list = label_nodes_[label];
  bool in_order = list.sorted == list.ids.size() && (list.ids.empty() || list.ids.back() < id);
  list.ids.push_back(id);
  if (in_order) ++list.sorted;
  ++list.live;
  // Fold the unsorted tail in once it is a sizeable share of the list, so
  // reads rarely sort and the fold is amortised over the appends.
  size_t tail = list.ids.size() - list.sorted;
  if (tail > 64 && tail > list.sorted / 4) normalizeLabelList(label);
}

void Graph::labelListRemove(LabelId label) {
  LabelList& list = label_nodes_[label];
  --list.live;
  size_t stale = list.ids.size() - list.live;
  if (stale > list.ids.size() / 2) normalizeLabelList(label);
}

void Graph::normalizeLabelList(LabelId label) {
  LabelList& list = label_nodes_[label];
  std::vector<NodeId>& ids = list.ids;
  std::sort(ids.begin() + static_cast<std::ptrdiff_t>(list.sorted), ids.end());
  std::inplace_merge(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(list.sorted),
                     ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::erase_if(ids, [&](NodeId id) { return !hasLabel(id, label); });
  if (ids.capacity() > 2 * ids.size() + 16) ids.shrink_to_fit();
  list.sorted = ids.size();
  list.live = ids.size();
}

// ---- Graph: mutations ---------------------------------------------------------

void Graph::insertNode(NodeId id, std::vector<LabelId> labels, Properties props) {
  if (id < nodes_.size() && nodes_[id].alive) {
    throw Error::internal("node id " + std::to_string(id) + " is already in use");
  }
  if (id >= nodes_.size()) nodes_.resize(id + 1);
  sortUnique(labels);
  NodeRecord& n = nodes_[id];
  n.alive = true;
  n.labels = std::move(labels);
  n.properties = std::move(props);
  ++live_nodes_;
  for (LabelId label : n.labels) {
    labelListAdd(label, id);
    forEachIndexOfLabel(label, [&](PropKeyId key, PropertyIndex& index) {
      if (const Value* v = n.properties.get(key)) index.add(*v, id);
    });
  }
}

NodeId Graph::addNode(std::vector<LabelId> labels, Properties props) {
  NodeId id = nodes_.size();
  insertNode(id, std::move(labels), std::move(props));
  return id;
}

void Graph::putNode(NodeId id, std::vector<LabelId> labels, Properties props) {
  insertNode(id, std::move(labels), std::move(props));
}

void Graph::insertRel(RelId id, RelTypeId type, NodeId src, NodeId dst, Properties props) {
  if (!nodeAlive(src) || !nodeAlive(dst)) {
    throw Error::internal("relationship " + std::to_string(id) + " has a missing endpoint");
  }
  if (id < rels_.size() && rels_[id].alive) {
    throw Error::internal("relationship id " + std::to_string(id) + " is already in use");
  }
  Adjacency& adj = *adjacency_;
  if (adj.isMember(id)) {
    RelRecord& r = rels_[id];  // member ids are always below rels_.size()
    if (r.type == type && r.src == src && r.dst == dst) {
      // Its CSR entries are still there (the undo of a delete): revive.
      r.alive = true;
      r.properties = std::move(props);
      Adjacency::assign(adj.live, id, true);
      --adj.dead_csr;
      ++live_rels_;
      return;
    }
    // The id now names another relationship: its old entries stay hidden.
    Adjacency::assign(adj.member, id, false);
  }
  if (id >= rels_.size()) rels_.resize(id + 1);
  RelRecord& r = rels_[id];
  r.alive = true;
  r.type = type;
  r.src = src;
  r.dst = dst;
  r.properties = std::move(props);
  ++live_rels_;
  Adjacency::addDelta(adj.out, src, id, dst, type, nodes_.size());
  Adjacency::addDelta(adj.in, dst, id, src, type, nodes_.size());
  ++adj.delta_rels;
  maybeCompact();
}

RelId Graph::addRel(RelTypeId type, NodeId src, NodeId dst, Properties props) {
  RelId id = rels_.size();
  insertRel(id, type, src, dst, std::move(props));
  return id;
}

void Graph::putRel(RelId id, RelTypeId type, NodeId src, NodeId dst, Properties props) {
  insertRel(id, type, src, dst, std::move(props));
}

void Graph::removeNode(NodeId id) {
  if (!nodeAlive(id)) return;
  if (degree(id, Dir::kBoth, {}) != 0) {
    throw Error::internal("node " + std::to_string(id) + " still has relationships");
  }
  NodeRecord& n = nodes_[id];
  for (LabelId label : n.labels) {
    forEachIndexOfLabel(label, [&](PropKeyId key, PropertyIndex& index) {
      if (const Value* v = n.properties.get(key)) index.remove(*v, id);
    });
  }
  std::vector<LabelId> labels = std::move(n.labels);
  n.labels = {};
  n.properties = Properties();
  n.alive = false;
  --live_nodes_;
  for (LabelId label : labels) labelListRemove(label);
}

void Graph::removeRel(RelId id) {
  if (!relAlive(id)) return;
  RelRecord& r = rels_[id];
  // type/src/dst stay: type(r) of a deleted relationship still answers,
  // and a rollback may revive the CSR entries.
  r.alive = false;
  r.properties = Properties();
  --live_rels_;
  Adjacency& adj = *adjacency_;
  if (adj.isMember(id)) {
    Adjacency::assign(adj.live, id, false);
    ++adj.dead_csr;
    maybeCompact();
  } else {
    Adjacency::removeDelta(adj.out, r.src, id);
    Adjacency::removeDelta(adj.in, r.dst, id);
    --adj.delta_rels;
  }
}

Value Graph::setNodeProperty(NodeId id, PropKeyId key, Value value) {
  NodeRecord& n = nodes_[id];
  Value old = n.properties.set(key, value);
  if (!indexes_.empty()) {
    for (LabelId label : n.labels) {
      auto it = indexes_.find({label, key});
      if (it == indexes_.end()) continue;
      if (!old.isNull()) it->second->remove(old, id);
      if (!value.isNull()) it->second->add(value, id);
    }
  }
  return old;
}

Value Graph::setRelProperty(RelId id, PropKeyId key, Value value) {
  return rels_[id].properties.set(key, std::move(value));
}

bool Graph::addLabel(NodeId id, LabelId label) {
  NodeRecord& n = nodes_[id];
  auto pos = std::lower_bound(n.labels.begin(), n.labels.end(), label);
  if (pos != n.labels.end() && *pos == label) return false;
  n.labels.insert(pos, label);
  labelListAdd(label, id);
  forEachIndexOfLabel(label, [&](PropKeyId key, PropertyIndex& index) {
    if (const Value* v = n.properties.get(key)) index.add(*v, id);
  });
  return true;
}

bool Graph::removeLabel(NodeId id, LabelId label) {
  NodeRecord& n = nodes_[id];
  auto pos = std::lower_bound(n.labels.begin(), n.labels.end(), label);
  if (pos == n.labels.end() || *pos != label) return false;
  n.labels.erase(pos);
  forEachIndexOfLabel(label, [&](PropKeyId key, PropertyIndex& index) {
    if (const Value* v = n.properties.get(key)) index.remove(*v, id);
  });
  labelListRemove(label);
  return true;
}

void Graph::createIndex(const IndexDef& def) {
  const IndexDef* existing = catalog_.findIndexByName(def.name);
  if (existing == nullptr || existing->label != def.label || existing->key != def.key) {
    catalog_.addIndex(def);  // throws on a clash
  }
  auto& slot = indexes_[{def.label, def.key}];
  if (slot) return;
  slot = std::make_unique<PropertyIndex>();
  for (NodeId id : nodesWithLabel(def.label)) {
    if (const Value* v = nodes_[id].properties.get(def.key)) slot->add(*v, id);
  }
}

void Graph::dropIndex(std::string_view name) {
  const IndexDef* def = catalog_.findIndexByName(name);
  if (def == nullptr) return;
  indexes_.erase({def->label, def->key});
  catalog_.removeIndex(name);
}

void Graph::shrinkIdLimits(NodeId node_limit, RelId rel_limit) {
  // No compaction here: a rollback undoes creations one at a time, and the
  // CSR entries of dropped relationships are already hidden (not live).
  // Dropping `member` keeps them hidden when the id is handed out again; a
  // node id handed out again finds only hidden entries in its old range.
  Adjacency& adj = *adjacency_;
  for (RelId id = rel_limit; id < rels_.size(); ++id) {
    if (rels_[id].alive) {
      throw Error::internal("cannot drop live relationship " + std::to_string(id));
    }
  }
  for (NodeId id = node_limit; id < nodes_.size(); ++id) {
    if (nodes_[id].alive) throw Error::internal("cannot drop live node " + std::to_string(id));
  }
  for (RelId id = rel_limit; id < rels_.size(); ++id) {
    if (adj.isMember(id)) Adjacency::assign(adj.member, id, false);
  }
  if (rel_limit < rels_.size()) rels_.resize(rel_limit);
  if (node_limit < nodes_.size()) nodes_.resize(node_limit);
}

void Graph::raiseIdLimits(NodeId node_limit, RelId rel_limit) {
  if (node_limit > nodes_.size()) nodes_.resize(node_limit);
  if (rel_limit > rels_.size()) rels_.resize(rel_limit);
}

// ---- Graph: compaction --------------------------------------------------------

void Graph::reserve(size_t nodes, size_t rels) {
  nodes_.reserve(nodes);
  rels_.reserve(rels);
}

void Graph::setAutoCompact(bool on) {
  adjacency_->auto_compact = on;
  if (on) maybeCompact();
}

void Graph::maybeCompact() {
  const Adjacency& adj = *adjacency_;
  if (!adj.auto_compact) return;
  size_t limit = std::max(kMinCompactEntries, adj.csr_rels / 4);
  // Slots are 32-bit; far below that many nodes-with-delta in practice,
  // but a compaction is the cheap way to never overflow them.
  bool slots_full =
      adj.out.delta_lists.size() >= UINT32_MAX - 1 || adj.in.delta_lists.size() >= UINT32_MAX - 1;
  if (adj.delta_rels > limit || adj.dead_csr > limit || slots_full) compact();
}

void Graph::compact() {
  Adjacency& adj = *adjacency_;
  const size_t node_count = nodes_.size();
  const size_t rel_count = rels_.size();

  // Live relationships ordered by (type, id): a counting sort, so that a
  // stable scatter by node below leaves each node's entries grouped by type.
  RelTypeId type_limit = 0;
  for (const RelRecord& r : rels_) {
    if (r.alive) type_limit = std::max(type_limit, r.type + 1);
  }
  std::vector<uint64_t> type_start(static_cast<size_t>(type_limit) + 1, 0);
  for (const RelRecord& r : rels_) {
    if (r.alive) ++type_start[r.type + 1];
  }
  for (size_t t = 1; t < type_start.size(); ++t) type_start[t] += type_start[t - 1];
  std::vector<RelId> order(live_rels_);
  for (RelId id = 0; id < rel_count; ++id) {
    if (rels_[id].alive) order[type_start[rels_[id].type]++] = id;
  }
  type_start = {};

  auto build = [&](Adjacency::Side& side, bool outgoing) {
    std::vector<uint64_t> offsets(node_count + 1, 0);
    for (RelId id : order) {
      const RelRecord& r = rels_[id];
      ++offsets[(outgoing ? r.src : r.dst) + 1];
    }
    for (size_t n = 1; n <= node_count; ++n) offsets[n] += offsets[n - 1];
    std::vector<Adjacency::Entry> entries(order.size());
    std::vector<RelTypeId> types(order.size());
    // Scatter using offsets[n] as node n's cursor; afterwards offsets[n]
    // holds node n's end, i.e. node n+1's start, so shift back by one.
    for (RelId id : order) {
      const RelRecord& r = rels_[id];
      NodeId node = outgoing ? r.src : r.dst;
      uint64_t pos = offsets[node]++;
      entries[pos] = {id, outgoing ? r.dst : r.src};
      types[pos] = r.type;
    }
    for (size_t n = node_count; n > 0; --n) offsets[n] = offsets[n - 1];
    offsets[0] = 0;
    side.offsets = std::move(offsets);
    side.entries = std::move(entries);
    side.types = std::move(types);
    Adjacency::clearDelta(side);
  };
  build(adj.out, true);
  build(adj.in, false);

  adj.member.assign((rel_count + 63) / 64, 0);
  for (RelId id : order) Adjacency::assign(adj.member, id, true);
  adj.live = adj.member;
  adj.csr_nodes = node_count;
  adj.csr_rels = order.size();
  adj.delta_rels = 0;
  adj.dead_csr = 0;
}

// ---- Graph: memory ------------------------------------------------------------

size_t Graph::memoryUsage() const {
  size_t bytes = sizeof(Graph) + catalog_.memoryUsage();
  bytes += vectorBytes(nodes_);
  for (const NodeRecord& n : nodes_) bytes += vectorBytes(n.labels) + propertiesBytes(n.properties);
  bytes += vectorBytes(rels_);
  for (const RelRecord& r : rels_) bytes += propertiesBytes(r.properties);

  const Adjacency& adj = *adjacency_;
  bytes += sizeof(Adjacency) + adj.sideBytes(adj.out) + adj.sideBytes(adj.in) +
           vectorBytes(adj.member) + vectorBytes(adj.live);

  bytes += vectorBytes(label_nodes_);
  for (const LabelList& list : label_nodes_) bytes += vectorBytes(list.ids);
  for (const auto& [key, index] : indexes_) {
    bytes += sizeof(PropertyIndex) + 4 * sizeof(void*) + 2 * kAllocOverhead + index->memoryUsage();
  }
  return bytes;
}

}  // namespace maestro::engine
