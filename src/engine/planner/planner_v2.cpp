// Planner v2: cost-based pattern planning over v1's operators and a node
// hash join.
//
// Per pattern: every way to start (index seek on an indexed equality,
// label scan) and every order of expansions is costed with the estimator
// (cardinality.h) and the cost model (cost_model.h) — exhaustively, by
// dynamic programming over (matched nodes, expanded relationships), for
// patterns of up to kExhaustiveRels relationships; greedily beyond. A
// relationship whose ends are both matched becomes an ExpandInto walked
// from the smaller side at run time; a pattern with a cycle is also costed
// as a hash join of two connected parts, each planned by the same
// enumeration. Predicates are placed as soon as their variables are bound
// (as v1 does; on both sides of a join when they can be) and their
// selectivities use the parameter values. Hints (USING INDEX / USING SCAN)
// fix a node's access, USING JOIN ON forces a hash join there; one that
// cannot be honoured is an error.
#include <array>
#include <bit>
#include <cmath>
#include <functional>

#include <boost/container/small_vector.hpp>
#include <map>
#include <unordered_map>

#include "engine/planner/cardinality.h"
#include "engine/planner/cost_model.h"
#include "engine/planner/plan_builder.h"

namespace maestro::engine {
namespace {

using planner_detail::collectSlots;

constexpr size_t kExhaustiveRels = 8;
// A USING JOIN hint is planned over every split of the pattern's
// relationships in two: at most 2^12.
constexpr size_t kMaxJoinRels = 12;
// A probe looks up a seek's nodes at plan time when the statistics say
// there are at most this many (their exact degrees then drive the plan).
constexpr double kProbeLimit = 64;

Dir reverse(Dir d) { return d == Dir::kOut ? Dir::kIn : d == Dir::kIn ? Dir::kOut : Dir::kBoth; }

std::string fixed1(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// One way to match a node from nothing.
struct Access {
  bool seek = false;
  std::string label;  // seek: the index's label; scan: "" for all nodes
  std::string key;
  const BoundExpr* value = nullptr;
  int consumed = -1;          // pending predicate the seek answers
  double rows = 0;            // per input row
  std::optional<std::vector<NodeId>> probed;  // the nodes, when looked up at plan time
};

// A plan is a sequence of steps. A hash join is written as its probe
// side's steps, kBuild (a new pipeline starts from the argument), the build
// side's steps, then kJoin on `join_nodes`.
struct Step {
  enum class Kind { kStart, kExpand, kBuild, kJoin } kind = Kind::kStart;
  uint64_t join_nodes = 0;  // kJoin: the pattern nodes both sides bind
  int node = -1;
  const Access* access = nullptr;  // kStart: into Pattern::access (stable)
  int rel = -1;
  bool from_left = true;
  bool into = false;
  double op_rows = 0;     // rows the step's operator produces
  double rows = 0;        // after the filters placed with it
  double op_cost = 0;     // cumulative cost after the operator
  double cost = 0;        // cumulative, after the filters
};

}  // namespace

// One pattern's choices, as the DP made them.
struct PatternChoice {
  std::vector<Access> accesses;  // the starts' access paths (values resolved per compile)
  std::vector<Step> steps;       // kStart steps point into `accesses`
  double rows = 0, cost = 0;
};

struct PlanChoiceCache::Entry {
  std::vector<PatternChoice> patterns;  // in planPattern call order
  std::vector<std::string> hints;
  std::vector<std::pair<double, double>> estimates;  // (rows, cost) per operator, depth-first
};

std::shared_ptr<const PlanChoiceCache::Entry> PlanChoiceCache::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

void PlanChoiceCache::put(const std::string& key, std::shared_ptr<const Entry> entry) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kCapacity) entries_.clear();
  entries_[key] = std::move(entry);
}

void PlanChoiceCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

namespace {

struct Partial {
  uint64_t nodes = 0;  // matched pattern nodes
  uint64_t rels = 0;   // expanded relationships
  double rows = 0;
  double cost = 0;
  // Copied at every DP transition: kept free of heap allocations.
  boost::container::small_vector<Step, 12> steps;
  std::array<int8_t, 64> arrived_by;  // per node: the relationship it was reached over, or -1
  uint64_t placed = 0;                // pending predicates placed (the first 64)
};

class PlannerV2 final : public planner_detail::PlanBuilder {
 public:
  PlannerV2(const BoundQuery& query, const Graph& graph, Plan& plan, const Parameters& params,
            const stats::GraphStatistics* stats)
      : PlanBuilder(query, graph, plan), est_(graph, stats, params), params_(params) {}

  void finish() {
    if (cached_) {
      // The same tree as when the choices were made: the same estimates.
      size_t k = 0;
      applyEstimates(*plan_.root, k);
      plan_.hints = cached_->hints;
      return;
    }
    annotate(*plan_.root, 1.0);
    scaleUnderLimits(*plan_.root);
    for (const auto& f : est_.fallbacks()) plan_.hints.push_back("estimate fallback: " + f);
    recording_.hints = plan_.hints;
    std::function<void(const Operator&)> record = [&](const Operator& op) {
      recording_.estimates.emplace_back(op.estimated_rows, op.estimated_cost);
      for (const auto& c : op.children()) record(*c);
    };
    record(*plan_.root);
  }

  void applyEstimates(Operator& op, size_t& k) {
    if (k < cached_->estimates.size()) {
      op.estimated_rows = cached_->estimates[k].first;
      op.estimated_cost = cached_->estimates[k].second;
    }
    ++k;
    for (const auto& c : op.children()) applyEstimates(*c, k);
  }

  // Replays `entry`'s choices instead of enumerating (null: enumerate).
  void useCached(std::shared_ptr<const PlanChoiceCache::Entry> entry) { cached_ = std::move(entry); }
  PlanChoiceCache::Entry& recording() { return recording_; }

 protected:
  void beforeOptional(Operator& outer) override { optional_outer_ = annotate(outer, 1.0); }

  OperatorPtr planPattern(OperatorPtr input, const QueryGraph& g,
                          const std::vector<const BoundExpr*>& where,
                          const std::vector<ast::Hint>& hints) override;

 private:
  struct Pending {
    const BoundExpr* expr;
    std::set<int> needs;
    uint64_t node_mask = 0, rel_mask = 0;  // the needs as pattern nodes / rels
    bool at_end = false;                   // needs a path variable: after everything
  };

  // Everything about the pattern being planned.
  struct Pattern {
    const QueryGraph* g = nullptr;
    std::vector<Pending> pending;
    std::set<int> own_slots;
    std::map<int, SlotEntity> entities;
    std::vector<std::vector<Access>> access;  // per node
    std::vector<bool> hinted;                 // access fixed by a hint
    std::vector<bool> observable_list;        // per rel: var-length list visible (named / path)
    std::vector<bool> shortest, all_shortest;
    std::vector<bool> prunable;  // per rel: var-length whose rows only feed a DISTINCT
    uint64_t all_nodes = 0, all_rels = 0;
    double input_rows = 1;
    bool estimate = true;  // false inside subplans (opened per outer row)
  };

  // ---- estimation helpers -------------------------------------------------

