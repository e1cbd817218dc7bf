#include "engine/main/database.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <mutex>
#include <random>
#include <thread>
#include <shared_mutex>

#include "common/error.h"
#include "common/log.h"
#include "engine/binder/bind_hook.h"
#include "engine/binder/binder.h"
#include "engine/executor/physical_operators.h"
#include "engine/main/statement_cache.h"
#include "engine/parser/parser.h"
#include "engine/planner/planner.h"
#include "engine/stats/statistics.h"
#include "engine/stats/stats_store.h"
#include "engine/storage/graph_store.h"

namespace maestro::engine {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Runs pattern predicates and comprehensions through their planned operators.
class PlanSubplanRunner final : public SubplanRunner {
 public:
  explicit PlanSubplanRunner(ExecContext*& ctx) : ctx_(ctx) {}
  Value run(const Subplan& subplan, Row& row) override {
    auto* op = static_cast<Operator*>(subplan.plan.get());
    if (op == nullptr) throw Error::internal("subplan was not planned");
    op->open(*ctx_, row);
    Row out;
    if (subplan.kind == Subplan::Kind::kExists) return Value(op->pull(*ctx_, out));
    ValueList items;
    while (op->pull(*ctx_, out)) items.push_back(evaluate(*subplan.projection, out, ctx_->eval));
    return Value(std::move(items));
  }

 private:
  ExecContext*& ctx_;
};

// Collects snapshots of every node and relationship a value refers to.
void snapshot(const Graph& g, const Value& v, QueryResult& r) {
  switch (v.type()) {
    case Value::Type::kNode: {
      NodeId id = v.nodeId();
      if (r.nodes.count(id)) return;
      NodeSnapshot s;
      s.id = id;
      if (g.nodeAlive(id)) {
        for (LabelId l : g.node(id).labels) s.labels.push_back(g.catalog().labels().name(l));
        std::sort(s.labels.begin(), s.labels.end());
        for (const auto& [k, val] : g.node(id).properties.entries()) {
          s.properties.emplace(g.catalog().propertyKeys().name(k), val);
        }
      }
      r.nodes.emplace(id, std::move(s));
      return;
    }
    case Value::Type::kRel: {
      RelId id = v.relId();
      if (r.rels.count(id)) return;
      RelSnapshot s;
      s.id = id;
      if (g.relAlive(id)) {
        const RelRecord& rec = g.rel(id);
        s.type = g.catalog().relTypes().name(rec.type);
        s.src = rec.src;
        s.dst = rec.dst;
        for (const auto& [k, val] : rec.properties.entries()) {
          s.properties.emplace(g.catalog().propertyKeys().name(k), val);
        }
      }
      r.rels.emplace(id, std::move(s));
      return;
    }
    case Value::Type::kPath:
      for (NodeId n : v.asPath().nodes) snapshot(g, Value::node(n), r);
      for (RelId rel : v.asPath().rels) snapshot(g, Value::rel(rel), r);
      return;
    case Value::Type::kList:
      for (const auto& item : v.asList()) snapshot(g, item, r);
      return;
    case Value::Type::kMap:
      for (const auto& [k, item] : v.asMap()) snapshot(g, item, r);
      return;
    default:
      return;
  }
}

// The statistics a v2 plan uses and what they say about themselves (for
// the plan's hints).
struct PlanStats {
  std::shared_ptr<const stats::GraphStatistics> stats;
  std::string note;
};

// Optimistic writers that lose a race retry this often before giving up.
constexpr int kMaxWriteAttempts = 100;

void backoff(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  int cap = std::min(20, 1 + attempt);
  std::this_thread::sleep_for(std::chrono::microseconds(
      std::uniform_int_distribution<int>(100, cap * 1000)(rng)));
}

}  // namespace

struct Database::Impl {
  Impl(store::Store& s, std::string id, DatabaseOptions o)
      : store(s), dataset_id(std::move(id)), options(std::move(o)), graph_store(s), stats_store(s),
        graph(std::make_unique<Graph>()) {}

  store::Store& store;
  std::string dataset_id;
  DatabaseOptions options;
  GraphStore graph_store;
  stats::StatsStore stats_store;

