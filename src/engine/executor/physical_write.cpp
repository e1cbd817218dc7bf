// Updating operators: CREATE, MERGE, SET, REMOVE, DELETE and index DDL.
// They change the graph through the statement's ChangeSet, which applies
// each change at once (later clauses read it) and can undo all of them.
#include <set>

#include "common/error.h"
#include "engine/common/errors.h"
#include "engine/executor/physical_operators.h"

namespace maestro::engine {
namespace {

// Adds `value` to `props` under `key` (null values are skipped: they mean
// "no property").
void putProperty(ChangeSet& w, Properties& props, const std::string& key, const Value& value) {
  if (value.isNull()) return;
  props.set(w.internPropertyKey(key), value);
}

template <typename PatternElement>
Properties evaluateProperties(ExecContext& ctx, const PatternElement& el, Row& row) {
  ChangeSet& w = ctx.writer();
  Properties props;
  for (const auto& [key, expr] : el.properties) {
    putProperty(w, props, key, evaluate(*expr, row, ctx.eval));
  }
  if (el.properties_map) {
    Value m = evaluate(*el.properties_map, row, ctx.eval);
    if (m.isMap()) {
      for (const auto& [key, v] : m.asMap()) putProperty(w, props, key, v);
    } else if (!m.isNull()) {
      throw typeError("InvalidArgumentType",
                      "Expected a map of properties, got " + std::string(m.typeName()));
    }
  }
  return props;
}

// All properties of a node, relationship or map as (name, value) pairs.
std::vector<std::pair<std::string, Value>> propertiesOf(ExecContext& ctx, const Value& v) {
  std::vector<std::pair<std::string, Value>> out;
  const Catalog& cat = ctx.graph.catalog();
  if (v.isMap()) {
    for (const auto& [k, val] : v.asMap()) out.emplace_back(k, val);
  } else if (v.isNode() && ctx.graph.nodeAlive(v.nodeId())) {
    for (const auto& [k, val] : ctx.graph.node(v.nodeId()).properties.entries()) {
      out.emplace_back(cat.propertyKeys().name(k), val);
    }
  } else if (v.isRel() && ctx.graph.relAlive(v.relId())) {
    for (const auto& [k, val] : ctx.graph.rel(v.relId()).properties.entries()) {
      out.emplace_back(cat.propertyKeys().name(k), val);
    }
  } else if (!v.isNull()) {
    throw typeError("InvalidArgumentType",
                    "Expected a map, node or relationship, got " + std::string(v.typeName()));
  }
  return out;
}

void setProperty(ExecContext& ctx, const Value& target, const std::string& key,
                 const Value& value) {
  ChangeSet& w = ctx.writer();
  if (target.isNull()) return;
  if (target.isNode()) {
    if (!ctx.graph.nodeAlive(target.nodeId())) {
      throw entityNotFound("DeletedEntityAccess", "Node " + std::to_string(target.nodeId()) +
                                                      " has been deleted");
    }
    w.setNodeProperty(target.nodeId(), w.internPropertyKey(key), value);
  } else if (target.isRel()) {
    if (!ctx.graph.relAlive(target.relId())) {
      throw entityNotFound("DeletedEntityAccess", "Relationship " +
                                                      std::to_string(target.relId()) +
                                                      " has been deleted");
    }
    w.setRelProperty(target.relId(), w.internPropertyKey(key), value);
  } else {
    throw typeError("InvalidArgumentType", "Properties can only be set on nodes and "
                                           "relationships, not on " +
                                               std::string(target.typeName()));
  }
}

// Removes every property of the entity, then sets `entries`.
void replaceProperties(ExecContext& ctx, const Value& target,
                       const std::vector<std::pair<std::string, Value>>& entries) {
  const Catalog& cat = ctx.graph.catalog();
  std::vector<std::string> existing;
  if (target.isNode()) {
    for (const auto& [k, v] : ctx.graph.node(target.nodeId()).properties.entries()) {
      existing.push_back(cat.propertyKeys().name(k));
    }
  } else if (target.isRel()) {
    for (const auto& [k, v] : ctx.graph.rel(target.relId()).properties.entries()) {
      existing.push_back(cat.propertyKeys().name(k));
    }
  }
  std::set<std::string> incoming;
  for (const auto& [k, v] : entries) {
    if (!v.isNull()) incoming.insert(k);
  }
  for (const auto& k : existing) {
    if (!incoming.count(k)) setProperty(ctx, target, k, Value());
  }
  for (const auto& [k, v] : entries) setProperty(ctx, target, k, v);
}

}  // namespace

void applySetItem(ExecContext& ctx, const BoundSetItem& item, Row& row) {
  ChangeSet& w = ctx.writer();
  Value target = evaluate(*item.target, row, ctx.eval);
  if (target.isNull()) return;
  switch (item.kind) {
    case ast::SetItem::Kind::kProperty:
      setProperty(ctx, target, item.key, evaluate(*item.value, row, ctx.eval));
      break;
    case ast::SetItem::Kind::kReplace:
    case ast::SetItem::Kind::kMerge: {
      if (!target.isNode() && !target.isRel()) {
        throw typeError("InvalidArgumentType", "SET expects a node or relationship, got " +
                                                   std::string(target.typeName()));
      }
      Value value = evaluate(*item.value, row, ctx.eval);
      auto entries = propertiesOf(ctx, value);
      if (item.kind == ast::SetItem::Kind::kReplace) {
        replaceProperties(ctx, target, entries);
      } else {
        for (const auto& [k, v] : entries) setProperty(ctx, target, k, v);
      }
      break;
    }
    case ast::SetItem::Kind::kLabels:
      if (!target.isNode()) {
        throw typeError("InvalidArgumentType",
                        "Labels can only be set on nodes, not on " + std::string(target.typeName()));
      }
      for (const auto& label : item.labels) w.addLabel(target.nodeId(), w.internLabel(label));
      break;
  }
}

void createPattern(ExecContext& ctx, const QueryGraph& graph, Row& row) {
  ChangeSet& w = ctx.writer();
  for (const PatternNode& n : graph.nodes) {
    if (n.bound) continue;
    // A node repeated in the pattern is created once: its slot is set.
    std::vector<LabelId> labels;
    for (const auto& l : n.labels) labels.push_back(w.internLabel(l));
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    Properties props = evaluateProperties(ctx, n, row);
    row[n.slot] = Value::node(w.createNode(std::move(labels), std::move(props)));
  }
  for (const PatternRel& r : graph.rels) {
    const Value& left = row[graph.nodes[r.left].slot];
    const Value& right = row[graph.nodes[r.right].slot];
    for (const Value* end : {&left, &right}) {
      if (!end->isNode()) {
        throw semanticError("CreateNullNode",
                            "Failed to create relationship `" + r.name +
                                "`: a node at its end is missing (null)");
      }
      if (!ctx.graph.nodeAlive(end->nodeId())) {
        throw entityNotFound("DeletedEntityAccess", "Failed to create relationship `" + r.name +
                                                        "`: a node at its end has been deleted");
      }
    }
    NodeId src = r.dir == Dir::kIn ? right.nodeId() : left.nodeId();
    NodeId dst = r.dir == Dir::kIn ? left.nodeId() : right.nodeId();
    Properties props = evaluateProperties(ctx, r, row);
    row[r.slot] = Value::rel(w.createRel(w.internRelType(r.types.at(0)), src, dst, std::move(props)));
  }
  for (const PatternPath& p : graph.paths) {
    if (p.slot < 0) continue;
    PathValue path;
    for (int n : p.nodes) path.nodes.push_back(row[graph.nodes[n].slot].nodeId());
    for (int r : p.rels) path.rels.push_back(row[graph.rels[r].slot].relId());
    row[p.slot] = Value(std::move(path));
  }
}

// ---- Create -----------------------------------------------------------------

bool CreateOp::next(ExecContext& ctx, Row& row) {
  if (!child()->pull(ctx, row)) return false;
  createPattern(ctx, *graph_, row);
  return true;
}

// ---- Merge ------------------------------------------------------------------

void MergeOp::open(ExecContext& ctx, const Row& argument) {
  child(0)->open(ctx, argument);
  pending_.clear();
}

bool MergeOp::next(ExecContext& ctx, Row& row) {
  while (pending_.empty()) {
    Row input;
    if (!child(0)->pull(ctx, input)) return false;
    child(1)->open(ctx, input);
    Row match;
    while (child(1)->pull(ctx, match)) pending_.push_back(match);
    if (!pending_.empty()) {
      for (auto& r : pending_) {
        for (const auto& item : merge_->on_match) applySetItem(ctx, item, r);
      }
      continue;
    }
    // Nothing matched: create the whole pattern. A null property value could
    // never be matched again, so it is refused.
    for (const PatternNode& n : merge_->graph.nodes) {
      if (n.bound) continue;
      for (const auto& [key, expr] : n.properties) {
        if (evaluate(*expr, input, ctx.eval).isNull()) {
          throw semanticError("MergeReadOwnWrites",
                              "Cannot merge node using null property value for " + key);
        }
      }
    }
    for (const PatternRel& r : merge_->graph.rels) {
      for (const auto& [key, expr] : r.properties) {
        if (evaluate(*expr, input, ctx.eval).isNull()) {
          throw semanticError("MergeReadOwnWrites",
                              "Cannot merge relationship using null property value for " + key);
        }
      }
    }
    createPattern(ctx, merge_->graph, input);
    for (const auto& item : merge_->on_create) applySetItem(ctx, item, input);
    pending_.push_back(std::move(input));
  }
  row = std::move(pending_.front());
  pending_.pop_front();
  return true;
}

// ---- Set / Remove -----------------------------------------------------------

bool SetOp::next(ExecContext& ctx, Row& row) {
  if (!child()->pull(ctx, row)) return false;
  for (const auto& item : *items_) applySetItem(ctx, item, row);
  return true;
}

bool RemoveOp::next(ExecContext& ctx, Row& row) {
  if (!child()->pull(ctx, row)) return false;
  ChangeSet& w = ctx.writer();
  for (const auto& item : remove_->items) {
    Value target = evaluate(*item.target, row, ctx.eval);
    if (target.isNull()) continue;
    if (item.kind == ast::RemoveItem::Kind::kProperty) {
      auto key = ctx.graph.catalog().propertyKeys().find(item.key);
      if (!key) continue;
      setProperty(ctx, target, item.key, Value());
    } else {
      if (!target.isNode()) {
        throw typeError("InvalidArgumentType", "Labels can only be removed from nodes");
      }
      for (const auto& l : item.labels) {
        if (auto id = ctx.graph.catalog().labels().find(l)) w.removeLabel(target.nodeId(), *id);
      }
    }
  }
  return true;
}

// ---- Delete -----------------------------------------------------------------

void DeleteOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  rows_.clear();
  done_ = false;
}