  // Places predicates that became ready; returns their selectivity
  // (cached by the set of predicates: the DP asks for the same sets often).
  double placeReady(const Pattern& p, Partial& s, int skip_consumed) {
    uint64_t ready_mask = 0;
    for (size_t i = 0; i < p.pending.size(); ++i) {
      const Pending& pd = p.pending[i];
      if (i >= 64 || (s.placed >> i & 1) || pd.at_end) continue;
      if ((pd.node_mask & ~s.nodes) != 0 || (pd.rel_mask & ~s.rels) != 0) continue;
      s.placed |= uint64_t{1} << i;
      if (static_cast<int>(i) != skip_consumed && i < 64) ready_mask |= uint64_t{1} << i;
    }
    if (ready_mask == 0) return 1.0;
    return selectivityOf(p, ready_mask);
  }

  // Memoised estimates, keyed by small integers.
  template <class Fn>
  double cached(uint64_t tag, uint64_t a, uint64_t b, uint64_t c, Fn&& fn) {
    uint64_t key = tag << 56 | a << 40 | b << 24 | c;
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    double v = fn();
    cache_.emplace(key, v);
    return v;
  }

  double fanoutFrom(const Pattern& p, const Partial& s, int node, const PatternRel& rel, Dir dir) {
    const PatternNode& n = p.g->nodes[static_cast<size_t>(node)];
    const auto r = static_cast<uint64_t>(&rel - p.g->rels.data());
    // A node found by a plan-time probe: its real degree.
    for (const Step& st : s.steps) {
      if (st.kind == Step::Kind::kStart && st.node == node && st.access->probed) {
        const Access* a = st.access;
        return cached(1, static_cast<uint64_t>(node), r, static_cast<uint64_t>(dir) << 8 |
                      static_cast<uint64_t>(a - p.access[static_cast<size_t>(node)].data()), [&] {
          const auto& ids = *a->probed;
          if (ids.empty()) return 0.0;
          return est_.degreeOf(ids, rel.types, dir) / static_cast<double>(ids.size());
        });
      }
    }
    int via = s.arrived_by[static_cast<size_t>(node)];
    // Reached from a node found at plan time: sample its neighbours' real
    // degrees (a hub's neighbours are not average nodes, and not the
    // size-biased ones either).
    if (via >= 0) {
      const PatternRel& vr = p.g->rels[static_cast<size_t>(via)];
      int prev = vr.left == node ? vr.right : vr.left;
      for (const Step& st : s.steps) {
        if (st.kind != Step::Kind::kStart || st.node != prev || !st.access->probed) continue;
        Dir arrive = vr.left == prev ? vr.dir : reverse(vr.dir);
        const auto& ids = *st.access->probed;
        return cached(4, static_cast<uint64_t>(node), r,
                      static_cast<uint64_t>(dir) << 8 | static_cast<uint64_t>(via), [&] {
                        return sampledFanout(ids, vr.types, arrive, rel.types, dir);
                      });
      }
    }
    bool reached = via >= 0 && p.g->rels[static_cast<size_t>(via)].types == rel.types;
    return cached(2, static_cast<uint64_t>(node), r, static_cast<uint64_t>(dir) << 1 | reached,
                  [&] { return est_.fanout(n.labels, rel.types, dir, reached); });
  }

  // Mean degree along (types, dir) of up to 64 neighbours (evenly spaced)
  // of `from` along (via_types, arrive), less the relationship they were
  // reached over when the next step may walk it back (it cannot: a pattern
  // uses a relationship once).
  double sampledFanout(const std::vector<NodeId>& from, const std::vector<std::string>& via_types,
                       Dir arrive, const std::vector<std::string>& types, Dir dir) {
    auto ids = [&](const std::vector<std::string>& names) {
      std::vector<RelTypeId> out;
      for (const auto& t : names) {
        if (auto id = graph_.catalog().relTypes().find(t)) out.push_back(*id);
      }
      return out;
    };
    const std::vector<RelTypeId> via_ids = ids(via_types), next_ids = ids(types);
    if ((!via_types.empty() && via_ids.empty()) || (!types.empty() && next_ids.empty())) return 0;
    std::vector<NodeId> sample;
    for (NodeId n : from) {
      size_t deg = arrive == Dir::kBoth ? graph_.degree(n, Dir::kOut, via_ids) + graph_.degree(n, Dir::kIn, via_ids)
                                        : graph_.degree(n, arrive, via_ids);
      size_t stride = std::max<size_t>(1, deg / 64), i = 0;
      graph_.forEachAdjacent(n, arrive, via_ids, [&](const Adjacent& a) {
        if (i++ % stride == 0) sample.push_back(a.other);
        return sample.size() < 64 * from.size();
      });
    }
    if (sample.empty()) return 0;
    double total = 0;
    for (NodeId n : sample) {
      if (dir == Dir::kBoth) {
        total += static_cast<double>(graph_.degree(n, Dir::kOut, next_ids) + graph_.degree(n, Dir::kIn, next_ids));
      } else {
        total += static_cast<double>(graph_.degree(n, dir, next_ids));
      }
    }
    double mean = total / static_cast<double>(sample.size());
    bool shares_type = via_types.empty() || types.empty() || via_types == types;
    if (shares_type && (dir == Dir::kBoth || dir == reverse(arrive))) mean = std::max(0.0, mean - 1);
    return mean;
  }

  // Probability that a relationship from a bound node ends at one given
  // bound node `node`.
  double hitProbability(const Pattern& p, const Partial& s, int node, const PatternRel& rel,
                        Dir dir_into_node) {
    for (const Step& st : s.steps) {
      if (st.kind == Step::Kind::kStart && st.node == node && st.access->probed) {
        double rels = std::max(1.0, typeRelCount(rel.types));
        const auto& ids = *st.access->probed;
        if (ids.empty()) return 0;
        return est_.degreeOf(ids, rel.types, reverse(dir_into_node)) /
               static_cast<double>(ids.size()) / rels;
      }
    }
    double n = std::max(1.0, est_.nodeCount(p.g->nodes[static_cast<size_t>(node)].labels));
    return 1.0 / n;
  }

  double typeRelCount(const std::vector<std::string>& types) {
    if (types.empty()) return static_cast<double>(graph_.relCount());
    auto it = rel_counts_.find(types);
    if (it != rel_counts_.end()) return it->second;
    double total = 0;
    for (const auto& t : types) {
      total += est_.fanout({}, {t}, Dir::kOut, false) * static_cast<double>(graph_.nodeCount());
    }
    rel_counts_.emplace(types, total);
    return total;
  }

  // ---- transitions --------------------------------------------------------

  std::optional<Partial> start(const Pattern& p, const Partial& s, int node, const Access& a) {
    Partial t = s;
    t.nodes |= uint64_t{1} << node;
    Step st;
    st.kind = Step::Kind::kStart;
    st.node = node;
    st.access = &a;
    st.op_rows = s.rows * a.rows;
    double per_row = a.seek ? CostModel::kSeek + a.rows : CostModel::kScanRow * a.rows;
    st.op_cost = s.cost + s.rows * per_row;
    const PatternNode& n = p.g->nodes[static_cast<size_t>(node)];
    double sel = 1;
    // Labels beyond the one the access guarantees are checked by a filter.
    if (n.labels.size() > 1) {
      for (const auto& l : n.labels) {
        if (l != a.label) sel *= est_.labelShare(l);
      }
    }
    sel *= placeReady(p, t, a.consumed);
    st.rows = st.op_rows * sel;
    st.cost = st.op_cost + CostModel::kFilterRow * (sel < 1 ? st.op_rows : 0);
    t.rows = st.rows;
    t.cost = st.cost;
    t.steps.push_back(std::move(st));
    return t;
  }

