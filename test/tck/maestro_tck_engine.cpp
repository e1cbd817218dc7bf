#include "tck/maestro_tck_engine.h"

#include <unistd.h>

#include <random>

#include "common/error.h"
#include "engine/main/database.h"
#include "engine/storage/graph_store.h"
#include "tck/engine_conversion.h"

namespace maestro::tck {

namespace {

class MaestroGraph : public TckGraph {
 public:
  MaestroGraph(std::unique_ptr<engine::Database> db, std::chrono::milliseconds timeout,
               engine::PlannerVersion planner)
      : db_(std::move(db)) {
    options_.timeout = timeout;
    options_.planner = planner;
  }

  ResultTable execute(std::string_view query, const TckParams& params) override {
    engine::QueryResult result = run(query, params, false);
    ResultTable table = toResultTable(result);
    for (size_t r = 0; r < result.rows.size(); ++r) {
      std::vector<std::string> cells;
      for (size_t c = 0; c < result.rows[r].size(); ++c) {
        try {
          cells.push_back(result.render(result.rows[r][c]));
        } catch (const std::exception&) {
          cells.push_back(table.rows[r][c].toString());
        }
      }
      table.rendered.push_back(std::move(cells));
    }
    return table;
  }

  void compile(std::string_view query, const TckParams& params) override {
    run(query, params, true);
  }

  GraphState observe() override {
    engine::QueryResult nodes = run("MATCH (n) RETURN n", {}, false);
    engine::QueryResult rels = run("MATCH ()-[r]->() RETURN r", {}, false);
    return graphStateFrom(nodes, rels);
  }

 private:
  engine::QueryResult run(std::string_view query, const TckParams& params, bool explain) {
    engine::Parameters engine_params;
    try {
      engine_params = toEngineParams(params);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(std::string("runner: ") + e.what());
    }
    try {
      return explain ? db_->explain(query, engine_params, options_)
                     : db_->execute(query, engine_params, options_);
    } catch (const Error& e) {
      throw QueryFailure(e.detail(), e.message());
    }
  }

  std::unique_ptr<engine::Database> db_;
  engine::QueryOptions options_;
};

}  // namespace

MaestroBackend::MaestroBackend(std::unique_ptr<store::Store> store,
                               std::chrono::milliseconds timeout, engine::PlannerVersion planner)
    : store_(std::move(store)), timeout_(timeout), planner_(planner) {
  // Idempotent, so every worker may do it; the first one creates the tables.
  engine::GraphStore::migrate(*store_);
  // Unique across the workers that share the store, even if a pid is
  // reused: pid plus a random nonce, then a counter.
  std::random_device random;
  prefix_ = "tck-" + std::to_string(::getpid()) + "-" + std::to_string(random()) + "-";
}

MaestroBackend::~MaestroBackend() = default;

std::unique_ptr<TckGraph> MaestroBackend::newGraph() {
  std::string dataset = prefix_ + std::to_string(next_dataset_++);
  auto db = engine::Database::open(*store_, dataset);
  return std::make_unique<MaestroGraph>(std::move(db), timeout_, planner_);
}

}  // namespace maestro::tck