bool DeleteOp::next(ExecContext& ctx, Row& row) {
  if (!done_) {
    ChangeSet& w = ctx.writer();
    std::vector<NodeId> nodes;
    Row r;
    auto deleteValue = [&](const Value& v, auto& self) -> void {
      if (v.isNull()) return;
      if (v.isNode()) {
        if (del_->detach) {
          w.detachDeleteNode(v.nodeId());
        } else {
          nodes.push_back(v.nodeId());
        }
      } else if (v.isRel()) {
        w.deleteRel(v.relId());
      } else if (v.isPath()) {
        for (RelId rel : v.asPath().rels) w.deleteRel(rel);
        for (NodeId n : v.asPath().nodes) self(Value::node(n), self);
      } else if (v.isList()) {
        for (const auto& item : v.asList()) self(item, self);
      } else {
        throw typeError("InvalidArgumentType", "DELETE expects a node, relationship or path, "
                                               "got " + std::string(v.typeName()));
      }
    };
    while (child()->pull(ctx, r)) {
      for (const BoundExprPtr& target : del_->targets) {
        deleteValue(evaluate(*target, r, ctx.eval), deleteValue);
      }
      rows_.push_back(r);
    }
    // Nodes last: relationships deleted by the same clause no longer count.
    for (NodeId n : nodes) w.deleteNode(n);
    done_ = true;
  }
  if (rows_.empty()) return false;
  row = std::move(rows_.front());
  rows_.pop_front();
  return true;
}

