#include "engine/planner/cardinality.h"

#include <algorithm>
#include <cmath>

namespace maestro::engine {
namespace {

// `slot.key` for a property expression on a slot, else nullptr.
const BoundExpr* propertyOfSlot(const BoundExpr& e) {
  if (e.kind != BoundKind::kProperty || e.children.empty() || !e.children[0]) return nullptr;
  return e.children[0]->kind == BoundKind::kSlot ? &e : nullptr;
}

ast::CompareOp flip(ast::CompareOp op) {
  switch (op) {
    case ast::CompareOp::kLt: return ast::CompareOp::kGt;
    case ast::CompareOp::kLe: return ast::CompareOp::kGe;
    case ast::CompareOp::kGt: return ast::CompareOp::kLt;
    case ast::CompareOp::kGe: return ast::CompareOp::kLe;
    default: return op;
  }
}

std::vector<Dir> dirsOf(Dir d) {
  if (d == Dir::kBoth) return {Dir::kOut, Dir::kIn};
  return {d};
}

}  // namespace

CardinalityEstimator::CardinalityEstimator(const Graph& graph, const stats::GraphStatistics* stats,
                                           const Parameters& params)
    : graph_(graph), stats_(stats), params_(params) {}

std::optional<Value> CardinalityEstimator::constant(const BoundExpr& e) const {
  if (e.kind == BoundKind::kConstant) return e.value;
  if (e.kind == BoundKind::kParameter) {
    auto it = params_.find(e.name);
    if (it != params_.end()) return it->second;
  }
  if (e.kind == BoundKind::kNegate && e.children.size() == 1 && e.children[0]) {
    auto v = constant(*e.children[0]);
    if (v && v->isInt()) return Value(-v->asInt());
    if (v && v->isFloat()) return Value(-v->asFloat());
  }
  return std::nullopt;
}

double CardinalityEstimator::nodeCount(const std::vector<std::string>& labels) {
  if (labels.empty()) return static_cast<double>(graph_.nodeCount());
  double best = -1;
  for (const auto& l : labels) {
    double n = 0;
    auto id = graph_.catalog().labels().find(l);
    // Label counts are exact and free in the graph itself.
    if (id) n = static_cast<double>(graph_.labelCount(*id));
    best = best < 0 ? n : std::min(best, n);
  }
  return std::max(best, 0.0);
}

double CardinalityEstimator::labelShare(const std::string& label) {
  double all = static_cast<double>(graph_.nodeCount());
  if (all <= 0) return 1;
  return nodeCount({label}) / all;
}

std::vector<std::string> CardinalityEstimator::allTypes() const {
  std::vector<std::string> out;
  const auto& t = graph_.catalog().relTypes();
  for (size_t i = 0; i < t.size(); ++i) out.push_back(t.name(static_cast<RelTypeId>(i)));
  return out;
}

double CardinalityEstimator::fanout(const std::vector<std::string>& labels,
                                    const std::vector<std::string>& types, Dir dir,
                                    bool reached_over) {
  const std::vector<std::string> ts = types.empty() ? allTypes() : types;
  if (!stats_) {
    fallbacks_.insert("degrees: average degree (no statistics)");
    double n = std::max<double>(1, static_cast<double>(graph_.nodeCount()));
    double share = types.empty() ? 1.0
                                 : static_cast<double>(ts.size()) /
                                       std::max<double>(1, static_cast<double>(allTypes().size()));
    double f = static_cast<double>(graph_.relCount()) / n * share;
    return dir == Dir::kBoth ? 2 * f : f;
  }
  double total = 0;
  for (const auto& t : ts) {
    for (Dir d : dirsOf(dir)) {
      const stats::DegreeStats* best = nullptr;
      for (const auto& l : labels) {
        if (const auto* s = stats_->degree(t, d, l)) {
          if (!best || s->avg < best->avg) best = s;
        }
      }
      if (!best) best = stats_->degree(t, d, "");
      if (!best) continue;  // no relationship of this type
      double f = best->avg;
      if (reached_over) f = std::max(0.0, best->reachedDegree() - 1.0);
      total += f;
    }
  }
  return total;
}

double CardinalityEstimator::degreeOf(const std::vector<NodeId>& nodes,
                                      const std::vector<std::string>& types, Dir dir) const {
  std::vector<RelTypeId> ids;
  for (const auto& t : types) {
    if (auto id = graph_.catalog().relTypes().find(t)) ids.push_back(*id);
  }
  if (!types.empty() && ids.empty()) return 0;
  double total = 0;
  for (NodeId n : nodes) {
    for (Dir d : dirsOf(dir)) total += static_cast<double>(graph_.degree(n, d, ids));
  }
  return total;
}

double CardinalityEstimator::endLabelShare(const std::vector<std::string>& types, Dir dir,
                                           const std::string& label) {
  if (!stats_) return labelShare(label);
  const std::vector<std::string> ts = types.empty() ? allTypes() : types;
  double rels = 0, with = 0;
  for (const auto& t : ts) {
    for (Dir d : dirsOf(dir)) {
      const auto* s = stats_->degree(t, d, "");
      if (!s) continue;
      rels += static_cast<double>(s->rels);
      auto it = s->other_labels.find(label);
      if (it != s->other_labels.end()) with += it->second * static_cast<double>(s->rels);
    }
  }
  return rels > 0 ? with / rels : labelShare(label);
}

const stats::PropertyStats* CardinalityEstimator::propertyStats(const SlotEntity& e,
                                                                const std::string& key) {
  if (!stats_) return nullptr;
  const stats::PropertyStats* best = nullptr;
  for (const auto& name : e.names) {
    const auto* p = e.is_node ? stats_->nodeProperty(name, key) : stats_->relProperty(name, key);
    if (p && (!best || p->entities < best->entities)) best = p;
  }
  return best;
}

double CardinalityEstimator::propertyEq(const SlotEntity& e, const std::string& key,
                                        const Value& v) {
  if (const auto* p = propertyStats(e, key)) return p->equalsSelectivity(v);
  // Uniform: one over the index's distinct values when an index has them.
  if (e.is_node) {
    for (const auto& l : e.names) {
      auto lid = graph_.catalog().labels().find(l);
      auto kid = graph_.catalog().propertyKeys().find(key);
      if (lid && kid) {
        if (const auto* idx = graph_.index(*lid, *kid)) {
          fallbacks_.insert("selectivity of " + l + "." + key + ": 1/distinct (no statistics)");
          double n = std::max<double>(1, nodeCount({l}));
          return static_cast<double>(idx->size()) / n /
                 std::max<double>(1, static_cast<double>(idx->distinctValues()));
        }
      }
    }
  }
  fallbacks_.insert("selectivity of ." + key + " = …: default " +
                    std::to_string(DefaultSelectivity::kEquality).substr(0, 4));
  return DefaultSelectivity::kEquality;
}

double CardinalityEstimator::propertyRange(const SlotEntity& e, const std::string& key,
                                           const std::optional<Value>& lo, bool lo_inc,
                                           const std::optional<Value>& hi, bool hi_inc) {
  if (const auto* p = propertyStats(e, key)) {
    if (!p->histogram.empty()) return p->rangeSelectivity(lo, lo_inc, hi, hi_inc);
  }
  fallbacks_.insert("selectivity of ." + key + " range: default");
  return lo && hi ? DefaultSelectivity::kRange * DefaultSelectivity::kRange
                  : DefaultSelectivity::kRange;
}

double CardinalityEstimator::propertyNullFraction(const SlotEntity& e, const std::string& key) {
  if (const auto* p = propertyStats(e, key)) return p->nullFraction();
  return 0.1;
}

double CardinalityEstimator::one(const BoundExpr& e, const std::map<int, SlotEntity>& entities) {
  auto entityOf = [&](const BoundExpr& prop) -> const SlotEntity* {
    auto it = entities.find(prop.children[0]->slot);
    return it == entities.end() ? nullptr : &it->second;
  };
  switch (e.kind) {
    case BoundKind::kAnd:
      return one(*e.children[0], entities) * one(*e.children[1], entities);
    case BoundKind::kOr: {
      double a = one(*e.children[0], entities), b = one(*e.children[1], entities);
      return a + b - a * b;
    }
    case BoundKind::kNot:
      return 1.0 - one(*e.children[0], entities);
    case BoundKind::kSubplan:
      return DefaultSelectivity::kExists;
    case BoundKind::kHasLabels: {
      double s = 1;
      auto it = e.children[0] && e.children[0]->kind == BoundKind::kSlot
                    ? entities.find(e.children[0]->slot)
                    : entities.end();
      for (const auto& l : e.label_names) {
        bool known = it != entities.end() &&
                     std::find(it->second.names.begin(), it->second.names.end(), l) !=
                         it->second.names.end();
        if (!known) s *= labelShare(l);
      }
      return s;
    }
    case BoundKind::kIsNull:
    case BoundKind::kIsNotNull: {
      const BoundExpr* prop = e.children[0] ? propertyOfSlot(*e.children[0]) : nullptr;
      const SlotEntity* ent = prop ? entityOf(*prop) : nullptr;
      double nf = ent ? propertyNullFraction(*ent, prop->name) : 0.1;
      return e.kind == BoundKind::kIsNull ? nf : 1 - nf;
    }
    case BoundKind::kIn: {
      const BoundExpr* prop = propertyOfSlot(*e.children[0]);
      const SlotEntity* ent = prop ? entityOf(*prop) : nullptr;
      auto list = constant(*e.children[1]);
      if (ent && list && list->isList()) {
        double s = 0;
        for (const auto& v : list->asList()) s += propertyEq(*ent, prop->name, v);
        return std::min(1.0, s);
      }
      return DefaultSelectivity::kOther;
    }
    case BoundKind::kCompare: {
      if (e.ops.size() != 1) return DefaultSelectivity::kRange;
      ast::CompareOp op = e.ops[0];
      for (int side = 0; side < 2; ++side) {
        const BoundExpr* prop = propertyOfSlot(*e.children[side]);
        if (!prop) continue;
        const SlotEntity* ent = entityOf(*prop);
        auto v = constant(*e.children[1 - side]);
        ast::CompareOp o = side == 0 ? op : flip(op);
        if (!ent || !v) continue;
        switch (o) {
          case ast::CompareOp::kEq: return propertyEq(*ent, prop->name, *v);
          case ast::CompareOp::kNe: return 1 - propertyEq(*ent, prop->name, *v);
          case ast::CompareOp::kLt: return propertyRange(*ent, prop->name, {}, false, v, false);
          case ast::CompareOp::kLe: return propertyRange(*ent, prop->name, {}, false, v, true);
          case ast::CompareOp::kGt: return propertyRange(*ent, prop->name, v, false, {}, false);
          case ast::CompareOp::kGe: return propertyRange(*ent, prop->name, v, true, {}, false);
        }
      }
      // Two slots (x <> p, t2.ts > t1.ts): no statistics relate them.
      bool slots = e.children[0]->kind == BoundKind::kSlot && e.children[1]->kind == BoundKind::kSlot;
      if (op == ast::CompareOp::kNe) return slots ? 0.99 : 0.9;
      if (op == ast::CompareOp::kEq) return slots ? 0.01 : DefaultSelectivity::kEquality;
      return DefaultSelectivity::kRange;
    }
    default:
      return DefaultSelectivity::kOther;
  }
}

double CardinalityEstimator::selectivity(const std::vector<const BoundExpr*>& conjuncts,
                                         const std::map<int, SlotEntity>& entities) {
  // Ranges on one property, merged: (slot, key) → bounds.
  struct Range {
    std::optional<Value> lo, hi;
    bool lo_inc = false, hi_inc = false;
    const SlotEntity* entity = nullptr;
    std::string key;
  };
  std::map<std::pair<int, std::string>, Range> ranges;
  double s = 1;
  for (const BoundExpr* c : conjuncts) {
    bool merged = false;
    if (c->kind == BoundKind::kCompare && c->ops.size() == 1 && c->ops[0] != ast::CompareOp::kEq &&
        c->ops[0] != ast::CompareOp::kNe) {
      for (int side = 0; side < 2 && !merged; ++side) {
        const BoundExpr* prop = propertyOfSlot(*c->children[side]);
        if (!prop) continue;
        auto ent = entities.find(prop->children[0]->slot);
        auto v = constant(*c->children[1 - side]);
        if (ent == entities.end() || !v) continue;
        Range& r = ranges[{prop->children[0]->slot, prop->name}];
        r.entity = &ent->second;
        r.key = prop->name;
        ast::CompareOp o = side == 0 ? c->ops[0] : flip(c->ops[0]);
        if (o == ast::CompareOp::kGt || o == ast::CompareOp::kGe) {
          r.lo = v;
          r.lo_inc = o == ast::CompareOp::kGe;
        } else {
          r.hi = v;
          r.hi_inc = o == ast::CompareOp::kLe;
        }
        merged = true;
      }
    }
    if (!merged) s *= one(*c, entities);
  }
  for (auto& [k, r] : ranges) {
    s *= propertyRange(*r.entity, r.key, r.lo, r.lo_inc, r.hi, r.hi_inc);
  }
  return std::clamp(s, 0.0, 1.0);
}

}  // namespace maestro::engine