  std::optional<Partial> expand(const Pattern& p, const Partial& s, int r) {
    const PatternRel& rel = p.g->rels[static_cast<size_t>(r)];
    bool lm = s.nodes >> rel.left & 1, rm = s.nodes >> rel.right & 1;
    bool shortest = p.shortest[static_cast<size_t>(r)];
    if (shortest ? !(lm && rm) : !(lm || rm)) return std::nullopt;
    Partial t = s;
    t.rels |= uint64_t{1} << r;
    Step st;
    st.kind = Step::Kind::kExpand;
    st.rel = r;
    st.into = lm && rm;
    if (shortest) {
      // A bidirectional search (ShortestPathOp): each side walks about
      // half the depth, the side with the smaller frontier first.
      st.from_left = true;
      double fl = fanoutFrom(p, s, rel.left, rel, rel.dir);
      double fr = fanoutFrom(p, s, rel.right, rel, reverse(rel.dir));
      double f = std::max(1.0, est_.fanout({}, rel.types, rel.dir, true));
      int64_t depth = rel.max_hops < 0 ? 6 : std::min<int64_t>(rel.max_hops, 6);
      double half = static_cast<double>((depth + 1) / 2 - 1);
      double visited = (std::min(fl, fr) + std::max(fl, fr) * (depth > 1 ? 1 : 0)) * std::pow(f, half);
      visited = std::min(visited, std::max(1.0, typeRelCount(rel.types)));
      st.op_rows = s.rows;  // a shortest path per pair (connected graphs)
      st.op_cost = s.cost + s.rows * visited * CostModel::kAdjacency;
    } else if (st.into) {
      // Walked from the smaller side at run time; the cost model agrees.
      double fl = fanoutFrom(p, s, rel.left, rel, rel.dir);
      double fr = fanoutFrom(p, s, rel.right, rel, reverse(rel.dir));
      st.from_left = rel.var_length ? (p.observable_list[static_cast<size_t>(r)] || fl <= fr)
                                    : fl <= fr;
      int from = st.from_left ? rel.left : rel.right;
      int to = st.from_left ? rel.right : rel.left;
      Dir dir = st.from_left ? rel.dir : reverse(rel.dir);
      double f = st.from_left ? fl : fr;
      double hit = hitProbability(p, s, to, rel, dir);
      (void)from;
      if (rel.var_length) {
        double paths = pathCount(rel, f, 1, rel.max_hops);
        st.op_rows = s.rows * pathCount(rel, f, rel.min_hops, rel.max_hops) * hit;
        st.op_cost = s.cost + s.rows * paths * CostModel::kAdjacency;
      } else {
        st.op_rows = s.rows * f * hit;
        st.op_cost = s.cost + s.rows * (1 + std::min(fl, fr)) * CostModel::kAdjacency;
      }
    } else {
      st.from_left = lm;
      int from = lm ? rel.left : rel.right;
      int to = lm ? rel.right : rel.left;
      Dir dir = lm ? rel.dir : reverse(rel.dir);
      if (p.hinted[static_cast<size_t>(to)]) return std::nullopt;  // its access is fixed
      // A visible relationship list is bound in pattern order: walk it
      // from its left end only.
      if (rel.var_length && p.observable_list[static_cast<size_t>(r)] && !lm) return std::nullopt;
      double f = fanoutFrom(p, s, from, rel, dir);
      if (rel.var_length && p.prunable[static_cast<size_t>(r)]) {
        // Breadth-first, each node once: bounded by the nodes and the
        // relationships there are.
        double reach = std::min(pathCount(rel, f, rel.min_hops, rel.max_hops),
                                std::max(1.0, est_.nodeCount({})));
        double walk = std::min(pathCount(rel, f, 1, rel.max_hops), std::max(1.0, typeRelCount(rel.types)));
        st.op_rows = s.rows * reach;
        st.op_cost = s.cost + s.rows * walk * CostModel::kAdjacency;
      } else if (rel.var_length) {
        st.op_rows = s.rows * pathCount(rel, f, rel.min_hops, rel.max_hops);
        st.op_cost = s.cost + s.rows * pathCount(rel, f, 1, rel.max_hops) * CostModel::kAdjacency;
      } else {
        st.op_rows = s.rows * f;
        st.op_cost = s.cost + s.rows + st.op_rows * CostModel::kAdjacency;
      }
      t.nodes |= uint64_t{1} << to;
      t.arrived_by[static_cast<size_t>(to)] = static_cast<int8_t>(r);
    }
    double sel = 1;
    if (!st.into && !shortest) {
      int to = st.from_left ? rel.right : rel.left;
      Dir dir = st.from_left ? rel.dir : reverse(rel.dir);
      sel *= cached(3, static_cast<uint64_t>(to), static_cast<uint64_t>(r),
                    static_cast<uint64_t>(dir), [&] {
                      double share = 1;
                      for (const auto& l : p.g->nodes[static_cast<size_t>(to)].labels) {
                        share *= est_.endLabelShare(rel.types, dir, l);
                      }
                      return share;
                    });
    }
    const uint64_t placed_before = t.placed;
    sel *= placeReady(p, t, -1);
    // The end is a node an index finds (probed at plan time): the share of
    // these relationships that end there replaces "label share × equality
    // selectivity" — a big city is reached far more often than 1/cities.
    if (!st.into && !shortest) {
      int to = st.from_left ? rel.right : rel.left;
      Dir dir = st.from_left ? rel.dir : reverse(rel.dir);
      for (const Access& a : p.access[static_cast<size_t>(to)]) {
        if (!a.seek || !a.probed || a.consumed < 0 || a.consumed >= 64) continue;
        const uint64_t bit = uint64_t{1} << a.consumed;
        if (!(t.placed & bit) || (placed_before & bit)) continue;
        double generic = est_.selectivity({p.pending[static_cast<size_t>(a.consumed)].expr}, p.entities);
        double label = 1;
        for (const auto& l : p.g->nodes[static_cast<size_t>(to)].labels) {
          label *= est_.endLabelShare(rel.types, dir, l);
        }
        double rels = std::max(1.0, typeRelCount(rel.types));
        double hit = est_.degreeOf(*a.probed, rel.types, reverse(dir)) / rels;
        if (generic > 0 && label > 0) sel = sel / (generic * label) * hit;
        break;
      }
    }
    st.rows = st.op_rows * sel;
    st.cost = st.op_cost + CostModel::kFilterRow * (sel < 1 ? st.op_rows : 0);
    t.rows = st.rows;
    t.cost = st.cost + st.rows * CostModel::kRow;
    t.steps.push_back(std::move(st));
    return t;
  }

  // Paths of min..max hops from one node: f·g^(k−1) for hop k, where g is
  // the size-biased degree of a node reached over the relationship.
  double pathCount(const PatternRel& rel, double f1, int64_t min_hops, int64_t max_hops) {
    double g = est_.fanout({}, rel.types, rel.dir, true);
    int64_t hi = max_hops < 0 ? 8 : std::min<int64_t>(max_hops, 8);
    double total = 0, at = f1;
    for (int64_t k = 1; k <= hi; ++k) {
      if (k >= std::max<int64_t>(min_hops, 1)) total += at;
      at *= g;
      if (at > 1e15) break;
    }
    if (min_hops == 0) total += 1;
    return std::min(total, 1e15);
  }

  // ---- enumeration --------------------------------------------------------

