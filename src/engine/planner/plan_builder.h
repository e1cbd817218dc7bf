// PlanBuilder — what both planners share: clauses, projections, subplans,
// updating clauses and the expressions a planner synthesises. A planner
// derives from it and plans patterns (planPattern), which is where v1 (rule
// based) and v2 (cost based) differ. Internal to planner/.
#pragma once

#include <algorithm>
#include <set>

#include "common/error.h"
#include "engine/executor/physical_operators.h"
#include "engine/planner/planner.h"

namespace maestro::engine {
namespace planner_detail {

// Slots an expression reads (including those its subplans read from the
// outer row).
inline void collectSlots(const BoundExpr& e, std::set<int>& out);

inline void collectGraphSlots(const QueryGraph& g, std::set<int>& out) {
  for (const auto& n : g.nodes) {
    if (n.bound) out.insert(n.slot);
    for (const auto& [k, v] : n.properties) collectSlots(*v, out);
  }
  for (const auto& r : g.rels) {
    if (r.bound) out.insert(r.slot);
    for (const auto& [k, v] : r.properties) collectSlots(*v, out);
  }
}

inline void collectSlots(const BoundExpr& e, std::set<int>& out) {
  if (e.kind == BoundKind::kSlot) out.insert(e.slot);
  for (const auto& c : e.children) {
    if (c) collectSlots(*c, out);
  }
  for (const auto& item : e.projection_items) {
    if (item.value) collectSlots(*item.value, out);
  }
  if (e.subplan) {
    collectGraphSlots(e.subplan->graph, out);
    for (const auto& p : e.subplan->predicates) collectSlots(*p, out);
    if (e.subplan->projection) collectSlots(*e.subplan->projection, out);
  }
}

class PlanBuilder {
 public:
  PlanBuilder(const BoundQuery& query, const Graph& graph, Plan& plan)
      : query_(query), graph_(graph), plan_(plan) {}
  virtual ~PlanBuilder() = default;

  void plan() {
    plan_.num_slots = query_.num_slots;
    OperatorPtr root;
    std::vector<int> root_slots;
    for (size_t i = 0; i < query_.parts.size(); ++i) {
      std::vector<int> slots;
      OperatorPtr part = planSingle(query_.parts[i], slots);
      if (i == 0) {
        root = std::move(part);
        root_slots = slots;
        continue;
      }
      auto u = std::make_unique<UnionOp>(root_slots, slots);
      u->addChild(std::move(root));
      u->addChild(std::move(part));
      root = std::move(u);
      if (!query_.union_all[i - 1]) {
        auto d = std::make_unique<DistinctOp>(root_slots);
        d->addChild(std::move(root));
        root = std::move(d);
      }
    }
    plan_.root = std::move(root);
    plan_.output_slots = root_slots;
    plan_.columns = query_.columns;
  }

 protected:
  // Plans one pattern (MATCH, OPTIONAL MATCH, MERGE or a subplan) on top of
  // `input`: the planners differ here.
  virtual OperatorPtr planPattern(OperatorPtr input, const QueryGraph& g,
                                  const std::vector<const BoundExpr*>& where,
                                  const std::vector<ast::Hint>& hints) = 0;
  // Called before the inner pattern of an OPTIONAL MATCH is planned, with
  // the operator producing its outer rows.
  virtual void beforeOptional(Operator& outer) { (void)outer; }
  // True while a pattern predicate / comprehension subplan is planned.
  bool in_subplan_ = false;
  // True while planning a clause whose rows feed straight into a
  // DISTINCT projection without aggregates.
  bool distinct_after_ = false;

  OperatorPtr argument() { return std::make_unique<ArgumentOp>(); }

  static OperatorPtr wrap(OperatorPtr op, OperatorPtr child) {
    op->addChild(std::move(child));
    return op;
  }

  // Plans every subplan inside `e` (once) and returns `e`.
  const BoundExpr* use(const BoundExpr* e) {
    if (e == nullptr) return nullptr;
    prepare(*e);
    return e;
  }

  void prepare(const BoundExpr& e) {
    for (const auto& c : e.children) {
      if (c) prepare(*c);
    }
    for (const auto& item : e.projection_items) {
      if (item.value) prepare(*item.value);
    }
    if (e.subplan && !e.subplan->plan) {
      const Subplan& s = *e.subplan;
      std::vector<const BoundExpr*> preds;
      for (const auto& p : s.predicates) preds.push_back(p.get());
      bool was = in_subplan_, was_distinct = distinct_after_;
      in_subplan_ = true;
      distinct_after_ = false;
      std::shared_ptr<Operator> op(planPattern(argument(), s.graph, preds, {}).release());
      in_subplan_ = was;
      distinct_after_ = was_distinct;
      if (s.projection) prepare(*s.projection);
      s.plan = op;
    }
  }

  int newSlot() { return plan_.num_slots++; }

  BoundExprPtr& own(BoundExprPtr e) {
    plan_.owned.push_back(std::move(e));
    return plan_.owned.back();
  }

