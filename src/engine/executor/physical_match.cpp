// Operators that find nodes and walk relationships: scans, index seeks,
// expansions (single, variable-length, shortest path) and path building.
#include <algorithm>
#include <functional>
#include <unordered_map>

#include "common/error.h"
#include "engine/common/errors.h"
#include "engine/executor/physical_operators.h"

namespace maestro::engine {
namespace {

// Resolves relationship type names against the catalog. Unknown names
// match nothing; if every name is unknown, nothing matches at all.
void resolveTypes(const Graph& graph, const std::vector<std::string>& names,
                  std::vector<RelTypeId>& ids, bool& none) {
  ids.clear();
  none = false;
  for (const auto& n : names) {
    if (auto id = graph.catalog().relTypes().find(n)) ids.push_back(*id);
  }
  none = !names.empty() && ids.empty();
}

std::string typeList(const std::vector<std::string>& types) {
  std::string s;
  for (const auto& t : types) s += (s.empty() ? ":" : "|:") + t;
  return s;
}

std::string dirArrow(Dir d) {
  return d == Dir::kOut ? "->" : d == Dir::kIn ? "<-" : "--";
}

// Whether the relationship `rel` is already used in one of `slots` (single
// relationships or lists of them).
bool usedIn(const Row& row, const std::vector<int>& slots, RelId rel) {
  for (int s : slots) {
    const Value& v = row[s];
    if (v.isRel()) {
      if (v.relId() == rel) return true;
    } else if (v.isList()) {
      for (const auto& r : v.asList()) {
        if (r.isRel() && r.relId() == rel) return true;
      }
    }
  }
  return false;
}

}  // namespace

// ---- Argument ---------------------------------------------------------------

void ArgumentOp::open(ExecContext&, const Row& argument) {
  argument_ = argument;
  done_ = false;
}

bool ArgumentOp::next(ExecContext&, Row& row) {
  if (done_) return false;
  done_ = true;
  row = argument_;
  return true;
}

// ---- NodeScan ---------------------------------------------------------------

void NodeScanOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  label_missing_ = false;
  label_id_.reset();
  if (!label_.empty()) {
    label_id_ = ctx.graph.catalog().labels().find(label_);
    label_missing_ = !label_id_.has_value();
  }
  have_input_ = false;
}

void NodeScanOp::close() {
  Operator::close();
  releaseMemory(nodes_);
}

std::string NodeScanOp::details() const { return label_.empty() ? "" : ":" + label_; }

bool NodeScanOp::next(ExecContext& ctx, Row& row) {
  const Graph& g = ctx.graph;
  for (;;) {
    if (!have_input_) {
      if (!child()->pull(ctx, input_)) return false;
      have_input_ = true;
      pos_ = 0;
      next_id_ = 0;
      nodes_.clear();
      if (label_id_) nodes_ = g.nodesWithLabel(*label_id_);
    }
    if (label_missing_) {
      have_input_ = false;
      continue;
    }
    if (label_id_) {
      while (pos_ < nodes_.size()) {
        NodeId id = nodes_[pos_++];
        if (!g.nodeAlive(id)) continue;
        row = input_;
        row[slot_] = Value::node(id);
        return true;
      }
    } else {
      while (next_id_ < g.nodeIdLimit()) {
        NodeId id = next_id_++;
        if (!g.nodeAlive(id)) continue;
        ctx.checkDeadline();
        row = input_;
        row[slot_] = Value::node(id);
        return true;
      }
    }
    have_input_ = false;
  }
}

// ---- IndexSeek --------------------------------------------------------------

std::string IndexSeekOp::details() const {
  return ":" + label_ + "(" + key_ + ") = " + value_->text;
}

void IndexSeekOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  have_input_ = false;
}

void IndexSeekOp::close() {
  Operator::close();
  releaseMemory(nodes_);
  releaseMemory(input_);
}

bool IndexSeekOp::next(ExecContext& ctx, Row& row) {
  const Graph& g = ctx.graph;
  for (;;) {
    if (!have_input_) {
      if (!child()->pull(ctx, input_)) return false;
      have_input_ = true;
      pos_ = 0;
      nodes_.clear();
      Value v = evaluate(*value_, input_, ctx.eval);
      auto label = g.catalog().labels().find(label_);
      auto key = g.catalog().propertyKeys().find(key_);
      if (!v.isNull() && label && key) {
        if (const PropertyIndex* index = g.index(*label, *key)) {
          nodes_ = index->equal(v);
        } else {
          for (NodeId id : g.nodesWithLabel(*label)) {
            const Value* p = g.nodeAlive(id) ? g.node(id).properties.get(*key) : nullptr;
            if (p != nullptr && cypherEquals(*p, v).value_or(false)) nodes_.push_back(id);
          }
        }
      }
    }
    while (pos_ < nodes_.size()) {
      NodeId id = nodes_[pos_++];
      if (!g.nodeAlive(id)) continue;
      row = input_;
      row[slot_] = Value::node(id);
      return true;
    }
    have_input_ = false;
  }
}