  // Planner statistics: the pointer is swapped under stats_mutex; a
  // refresh runs under refresh_mutex (one at a time) and the graph's shared
  // lock. `stats_changes` counts entities changed since they were computed.
  mutable std::mutex stats_mutex;
  std::shared_ptr<const stats::GraphStatistics> statistics;
  std::string stats_problem;  // why none could be loaded
  int64_t stats_changes = 0;
  // What the next v2 plan uses, rebuilt when any of the above changes.
  std::shared_ptr<const PlanStats> plan_stats = std::make_shared<PlanStats>();
  std::atomic<bool> stats_stale{true};
  std::mutex refresh_mutex;
  // Planner v2's choices per statement, parameters and statistics.
  mutable PlanChoiceCache choice_cache;
  StatementCache statements;
  LatencyCalibration calibration;

  // Guards `graph` and `version`: shared for reads, exclusive for writes,
  // replay and reload.
  mutable std::shared_mutex mutex;
  std::unique_ptr<Graph> graph;
  int64_t version = 0;
  // One writer at a time in this process (others are fenced by the store's
  // version check).
  std::mutex write_mutex;

  void load() {
    auto fresh = std::make_unique<Graph>();
    int64_t v = graph_store.load(dataset_id, *fresh);
    graph = std::move(fresh);
    version = v;
    loadStatistics();
  }

  // Statistics never stop a dataset from opening: a failure to read them
  // leaves none (and says why in the plans' hints).
  void loadStatistics() {
    std::shared_ptr<const stats::GraphStatistics> loaded;
    std::string problem;
    try {
      loaded = stats_store.load(dataset_id);
    } catch (const Error& e) {
      problem = e.message();
      log::warn("planner statistics unreadable", {{"dataset", dataset_id}, {"error", e.message()}});
    }
    std::lock_guard lock(stats_mutex);
    choice_cache.clear();
    statements.clear();
    statistics = loaded;
    stats_problem = problem;
    stats_changes = 0;
    if (loaded) {
      auto drift = [](int64_t a, int64_t b) { return a > b ? a - b : b - a; };
      stats_changes = drift(loaded->node_count, static_cast<int64_t>(graph->nodeCount())) +
                      drift(loaded->rel_count, static_cast<int64_t>(graph->relCount()));
      if (loaded->version != version && stats_changes == 0) stats_changes = 1;
    }
    statisticsChangedLocked();
  }

  void noteChanges(int64_t n) {
    std::lock_guard lock(stats_mutex);
    stats_changes += n;
    statisticsChangedLocked();
  }

  bool staleLocked() const {
    if (!statistics) return true;
    double seen = static_cast<double>(statistics->node_count + statistics->rel_count);
    return static_cast<double>(stats_changes) > options.stale_fraction * std::max(seen, 1.0) ||
           (seen == 0 && stats_changes > 0);
  }

  std::shared_ptr<const stats::GraphStatistics> computeAndStore() {
    std::lock_guard refresh(refresh_mutex);
    std::shared_ptr<const stats::GraphStatistics> fresh;
    {
      std::shared_lock lock(mutex);
      auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      fresh = stats::computeStatistics(*graph, version, now_ms);
    }
    try {
      stats_store.save(dataset_id,
                       options.statistics_owner.empty() ? dataset_id : options.statistics_owner,
                       *fresh);
    } catch (const Error& e) {
      // Kept in memory anyway: the next process computes its own.
      log::warn("planner statistics not saved", {{"dataset", dataset_id}, {"error", e.message()}});
    }
    std::lock_guard lock(stats_mutex);
    choice_cache.clear();
    statements.clear();
    statistics = fresh;
    stats_problem.clear();
    stats_changes = 0;
    statisticsChangedLocked();
    return fresh;
  }

  // Before a v2 plan: refresh stale or missing statistics if allowed and no
  // other thread is already at it (that thread's result is used next time).
  void maybeRefreshStatistics() {
    if (!options.auto_statistics || !stats_stale.load(std::memory_order_relaxed)) return;
    {
      std::shared_lock lock(mutex);
      if (graph->nodeCount() == 0 && graph->relCount() == 0) return;
    }
    std::unique_lock busy(refresh_mutex, std::try_to_lock);
    if (!busy.owns_lock()) return;
    busy.unlock();
    computeAndStore();
  }

  // Rebuilds what plans use after the statistics or the count of changes
  // since them moved. The caller holds stats_mutex.
  void statisticsChangedLocked() {
    auto ps = std::make_shared<PlanStats>();
    ps->stats = statistics;
    bool stale = staleLocked();
    if (!statistics) {
      ps->note = "statistics: missing" +
                 (stats_problem.empty() ? std::string() : " (" + stats_problem + ")") +
                 " — estimates use defaults";
    } else if (stale) {
      ps->note = "statistics: stale (computed at version " + std::to_string(statistics->version) +
                 ", " + std::to_string(stats_changes) +
                 " entities changed since) — estimates may be off";
    } else {
      ps->note = "statistics: version " + std::to_string(statistics->version);
    }
    plan_stats = std::move(ps);
    stats_stale.store(stale, std::memory_order_relaxed);
  }