  // `slot.key = value` as an owned expression.
  const BoundExpr* propertyEquals(int slot, const std::string& var, const std::string& key,
                                  const BoundExpr* value) {
    auto prop = std::make_unique<BoundExpr>();
    prop->kind = BoundKind::kProperty;
    prop->name = key;
    prop->key = graph_.catalog().propertyKeys().find(key);
    prop->children.push_back(BoundExpr::slotRef(slot));
    auto cmp = std::make_unique<BoundExpr>();
    cmp->kind = BoundKind::kCompare;
    cmp->ops = {ast::CompareOp::kEq};
    cmp->text = (var.empty() ? "" : var + ".") + key + " = " + value->text;
    cmp->children.push_back(std::move(prop));
    // The value is borrowed: wrap it in a shallow copy that refers to it.
    cmp->children.push_back(cloneRef(*value));
    return own(std::move(cmp)).get();
  }

  // A deep copy of an expression (expressions are trees with unique owners).
  static BoundExprPtr cloneRef(const BoundExpr& e) {
    auto c = std::make_unique<BoundExpr>();
    c->kind = e.kind;
    c->pos = e.pos;
    c->text = e.text;
    c->value = e.value;
    c->name = e.name;
    c->key = e.key;
    c->names = e.names;
    c->ops = e.ops;
    c->quantifier = e.quantifier;
    c->label_ids = e.label_ids;
    c->label_names = e.label_names;
    c->function = e.function;
    c->has_subject = e.has_subject;
    c->has_else = e.has_else;
    c->absent_bounds = e.absent_bounds;
    c->slot = e.slot;
    c->slot2 = e.slot2;
    for (const auto& ch : e.children) c->children.push_back(ch ? cloneRef(*ch) : nullptr);
    for (const auto& item : e.projection_items) {
      BoundMapProjectionItem i;
      i.kind = item.kind;
      i.key = item.key;
      i.key_id = item.key_id;
      if (item.value) i.value = cloneRef(*item.value);
      c->projection_items.push_back(std::move(i));
    }
    c->subplan = e.subplan;
    return c;
  }

  const BoundExpr* hasLabels(int slot, const std::string& var,
                             const std::vector<std::string>& labels) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundKind::kHasLabels;
    e->text = var;
    e->children.push_back(BoundExpr::slotRef(slot));
    for (const auto& l : labels) {
      e->label_names.push_back(l);
      e->label_ids.push_back(graph_.catalog().labels().find(l));
      e->text += ":" + l;
    }
    return own(std::move(e)).get();
  }

  // ---- one query part ----------------------------------------------------

  OperatorPtr planSingle(const BoundSingleQuery& q, std::vector<int>& output_slots) {
    OperatorPtr op = argument();
    bool first = true;
    for (size_t ci = 0; ci < q.clauses.size(); ++ci) {
      const BoundClause& clause = q.clauses[ci];
      if (query_.writes && !first) op = wrap(std::make_unique<EagerOp>(), std::move(op));
      first = false;
      // Whether the rows of this clause only feed a DISTINCT projection
      // (their multiplicity does not matter).
      distinct_after_ = false;
      if (ci + 1 < q.clauses.size()) {
        if (const auto* next = std::get_if<BoundProjection>(&q.clauses[ci + 1])) {
          distinct_after_ = next->distinct && next->aggregates.empty();
        }
      }
      std::visit(
          [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, BoundMatch>) {
              op = planMatch(std::move(op), c);
            } else if constexpr (std::is_same_v<T, BoundUnwind>) {
              op = wrap(std::make_unique<UnwindOp>(use(c.list.get()), c.slot), std::move(op));
            } else if constexpr (std::is_same_v<T, BoundProjection>) {
              op = planProjection(std::move(op), c);
              if (c.is_return) output_slots = c.output_slots;
            } else if constexpr (std::is_same_v<T, BoundCreate>) {
              prepareGraph(c.graph);
              op = wrap(std::make_unique<CreateOp>(&c.graph), std::move(op));
            } else if constexpr (std::is_same_v<T, BoundMerge>) {
              op = planMerge(std::move(op), c);
            } else if constexpr (std::is_same_v<T, BoundSet>) {
              for (const auto& item : c.items) prepareSetItem(item);
              op = wrap(std::make_unique<SetOp>(&c.items), std::move(op));
            } else if constexpr (std::is_same_v<T, BoundRemove>) {
              for (const auto& item : c.items) use(item.target.get());
              op = wrap(std::make_unique<RemoveOp>(&c), std::move(op));
            } else if constexpr (std::is_same_v<T, BoundDelete>) {
              for (const auto& t : c.targets) use(t.get());
              op = wrap(std::make_unique<DeleteOp>(&c), std::move(op));
            } else if constexpr (std::is_same_v<T, BoundCreateIndex> ||
                                 std::is_same_v<T, BoundDropIndex>) {
              op = wrap(std::make_unique<SchemaOp>(&clause), std::move(op));
            }
          },
          clause);
    }
    return op;
  }