  std::vector<Partial> successors(const Pattern& p, const Partial& s, uint64_t target_nodes,
                                  uint64_t target_rels) {
    std::vector<Partial> out;
    bool can_expand = false;
    for (size_t r = 0; r < p.g->rels.size(); ++r) {
      if ((s.rels >> r & 1) || !(target_rels >> r & 1)) continue;
      if (auto t = expand(p, s, static_cast<int>(r))) {
        can_expand = true;
        out.push_back(std::move(*t));
      }
    }
    for (size_t i = 0; i < p.g->nodes.size(); ++i) {
      if ((s.nodes >> i & 1) || !(target_nodes >> i & 1)) continue;
      for (const Access& a : p.access[i]) {
        // Cartesian products only from a cheap start, or when nothing else goes.
        if (can_expand && s.nodes != 0 && !(a.seek && a.rows <= 1.5) && !p.hinted[i]) continue;
        if (auto t = start(p, s, static_cast<int>(i), a)) out.push_back(std::move(*t));
      }
    }
    return out;
  }

  Partial enumerate(const Pattern& p, Partial init) {
    auto best = enumerateTo(p, std::move(init), p.all_nodes, p.all_rels);
    if (!best) throw Error::internal("planner v2: pattern cannot be completed");
    return std::move(*best);
  }

  // The cheapest way to match the nodes and relationships in the target
  // masks (a part of the pattern, for a side of a hash join) from `init`.
  std::optional<Partial> enumerateTo(const Pattern& p, Partial init, uint64_t target_nodes,
                                     uint64_t target_rels) {
    auto done = [&](const Partial& s) {
      return (s.nodes & target_nodes) == target_nodes && (s.rels & target_rels) == target_rels;
    };
    if (done(init)) return init;
    if (std::popcount(target_rels) > static_cast<int>(kExhaustiveRels) || std::popcount(target_nodes) > 16) {
      Partial s = std::move(init);
      while (!done(s)) {
        auto next = successors(p, s, target_nodes, target_rels);
        if (next.empty()) return std::nullopt;
        auto best = std::min_element(next.begin(), next.end(), [](const auto& a, const auto& b) {
          return a.cost + a.rows < b.cost + b.rows;
        });
        s = std::move(*best);
      }
      return s;
    }
    std::map<std::pair<uint64_t, uint64_t>, Partial> level{{{init.nodes, init.rels}, init}};
    std::optional<Partial> best;
    while (!level.empty()) {
      std::map<std::pair<uint64_t, uint64_t>, Partial> next_level;
      for (auto& [key, s] : level) {
        for (auto& t : successors(p, s, target_nodes, target_rels)) {
          if (best && t.cost >= best->cost) continue;
          if (done(t)) {
            best = std::move(t);
            continue;
          }
          auto k = std::make_pair(t.nodes, t.rels);
          auto it = next_level.find(k);
          if (it == next_level.end() || t.cost < it->second.cost) next_level[k] = std::move(t);
        }
      }
      level = std::move(next_level);
    }
    return best;
  }

  // ---- hash joins -----------------------------------------------------------

  // The pattern nodes the relationships in `rels` touch.
  static uint64_t endsOf(const Pattern& p, uint64_t rels) {
    uint64_t out = 0;
    for (size_t r = 0; r < p.g->rels.size(); ++r) {
      if (rels >> r & 1) out |= uint64_t{1} << p.g->rels[r].left | uint64_t{1} << p.g->rels[r].right;
    }
    return out;
  }

  static bool connected(const Pattern& p, uint64_t rels) {
    if (rels == 0) return true;
    uint64_t first = rels & (~rels + 1), reached = endsOf(p, first), left = rels & ~first;
    for (bool grew = true; grew && left != 0;) {
      grew = false;
      for (size_t r = 0; r < p.g->rels.size(); ++r) {
        if (!(left >> r & 1)) continue;
        uint64_t ends = endsOf(p, uint64_t{1} << r);
        if (ends & reached) reached |= ends, left &= ~(uint64_t{1} << r), grew = true;
      }
    }
    return left == 0;
  }

  // Whether some relationship closes a cycle of pattern nodes.
  static bool hasCycle(const Pattern& p) {
    std::vector<size_t> parent(p.g->nodes.size());
    for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
    std::function<size_t(size_t)> root = [&](size_t i) { return parent[i] == i ? i : parent[i] = root(parent[i]); };
    for (const PatternRel& r : p.g->rels) {
      size_t a = root(static_cast<size_t>(r.left)), b = root(static_cast<size_t>(r.right));
      if (a == b) return true;
      parent[a] = b;
    }
    return false;
  }

  double selectivityOf(const Pattern& p, uint64_t mask) {
    auto it = sel_cache_.find(mask);
    if (it != sel_cache_.end()) return it->second;
    std::vector<const BoundExpr*> exprs;
    for (size_t i = 0; i < p.pending.size() && i < 64; ++i) {
      if (mask >> i & 1) exprs.push_back(p.pending[i].expr);
    }
    double sel = est_.selectivity(exprs, p.entities);
    sel_cache_.emplace(mask, sel);
    return sel;
  }

  // Probe side `a` and build side `b` (each matched from `init`) joined on
  // the pattern nodes in `join`.
  Partial joined(const Pattern& p, const Partial& init, const Partial& a, const Partial& b,
                 uint64_t join) {
    Partial t = a;
    t.nodes |= b.nodes;
    t.rels |= b.rels;
    for (size_t i = 0; i < p.g->nodes.size(); ++i) {
      if (!(a.nodes >> i & 1)) t.arrived_by[i] = b.arrived_by[i];
    }
    Step build;
    build.kind = Step::Kind::kBuild;
    t.steps.push_back(build);
    t.steps.insert(t.steps.end(), b.steps.begin(), b.steps.end());
    // A pair of rows matches when they bind the same nodes: 1/N per join
    // node. The build side is rebuilt per argument row.
    double match = 1;
    for (size_t i = 0; i < p.g->nodes.size(); ++i) {
      if (join >> i & 1) match /= std::max(1.0, est_.nodeCount(p.g->nodes[i].labels));
    }
    // Predicates on the join nodes filter both sides; the pairs meet them once.
    const uint64_t both = a.placed & b.placed & ~init.placed;
    const double twice = both ? std::max(selectivityOf(p, both), 1e-12) : 1.0;
    Step j;
    j.kind = Step::Kind::kJoin;
    j.join_nodes = join;
    j.op_rows = a.rows * (b.rows / std::max(1.0, p.input_rows)) * match / twice;
    j.op_cost = a.cost + b.cost + std::max(1.0, p.input_rows) * CostModel::kHashJoinSetup +
                b.rows * CostModel::kHashBuild + a.rows * CostModel::kHashProbe + j.op_rows * CostModel::kRow;
    t.placed = a.placed | b.placed;
    double sel = placeReady(p, t, -1);
    j.rows = j.op_rows * sel;
    j.cost = j.op_cost + CostModel::kFilterRow * (sel < 1 ? j.op_rows : 0);
    t.rows = j.rows;
    t.cost = j.cost + j.rows * CostModel::kRow;
    t.steps.push_back(j);
    return t;
  }

