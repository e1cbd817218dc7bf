// The node hash join (planner v2's alternative to ExpandInto for cycles and
// for patterns joined from two independently matched parts).
#include <algorithm>

#include "engine/executor/physical_operators.h"

namespace maestro::engine {
namespace {

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

uint64_t hashKey(const NodeId* ids, size_t n) {
  uint64_t h = 0;
  for (size_t i = 0; i < n; ++i) h = mix(h, ids[i]);
  return h;
}

// The relationships a slot holds: one, or a list of them (var-length).
template <class Fn>
void forEachRel(const Value& v, Fn&& fn) {
  if (v.isRel()) {
    fn(v.relId());
  } else if (v.isList()) {
    for (const auto& r : v.asList()) {
      if (r.isRel()) fn(r.relId());
    }
  }
}

}  // namespace

void HashJoinOp::open(ExecContext& ctx, const Row& argument) {
  child(0)->open(ctx, argument);
  argument_ = argument;
  built_ = false;
  build_keys_.clear();
  build_values_.clear();
  build_count_ = 0;
  table_.clear();
  matches_ = nullptr;
  match_pos_ = 0;
}

void HashJoinOp::close() {
  Operator::close();
  built_ = false;
  matches_ = nullptr;
  releaseMemory(build_keys_);
  releaseMemory(build_values_);
  releaseMemory(table_);
  releaseMemory(argument_);
  releaseMemory(probe_);
}

std::string HashJoinOp::details() const {
  std::string s = "on";
  for (int slot : join_slots_) s += " " + std::to_string(slot);
  return s;
}

bool HashJoinOp::key(const Row& row, std::vector<NodeId>& out) const {
  out.clear();
  for (int slot : join_slots_) {
    const Value& v = row[slot];
    if (!v.isNode()) return false;
    out.push_back(v.nodeId());
  }
  return true;
}

// Materialises the build side. Done on the first pull rather than at
// open(), so PROFILE counts the build's time in the join.
void HashJoinOp::build(ExecContext& ctx) {
  built_ = true;
  child(1)->open(ctx, argument_);
  Row row;
  std::vector<NodeId> k;
  while (child(1)->pull(ctx, row)) {
    if (!key(row, k)) continue;
    auto index = static_cast<uint32_t>(build_count_++);
    build_keys_.insert(build_keys_.end(), k.begin(), k.end());
    for (int slot : build_slots_) build_values_.push_back(row[slot]);
    table_[hashKey(k.data(), k.size())].push_back(index);
  }
}

bool HashJoinOp::overlaps(const Row& probe, size_t build_row) const {
  if (probe_rels_.empty() || build_rels_.empty()) return false;
  bool hit = false;
  for (int b : build_rels_) {
    // The build side's relationship slots are among build_slots_.
    size_t at = 0;
    while (at < build_slots_.size() && build_slots_[at] != b) ++at;
    if (at == build_slots_.size()) continue;
    const Value& bv = build_values_[build_row * build_slots_.size() + at];
    forEachRel(bv, [&](RelId br) {
      for (int p : probe_rels_) {
        forEachRel(probe[p], [&](RelId pr) { hit = hit || pr == br; });
      }
    });
    if (hit) return true;
  }
  return false;
}

bool HashJoinOp::next(ExecContext& ctx, Row& row) {
  if (!built_) build(ctx);
  const size_t width = join_slots_.size();
  for (;;) {
    if (matches_ != nullptr) {
      while (match_pos_ < matches_->size()) {
        uint32_t b = (*matches_)[match_pos_++];
        if (!std::equal(probe_key_.begin(), probe_key_.end(), build_keys_.begin() + b * width)) continue;
        if (overlaps(probe_, b)) continue;
        row = probe_;
        for (size_t i = 0; i < build_slots_.size(); ++i) {
          row[build_slots_[i]] = build_values_[b * build_slots_.size() + i];
        }
        return true;
      }
      matches_ = nullptr;
    }
    if (build_count_ == 0) return false;
    if (!child(0)->pull(ctx, probe_)) return false;
    if (!key(probe_, probe_key_)) continue;
    auto it = table_.find(hashKey(probe_key_.data(), width));
    if (it == table_.end()) continue;
    matches_ = &it->second;
    match_pos_ = 0;
  }
}

}  // namespace maestro::engine