  void prepareGraph(const QueryGraph& g) {
    for (const auto& n : g.nodes) {
      for (const auto& [k, v] : n.properties) use(v.get());
      use(n.properties_map.get());
    }
    for (const auto& r : g.rels) {
      for (const auto& [k, v] : r.properties) use(v.get());
      use(r.properties_map.get());
    }
  }

  void prepareSetItem(const BoundSetItem& item) {
    use(item.target.get());
    use(item.value.get());
  }

  OperatorPtr planMatch(OperatorPtr input, const BoundMatch& m) {
    std::vector<const BoundExpr*> preds;
    for (const auto& p : m.predicates) preds.push_back(p.get());
    if (!m.optional) return planPattern(std::move(input), m.graph, preds, m.hints);
    distinct_after_ = false;
    beforeOptional(*input);
    auto apply = std::make_unique<ApplyOp>(true, m.new_slots);
    apply->addChild(std::move(input));
    apply->addChild(planPattern(argument(), m.graph, preds, m.hints));
    return apply;
  }

  OperatorPtr planMerge(OperatorPtr input, const BoundMerge& m) {
    distinct_after_ = false;
    prepareGraph(m.graph);
    for (const auto& item : m.on_create) prepareSetItem(item);
    for (const auto& item : m.on_match) prepareSetItem(item);
    std::vector<const BoundExpr*> preds;
    for (const auto& p : m.predicates) preds.push_back(p.get());
    auto merge = std::make_unique<MergeOp>(&m);
    merge->addChild(std::move(input));
    merge->addChild(planPattern(argument(), m.graph, preds, {}));
    return merge;
  }

  // ---- patterns ----------------------------------------------------------

  // `(a)-[r:T*1..3]->(b)` as written, oriented from the end expanded from.
  static std::string describeRel(const QueryGraph& g, const PatternRel& rel, bool from_left) {
    const PatternNode& a = g.nodes[from_left ? rel.left : rel.right];
    const PatternNode& b = g.nodes[from_left ? rel.right : rel.left];
    Dir d = from_left ? rel.dir
            : rel.dir == Dir::kOut ? Dir::kIn
            : rel.dir == Dir::kIn  ? Dir::kOut
                                   : Dir::kBoth;
    std::string inner = rel.name;
    for (size_t i = 0; i < rel.types.size(); ++i) inner += (i ? "|" : ":") + rel.types[i];
    if (rel.var_length) {
      inner += "*" + std::to_string(rel.min_hops) + ".." +
               (rel.max_hops < 0 ? "" : std::to_string(rel.max_hops));
    }
    return "(" + a.name + ")" + (d == Dir::kIn ? "<-[" : "-[") + inner +
           (d == Dir::kOut ? "]->" : "]-") + "(" + b.name + ")";
  }

  struct PendingPredicate {
    const BoundExpr* expr;
    std::set<int> needs;  // slots of this pattern it reads
    bool placed = false;
  };

  // ---- projections -------------------------------------------------------

  OperatorPtr planProjection(OperatorPtr op, const BoundProjection& p) {
    if (p.aggregates.empty()) {
      std::vector<std::pair<int, const BoundExpr*>> items;
      for (const auto& item : p.items) items.emplace_back(item.slot, use(item.expr.get()));
      op = wrap(std::make_unique<ProjectOp>(std::move(items)), std::move(op));
    } else {
      std::vector<std::pair<int, const BoundExpr*>> keys;
      for (const auto& item : p.items) keys.emplace_back(item.slot, use(item.expr.get()));
      for (const auto& agg : p.aggregates) {
        for (const auto& a : agg.args) use(a.get());
      }
      op = wrap(std::make_unique<AggregateOp>(std::move(keys), &p.aggregates, plan_.num_slots),
                std::move(op));
      if (!p.post.empty()) {
        std::vector<std::pair<int, const BoundExpr*>> items;
        for (const auto& item : p.post) items.emplace_back(item.slot, use(item.expr.get()));
        op = wrap(std::make_unique<ProjectOp>(std::move(items)), std::move(op));
      }
    }
    if (p.distinct) op = wrap(std::make_unique<DistinctOp>(p.output_slots), std::move(op));
    if (!p.order_by.empty()) {
      std::vector<std::pair<const BoundExpr*, bool>> keys;
      for (const auto& k : p.order_by) keys.emplace_back(use(k.expr.get()), k.descending);
      op = wrap(std::make_unique<SortOp>(std::move(keys), use(p.skip.get()), use(p.limit.get())),
                std::move(op));
    } else if (p.skip || p.limit) {
      op = wrap(std::make_unique<SkipLimitOp>(use(p.skip.get()), use(p.limit.get())),
                std::move(op));
    }
    if (p.where) {
      op = wrap(std::make_unique<FilterOp>(std::vector<const BoundExpr*>{use(p.where.get())}),
                std::move(op));
    }
    return op;
  }

 protected:
  const BoundQuery& query_;
  const Graph& graph_;
  Plan& plan_;
};

}  // namespace planner_detail
}  // namespace maestro::engine
