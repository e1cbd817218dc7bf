#include "engine/graph/change_set.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <variant>

#include "common/error.h"
#include "engine/common/errors.h"
#include "engine/graph/value_codec.h"

namespace maestro::engine {

namespace {

// Op tags of format 1. Persistent: never reuse or renumber.
enum OpTag : uint8_t {
  kOpCreateNode = 1,       // id, label count, label names, properties
  kOpCreateRel = 2,        // id, type name, src, dst, properties
  kOpDeleteNode = 3,       // id
  kOpDeleteRel = 4,        // id
  kOpSetNodeProperty = 5,  // id, key name, value (null removes)
  kOpSetRelProperty = 6,   // id, key name, value (null removes)
  kOpAddLabel = 7,         // id, label name
  kOpRemoveLabel = 8,      // id, label name
  kOpInternLabel = 9,      // name
  kOpInternRelType = 10,   // name
  kOpInternKey = 11,       // name
  kOpCreateIndex = 12,     // index name (string), label name, key name
  kOpDropIndex = 13,       // index name (string)
  kOpSetSensitivity = 14,  // key name, tier byte (0 low, 1 medium, 2 high)
};

// How far beyond the current id limit a replayed creation may reach.
// Writers allocate ids densely, so a large jump means a corrupt record,
// and honouring it would allocate tombstones by the billion.
constexpr uint64_t kMaxIdGap = 1 << 16;

enum class NameKind : uint8_t { kLabel, kRelType, kKey };

}  // namespace

// One applied change with what is needed to undo it and to encode it.
// Creations remember the id limit before them, so that undoing them hands
// the ids out again.
struct ChangeSet::Op {
  struct CreateNode {
    NodeId id;
    NodeId prev_limit;
    std::vector<LabelId> labels;
    Properties props;
  };
  struct CreateRel {
    RelId id;
    RelId prev_limit;
    RelTypeId type;
    NodeId src;
    NodeId dst;
    Properties props;
  };
  struct DeleteNode {
    NodeId id;
    std::vector<LabelId> labels;
    Properties props;
  };
  struct DeleteRel {
    RelId id;
    RelTypeId type;
    NodeId src;
    NodeId dst;
    Properties props;
  };
  struct SetNodeProperty {
    NodeId id;
    PropKeyId key;
    Value old_value;
    Value new_value;
  };
  struct SetRelProperty {
    RelId id;
    PropKeyId key;
    Value old_value;
    Value new_value;
  };
  struct AddLabel {
    NodeId id;
    LabelId label;
  };
  struct RemoveLabel {
    NodeId id;
    LabelId label;
  };
  struct Intern {
    NameKind kind;
    uint32_t id;
  };
  struct CreateIndex {
    IndexDef def;
  };
  struct DropIndex {
    IndexDef def;
  };
  struct SetSensitivity {
    PropKeyId key;
    std::optional<Sensitivity> old_value;
    Sensitivity new_value;
  };
  std::variant<CreateNode, CreateRel, DeleteNode, DeleteRel, SetNodeProperty, SetRelProperty,
               AddLabel, RemoveLabel, Intern, CreateIndex, DropIndex, SetSensitivity>
      v;
};

bool Counters::any() const {
  return nodes_created != 0 || nodes_deleted != 0 || relationships_created != 0 ||
         relationships_deleted != 0 || labels_added != 0 || labels_removed != 0 ||
         properties_set != 0 || indexes_added != 0 || indexes_removed != 0;
}

ChangeSet::ChangeSet(Graph& graph) : graph_(graph) {}
ChangeSet::~ChangeSet() = default;

// ---- checks -------------------------------------------------------------------

void ChangeSet::checkNode(NodeId id) const {
  if (!graph_.nodeAlive(id)) {
    throw entityNotFound("DeletedEntityAccess", "node " + std::to_string(id) + " has been deleted");
  }
}

void ChangeSet::checkRel(RelId id) const {
  if (!graph_.relAlive(id)) {
    throw entityNotFound("DeletedEntityAccess",
                         "relationship " + std::to_string(id) + " has been deleted");
  }
}

void ChangeSet::checkProperties(const Properties& props) const {
  for (const auto& [key, value] : props.entries()) {
    if (key >= graph_.catalog().propertyKeys().size()) {
      throw Error::internal("unknown property key id " + std::to_string(key));
    }
    checkPropertyValue(value);
  }
}

// Makes room for one more op before the graph is changed, so that
// recording it cannot fail (bad_alloc) after the change was made.
void ChangeSet::reserveOp() {
  if (ops_.size() == ops_.capacity()) ops_.reserve(std::max<size_t>(16, 2 * ops_.capacity()));
}

// ---- nodes and relationships --------------------------------------------------

NodeId ChangeSet::createNodeAt(NodeId id, std::vector<LabelId> labels, Properties props) {
  const size_t label_limit = graph_.catalog().labels().size();
  for (LabelId label : labels) {
    if (label >= label_limit) throw Error::internal("unknown label id " + std::to_string(label));
  }
  checkProperties(props);
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  NodeId prev_limit = graph_.nodeIdLimit();
  reserveOp();
  graph_.putNode(id, labels, props);
  counters_.nodes_created += 1;
  counters_.labels_added += static_cast<int64_t>(labels.size());
  counters_.properties_set += static_cast<int64_t>(props.size());
  dirty_nodes_.insert(id);
  ops_.push_back({Op::CreateNode{id, prev_limit, std::move(labels), std::move(props)}});
  return id;
}

NodeId ChangeSet::createNode(std::vector<LabelId> labels, Properties props) {
  return createNodeAt(graph_.nodeIdLimit(), std::move(labels), std::move(props));
}

RelId ChangeSet::createRelAt(RelId id, RelTypeId type, NodeId src, NodeId dst, Properties props) {
  if (type >= graph_.catalog().relTypes().size()) {
    throw Error::internal("unknown relationship type id " + std::to_string(type));
  }
  checkNode(src);
  checkNode(dst);
  checkProperties(props);
  RelId prev_limit = graph_.relIdLimit();
  reserveOp();
  graph_.putRel(id, type, src, dst, props);
  counters_.relationships_created += 1;
  counters_.properties_set += static_cast<int64_t>(props.size());
  dirty_rels_.insert(id);
  ops_.push_back({Op::CreateRel{id, prev_limit, type, src, dst, std::move(props)}});
  return id;
}

RelId ChangeSet::createRel(RelTypeId type, NodeId src, NodeId dst, Properties props) {
  return createRelAt(graph_.relIdLimit(), type, src, dst, std::move(props));
}

void ChangeSet::deleteNode(NodeId id) {
  if (!graph_.nodeAlive(id)) return;
  if (graph_.degree(id, Dir::kBoth, {}) != 0) {
    throw constraintFailed("DeleteConnectedNode",
                           "cannot delete node " + std::to_string(id) +
                               " because it still has relationships; use DETACH DELETE");
  }
  const NodeRecord& n = graph_.node(id);
  Op op{Op::DeleteNode{id, n.labels, n.properties}};
  reserveOp();
  graph_.removeNode(id);
  counters_.nodes_deleted += 1;
  dirty_nodes_.insert(id);
  ops_.push_back(std::move(op));
}

void ChangeSet::detachDeleteNode(NodeId id) {
  if (!graph_.nodeAlive(id)) return;
  std::vector<RelId> rels;
  graph_.forEachAdjacent(id, Dir::kBoth, {}, [&](const Adjacent& a) {
    rels.push_back(a.rel);
    return true;
  });
  for (RelId rel : rels) deleteRel(rel);
  deleteNode(id);
}

void ChangeSet::deleteRel(RelId id) {
  if (!graph_.relAlive(id)) return;
  const RelRecord& r = graph_.rel(id);
  Op op{Op::DeleteRel{id, r.type, r.src, r.dst, r.properties}};
  reserveOp();
  graph_.removeRel(id);
  counters_.relationships_deleted += 1;
  dirty_rels_.insert(id);
  ops_.push_back(std::move(op));
}

void ChangeSet::setNodeProperty(NodeId id, PropKeyId key, Value value) {
  checkNode(id);
  if (key >= graph_.catalog().propertyKeys().size()) {
    throw Error::internal("unknown property key id " + std::to_string(key));
  }
  checkPropertyValue(value);
  reserveOp();
  Value old = graph_.setNodeProperty(id, key, value);
  // Removing an absent property changes nothing and counts nothing (as in
  // Neo4j); setting a value counts even when it is the same value.
  if (old.isNull() && value.isNull()) return;
  counters_.properties_set += 1;
  dirty_nodes_.insert(id);
  ops_.push_back({Op::SetNodeProperty{id, key, std::move(old), std::move(value)}});
}

void ChangeSet::setRelProperty(RelId id, PropKeyId key, Value value) {
  checkRel(id);
  if (key >= graph_.catalog().propertyKeys().size()) {
    throw Error::internal("unknown property key id " + std::to_string(key));
  }
  checkPropertyValue(value);
  reserveOp();
  Value old = graph_.setRelProperty(id, key, value);
  if (old.isNull() && value.isNull()) return;
  counters_.properties_set += 1;
  dirty_rels_.insert(id);
  ops_.push_back({Op::SetRelProperty{id, key, std::move(old), std::move(value)}});
}

void ChangeSet::addLabel(NodeId id, LabelId label) {
  checkNode(id);
  if (label >= graph_.catalog().labels().size()) {
    throw Error::internal("unknown label id " + std::to_string(label));
  }
  reserveOp();
  if (!graph_.addLabel(id, label)) return;
  counters_.labels_added += 1;
  dirty_nodes_.insert(id);
  ops_.push_back({Op::AddLabel{id, label}});
}

void ChangeSet::removeLabel(NodeId id, LabelId label) {
  checkNode(id);
  reserveOp();
  if (!graph_.removeLabel(id, label)) return;
  counters_.labels_removed += 1;
  dirty_nodes_.insert(id);
  ops_.push_back({Op::RemoveLabel{id, label}});
}

// ---- catalog ------------------------------------------------------------------

namespace {

NameTable& table(Catalog& catalog, NameKind kind) {
  switch (kind) {
    case NameKind::kLabel:
      return catalog.labels();
    case NameKind::kRelType:
      return catalog.relTypes();
    case NameKind::kKey:
      break;
  }
  return catalog.propertyKeys();
}

}  // namespace

LabelId ChangeSet::internLabel(std::string_view name) {
  if (auto id = graph_.catalog().labels().find(name)) return *id;
  reserveOp();
  LabelId id = graph_.catalog().labels().intern(name);
  ops_.push_back({Op::Intern{NameKind::kLabel, id}});
  return id;
}

RelTypeId ChangeSet::internRelType(std::string_view name) {
  if (auto id = graph_.catalog().relTypes().find(name)) return *id;
  reserveOp();
  RelTypeId id = graph_.catalog().relTypes().intern(name);
  ops_.push_back({Op::Intern{NameKind::kRelType, id}});
  return id;
}

PropKeyId ChangeSet::internPropertyKey(std::string_view name) {
  if (auto id = graph_.catalog().propertyKeys().find(name)) return *id;
  reserveOp();
  PropKeyId id = graph_.catalog().propertyKeys().intern(name);
  ops_.push_back({Op::Intern{NameKind::kKey, id}});
  return id;
}

void ChangeSet::createIndex(IndexDef def) {
  const Catalog& catalog = graph_.catalog();
  if (def.label >= catalog.labels().size() || def.key >= catalog.propertyKeys().size()) {
    throw Error::internal("index on an unknown label or property key id");
  }
  if (def.name.empty()) {
    def.name =
        "index_" + catalog.labels().name(def.label) + "_" + catalog.propertyKeys().name(def.key);
  }
  if (catalog.findIndexByName(def.name) != nullptr) {
    throw Error::conflict("an index named '" + def.name + "' already exists");
  }
  if (catalog.findIndex(def.label, def.key) != nullptr) {
    throw Error::conflict("an index on :" + catalog.labels().name(def.label) + "(" +
                          catalog.propertyKeys().name(def.key) + ") already exists");
  }
  reserveOp();
  graph_.createIndex(def);
  counters_.indexes_added += 1;
  catalog_changed_ = true;
  ops_.push_back({Op::CreateIndex{std::move(def)}});
}

void ChangeSet::dropIndex(std::string_view name) {
  const IndexDef* found = graph_.catalog().findIndexByName(name);
  if (found == nullptr) throw Error::notFound("no index named '" + std::string(name) + "'");
  IndexDef def = *found;
  reserveOp();
  graph_.dropIndex(name);
  counters_.indexes_removed += 1;
  catalog_changed_ = true;
  ops_.push_back({Op::DropIndex{std::move(def)}});
}

void ChangeSet::setSensitivity(PropKeyId key, Sensitivity s) {
  Catalog& catalog = graph_.catalog();
  if (key >= catalog.propertyKeys().size()) {
    throw Error::internal("unknown property key id " + std::to_string(key));
  }
  std::optional<Sensitivity> old;
  if (auto it = catalog.sensitivities().find(key); it != catalog.sensitivities().end()) {
    old = it->second;
  }
  if (old == s) return;
  reserveOp();
  catalog.setSensitivity(key, s);
  catalog_changed_ = true;
  ops_.push_back({Op::SetSensitivity{key, old, s}});
}

// ---- state --------------------------------------------------------------------

bool ChangeSet::empty() const { return ops_.empty(); }

void ChangeSet::undo(Op& op) {
  std::visit(
      [&](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Op::CreateNode>) {
          graph_.removeNode(o.id);
          if (o.prev_limit < graph_.nodeIdLimit()) {
            graph_.shrinkIdLimits(o.prev_limit, graph_.relIdLimit());
          }
        } else if constexpr (std::is_same_v<T, Op::CreateRel>) {
          graph_.removeRel(o.id);
          if (o.prev_limit < graph_.relIdLimit()) {
            graph_.shrinkIdLimits(graph_.nodeIdLimit(), o.prev_limit);
          }
        } else if constexpr (std::is_same_v<T, Op::DeleteNode>) {
          graph_.putNode(o.id, std::move(o.labels), std::move(o.props));
        } else if constexpr (std::is_same_v<T, Op::DeleteRel>) {
          graph_.putRel(o.id, o.type, o.src, o.dst, std::move(o.props));
        } else if constexpr (std::is_same_v<T, Op::SetNodeProperty>) {
          graph_.setNodeProperty(o.id, o.key, std::move(o.old_value));
        } else if constexpr (std::is_same_v<T, Op::SetRelProperty>) {
          graph_.setRelProperty(o.id, o.key, std::move(o.old_value));
        } else if constexpr (std::is_same_v<T, Op::AddLabel>) {
          graph_.removeLabel(o.id, o.label);
        } else if constexpr (std::is_same_v<T, Op::RemoveLabel>) {
          graph_.addLabel(o.id, o.label);
        } else if constexpr (std::is_same_v<T, Op::Intern>) {
          table(graph_.catalog(), o.kind).truncate(o.id);
        } else if constexpr (std::is_same_v<T, Op::CreateIndex>) {
          graph_.dropIndex(o.def.name);
        } else if constexpr (std::is_same_v<T, Op::DropIndex>) {
          graph_.createIndex(o.def);
        } else if constexpr (std::is_same_v<T, Op::SetSensitivity>) {
          if (o.old_value) {
            graph_.catalog().setSensitivity(o.key, *o.old_value);
          } else {
            graph_.catalog().clearSensitivity(o.key);
          }
        }
      },
      op.v);
}

