// Catalog — a dataset's names and schema objects.
//
// Maps label, relationship-type and property-key names to dense ids (ids
// are never reused or renumbered, so they can be stored), keeps each
// property key's sensitivity tier, and the property indexes that exist.
// Thread-safety: like the Graph it belongs to — readers under the dataset's
// shared lock, changes under its exclusive lock (see engine/main).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace maestro::engine {

using LabelId = uint32_t;
using RelTypeId = uint32_t;
using PropKeyId = uint32_t;

enum class Sensitivity { kLow = 0, kMedium = 1, kHigh = 2 };
// "low" | "medium" | "high"; anything else counts as high.
Sensitivity parseSensitivity(std::string_view tier);
std::string_view sensitivityName(Sensitivity s);

struct IndexDef {
  std::string name;  // user-given or generated: "index_<label>_<key>"
  LabelId label;
  PropKeyId key;
};

// A bidirectional name ↔ id table.
class NameTable {
 public:
  std::optional<uint32_t> find(std::string_view name) const;
  uint32_t intern(std::string_view name);  // adds if missing
  const std::string& name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }
  // Forgets the names with id >= size: the undo of interning (ChangeSet
  // rollback). Nothing may still refer to those ids.
  void truncate(size_t size);
  // Approximate heap bytes held.
  size_t memoryUsage() const;

 private:
  // Transparent hashing so find() takes a string_view without a copy.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> ids_;
};

class Catalog {
 public:
  NameTable& labels() { return labels_; }
  const NameTable& labels() const { return labels_; }
  NameTable& relTypes() { return rel_types_; }
  const NameTable& relTypes() const { return rel_types_; }
  NameTable& propertyKeys() { return keys_; }
  const NameTable& propertyKeys() const { return keys_; }

  // Unset keys are low.
  Sensitivity sensitivity(PropKeyId key) const;
  void setSensitivity(PropKeyId key, Sensitivity s);
  // Back to "unset" (the undo of a first setSensitivity).
  void clearSensitivity(PropKeyId key);
  const std::unordered_map<PropKeyId, Sensitivity>& sensitivities() const { return sensitivity_; }

  // In name order.
  const std::vector<IndexDef>& indexes() const { return indexes_; }
  const IndexDef* findIndex(LabelId label, PropKeyId key) const;
  const IndexDef* findIndexByName(std::string_view name) const;
  // Throws Error::conflict if an index with that name or on that
  // (label, key) exists.
  void addIndex(IndexDef def);
  void removeIndex(std::string_view name);  // no-op if absent

  // Approximate heap bytes held.
  size_t memoryUsage() const;

 private:
  NameTable labels_;
  NameTable rel_types_;
  NameTable keys_;
  std::unordered_map<PropKeyId, Sensitivity> sensitivity_;
  std::vector<IndexDef> indexes_;
};

}  // namespace maestro::engine