// ---- Expand -----------------------------------------------------------------

void ExpandOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  resolveTypes(ctx.graph, types_, type_ids_, no_type_matches_);
  have_input_ = false;
  last_walk_ = kNoWalk;
}

void ExpandOp::close() {
  Operator::close();
  releaseMemory(adjacent_);
  releaseMemory(input_);
}

std::string ExpandOp::details() const {
  return "(" + std::to_string(from_) + ")" + (dir_ == Dir::kIn ? "<" : "") + "-[" +
         typeList(types_) + "]-" + (dir_ == Dir::kOut ? ">" : "") + "(" + std::to_string(to_) +
         ")";
}

bool ExpandOp::next(ExecContext& ctx, Row& row) {
  for (;;) {
    if (!have_input_) {
      if (!child()->pull(ctx, input_)) return false;
      const Value& from = input_[from_];
      if (no_type_matches_ || !from.isNode() || !ctx.graph.nodeAlive(from.nodeId())) continue;
      if (into_ && !input_[to_].isNode()) continue;
      adjacent_.clear();
      NodeId walk = from.nodeId();
      NodeId want = into_ ? input_[to_].nodeId() : 0;
      Dir walk_dir = dir_;
      if (into_ && smaller_side_ && walk != want) {
        // Degrees per direction are O(1) on the CSR; kBoth adds both.
        auto deg = [&](NodeId n, Dir d) {
          if (d == Dir::kBoth) {
            return ctx.graph.degree(n, Dir::kOut, type_ids_) + ctx.graph.degree(n, Dir::kIn, type_ids_);
          }
          return ctx.graph.degree(n, d, type_ids_);
        };
        // A few relationships are walked sooner than the other side's
        // degree is looked up.
        constexpr size_t kWalkAnyway = 8;
        // The walking end is often the same row after row (the start of a
        // pattern predicate): its degree is looked up once.
        if (walk != last_walk_) {
          last_walk_ = walk;
          last_walk_degree_ = deg(walk, dir_);
        }
        Dir back = dir_ == Dir::kOut ? Dir::kIn : dir_ == Dir::kIn ? Dir::kOut : Dir::kBoth;
        size_t here = last_walk_degree_;
        if (here > kWalkAnyway && deg(want, back) < here) {
          std::swap(walk, want);
          walk_dir = back;
        }
      }
      ctx.graph.forEachAdjacent(walk, walk_dir, type_ids_, [&](const Adjacent& a) {
        if (!into_ || a.other == want) adjacent_.push_back(a);
        return true;
      });
      pos_ = 0;
      have_input_ = true;
    }
    while (pos_ < adjacent_.size()) {
      const Adjacent& a = adjacent_[pos_++];
      if (bound_rel_ && !(input_[rel_].isRel() && input_[rel_].relId() == a.rel)) continue;
      if (!unique_slots_.empty() && usedIn(input_, unique_slots_, a.rel)) continue;
      row = input_;
      row[rel_] = Value::rel(a.rel);
      if (!into_) row[to_] = Value::node(a.other);
      return true;
    }
    have_input_ = false;
  }
}

// ---- VarLengthExpand ----------------------------------------------------------

void VarExpandOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  resolveTypes(ctx.graph, types_, type_ids_, no_type_matches_);
  have_input_ = false;
  stack_.clear();
}

void VarExpandOp::close() {
  Operator::close();
  releaseMemory(ends_);
  releaseMemory(stack_);
  releaseMemory(path_rels_);
  releaseMemory(path_nodes_);
  releaseMemory(input_);
}

std::string VarExpandOp::details() const {
  return "(" + std::to_string(from_) + ")" + dirArrow(dir_) + "[" + typeList(types_) + "*" +
         std::to_string(min_) + ".." + (max_ < 0 ? "" : std::to_string(max_)) + "](" +
         std::to_string(to_) + ")";
}