void ChangeSet::rollback() {
  for (auto it = ops_.rbegin(); it != ops_.rend(); ++it) undo(*it);
  ops_.clear();
  counters_ = Counters();
  dirty_nodes_.clear();
  dirty_rels_.clear();
  catalog_changed_ = false;
}

// ---- encoding -----------------------------------------------------------------

namespace {

// Collects the names a record refers to, each once, in first-use order.
// Borrows the catalog's strings, so the catalog must not change meanwhile.
class NameCollector {
 public:
  uint32_t ref(const std::string& name) {
    auto [it, inserted] = index_.try_emplace(name, static_cast<uint32_t>(names_.size()));
    if (inserted) names_.push_back(&name);
    return it->second;
  }
  const std::vector<const std::string*>& names() const { return names_; }

 private:
  std::unordered_map<std::string_view, uint32_t> index_;
  std::vector<const std::string*> names_;
};

void putProperties(std::string& out, const Properties& props, const Catalog& catalog,
                   NameCollector& names) {
  putVarint(out, props.size());
  for (const auto& [key, value] : props.entries()) {
    putVarint(out, names.ref(catalog.propertyKeys().name(key)));
    encodeValue(value, out);
  }
}

}  // namespace

std::string ChangeSet::encode() const {
  const Catalog& catalog = graph_.catalog();
  NameCollector names;
  std::string body;
  for (const Op& op : ops_) {
    std::visit(
        [&](const auto& o) {
          using T = std::decay_t<decltype(o)>;
          if constexpr (std::is_same_v<T, Op::CreateNode>) {
            body.push_back(static_cast<char>(kOpCreateNode));
            putVarint(body, o.id);
            putVarint(body, o.labels.size());
            for (LabelId label : o.labels) putVarint(body, names.ref(catalog.labels().name(label)));
            putProperties(body, o.props, catalog, names);
          } else if constexpr (std::is_same_v<T, Op::CreateRel>) {
            body.push_back(static_cast<char>(kOpCreateRel));
            putVarint(body, o.id);
            putVarint(body, names.ref(catalog.relTypes().name(o.type)));
            putVarint(body, o.src);
            putVarint(body, o.dst);
            putProperties(body, o.props, catalog, names);
          } else if constexpr (std::is_same_v<T, Op::DeleteNode>) {
            body.push_back(static_cast<char>(kOpDeleteNode));
            putVarint(body, o.id);
          } else if constexpr (std::is_same_v<T, Op::DeleteRel>) {
            body.push_back(static_cast<char>(kOpDeleteRel));
            putVarint(body, o.id);
          } else if constexpr (std::is_same_v<T, Op::SetNodeProperty> ||
                               std::is_same_v<T, Op::SetRelProperty>) {
            body.push_back(static_cast<char>(
                std::is_same_v<T, Op::SetNodeProperty> ? kOpSetNodeProperty : kOpSetRelProperty));
            putVarint(body, o.id);
            putVarint(body, names.ref(catalog.propertyKeys().name(o.key)));
            encodeValue(o.new_value, body);
          } else if constexpr (std::is_same_v<T, Op::AddLabel> ||
                               std::is_same_v<T, Op::RemoveLabel>) {
            body.push_back(
                static_cast<char>(std::is_same_v<T, Op::AddLabel> ? kOpAddLabel : kOpRemoveLabel));
            putVarint(body, o.id);
            putVarint(body, names.ref(catalog.labels().name(o.label)));
          } else if constexpr (std::is_same_v<T, Op::Intern>) {
            // Recorded so that a replica interning from the same starting
            // catalog assigns the same ids; harmless otherwise.
            OpTag tag = o.kind == NameKind::kLabel     ? kOpInternLabel
                        : o.kind == NameKind::kRelType ? kOpInternRelType
                                                       : kOpInternKey;
            body.push_back(static_cast<char>(tag));
            const NameTable& t = o.kind == NameKind::kLabel     ? catalog.labels()
                                 : o.kind == NameKind::kRelType ? catalog.relTypes()
                                                                : catalog.propertyKeys();
            putVarint(body, names.ref(t.name(o.id)));
          } else if constexpr (std::is_same_v<T, Op::CreateIndex>) {
            body.push_back(static_cast<char>(kOpCreateIndex));
            putString(body, o.def.name);
            putVarint(body, names.ref(catalog.labels().name(o.def.label)));
            putVarint(body, names.ref(catalog.propertyKeys().name(o.def.key)));
          } else if constexpr (std::is_same_v<T, Op::DropIndex>) {
            body.push_back(static_cast<char>(kOpDropIndex));
            putString(body, o.def.name);
          } else if constexpr (std::is_same_v<T, Op::SetSensitivity>) {
            body.push_back(static_cast<char>(kOpSetSensitivity));
            putVarint(body, names.ref(catalog.propertyKeys().name(o.key)));
            body.push_back(static_cast<char>(o.new_value));
          }
        },
        op.v);
  }

  std::string out;
  out.reserve(body.size() + 16 * names.names().size() + 16);
  out.push_back(static_cast<char>(kRecordFormat));
  putVarint(out, names.names().size());
  for (const std::string* name : names.names()) putString(out, *name);
  putVarint(out, ops_.size());
  out += body;
  return out;
}