  // The statistics for a v2 plan (null for v1).
  std::shared_ptr<const PlanStats> planStats(const QueryOptions& options) const {
    if (options.planner != PlannerVersion::kV2) return nullptr;
    std::lock_guard lock(stats_mutex);
    return plan_stats;
  }

  // Brings the in-memory graph up to the store's head: replays the change
  // records other processes committed, or reloads when there are many (or a
  // bulk load). Cheap when nothing changed (one small read).
  void catchUp() {
    auto head = graph_store.headVersion(dataset_id);
    if (!head) throw Error::notFound("dataset " + dataset_id + " no longer exists");
    {
      std::shared_lock lock(mutex);
      if (*head <= version) return;
    }
    std::unique_lock lock(mutex);
    if (*head <= version) return;
    auto records = graph_store.changesSince(dataset_id, version, options.max_replay + 1);
    bool reload = static_cast<int64_t>(records.size()) > options.max_replay;
    int64_t expect = version + 1;
    for (const auto& rec : records) {
      if (rec.version != expect++ || GraphStore::isBulkRecord(rec.record)) reload = true;
    }
    if (reload) {
      load();
      return;
    }
    auto before = static_cast<int64_t>(graph->nodeCount() + graph->relCount());
    for (const auto& rec : records) {
      ChangeSet::apply(*graph, rec.record);
      version = rec.version;
    }
    auto after = static_cast<int64_t>(graph->nodeCount() + graph->relCount());
    noteChanges(std::max<int64_t>(static_cast<int64_t>(records.size()),
                                  after > before ? after - before : before - after));
  }

  // The catalog's names and indexes, as far as binding and planning read
  // them (names are only ever added). The caller holds `mutex`.
  uint64_t schemaSignature() const {
    const Catalog& cat = graph->catalog();
    uint64_t h = cat.labels().size();
    h = h * 1000003 + cat.relTypes().size();
    h = h * 1000003 + cat.propertyKeys().size();
    for (const auto& index : cat.indexes()) h = h * 1000003 + std::hash<std::string>{}(index.name);
    return h;
  }

  // What a compiled statement depends on (see StatementCache).
  StatementKey statementKey(std::string_view text, const Parameters& params,
                            const QueryOptions& options, const PlanStats* ps) const {
    StatementKey key;
    key.planner = options.planner;
    key.text = text;
    key.hints = options.hints;
    key.schema = schemaSignature();
    if (ps != nullptr) {
      key.params = &params;
      key.stats = ps->stats.get();
      key.stats_note = ps->note;
    }
    return key;
  }

  std::unique_ptr<Compiled> compile(std::string_view text, const Parameters& params,
                                    const QueryOptions& options, const PlanStats* ps) const {
    auto compiled = std::make_unique<Compiled>();
    Compiled& c = *compiled;
    c.ast = parseQuery(text);
    if (!options.hints.empty()) attachHints(c.ast, parseHints(options.hints));
    c.bound = bindQuery(c.ast, graph->catalog());
    if (options.bind_hook) options.bind_hook->rewrite(c.bound, graph->catalog());
    if (ps != nullptr) {
      const auto& [st, note] = *ps;
      // The choices depend on the text, the parameter values, the
      // statistics (and what they said about themselves), the schema and
      // any rewrite.
      // Built by appending (no temporaries): it is paid by every statement.
      std::string key;
      key.reserve(text.size() + options.hints.size() + note.size() + 96);
      key.append(text);
      key += '\x1f';
      key.append(options.hints);
      key += '\x1f';
      const std::pair<const std::string, Value>* small[8];
      std::vector<const std::pair<const std::string, Value>*> sorted;
      const std::pair<const std::string, Value>** first = small;
      if (params.size() > std::size(small)) {
        sorted.resize(params.size());
        first = sorted.data();
      }
      size_t n = 0;
      for (const auto& kv : params) first[n++] = &kv;
      std::sort(first, first + n, [](auto* a, auto* b) { return a->first < b->first; });
      for (size_t i = 0; i < n; ++i) {
        key.append(first[i]->first);
        key += '=';
        key.append(toDebugString(first[i]->second));
        key += '\x1e';
      }
      key += '\x1f';
      key.append(note);
      key += '\x1f';
      auto number = [&key](uintptr_t v) {
        char buf[24];
        auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
        key.append(buf, end);
        key += ':';
      };
      number(reinterpret_cast<uintptr_t>(st.get()));
      number(schemaSignature());
      number(reinterpret_cast<uintptr_t>(options.bind_hook));
      c.plan = planQueryV2(c.bound, *graph, params, st.get(), note, &choice_cache, key);
      c.stats = st;  // kept alive while the plan is
    } else {
      c.plan = planQueryV1(c.bound, *graph);
    }
    c.hints = std::make_shared<const std::vector<std::string>>(c.plan.hints);
    return compiled;
  }