bool VarExpandOp::relMatches(ExecContext& ctx, RelId rel, Row& row) {
  for (const auto& [key, expr] : rel_props_) {
    Value want = evaluate(*expr, row, ctx.eval);
    Value got = propertyOf(Value::rel(rel), key, ctx.graph.catalog().propertyKeys().find(key),
                           ctx.eval);
    if (!cypherEquals(got, want).value_or(false)) return false;
  }
  return true;
}

void VarExpandOp::reachable(ExecContext& ctx) {
  const Graph& g = ctx.graph;
  ends_.clear();
  end_pos_ = 0;
  const NodeId start = input_[from_].nodeId();
  std::unordered_map<NodeId, int64_t> depth{{start, 0}};
  std::vector<NodeId> frontier{start}, next;
  for (int64_t d = 1; d <= max_ && !frontier.empty(); ++d) {
    next.clear();
    for (NodeId n : frontier) {
      g.forEachAdjacent(n, dir_, type_ids_, [&](const Adjacent& a) {
        ctx.checkDeadline();
        if (depth.count(a.other)) return true;
        if (!unique_slots_.empty() && usedIn(input_, unique_slots_, a.rel)) return true;
        if (!rel_props_.empty() && !relMatches(ctx, a.rel, input_)) return true;
        depth.emplace(a.other, d);
        next.push_back(a.other);
        if (d >= min_) ends_.push_back(a.other);
        return true;
      });
    }
    std::swap(frontier, next);
  }
  if (min_ == 0 || closedTrail(ctx, start)) ends_.insert(ends_.begin(), start);
}

// Is there a trail (no relationship twice) of 1..max_ relationships from
// `start` back to it? Depth-first over trails of up to max_ − 1
// relationships; the last step is a lookup among the start's own
// relationships.
bool VarExpandOp::closedTrail(ExecContext& ctx, NodeId start) {
  const Graph& g = ctx.graph;
  Dir back = dir_ == Dir::kOut ? Dir::kIn : dir_ == Dir::kIn ? Dir::kOut : Dir::kBoth;
  // Relationships arriving at the start, by the node they come from.
  std::unordered_map<NodeId, std::vector<RelId>> into_start;
  g.forEachAdjacent(start, back, type_ids_, [&](const Adjacent& a) {
    if (!unique_slots_.empty() && usedIn(input_, unique_slots_, a.rel)) return true;
    if (!rel_props_.empty() && !relMatches(ctx, a.rel, input_)) return true;
    into_start[a.other].push_back(a.rel);
    return true;
  });
  if (into_start.empty()) return false;
  std::vector<RelId> used;
  std::function<bool(NodeId, int64_t)> dfs = [&](NodeId at, int64_t len) -> bool {
    // Close the trail from here with one more relationship.
    if (len + 1 <= max_) {
      auto it = into_start.find(at);
      if (it != into_start.end()) {
        for (RelId r : it->second) {
          if (std::find(used.begin(), used.end(), r) == used.end()) return true;
        }
      }
    }
    if (len + 2 > max_) return false;
    bool found = false;
    g.forEachAdjacent(at, dir_, type_ids_, [&](const Adjacent& a) {
      ctx.checkDeadline();
      if (std::find(used.begin(), used.end(), a.rel) != used.end()) return true;
      if (!unique_slots_.empty() && usedIn(input_, unique_slots_, a.rel)) return true;
      if (!rel_props_.empty() && !relMatches(ctx, a.rel, input_)) return true;
      used.push_back(a.rel);
      found = dfs(a.other, len + 1);
      used.pop_back();
      return !found;
    });
    return found;
  };
  return dfs(start, 0);
}

