#include "engine/planner/plan_builder.h"

namespace maestro::engine {
namespace {

using planner_detail::collectSlots;

class PlannerV1 final : public planner_detail::PlanBuilder {
 public:
  using PlanBuilder::PlanBuilder;

 protected:
  OperatorPtr planPattern(OperatorPtr input, const QueryGraph& g,
                          const std::vector<const BoundExpr*>& where,
                          const std::vector<ast::Hint>& hints) override {
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
    // v1 ignores hints (v2 honours them), and says so.
    if (!hints.empty()) plan_.hints.push_back("hints ignored: planner v1 does not use USING hints");

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

};

}  // namespace

Plan planQueryV1(const BoundQuery& query, const Graph& graph) {
  Plan plan;
  PlannerV1(query, graph, plan).plan();
  return plan;
}

}  // namespace maestro::engine