  // The cheapest hash join of two connected parts of the pattern that meet
  // at unbound nodes (among them all of `must_join`), each part planned by
  // the same enumeration from `init`; nothing if there is no such split.
  std::optional<Partial> bestHashJoin(const Pattern& p, const Partial& init, uint64_t must_join) {
    const size_t n_rels = p.g->rels.size();
    const uint64_t isolated = p.all_nodes & ~endsOf(p, p.all_rels);
    std::unordered_map<uint64_t, std::optional<Partial>> sides;  // by relationships
    auto side = [&](uint64_t rels, uint64_t nodes) -> const std::optional<Partial>& {
      auto it = sides.find(rels);
      if (it != sides.end()) return it->second;
      return sides.emplace(rels, enumerateTo(p, init, nodes, rels)).first->second;
    };
    std::optional<Partial> best;
    for (uint64_t a = 1; a + 1 < (uint64_t{1} << n_rels); ++a) {
      const uint64_t b = p.all_rels & ~a;
      const uint64_t a_nodes = endsOf(p, a) | isolated, b_nodes = endsOf(p, b);
      const uint64_t join = a_nodes & b_nodes & ~init.nodes;
      if (join == 0 || (join & must_join) != must_join) continue;
      if (!connected(p, a) || !connected(p, b)) continue;
      const auto& pa = side(a, a_nodes);
      if (!pa) continue;
      const auto& pb = side(b, b_nodes);
      if (!pb) continue;
      Partial t = joined(p, init, *pa, *pb, join);
      if (!best || t.cost < best->cost) best = std::move(t);
    }
    return best;
  }

  // ---- access paths -------------------------------------------------------

  std::vector<Access> accessPaths(Pattern& p, size_t i, const std::vector<const BoundExpr*>& where,
                                  const std::vector<ast::Hint>& hints) {
    const PatternNode& n = p.g->nodes[i];
    std::vector<Access> out;
    auto independent = [&](const BoundExpr& e) {
      std::set<int> reads;
      collectSlots(e, reads);
      return std::none_of(reads.begin(), reads.end(), [&](int s) { return p.own_slots.count(s) > 0; });
    };
    // Indexed equalities: inline properties and WHERE n.key = expr.
    std::vector<std::pair<std::string, const BoundExpr*>> equalities;
    std::vector<int> equality_pending;
    for (size_t k = 0; k < p.pending.size(); ++k) {
      const BoundExpr* w = p.pending[k].expr;
      if (w->kind != BoundKind::kCompare || w->ops.size() != 1 || w->ops[0] != ast::CompareOp::kEq) continue;
      for (int side = 0; side < 2; ++side) {
        const BoundExpr& prop = *w->children[side];
        const BoundExpr& other = *w->children[1 - side];
        if (prop.kind != BoundKind::kProperty || prop.children[0]->kind != BoundKind::kSlot ||
            prop.children[0]->slot != n.slot || !independent(other)) {
          continue;
        }
        equalities.emplace_back(prop.name, &other);
        equality_pending.push_back(static_cast<int>(k));
        break;
      }
    }
    (void)where;
    for (const auto& label : n.labels) {
      auto lid = graph_.catalog().labels().find(label);
      if (!lid) continue;
      for (size_t e = 0; e < equalities.size(); ++e) {
        auto kid = graph_.catalog().propertyKeys().find(equalities[e].first);
        if (!kid) continue;
        const PropertyIndex* index = graph_.index(*lid, *kid);
        if (!index) continue;
        Access a;
        a.seek = true;
        a.label = label;
        a.key = equalities[e].first;
        a.value = equalities[e].second;
        a.consumed = equality_pending[e];
        double count = est_.nodeCount({label});
        a.rows = count * est_.selectivity({p.pending[static_cast<size_t>(a.consumed)].expr}, p.entities);
        if (auto v = est_.constant(*a.value); v && a.rows <= kProbeLimit) {
          a.probed = index->equal(*v);
          a.rows = static_cast<double>(a.probed->size());
        }
        out.push_back(std::move(a));
      }
    }
    Access scan;
    if (!n.labels.empty()) {
      scan.label = n.labels.front();
      for (const auto& l : n.labels) {
        if (est_.nodeCount({l}) < est_.nodeCount({scan.label})) scan.label = l;
      }
      scan.rows = est_.nodeCount({scan.label});
    } else {
      scan.rows = est_.nodeCount({});
    }
    out.push_back(scan);

    // Hints fix the access.
    for (const auto& h : hints) {
      if (h.variable != n.name || n.name.empty()) continue;
      if (h.kind == ast::Hint::Kind::kScan) {
        if (std::find(n.labels.begin(), n.labels.end(), h.label) == n.labels.end()) {
          throw Error::badInput("USING SCAN " + h.variable + ":" + h.label +
                                " cannot be honoured: the pattern does not give " + h.variable +
                                " the label " + h.label);
        }
        Access a;
        a.label = h.label;
        a.rows = est_.nodeCount({h.label});
        out = {a};
      } else if (h.kind == ast::Hint::Kind::kIndex) {
        std::string key = h.properties.empty() ? "" : h.properties.front();
        auto it = std::find_if(out.begin(), out.end(), [&](const Access& a) {
          return a.seek && a.label == h.label && a.key == key;
        });
        if (it == out.end()) {
          auto lid = graph_.catalog().labels().find(h.label);
          auto kid = graph_.catalog().propertyKeys().find(key);
          bool has_index = lid && kid && graph_.index(*lid, *kid);
          throw Error::badInput("USING INDEX " + h.variable + ":" + h.label + "(" + key +
                                ") cannot be honoured: " +
                                (has_index ? "no equality on " + h.variable + "." + key +
                                                 " that an index seek can answer"
                                           : "there is no index on :" + h.label + "(" + key + ")"));
        }
        Access a = *it;
        out = {a};
      } else {
        continue;  // USING JOIN: planPattern
      }
      p.hinted[i] = true;
    }
    return out;
  }

  // The non-property side of the equality a seek answers.
  static const BoundExpr* seekValue(const Pattern& p, const Access& a, int slot) {
    const BoundExpr* w = p.pending.at(static_cast<size_t>(a.consumed)).expr;
    for (int side = 0; side < 2; ++side) {
      const BoundExpr& prop = *w->children[static_cast<size_t>(side)];
      if (prop.kind == BoundKind::kProperty && prop.children[0]->kind == BoundKind::kSlot &&
          prop.children[0]->slot == slot && prop.name == a.key) {
        return w->children[static_cast<size_t>(1 - side)].get();
      }
    }
    throw Error::internal("planner v2: a cached seek no longer matches its predicate");
  }

  // ---- annotations for the operators around patterns -------------------------

  std::optional<double> constantNumber(const BoundExpr* e) const {
    if (!e) return std::nullopt;
    auto v = est_.constant(*e);
    if (v && v->isNumber()) return v->asNumber();
    return std::nullopt;
  }

