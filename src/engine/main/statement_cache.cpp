#include "engine/main/statement_cache.h"

#include <functional>

namespace maestro::engine {
namespace {

uint64_t mix(uint64_t h, uint64_t v) {
  return (h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2))) * 0xff51afd7ed558ccdULL;
}

// Same type and equivalent: 1 and 1.0 may plan alike, but need not.
bool sameValue(const Value& a, const Value& b) {
  return a.type() == b.type() && equivalent(a, b);
}

}  // namespace

uint64_t StatementKey::hash() const {
  std::hash<std::string_view> text_hash;
  uint64_t h = mix(static_cast<uint64_t>(planner), text_hash(text));
  h = mix(h, text_hash(hints));
  h = mix(h, schema);
  if (params != nullptr) {
    uint64_t sum = 0;  // independent of the map's order
    for (const auto& [name, value] : *params) sum += mix(text_hash(name), hashValue(value));
    h = mix(h, sum);
    h = mix(h, reinterpret_cast<uintptr_t>(stats));
    h = mix(h, text_hash(stats_note));
  }
  return h;
}

bool StatementCache::Entry::matches(const StatementKey& key) const {
  if (planner != key.planner || schema != key.schema || text != key.text || hints != key.hints ||
      has_params != (key.params != nullptr)) {
    return false;
  }
  if (!has_params) return true;
  if (stats != key.stats || stats_note != key.stats_note || params.size() != key.params->size()) {
    return false;
  }
  for (const auto& [name, value] : *key.params) {
    auto it = params.find(name);
    if (it == params.end() || !sameValue(it->second, value)) return false;
  }
  return true;
}

std::unique_ptr<Compiled> StatementCache::take(const StatementKey& key, uint64_t h) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(h);
  if (it == entries_.end() || it->second.idle.empty() || !it->second.matches(key)) return nullptr;
  Entry& e = it->second;
  recent_.splice(recent_.begin(), recent_, e.recent);
  auto statement = std::move(e.idle.back());
  e.idle.pop_back();
  return statement;
}

void StatementCache::put(const StatementKey& key, uint64_t h,
                         std::unique_ptr<Compiled> statement) {
  std::vector<std::unique_ptr<Compiled>> dropped;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  auto it = entries_.find(h);
  if (it != entries_.end() && !it->second.matches(key)) {
    // Another statement with the same hash: the newer one stays.
    dropped = std::move(it->second.idle);
    recent_.erase(it->second.recent);
    entries_.erase(it);
    it = entries_.end();
  }
  if (it == entries_.end()) {
    Entry e;
    e.planner = key.planner;
    e.text = key.text;
    e.hints = key.hints;
    e.has_params = key.params != nullptr;
    if (e.has_params) e.params = *key.params;
    e.stats = key.stats;
    e.stats_note = key.stats_note;
    e.schema = key.schema;
    recent_.push_front(h);
    e.recent = recent_.begin();
    it = entries_.emplace(h, std::move(e)).first;
    if (entries_.size() > kCapacity) {
      auto last = entries_.find(recent_.back());
      for (auto& s : last->second.idle) dropped.push_back(std::move(s));
      entries_.erase(last);
      recent_.pop_back();
    }
  }
  if (it->second.idle.size() < kCopies) {
    it->second.idle.push_back(std::move(statement));
  } else {
    dropped.push_back(std::move(statement));
  }
}

void StatementCache::clear() {
  std::unordered_map<uint64_t, Entry> entries;
  {
    std::lock_guard lock(mutex_);
    entries.swap(entries_);
    recent_.clear();
  }
}

size_t StatementCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace maestro::engine