  static std::string planText(const Plan& plan, bool profile) {
    std::string out = describePlan(*plan.root, profile);
    if (!plan.hints.empty()) {
      out += "hints:\n";
      for (const auto& h : plan.hints) out += "  - " + h + "\n";
    }
    return out;
  }

  // EXPLAIN's answer: the plan text, its operators with their estimates.
  static void describe(const Plan& plan, QueryResult& r) {
    r.columns = plan.columns;
    r.plan = planText(plan, false);
    r.plan_hints = std::make_shared<const std::vector<std::string>>(plan.hints);
    r.estimated_cost = estimatedCost(*plan.root);
    collectProfile(*plan.root, 0, r);
  }

  static void collectProfile(const Operator& op, int depth, QueryResult& r) {
    QueryResult::OperatorProfile p;
    p.depth = depth;
    p.name = op.name();
    p.detail = op.describe();
    p.estimated_rows = op.estimated_rows;
    p.estimated_cost = op.estimated_cost;
    p.actual_rows = op.actual_rows;
    r.profile.push_back(std::move(p));
    for (const auto& c : op.children()) collectProfile(*c, depth + 1, r);
  }

  // Runs a compiled statement and collects its result. The caller holds the
  // right lock; `changes` is null for reads.
  QueryResult run(Compiled& c, const Parameters& params, const QueryOptions& options,
                  ChangeSet* changes) {
    QueryResult result;
    result.columns = c.plan.columns;
    bool profile = c.ast.mode == ast::Query::Mode::kProfile;
    ExecContext* ctx_ptr = nullptr;
    PlanSubplanRunner runner(ctx_ptr);
    ExecContext ctx(*graph, params, changes, &runner);
    ctx_ptr = &ctx;
    ctx.profile = profile;
    if (options.timeout.count() > 0) ctx.deadline = Clock::now() + options.timeout;
    Row row(static_cast<size_t>(c.plan.num_slots));
    c.plan.root->open(ctx, row);
    while (c.plan.root->pull(ctx, row)) {
      if (c.plan.output_slots.empty()) continue;
      std::vector<Value> out;
      out.reserve(c.plan.output_slots.size());
      for (int s : c.plan.output_slots) out.push_back(row[s]);
      result.rows.push_back(std::move(out));
    }
    for (const auto& r : result.rows) {
      for (const auto& v : r) snapshot(*graph, v, result);
    }
    if (profile) {
      result.plan = planText(c.plan, true);
      collectProfile(*c.plan.root, 0, result);
    }
    result.estimated_cost = estimatedCost(*c.plan.root);
    result.actual_cost = actualCost(*c.plan.root);
    result.plan_hints = c.hints;
    if (changes) result.counters = changes->counters();
    return result;
  }

  QueryResult execute(std::string_view text, const Parameters& params,
                      const QueryOptions& options) {
    auto start = Clock::now();
    catchUp();
    if (options.planner == PlannerVersion::kV2) maybeRefreshStatistics();
    {
      std::shared_lock lock(mutex);
      auto ps = planStats(options);
      // Statements rewritten by a hook are not kept: the rewrite is the
      // caller's (its privileges), not the statement's.
      bool keep = options.bind_hook == nullptr;
      StatementKey key = statementKey(text, params, options, ps.get());
      uint64_t hash = keep ? key.hash() : 0;
      std::unique_ptr<Compiled> c = keep ? statements.take(key, hash) : nullptr;
      if (!c) c = compile(text, params, options, ps.get());
      double compile_ms = msSince(start);
      if (c->ast.mode == ast::Query::Mode::kExplain) {
        QueryResult r;
        r.columns = c->plan.columns;
        describe(c->plan, r);
        r.version = version;
        r.compile_ms = compile_ms;
        return r;
      }
      if (!c->bound.writes) {
        auto exec_start = Clock::now();
        QueryResult r = run(*c, params, options, nullptr);
        r.version = version;
        r.compile_ms = compile_ms;
        r.execute_ms = msSince(exec_start);
        calibration.record(r.actual_cost, r.compile_ms + r.execute_ms);
        if (keep && c->ast.mode == ast::Query::Mode::kNormal) {
          c->plan.root->close();
          statements.put(key, hash, std::move(c));
        }
        return r;
      }
      if (options.read_only) {
        throw Error::forbidden("this statement writes, but the caller may only read");
      }
    }
    return executeWrite(text, params, options, start);
  }