  // Fills estimates of operators that have none (bottom-up); returns the
  // root's rows. `argument_rows`: rows an Argument leaf yields in total.
  double annotate(Operator& op, double argument_rows) {
    if (op.estimated_rows >= 0) return op.estimated_rows;
    std::vector<double> kids;
    for (size_t i = 0; i < op.children().size(); ++i) {
      double arg = argument_rows;
      if (i == 1 && dynamic_cast<ApplyOp*>(&op)) arg = kids[0];
      kids.push_back(annotate(*op.child(i), arg));
    }
    double in = kids.empty() ? argument_rows : kids[0];
    double cost_in = 0;
    for (const auto& c : op.children()) cost_in += std::max(0.0, c->estimated_cost);
    double rows = in;
    if (dynamic_cast<ArgumentOp*>(&op)) {
      rows = argument_rows;
    } else if (auto* agg = dynamic_cast<AggregateOp*>(&op)) {
      if (agg->keys().empty()) {
        rows = 1;
      } else {
        // Groups: at most the distinct values of the keys; a key on a node
        // of a pattern has at most as many as rows when it was bound.
        double groups = 1;
        for (const auto& [slot, e] : agg->keys()) {
          const BoundExpr* x = e;
          if (x->kind == BoundKind::kProperty && !x->children.empty()) x = x->children[0].get();
          auto it = x->kind == BoundKind::kSlot ? slot_rows_.find(x->slot) : slot_rows_.end();
          groups *= it != slot_rows_.end() ? std::max(1.0, it->second) : std::pow(in, 0.75);
          if (groups > in) break;
        }
        rows = std::max(1.0, std::min(in, groups));
      }
    } else if (auto* sort = dynamic_cast<SortOp*>(&op)) {
      if (auto l = constantNumber(sort->limitExpr())) rows = std::min(in, *l);
    } else if (auto* lim = dynamic_cast<SkipLimitOp*>(&op)) {
      double skip = constantNumber(lim->skipExpr()).value_or(0);
      rows = std::max(0.0, in - skip);
      if (auto l = constantNumber(lim->limitExpr())) rows = std::min(rows, *l);
    } else if (dynamic_cast<FilterOp*>(&op)) {
      rows = in * DefaultSelectivity::kOther;
    } else if (auto* apply = dynamic_cast<ApplyOp*>(&op)) {
      rows = apply->name() == "Optional" ? std::max(kids[0], kids[1]) : kids[1];
    } else if (dynamic_cast<UnionOp*>(&op)) {
      rows = kids[0] + kids[1];
    } else if (dynamic_cast<UnwindOp*>(&op)) {
      rows = in * 10;
    } else if (dynamic_cast<DistinctOp*>(&op)) {
      rows = std::max(1.0, std::min(in, std::pow(in, 0.9)));
    }
    op.estimated_rows = rows;
    op.estimated_cost = cost_in + in * CostModel::kRow;
    return rows;
  }

  // Under a LIMIT, pipelined operators stop early: scale their estimates by
  // the share of rows the limit lets through.
  void scaleUnderLimits(Operator& op) {
    auto* lim = dynamic_cast<SkipLimitOp*>(&op);
    if (lim && op.child() && op.child()->estimated_rows > 0) {
      double want = op.estimated_rows + constantNumber(lim->skipExpr()).value_or(0);
      double have = op.child()->estimated_rows;
      if (want < have) scaleChain(*op.child(), want / have);
    }
    for (const auto& c : op.children()) scaleUnderLimits(*c);
  }

  static bool blocking(const Operator& op) {
    return dynamic_cast<const SortOp*>(&op) || dynamic_cast<const AggregateOp*>(&op) ||
           dynamic_cast<const EagerOp*>(&op);
  }

  void scaleChain(Operator& op, double f) {
    // A row that is produced at all is produced whole.
    op.estimated_rows = std::max(op.estimated_rows * f, std::min(op.estimated_rows, 1.0));
    if (dynamic_cast<HashJoinOp*>(&op)) {
      // The build side is read whole before the first row.
      double build = std::max(0.0, op.child(1)->estimated_cost);
      op.estimated_cost = build + (op.estimated_cost - build) * f;
    } else {
      op.estimated_cost *= f;
    }
    if (blocking(op) || op.children().empty()) return;
    // Leaves and Argument inputs of the chain produce (a share of) their rows too.
    scaleChain(*op.child(0), f);
  }

