#include <algorithm>
#include <set>

#include "common/error.h"
#include "engine/executor/physical_operators.h"
#include "engine/planner/planner.h"

namespace maestro::engine {
namespace {

// Slots an expression reads (including those its subplans read from the
// outer row).
void collectSlots(const BoundExpr& e, std::set<int>& out);

void collectGraphSlots(const QueryGraph& g, std::set<int>& out) {
  for (const auto& n : g.nodes) {
    if (n.bound) out.insert(n.slot);
    for (const auto& [k, v] : n.properties) collectSlots(*v, out);
  }
  for (const auto& r : g.rels) {
    if (r.bound) out.insert(r.slot);
    for (const auto& [k, v] : r.properties) collectSlots(*v, out);
  }
}

void collectSlots(const BoundExpr& e, std::set<int>& out) {
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

class PlannerV1 {
 public:
  PlannerV1(const BoundQuery& query, const Graph& graph, Plan& plan)
      : query_(query), graph_(graph), plan_(plan) {}

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

 private:
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
      std::shared_ptr<Operator> op(planPattern(argument(), s.graph, preds, {}).release());
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
    for (const BoundClause& clause : q.clauses) {
      if (query_.writes && !first) op = wrap(std::make_unique<EagerOp>(), std::move(op));
      first = false;
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
    auto apply = std::make_unique<ApplyOp>(true, m.new_slots);
    apply->addChild(std::move(input));
    apply->addChild(planPattern(argument(), m.graph, preds, m.hints));
    return apply;
  }

  OperatorPtr planMerge(OperatorPtr input, const BoundMerge& m) {
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

  OperatorPtr planPattern(OperatorPtr input, const QueryGraph& g,
                          const std::vector<const BoundExpr*>& where,
                          const std::vector<ast::Hint>& hints) {
    // Slots this pattern binds; anything else an expression reads comes
    // from the input row.
    std::set<int> own_slots;
    for (const auto& n : g.nodes) {
      if (!n.bound) own_slots.insert(n.slot);
    }
    for (const auto& r : g.rels) {
      if (!r.bound) own_slots.insert(r.slot);
    }
    for (const auto& p : g.paths) {
      if (p.slot >= 0) own_slots.insert(p.slot);
    }

    std::vector<PendingPredicate> pending;
    auto addPredicate = [&](const BoundExpr* e) {
      use(e);
      std::set<int> reads;
      collectSlots(*e, reads);
      PendingPredicate p{e, {}};
      for (int s : reads) {
        if (own_slots.count(s)) p.needs.insert(s);
      }
      pending.push_back(std::move(p));
    };
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const PatternNode& n = g.nodes[i];
      for (const auto& [key, value] : n.properties) {
        use(value.get());
        addPredicate(propertyEquals(n.slot, n.name, key, value.get()));
      }
    }
    for (const auto& r : g.rels) {
      if (r.var_length) continue;  // checked per relationship by the expansion
      for (const auto& [key, value] : r.properties) {
        use(value.get());
        addPredicate(propertyEquals(r.slot, r.name, key, value.get()));
      }
    }
    for (const BoundExpr* w : where) addPredicate(w);

    std::vector<bool> matched(g.nodes.size(), false);
    std::vector<bool> labels_checked(g.nodes.size(), false);
    std::set<int> bound_slots;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (g.nodes[i].bound) matched[i] = true;
    }
    std::vector<bool> rel_done(g.rels.size(), false);
    std::vector<int> unique_slots;
    OperatorPtr op = std::move(input);

    // Applies every predicate whose slots are now bound, and label checks of
    // matched nodes that no scan has verified.
    auto placeReady = [&]() {
      std::vector<const BoundExpr*> ready;
      for (size_t i = 0; i < g.nodes.size(); ++i) {
        if (matched[i] && !labels_checked[i]) {
          labels_checked[i] = true;
          if (!g.nodes[i].labels.empty()) {
            ready.push_back(hasLabels(g.nodes[i].slot, g.nodes[i].name, g.nodes[i].labels));
          }
        }
      }
      for (auto& p : pending) {
        if (p.placed) continue;
        bool ok = std::all_of(p.needs.begin(), p.needs.end(),
                              [&](int s) { return bound_slots.count(s) > 0; });
        if (ok) {
          p.placed = true;
          ready.push_back(p.expr);
        }
      }
      if (!ready.empty()) op = wrap(std::make_unique<FilterOp>(ready), std::move(op));
    };
    auto markNode = [&](size_t i) {
      matched[i] = true;
      bound_slots.insert(g.nodes[i].slot);
    };

    // Nodes bound by earlier clauses still need their labels checked.
    placeReady();

    // The index hint or, failing that, any indexed equality on a node.
    auto indexedEquality = [&](size_t i) -> std::optional<std::pair<std::string, std::pair<std::string, const BoundExpr*>>> {
      const PatternNode& n = g.nodes[i];
      for (const auto& label : n.labels) {
        auto lid = graph_.catalog().labels().find(label);
        if (!lid) continue;
        for (const auto& [key, value] : n.properties) {
          auto kid = graph_.catalog().propertyKeys().find(key);
          std::set<int> reads;
          collectSlots(*value, reads);
          bool independent = std::none_of(reads.begin(), reads.end(),
                                          [&](int s) { return own_slots.count(s) > 0; });
          if (kid && independent && graph_.index(*lid, *kid)) {
            return std::make_pair(label, std::make_pair(key, value.get()));
          }
        }
        // WHERE n.key = expr
        for (const BoundExpr* w : where) {
          if (w->kind != BoundKind::kCompare || w->ops.size() != 1 ||
              w->ops[0] != ast::CompareOp::kEq) {
            continue;
          }
          for (int side = 0; side < 2; ++side) {
            const BoundExpr& prop = *w->children[side];
            const BoundExpr& other = *w->children[1 - side];
            if (prop.kind != BoundKind::kProperty || prop.children[0]->kind != BoundKind::kSlot ||
                prop.children[0]->slot != n.slot) {
              continue;
            }
            std::set<int> reads;
            collectSlots(other, reads);
            bool independent = std::none_of(reads.begin(), reads.end(),
                                            [&](int s) { return own_slots.count(s) > 0; });
            auto kid = graph_.catalog().propertyKeys().find(prop.name);
            if (kid && independent && graph_.index(*lid, *kid)) {
              return std::make_pair(label, std::make_pair(prop.name, &other));
            }
          }
        }
      }
      return std::nullopt;
    };

    auto scanNode = [&](size_t i) {
      const PatternNode& n = g.nodes[i];
      if (auto seek = indexedEquality(i)) {
        op = wrap(std::make_unique<IndexSeekOp>(n.slot, seek->first, seek->second.first,
                                                use(seek->second.second)),
                  std::move(op));
        op->setDescription("(" + n.name + ":" + seek->first + " {" + seek->second.first + ": " +
                           seek->second.second->text + "})");
        plan_.hints.push_back("start: index seek on :" + seek->first + "(" + seek->second.first +
                              ")");
      } else {
        std::string label = n.labels.empty() ? "" : n.labels.front();
        op = wrap(std::make_unique<NodeScanOp>(n.slot, label), std::move(op));
        op->setDescription("(" + n.name + (label.empty() ? "" : ":" + label) + ")");
        plan_.hints.push_back(label.empty() ? "start: all-nodes scan"
                                            : "start: label scan on :" + label);
      }
      markNode(i);
      // The scan (or the label's index) already guarantees a sole label.
      if (n.labels.size() == 1) labels_checked[i] = true;
      placeReady();
    };
    (void)hints;  // v1 ignores hints; v2 honours them

    auto allMatched = [&] {
      return std::all_of(matched.begin(), matched.end(), [](bool b) { return b; });
    };
    auto isShortest = [&](size_t r) {
      for (const auto& p : g.paths) {
        if (p.kind != ast::PatternPart::Kind::kNormal &&
            std::find(p.rels.begin(), p.rels.end(), static_cast<int>(r)) != p.rels.end()) {
          return true;
        }
      }
      return false;
    };
    auto isAllShortest = [&](size_t r) {
      for (const auto& p : g.paths) {
        if (p.kind == ast::PatternPart::Kind::kAllShortestPaths &&
            std::find(p.rels.begin(), p.rels.end(), static_cast<int>(r)) != p.rels.end()) {
          return true;
        }
      }
      return false;
    };

    // Nothing bound yet: start from an indexed node if any, else the first.
    if (!g.nodes.empty() &&
        std::none_of(matched.begin(), matched.end(), [](bool b) { return b; })) {
      size_t start = 0;
      for (size_t i = 0; i < g.nodes.size(); ++i) {
        if (indexedEquality(i)) {
          start = i;
          break;
        }
      }
      scanNode(start);
    }

    for (;;) {
      // The first relationship (in pattern order) with a matched end.
      bool progressed = false;
      for (size_t r = 0; r < g.rels.size(); ++r) {
        if (rel_done[r]) continue;
        const PatternRel& rel = g.rels[r];
        bool lm = matched[rel.left], rm = matched[rel.right];
        std::string text = describeRel(g, rel, lm || !rm);
        if (isShortest(r)) {
          if (!(lm && rm)) continue;
          op = wrap(std::make_unique<ShortestPathOp>(g.nodes[rel.left].slot, rel.slot,
                                                     g.nodes[rel.right].slot, rel.types, rel.dir,
                                                     rel.min_hops, rel.max_hops, isAllShortest(r)),
                    std::move(op));
        } else {
          if (!lm && !rm) continue;
          bool forward = lm;
          int from = g.nodes[forward ? rel.left : rel.right].slot;
          int to = g.nodes[forward ? rel.right : rel.left].slot;
          Dir dir = forward ? rel.dir
                    : rel.dir == Dir::kOut ? Dir::kIn
                    : rel.dir == Dir::kIn  ? Dir::kOut
                                           : Dir::kBoth;
          bool into = lm && rm;
          if (rel.var_length && rel.bound) {
            op = wrap(std::make_unique<FollowRelListOp>(from, rel.slot, to, rel.types, dir, into),
                      std::move(op));
          } else if (rel.var_length) {
            std::vector<std::pair<std::string, const BoundExpr*>> props;
            for (const auto& [k, v] : rel.properties) props.emplace_back(k, use(v.get()));
            op = wrap(std::make_unique<VarExpandOp>(from, rel.slot, to, rel.types, dir,
                                                    rel.min_hops, rel.max_hops, into,
                                                    unique_slots, std::move(props)),
                      std::move(op));
          } else {
            auto expand = std::make_unique<ExpandOp>(from, rel.slot, to, rel.types, dir, into,
                                                     unique_slots);
            if (rel.bound) expand->setBoundRel();
            op = wrap(std::move(expand), std::move(op));
          }
          markNode(forward ? rel.right : rel.left);
        }
        op->setDescription(text);
        rel_done[r] = true;
        unique_slots.push_back(rel.slot);
        bound_slots.insert(rel.slot);
        placeReady();
        progressed = true;
        break;
      }
      if (progressed) continue;
      if (allMatched()) {
        bool rels_left = std::any_of(rel_done.begin(), rel_done.end(), [](bool d) { return !d; });
        if (!rels_left) break;
        continue;
      }
      // A disconnected part (or a shortestPath end): scan its first node.
      for (size_t i = 0; i < g.nodes.size(); ++i) {
        if (!matched[i]) {
          scanNode(i);
          break;
        }
      }
    }

    for (const auto& p : g.paths) {
      if (p.slot < 0) continue;
      std::vector<BuildPathOp::Step> steps;
      for (int r : p.rels) steps.push_back({g.rels[r].slot, g.rels[r].var_length || isShortest(r)});
      op = wrap(std::make_unique<BuildPathOp>(p.slot, g.nodes[p.nodes[0]].slot, std::move(steps)),
                std::move(op));
      bound_slots.insert(p.slot);
    }
    // Whatever is left (e.g. predicates on path variables).
    std::vector<const BoundExpr*> rest;
    for (auto& p : pending) {
      if (!p.placed) rest.push_back(p.expr);
    }
    if (!rest.empty()) op = wrap(std::make_unique<FilterOp>(rest), std::move(op));
    return op;
  }

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

  const BoundQuery& query_;
  const Graph& graph_;
  Plan& plan_;
};

}  // namespace

Plan planQueryV1(const BoundQuery& query, const Graph& graph) {
  Plan plan;
  PlannerV1(query, graph, plan).plan();
  return plan;
}

}  // namespace maestro::engine