// ---- Schema -----------------------------------------------------------------

std::string SchemaOp::name() const {
  return std::holds_alternative<BoundCreateIndex>(*clause_) ? "CreateIndex" : "DropIndex";
}

bool SchemaOp::next(ExecContext& ctx, Row& row) {
  if (!child()->pull(ctx, row)) return false;
  ChangeSet& w = ctx.writer();
  const Catalog& cat = ctx.graph.catalog();
  if (const auto* c = std::get_if<BoundCreateIndex>(clause_)) {
    auto label = cat.labels().find(c->label);
    auto key = cat.propertyKeys().find(c->key);
    const IndexDef* existing =
        label && key ? cat.findIndex(*label, *key) : nullptr;
    if (!existing && !c->name.empty()) existing = cat.findIndexByName(c->name);
    if (existing) {
      if (c->if_not_exists) return false;
      throw Error::conflict("An index " + existing->name + " already exists on :" + c->label +
                            "(" + c->key + ") or with that name");
    }
    IndexDef def;
    def.label = w.internLabel(c->label);
    def.key = w.internPropertyKey(c->key);
    def.name = c->name.empty() ? "index_" + c->label + "_" + c->key : c->name;
    w.createIndex(def);
  } else if (const auto* d = std::get_if<BoundDropIndex>(clause_)) {
    const IndexDef* existing = nullptr;
    if (!d->name.empty()) {
      existing = cat.findIndexByName(d->name);
    } else {
      auto label = cat.labels().find(d->label);
      auto key = cat.propertyKeys().find(d->key);
      if (label && key) existing = cat.findIndex(*label, *key);
    }
    if (!existing) {
      if (d->if_exists) return false;
      throw Error::notFound("No such index: " +
                            (d->name.empty() ? ":" + d->label + "(" + d->key + ")" : d->name));
    }
    std::string name = existing->name;  // the catalog entry goes away
    w.dropIndex(name);
  }
  return false;
}

}  // namespace maestro::engine