  CardinalityEstimator est_;
  const Parameters& params_;
  std::shared_ptr<const PlanChoiceCache::Entry> cached_;
  PlanChoiceCache::Entry recording_;
  std::map<int, double> slot_rows_;  // node slot → estimated rows when it was bound
  size_t pattern_index_ = 0;
  std::unordered_map<uint64_t, double> sel_cache_;  // per pattern
  std::unordered_map<uint64_t, double> cache_;      // per pattern
  std::map<std::vector<std::string>, double> rel_counts_;
  double optional_outer_ = -1;
};

OperatorPtr PlannerV2::planPattern(OperatorPtr input, const QueryGraph& g,
                                   const std::vector<const BoundExpr*>& where,
                                   const std::vector<ast::Hint>& hints) {
  if (g.nodes.size() > 64 || g.rels.size() > 64) {
    throw Error::badInput("planner v2: a pattern may have at most 64 nodes and 64 relationships");
  }
  Pattern p;
  p.g = &g;
  p.estimate = !in_subplan_;
  if (dynamic_cast<ArgumentOp*>(input.get()) && input->estimated_rows < 0) {
    p.input_rows = optional_outer_ >= 0 ? optional_outer_ : 1.0;
    optional_outer_ = -1;
    if (p.estimate) {
      input->estimated_rows = p.input_rows;
      input->estimated_cost = 0;
    }
  } else {
    p.input_rows = annotate(*input, 1.0);
  }
  // Replaying remembered choices needs no estimates.
  const size_t pattern_index = pattern_index_++;
  const PatternChoice* replay = nullptr;
  if (cached_ && pattern_index < cached_->patterns.size()) replay = &cached_->patterns[pattern_index];
  for (const auto& n : g.nodes) {
    if (!n.bound) p.own_slots.insert(n.slot);
    if (!replay) p.entities[n.slot] = SlotEntity{true, n.labels};
  }
  for (const auto& r : g.rels) {
    if (!r.bound) p.own_slots.insert(r.slot);
    if (!replay) p.entities[r.slot] = SlotEntity{false, r.types};
  }
  for (const auto& path : g.paths) {
    if (path.slot >= 0) p.own_slots.insert(path.slot);
  }
  // Hints must name a variable of this pattern.
  uint64_t join_hint = 0;  // USING JOIN ON: the pattern nodes named
  std::string join_text;
  for (const auto& h : hints) {
    if (h.kind != ast::Hint::Kind::kJoin) {
      bool found = std::any_of(g.nodes.begin(), g.nodes.end(),
                               [&](const PatternNode& n) { return n.name == h.variable; });
      if (!found) {
        throw Error::badInput("hint on " + h.variable +
                              " cannot be honoured: it is not a node of this pattern");
      }
      continue;
    }
    join_text = "USING JOIN ON ";
    for (size_t k = 0; k < h.join_variables.size(); ++k) join_text += (k ? ", " : "") + h.join_variables[k];
    for (const auto& v : h.join_variables) {
      auto it = std::find_if(g.nodes.begin(), g.nodes.end(), [&](const PatternNode& n) { return n.name == v; });
      if (it == g.nodes.end()) {
        throw Error::badInput(join_text + " cannot be honoured: " + v + " is not a node of this pattern");
      }
      if (it->bound) {
        throw Error::badInput(join_text + " cannot be honoured: " + v +
                              " is bound by an earlier clause, not matched by this pattern");
      }
      join_hint |= uint64_t{1} << (it - g.nodes.begin());
    }
  }

  auto addPending = [&](const BoundExpr* e) {
    use(e);
    std::set<int> reads;
    collectSlots(*e, reads);
    Pending pd{e, {}};
    for (int s : reads) {
      if (p.own_slots.count(s)) pd.needs.insert(s);
    }
    p.pending.push_back(std::move(pd));
  };
  for (const auto& n : g.nodes) {
    for (const auto& [key, value] : n.properties) {
      use(value.get());
      addPending(propertyEquals(n.slot, n.name, key, value.get()));
    }
  }
  for (const auto& r : g.rels) {
    if (r.var_length) continue;
    for (const auto& [key, value] : r.properties) {
      use(value.get());
      addPending(propertyEquals(r.slot, r.name, key, value.get()));
    }
  }
  for (const BoundExpr* w : where) addPending(w);
  sel_cache_.clear();
  cache_.clear();
  for (auto& pd : p.pending) {
    for (int s : pd.needs) {
      bool known = false;
      for (size_t i = 0; i < g.nodes.size(); ++i) {
        if (g.nodes[i].slot == s) pd.node_mask |= uint64_t{1} << i, known = true;
      }
      for (size_t r = 0; r < g.rels.size(); ++r) {
        if (g.rels[r].slot == s) pd.rel_mask |= uint64_t{1} << r, known = true;
      }
      if (!known) pd.at_end = true;  // a path variable
    }
  }

  p.hinted.assign(g.nodes.size(), false);
  p.access.resize(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    p.all_nodes |= uint64_t{1} << i;
    if (!g.nodes[i].bound && !replay) p.access[i] = accessPaths(p, i, where, hints);
  }
  p.shortest.assign(g.rels.size(), false);
  p.all_shortest.assign(g.rels.size(), false);
  p.observable_list.assign(g.rels.size(), false);
  for (size_t r = 0; r < g.rels.size(); ++r) {
    p.all_rels |= uint64_t{1} << r;
    p.observable_list[r] = g.rels[r].var_length && !g.rels[r].name.empty();
  }
  p.prunable.assign(g.rels.size(), false);
  if (g.rels.size() == 1 && distinct_after_ && !in_subplan_) {
    const PatternRel& rel = g.rels[0];
    p.prunable[0] = rel.var_length && !rel.bound && rel.name.empty() && rel.min_hops <= 1 &&
                    rel.max_hops >= 1 && !rel.properties_map;
  }
  for (const auto& path : g.paths) {
    for (int r : path.rels) {
      if (path.slot >= 0 || path.kind != ast::PatternPart::Kind::kNormal) {
        p.prunable[static_cast<size_t>(r)] = false;
      }
      if (path.kind != ast::PatternPart::Kind::kNormal) p.shortest[static_cast<size_t>(r)] = true;
      if (path.kind == ast::PatternPart::Kind::kAllShortestPaths) p.all_shortest[static_cast<size_t>(r)] = true;
      if (path.slot >= 0) p.observable_list[static_cast<size_t>(r)] = true;
    }
  }

  Partial init;
  init.rows = p.input_rows;
  init.arrived_by.fill(-1);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].bound) init.nodes |= uint64_t{1} << i;
  }
  double init_sel = replay ? 1.0 : placeReady(p, init, -1);
  Partial best;
  std::vector<Step> steps;
  if (replay) {
    steps = replay->steps;
    best.rows = replay->rows;
    best.cost = replay->cost;
  } else {
    // A hash join needs both sides opened with the pattern's own argument:
    // the pattern must be matched from the argument, not per earlier row.
    const bool can_join = p.estimate && dynamic_cast<ArgumentOp*>(input.get()) != nullptr;
    if (join_hint != 0) {
      if (!can_join) {
        throw Error::badInput(join_text + " cannot be honoured: a hash join is only planned for a "
                              "pattern matched from the start of a query or an OPTIONAL MATCH");
      }
      if (g.rels.size() > kMaxJoinRels) {
        throw Error::badInput(join_text + " cannot be honoured: the pattern has more than " +
                              std::to_string(kMaxJoinRels) + " relationships");
      }
      auto hj = bestHashJoin(p, init, join_hint);
      if (!hj) {
        throw Error::badInput(join_text + " cannot be honoured: the pattern cannot be split into two "
                              "connected parts that both match it");
      }
      best = std::move(*hj);
    } else {
      best = enumerate(p, init);
      if (can_join && g.rels.size() <= kExhaustiveRels && hasCycle(p)) {
        if (auto hj = bestHashJoin(p, init, 0); hj && hj->cost < best.cost) best = std::move(*hj);
      }
    }
    steps.assign(best.steps.begin(), best.steps.end());
    // Record the choices with their own copies of the access paths.
    PatternChoice choice;
    choice.rows = best.rows;
    choice.cost = best.cost;
    choice.accesses.reserve(steps.size());
    for (const Step& st : steps) {
      if (st.kind == Step::Kind::kStart) choice.accesses.push_back(*st.access);
    }
    size_t k = 0;
    for (Step st : steps) {
      if (st.kind == Step::Kind::kStart) st.access = &choice.accesses[k++];
      choice.steps.push_back(st);
    }
    if (recording_.patterns.size() == pattern_index) recording_.patterns.push_back(std::move(choice));
  }

  // ---- build the operators along the chosen steps (as v1 builds its own) ----
  OperatorPtr op = std::move(input);
  std::vector<bool> placed(p.pending.size(), false);
  std::vector<bool> matched(g.nodes.size(), false), labels_checked(g.nodes.size(), false);
  std::set<int> bound_slots;
  std::vector<int> unique_slots;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].bound) matched[i] = true;
  }
  auto placeFilters = [&](double rows, double cost) {
    std::vector<const BoundExpr*> ready;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (matched[i] && !labels_checked[i]) {
        labels_checked[i] = true;
        if (!g.nodes[i].labels.empty()) {
          ready.push_back(hasLabels(g.nodes[i].slot, g.nodes[i].name, g.nodes[i].labels));
        }
      }
    }
    for (size_t k = 0; k < p.pending.size(); ++k) {
      if (placed[k]) continue;
      bool ok = std::all_of(p.pending[k].needs.begin(), p.pending[k].needs.end(),
                            [&](int s) { return bound_slots.count(s) > 0; });
      if (ok) {
        placed[k] = true;
        ready.push_back(p.pending[k].expr);
      }
    }
    if (ready.empty()) return;
    op = wrap(std::make_unique<FilterOp>(ready), std::move(op));
    if (p.estimate) {
      op->estimated_rows = rows;
      op->estimated_cost = cost;
    }
  };
  auto setEstimate = [&](double rows, double cost) {
    if (!p.estimate) return;
    op->estimated_rows = rows;
    op->estimated_cost = cost;
  };
  placeFilters(p.input_rows * init_sel, 0);

  // A hash join's build side is a pipeline of its own from the argument,
  // placing its own filters; the probe side's state waits here.
  struct Side {
    OperatorPtr op;
    std::vector<bool> placed, matched, labels_checked;
    std::set<int> bound_slots;
    std::vector<int> unique_slots;
  };
  std::optional<Side> initial, probe;
  if (std::any_of(steps.begin(), steps.end(), [](const Step& st) { return st.kind == Step::Kind::kBuild; })) {
    initial = Side{nullptr, placed, matched, labels_checked, bound_slots, unique_slots};
  }
  for (const Step& st : steps) {
    if (st.kind == Step::Kind::kBuild) {
      probe = Side{std::move(op), placed, matched, labels_checked, bound_slots, unique_slots};
      op = argument();
      if (p.estimate) {
        op->estimated_rows = p.input_rows;
        op->estimated_cost = 0;
      }
      placed = initial->placed;
      matched = initial->matched;
      labels_checked = initial->labels_checked;
      bound_slots = initial->bound_slots;
      unique_slots = initial->unique_slots;
      continue;
    }
    if (st.kind == Step::Kind::kJoin) {
      if (!probe) throw Error::internal("planner v2: a hash join without a build side");
      std::vector<int> join_slots, build_slots(bound_slots.begin(), bound_slots.end());
      std::string names;
      for (size_t i = 0; i < g.nodes.size(); ++i) {
        if (!(st.join_nodes >> i & 1)) continue;
        join_slots.push_back(g.nodes[i].slot);
        names += (names.empty() ? "" : ", ") + g.nodes[i].name;
      }
      auto join = std::make_unique<HashJoinOp>(join_slots, build_slots, probe->unique_slots, unique_slots);
      join->addChild(std::move(probe->op));
      join->addChild(std::move(op));
      op = std::move(join);
      op->setDescription("on " + names);
      if (!cached_) {
        plan_.hints.push_back("hash join on " + names + ": build side est. " +
                              fixed1(op->child(1)->estimated_rows) + " row(s), probe side est. " +
                              fixed1(op->child(0)->estimated_rows) + " row(s)");
      }
      for (size_t k = 0; k < placed.size(); ++k) placed[k] = placed[k] || probe->placed[k];
      for (size_t i = 0; i < matched.size(); ++i) {
        matched[i] = matched[i] || probe->matched[i];
        labels_checked[i] = labels_checked[i] || probe->labels_checked[i];
      }
      bound_slots.insert(probe->bound_slots.begin(), probe->bound_slots.end());
      unique_slots.insert(unique_slots.begin(), probe->unique_slots.begin(), probe->unique_slots.end());
      probe.reset();
      setEstimate(st.op_rows, st.op_cost);
      placeFilters(st.rows, st.cost);
      continue;
    }
    if (st.kind == Step::Kind::kStart) {
      const PatternNode& n = g.nodes[static_cast<size_t>(st.node)];
      const Access& a = *st.access;
      if (a.seek) {
        // The value expression belongs to this compile's bound query: take
        // it from the predicate the seek answers.
        const BoundExpr* value = seekValue(p, a, n.slot);
        op = wrap(std::make_unique<IndexSeekOp>(n.slot, a.label, a.key, use(value)), std::move(op));
        op->setDescription("(" + n.name + ":" + a.label + " {" + a.key + ": " + value->text + "})");
        if (!cached_) {
          plan_.hints.push_back("start " + (n.name.empty() ? std::string("node") : n.name) +
                                ": index seek on :" + a.label + "(" + a.key + "), est. " +
                                fixed1(a.rows) + " row(s)" + (a.probed ? " (probed)" : ""));
        }
      } else {
        op = wrap(std::make_unique<NodeScanOp>(n.slot, a.label), std::move(op));
        op->setDescription("(" + n.name + (a.label.empty() ? "" : ":" + a.label) + ")");
        if (!cached_) {
          plan_.hints.push_back("start " + (n.name.empty() ? std::string("node") : n.name) + ": " +
                                (a.label.empty() ? "all-nodes scan" : "label scan on :" + a.label) +
                                ", est. " + fixed1(a.rows) + " row(s)");
        }
      }
      setEstimate(st.op_rows, st.op_cost);
      matched[static_cast<size_t>(st.node)] = true;
      bound_slots.insert(n.slot);
      if (p.estimate) slot_rows_[n.slot] = st.rows;
      if (n.labels.size() == 1) labels_checked[static_cast<size_t>(st.node)] = true;
      placeFilters(st.rows, st.cost);
      continue;
    }
    const size_t r = static_cast<size_t>(st.rel);
    const PatternRel& rel = g.rels[r];
    std::string text = describeRel(g, rel, st.from_left);
    if (p.shortest[r]) {
      auto sp = std::make_unique<ShortestPathOp>(g.nodes[static_cast<size_t>(rel.left)].slot, rel.slot,
                                                 g.nodes[static_cast<size_t>(rel.right)].slot,
                                                 rel.types, rel.dir, rel.min_hops, rel.max_hops,
                                                 p.all_shortest[r]);
      sp->setBidirectional();
      op = wrap(std::move(sp), std::move(op));
      if (!cached_) {
        plan_.hints.push_back("shortest path " + text +
                              ": searched from both ends, the smaller frontier first");
      }
    } else {
      int from = g.nodes[static_cast<size_t>(st.from_left ? rel.left : rel.right)].slot;
      int to = g.nodes[static_cast<size_t>(st.from_left ? rel.right : rel.left)].slot;
      Dir dir = st.from_left ? rel.dir : reverse(rel.dir);
      if (rel.var_length && rel.bound) {
        op = wrap(std::make_unique<FollowRelListOp>(from, rel.slot, to, rel.types, dir, st.into),
                  std::move(op));
      } else if (rel.var_length) {
        std::vector<std::pair<std::string, const BoundExpr*>> props;
        for (const auto& [k, v] : rel.properties) props.emplace_back(k, use(v.get()));
        auto expand = std::make_unique<VarExpandOp>(from, rel.slot, to, rel.types, dir,
                                                    rel.min_hops, rel.max_hops, st.into,
                                                    unique_slots, std::move(props));
        if (p.prunable[r] && !st.into) {
          expand->setDistinctEnds();
          plan_.hints.push_back("variable-length " + text +
                                ": each end once (only a DISTINCT reads the rows)");
        }
        op = wrap(std::move(expand), std::move(op));
      } else {
        auto expand = std::make_unique<ExpandOp>(from, rel.slot, to, rel.types, dir, st.into,
                                                 unique_slots);
        if (rel.bound) expand->setBoundRel();
        if (st.into) expand->setIntoFromSmallerSide();
        op = wrap(std::move(expand), std::move(op));
      }
      matched[static_cast<size_t>(st.from_left ? rel.right : rel.left)] = true;
      bound_slots.insert(to);
      if (p.estimate && !st.into) slot_rows_[to] = st.rows;
    }
    op->setDescription(text);
    setEstimate(st.op_rows, st.op_cost);
    unique_slots.push_back(rel.slot);
    bound_slots.insert(rel.slot);
    placeFilters(st.rows, st.cost);
  }

  for (const auto& path : g.paths) {
    if (path.slot < 0) continue;
    std::vector<BuildPathOp::Step> steps;
    for (int r : path.rels) {
      steps.push_back({g.rels[static_cast<size_t>(r)].slot,
                       g.rels[static_cast<size_t>(r)].var_length || p.shortest[static_cast<size_t>(r)]});
    }
    op = wrap(std::make_unique<BuildPathOp>(path.slot, g.nodes[static_cast<size_t>(path.nodes[0])].slot,
                                            std::move(steps)),
              std::move(op));
    setEstimate(best.rows, best.cost);
    bound_slots.insert(path.slot);
  }
  std::vector<const BoundExpr*> rest;
  for (size_t k = 0; k < p.pending.size(); ++k) {
    if (!placed[k]) rest.push_back(p.pending[k].expr);
  }
  if (!rest.empty()) {
    op = wrap(std::make_unique<FilterOp>(rest), std::move(op));
    setEstimate(best.rows * est_.selectivity(rest, p.entities), best.cost);
  }
  return op;
}

}  // namespace

Plan planQueryV2(const BoundQuery& query, const Graph& graph, const Parameters& params,
                 const stats::GraphStatistics* stats, const std::string& stats_note,
                 PlanChoiceCache* cache, const std::string& cache_key) {
  Plan plan;
  PlannerV2 planner(query, graph, plan, params, stats);
  std::shared_ptr<const PlanChoiceCache::Entry> hit = cache ? cache->find(cache_key) : nullptr;
  if (hit) {
    planner.useCached(hit);  // its hints replace these
  } else {
    plan.hints.push_back("planner: v2 (cost-based)");
    if (!stats_note.empty()) plan.hints.push_back(stats_note);
  }
  planner.plan();
  planner.finish();
  if (cache && !hit) {
    cache->put(cache_key, std::make_shared<PlanChoiceCache::Entry>(std::move(planner.recording())));
  }
  return plan;
}

}  // namespace maestro::engine