bool VarExpandOp::next(ExecContext& ctx, Row& row) {
  const Graph& g = ctx.graph;
  if (distinct_ends_) {
    for (;;) {
      if (have_input_ && end_pos_ < ends_.size()) {
        row = input_;
        row[rel_] = Value();
        row[to_] = Value::node(ends_[end_pos_++]);
        return true;
      }
      have_input_ = false;
      if (!child()->pull(ctx, input_)) return false;
      const Value& from = input_[from_];
      if (no_type_matches_ && min_ > 0) continue;
      if (!from.isNode() || !g.nodeAlive(from.nodeId())) continue;
      if (max_ < min_) continue;
      have_input_ = true;
      reachable(ctx);
    }
  }
  auto expandFrom = [&](NodeId node) {
    Frame f;
    g.forEachAdjacent(node, dir_, type_ids_, [&](const Adjacent& a) {
      f.candidates.push_back(a);
      return true;
    });
    stack_.push_back(std::move(f));
  };
  auto emit = [&](NodeId end) {
    row = input_;
    ValueList rels;
    rels.reserve(path_rels_.size());
    for (RelId r : path_rels_) rels.push_back(Value::rel(r));
    row[rel_] = Value(std::move(rels));
    if (!into_) row[to_] = Value::node(end);
  };
  for (;;) {
    if (!have_input_) {
      if (!child()->pull(ctx, input_)) return false;
      const Value& from = input_[from_];
      if (no_type_matches_ && min_ > 0) continue;
      if (!from.isNode() || !g.nodeAlive(from.nodeId())) continue;
      if (into_ && !input_[to_].isNode()) continue;
      if (max_ >= 0 && max_ < min_) continue;
      have_input_ = true;
      stack_.clear();
      path_rels_.clear();
      path_nodes_.assign(1, from.nodeId());
      emitted_zero_ = false;
      if (max_ != 0 && !no_type_matches_) expandFrom(from.nodeId());
      if (min_ == 0) {
        emitted_zero_ = true;
        if (!into_ || input_[to_].nodeId() == from.nodeId()) {
          emit(from.nodeId());
          return true;
        }
      }
    }
    while (!stack_.empty()) {
      ctx.checkDeadline();
      Frame& f = stack_.back();
      if (f.next >= f.candidates.size()) {
        stack_.pop_back();
        if (!stack_.empty()) {
          path_rels_.pop_back();
          path_nodes_.pop_back();
        }
        continue;
      }
      Adjacent a = f.candidates[f.next++];
      if (std::find(path_rels_.begin(), path_rels_.end(), a.rel) != path_rels_.end()) continue;
      if (!unique_slots_.empty() && usedIn(input_, unique_slots_, a.rel)) continue;
      if (!rel_props_.empty() && !relMatches(ctx, a.rel, input_)) continue;
      path_rels_.push_back(a.rel);
      path_nodes_.push_back(a.other);
      int64_t depth = static_cast<int64_t>(path_rels_.size());
      bool extend = max_ < 0 || depth < max_;
      bool match = depth >= min_ && (!into_ || input_[to_].nodeId() == a.other);
      if (match) emit(a.other);
      if (extend) {
        expandFrom(a.other);
      } else {
        path_rels_.pop_back();
        path_nodes_.pop_back();
      }
      if (match) return true;
    }
    have_input_ = false;
  }
}

// ---- FollowRelList ----------------------------------------------------------------

void FollowRelListOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  resolveTypes(ctx.graph, types_, type_ids_, no_type_matches_);
}