void ChangeSet::apply(Graph& graph, std::string_view encoded) {
  // Applied through a ChangeSet so that a record failing half-way (corrupt,
  // or not matching this graph) is undone and leaves the graph untouched.
  ChangeSet cs(graph);
  try {
    ByteReader in(encoded, "change record");
    if (in.byte() != kRecordFormat) in.fail("unknown record format");
    std::vector<std::string_view> names(in.count());
    for (auto& name : names) name = in.string();
    auto name = [&]() -> std::string_view {
      uint64_t i = in.varint();
      if (i >= names.size()) in.fail("name index out of range");
      return names[i];
    };
    auto nodeId = [&]() -> NodeId {
      NodeId id = in.varint();
      if (!graph.nodeAlive(id)) in.fail("node " + std::to_string(id) + " does not exist");
      return id;
    };
    auto relId = [&]() -> RelId {
      RelId id = in.varint();
      if (!graph.relAlive(id)) in.fail("relationship " + std::to_string(id) + " does not exist");
      return id;
    };
    auto properties = [&]() {
      Properties props;
      size_t n = in.count(2);
      for (size_t i = 0; i < n; ++i) {
        PropKeyId key = cs.internPropertyKey(name());
        Value value = decodeValue(in);
        if (value.isNull() || !isPropertyValue(value)) in.fail("not a property value");
        if (props.get(key) != nullptr) in.fail("duplicate property key");
        props.set(key, std::move(value));
      }
      return props;
    };
    auto propertyValue = [&]() {
      Value value = decodeValue(in);
      if (!isPropertyValue(value)) in.fail("not a property value");
      return value;
    };

    size_t op_count = in.count();
    for (size_t i = 0; i < op_count; ++i) {
      uint8_t tag = in.byte();
      switch (tag) {
        case kOpCreateNode: {
          NodeId id = in.varint();
          if (graph.nodeAlive(id) || id > graph.nodeIdLimit() + kMaxIdGap) {
            in.fail("cannot create node " + std::to_string(id));
          }
          std::vector<LabelId> labels(in.count());
          for (auto& label : labels) label = cs.internLabel(name());
          Properties props = properties();
          cs.createNodeAt(id, std::move(labels), std::move(props));
          break;
        }
        case kOpCreateRel: {
          RelId id = in.varint();
          if (graph.relAlive(id) || id > graph.relIdLimit() + kMaxIdGap) {
            in.fail("cannot create relationship " + std::to_string(id));
          }
          RelTypeId type = cs.internRelType(name());
          NodeId src = nodeId();
          NodeId dst = nodeId();
          Properties props = properties();
          cs.createRelAt(id, type, src, dst, std::move(props));
          break;
        }
        case kOpDeleteNode:
          cs.deleteNode(nodeId());
          break;
        case kOpDeleteRel:
          cs.deleteRel(relId());
          break;
        case kOpSetNodeProperty: {
          NodeId id = nodeId();
          PropKeyId key = cs.internPropertyKey(name());
          cs.setNodeProperty(id, key, propertyValue());
          break;
        }
        case kOpSetRelProperty: {
          RelId id = relId();
          PropKeyId key = cs.internPropertyKey(name());
          cs.setRelProperty(id, key, propertyValue());
          break;
        }
        case kOpAddLabel: {
          NodeId id = nodeId();
          cs.addLabel(id, cs.internLabel(name()));
          break;
        }
        case kOpRemoveLabel: {
          NodeId id = nodeId();
          cs.removeLabel(id, cs.internLabel(name()));
          break;
        }
        case kOpInternLabel:
          cs.internLabel(name());
          break;
        case kOpInternRelType:
          cs.internRelType(name());
          break;
        case kOpInternKey:
          cs.internPropertyKey(name());
          break;
        case kOpCreateIndex: {
          std::string index_name(in.string());
          if (index_name.empty()) in.fail("empty index name");
          LabelId label = cs.internLabel(name());
          PropKeyId key = cs.internPropertyKey(name());
          cs.createIndex(IndexDef{std::move(index_name), label, key});
          break;
        }
        case kOpDropIndex:
          cs.dropIndex(in.string());
          break;
        case kOpSetSensitivity: {
          PropKeyId key = cs.internPropertyKey(name());
          uint8_t tier = in.byte();
          if (tier > static_cast<uint8_t>(Sensitivity::kHigh)) in.fail("unknown sensitivity");
          cs.setSensitivity(key, static_cast<Sensitivity>(tier));
          break;
        }
        default:
          in.fail("unknown op tag " + std::to_string(tag));
      }
    }
    in.expectEnd();
  } catch (const Error& e) {
    cs.rollback();
    if (e.code() == Code::kInternal) throw;
    throw Error::internal("change record does not apply: " + e.message());
  } catch (const std::exception& e) {
    cs.rollback();
    throw Error::internal(std::string("change record does not apply: ") + e.what());
  }
}

}  // namespace maestro::engine