  QueryResult executeWrite(std::string_view text, const Parameters& params,
                           const QueryOptions& options, Clock::time_point start) {
    std::lock_guard writer(write_mutex);
    for (int attempt = 0;; ++attempt) {
      catchUp();
      std::unique_lock lock(mutex);
      auto compiled = compile(text, params, options, planStats(options).get());
      Compiled& c = *compiled;
      double compile_ms = msSince(start);
      auto exec_start = Clock::now();
      ChangeSet changes(*graph);
      QueryResult r;
      try {
        r = run(c, params, options, &changes);
      } catch (...) {
        changes.rollback();
        throw;
      }
      if (!changes.empty()) {
        try {
          version = graph_store.commit(dataset_id, version, *graph, changes);
          const Counters& k = changes.counters();
          noteChanges(std::max<int64_t>(
              1, k.nodes_created + k.nodes_deleted + k.relationships_created +
                     k.relationships_deleted + k.properties_set + k.labels_added +
                     k.labels_removed));
        } catch (const Error& e) {
          changes.rollback();
          // Another process committed first: catch up and run again, after
          // a short random pause so that two writers do not keep colliding.
          if (e.code() == Code::kConflict && attempt < kMaxWriteAttempts) {
            lock.unlock();
            backoff(attempt);
            continue;
          }
          throw;
        } catch (...) {
          changes.rollback();
          throw;
        }
      }
      r.version = version;
      r.compile_ms = compile_ms;
      r.execute_ms = msSince(exec_start);
      calibration.record(r.actual_cost, r.compile_ms + r.execute_ms);
      return r;
    }
  }
};

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

std::unique_ptr<Database> Database::open(store::Store& store, std::string dataset_id,
                                         DatabaseOptions options) {
  auto impl = std::make_unique<Impl>(store, std::move(dataset_id), options);
  impl->graph_store.ensureDataset(impl->dataset_id);
  impl->load();
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

QueryResult Database::execute(std::string_view query, const Parameters& params,
                              const QueryOptions& options) {
  return impl_->execute(query, params, options);
}

QueryResult Database::explain(std::string_view query, const Parameters& params,
                              const QueryOptions& options) {
  impl_->catchUp();
  if (options.planner == PlannerVersion::kV2) impl_->maybeRefreshStatistics();
  std::shared_lock lock(impl_->mutex);
  auto start = Clock::now();
  auto c = impl_->compile(query, params, options, impl_->planStats(options).get());
  QueryResult r;
  Impl::describe(c->plan, r);
  r.version = impl_->version;
  r.compile_ms = msSince(start);
  return r;
}

LatencyEstimate Database::estimateLatency(double cost) const {
  return impl_->calibration.estimate(cost);
}

std::shared_ptr<const stats::GraphStatistics> Database::refreshStatistics() {
  impl_->catchUp();
  return impl_->computeAndStore();
}

std::shared_ptr<const stats::GraphStatistics> Database::statistics() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->statistics;
}

bool Database::statisticsStale() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->staleLocked();
}

const std::string& Database::datasetId() const { return impl_->dataset_id; }

int64_t Database::version() const {
  std::shared_lock lock(impl_->mutex);
  return impl_->version;
}

size_t Database::nodeCount() const {
  std::shared_lock lock(impl_->mutex);
  return impl_->graph->nodeCount();
}

size_t Database::relCount() const {
  std::shared_lock lock(impl_->mutex);
  return impl_->graph->relCount();
}

size_t Database::memoryUsage() const {
  std::shared_lock lock(impl_->mutex);
  return impl_->graph->memoryUsage();
}

size_t Database::cachedStatements() const { return impl_->statements.size(); }

}  // namespace maestro::engine