bool FollowRelListOp::next(ExecContext& ctx, Row& row) {
  const Graph& g = ctx.graph;
  while (child()->pull(ctx, row)) {
    const Value& from = row[from_];
    const Value& list = row[list_];
    if (!from.isNode() || !list.isList() || no_type_matches_) continue;
    NodeId at = from.nodeId();
    bool ok = true;
    for (const Value& r : list.asList()) {
      if (!r.isRel() || !g.relAlive(r.relId())) {
        ok = false;
        break;
      }
      const RelRecord& rec = g.rel(r.relId());
      if (!type_ids_.empty() &&
          std::find(type_ids_.begin(), type_ids_.end(), rec.type) == type_ids_.end()) {
        ok = false;
        break;
      }
      if (rec.src == at && dir_ != Dir::kIn) {
        at = rec.dst;
      } else if (rec.dst == at && dir_ != Dir::kOut) {
        at = rec.src;
      } else {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (into_) {
      if (!row[to_].isNode() || row[to_].nodeId() != at) continue;
    } else {
      row[to_] = Value::node(at);
    }
    return true;
  }
  return false;
}

// ---- ShortestPath -------------------------------------------------------------

void ShortestPathOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  resolveTypes(ctx.graph, types_, type_ids_, no_type_matches_);
  have_input_ = false;
}

void ShortestPathOp::close() {
  Operator::close();
  releaseMemory(results_);
  releaseMemory(input_);
}

std::string ShortestPathOp::details() const {
  return "(" + std::to_string(from_) + ")" + dirArrow(dir_) + "[" + typeList(types_) + "*" +
         std::to_string(min_) + ".." + (max_ < 0 ? "" : std::to_string(max_)) + "](" +
         std::to_string(to_) + ")";
}

// Breadth-first search from `from`, level by level, remembering for every
// node reached its predecessors on the previous level; then the paths are
// read backwards from `to` (one for shortestPath, all for allShortestPaths).
void ShortestPathOp::searchFromLeft(ExecContext& ctx, NodeId source, NodeId target) {
  const Graph& g = ctx.graph;
  struct Pred {
    RelId rel;
    NodeId node;
  };
  std::unordered_map<NodeId, std::vector<Pred>> preds;
  std::unordered_map<NodeId, int64_t> depth_of;
  depth_of[source] = 0;
  std::vector<NodeId> frontier{source};
  int64_t depth = 0;
  bool found = false;
  while (!frontier.empty() && !found && (max_ < 0 || depth < max_)) {
    ++depth;
    std::vector<NodeId> next_frontier;
    for (NodeId n : frontier) {
      g.forEachAdjacent(n, dir_, type_ids_, [&](const Adjacent& adj) {
        ctx.checkDeadline();
        auto it = depth_of.find(adj.other);
        if (it == depth_of.end()) {
          depth_of[adj.other] = depth;
          preds[adj.other].push_back({adj.rel, n});
          next_frontier.push_back(adj.other);
        } else if (it->second == depth) {
          preds[adj.other].push_back({adj.rel, n});
        }
        if (adj.other == target) found = true;
        return true;
      });
    }
    frontier = std::move(next_frontier);
  }
  if (!found || depth < min_) return;
  // Walk predecessors back from the target.
  std::vector<RelId> reversed;
  std::function<void(NodeId)> walk = [&](NodeId n) {
    if (n == source) {
      results_.emplace_back(reversed.rbegin(), reversed.rend());
      return;
    }
    for (const Pred& p : preds[n]) {
      if (!all_ && !results_.empty()) return;
      reversed.push_back(p.rel);
      walk(p.node);
      reversed.pop_back();
    }
  };
  walk(target);
}

// Bidirectional breadth-first search: one search from `from` along `dir`,
// one from `to` against it, level by level, each time expanding the side
// whose frontier has fewer relationships to walk (so a hub at one end is
// walked last, if at all). Every node reached remembers its predecessors on
// its side's previous level. The first level on which the searches meet
// fixes the length (no meeting before it: every meeting node on it is at
// the new sum of depths); shortestPath stops at the first meeting node,
// allShortestPaths finishes the level (each shortest path passes through
// exactly one of its meeting nodes). Paths are read back to both ends.
void ShortestPathOp::search(ExecContext& ctx, const Row& row) {
  results_.clear();
  pos_ = 0;
  const Value& a = row[from_];
  const Value& b = row[to_];
  if (!a.isNode() || !b.isNode() || no_type_matches_) return;
  NodeId source = a.nodeId(), target = b.nodeId();
  if (source == target) {
    if (min_ == 0) results_.push_back({});
    return;
  }
  if (!bidirectional_) {
    searchFromLeft(ctx, source, target);
    return;
  }
  const Graph& g = ctx.graph;
  // Predecessors as linked lists in one vector: no allocation per node.
  struct Pred {
    RelId rel;
    NodeId node;
    int32_t next;
  };
  struct Visit {
    int64_t depth;
    int32_t preds;  // first Pred, -1: none
  };
  struct Side {
    Dir dir;
    std::unordered_map<NodeId, Visit> visits;
    std::vector<Pred> preds;
    std::vector<NodeId> frontier;
    int64_t depth = 0;
    size_t work = 0;  // relationships the next level walks (all types: a rough size)
  };
  // Untyped degrees are O(1) on the CSR; typed ones a search per type.
  const std::vector<RelTypeId> any;
  auto degree = [&](NodeId n, Dir d) {
    if (d == Dir::kBoth) return g.degree(n, Dir::kOut, any) + g.degree(n, Dir::kIn, any);
    return g.degree(n, d, any);
  };
  auto begin = [&](Side& s, NodeId n) {
    s.visits.emplace(n, Visit{0, -1});
    s.frontier = {n};
    s.work = degree(n, s.dir);
  };
  Side fwd{dir_}, bwd{dir_ == Dir::kOut ? Dir::kIn : dir_ == Dir::kIn ? Dir::kOut : Dir::kBoth};
  begin(fwd, source);
  begin(bwd, target);
  std::vector<NodeId> meets;
  int64_t length = -1;
  while (!fwd.frontier.empty() && !bwd.frontier.empty() &&
         (max_ < 0 || fwd.depth + bwd.depth < max_)) {
    Side& x = fwd.work <= bwd.work ? fwd : bwd;
    Side& y = &x == &fwd ? bwd : fwd;
    ++x.depth;
    std::vector<NodeId> next;
    size_t work = 0;
    bool stop = false;
    for (NodeId n : x.frontier) {
      g.forEachAdjacent(n, x.dir, type_ids_, [&](const Adjacent& adj) {
        ctx.checkDeadline();
        auto [it, fresh] = x.visits.try_emplace(adj.other, Visit{x.depth, -1});
        if (!fresh && it->second.depth != x.depth) return true;
        x.preds.push_back({adj.rel, n, it->second.preds});
        it->second.preds = static_cast<int32_t>(x.preds.size() - 1);
        if (!fresh) return true;
        next.push_back(adj.other);
        if (y.visits.count(adj.other)) {
          meets.push_back(adj.other);
          if (!all_) stop = true;  // one path is enough: its length is fixed
          return !stop;
        }
        work += degree(adj.other, x.dir);
        return true;
      });
      if (stop) break;
    }
    x.frontier = std::move(next);
    x.work = work;
    if (!meets.empty()) {
      length = fwd.depth + bwd.depth;
      break;
    }
  }
  if (length < 0 || length < min_) return;
  std::vector<RelId> left, right;  // left: meeting node back to source; right: on to target
  NodeId meet = 0;
  std::function<void(NodeId)> toTarget = [&](NodeId n) {
    if (n == target) {
      std::vector<RelId> path(left.rbegin(), left.rend());
      path.insert(path.end(), right.begin(), right.end());
      results_.push_back(std::move(path));
      return;
    }
    for (int32_t i = bwd.visits.at(n).preds; i >= 0; i = bwd.preds[static_cast<size_t>(i)].next) {
      if (!all_ && !results_.empty()) return;
      right.push_back(bwd.preds[static_cast<size_t>(i)].rel);
      toTarget(bwd.preds[static_cast<size_t>(i)].node);
      right.pop_back();
    }
  };
  std::function<void(NodeId)> toSource = [&](NodeId n) {
    if (n == source) {
      toTarget(meet);
      return;
    }
    for (int32_t i = fwd.visits.at(n).preds; i >= 0; i = fwd.preds[static_cast<size_t>(i)].next) {
      if (!all_ && !results_.empty()) return;
      left.push_back(fwd.preds[static_cast<size_t>(i)].rel);
      toSource(fwd.preds[static_cast<size_t>(i)].node);
      left.pop_back();
    }
  };
  for (NodeId m : meets) {
    if (!all_ && !results_.empty()) break;
    meet = m;
    toSource(m);
  }
}

bool ShortestPathOp::next(ExecContext& ctx, Row& row) {
  for (;;) {
    if (!have_input_) {
      if (!child()->pull(ctx, input_)) return false;
      search(ctx, input_);
      have_input_ = true;
    }
    if (pos_ < results_.size()) {
      row = input_;
      ValueList rels;
      for (RelId r : results_[pos_]) rels.push_back(Value::rel(r));
      ++pos_;
      row[rel_] = Value(std::move(rels));
      return true;
    }
    have_input_ = false;
  }
}

// ---- BuildPath ------------------------------------------------------------------

bool BuildPathOp::next(ExecContext& ctx, Row& row) {
  if (!child()->pull(ctx, row)) return false;
  const Value& first = row[first_node_];
  if (!first.isNode()) {
    row[slot_] = Value();
    return true;
  }
  PathValue path;
  path.nodes.push_back(first.nodeId());
  auto step = [&](const Value& r) -> bool {
    if (!r.isRel() || !ctx.graph.relAlive(r.relId())) return false;
    const RelRecord& rec = ctx.graph.rel(r.relId());
    NodeId at = path.nodes.back();
    path.rels.push_back(r.relId());
    path.nodes.push_back(rec.src == at ? rec.dst : rec.src);
    return true;
  };
  for (const Step& s : rels_) {
    const Value& v = row[s.slot];
    bool ok = true;
    if (s.rel_list) {
      if (!v.isList()) ok = false;
      else
        for (const auto& r : v.asList()) ok = ok && step(r);
    } else {
      ok = step(v);
    }
    if (!ok) {
      row[slot_] = Value();
      return true;
    }
  }
  row[slot_] = Value(std::move(path));
  return true;
}

}  // namespace maestro::engine
