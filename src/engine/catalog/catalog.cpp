#include "engine/catalog/catalog.h"

#include <algorithm>

#include "common/error.h"

namespace maestro::engine {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

Sensitivity parseSensitivity(std::string_view tier) {
  // Case-insensitive so "Low" from a hand-written config is not silently
  // promoted; anything unrecognised errs on the protective side.
  if (equalsIgnoreCase(tier, "low")) return Sensitivity::kLow;
  if (equalsIgnoreCase(tier, "medium")) return Sensitivity::kMedium;
  return Sensitivity::kHigh;
}

std::string_view sensitivityName(Sensitivity s) {
  switch (s) {
    case Sensitivity::kLow:
      return "low";
    case Sensitivity::kMedium:
      return "medium";
    case Sensitivity::kHigh:
      return "high";
  }
  return "high";
}

// ---- NameTable ----------------------------------------------------------------

std::optional<uint32_t> NameTable::find(std::string_view name) const {
  auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

uint32_t NameTable::intern(std::string_view name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(std::string(name), id);
  return id;
}

void NameTable::truncate(size_t size) {
  while (names_.size() > size) {
    ids_.erase(names_.back());
    names_.pop_back();
  }
}

size_t NameTable::memoryUsage() const {
  size_t bytes = names_.capacity() * sizeof(std::string) + ids_.bucket_count() * sizeof(void*);
  for (const auto& name : names_) {
    size_t heap = name.capacity() > 15 ? name.capacity() + 1 : 0;
    // Each name is held twice: in names_ and as a hash-node key.
    bytes += 2 * heap + sizeof(std::pair<const std::string, uint32_t>) + 2 * sizeof(void*);
  }
  return bytes;
}

// ---- Catalog ------------------------------------------------------------------

Sensitivity Catalog::sensitivity(PropKeyId key) const {
  auto it = sensitivity_.find(key);
  return it == sensitivity_.end() ? Sensitivity::kLow : it->second;
}

void Catalog::setSensitivity(PropKeyId key, Sensitivity s) { sensitivity_[key] = s; }

void Catalog::clearSensitivity(PropKeyId key) { sensitivity_.erase(key); }

const IndexDef* Catalog::findIndex(LabelId label, PropKeyId key) const {
  for (const auto& def : indexes_) {
    if (def.label == label && def.key == key) return &def;
  }
  return nullptr;
}

const IndexDef* Catalog::findIndexByName(std::string_view name) const {
  for (const auto& def : indexes_) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

void Catalog::addIndex(IndexDef def) {
  if (findIndexByName(def.name) != nullptr) {
    throw Error::conflict("an index named '" + def.name + "' already exists");
  }
  if (findIndex(def.label, def.key) != nullptr) {
    throw Error::conflict("an index on that label and property already exists");
  }
  // Kept in name order so that the list does not depend on the history of
  // creations and drops (a rolled-back drop restores the same list).
  auto pos = std::lower_bound(indexes_.begin(), indexes_.end(), def.name,
                              [](const IndexDef& d, const std::string& n) { return d.name < n; });
  indexes_.insert(pos, std::move(def));
}

void Catalog::removeIndex(std::string_view name) {
  std::erase_if(indexes_, [&](const IndexDef& d) { return d.name == name; });
}

size_t Catalog::memoryUsage() const {
  size_t bytes = labels_.memoryUsage() + rel_types_.memoryUsage() + keys_.memoryUsage();
  bytes +=
      sensitivity_.bucket_count() * sizeof(void*) +
      sensitivity_.size() * (sizeof(std::pair<const PropKeyId, Sensitivity>) + 2 * sizeof(void*));
  bytes += indexes_.capacity() * sizeof(IndexDef);
  for (const auto& def : indexes_) bytes += def.name.capacity() > 15 ? def.name.capacity() + 1 : 0;
  return bytes;
}

}  // namespace maestro::engine
