// The maestro engine behind the TCK runner's interfaces (tck_engine.h).
//
// A MaestroBackend owns one Store (a SQLite file the parent process chose),
// applies the graph tables' migrations to it (Database expects them
// applied, as the platform does at start-up; engine/storage/graph_store.h),
// and gives every scenario a Database on a dataset id of its own
// ("tck-<pid>-<nonce>-<n>"), which starts empty: fresh graphs without a
// fresh file per scenario. Statements run with QueryOptions::timeout set to
// the scenario timeout, so an engine that honours it stops by itself before
// the worker is killed. maestro::Error becomes QueryFailure with its
// detail(); other exceptions pass through as engine bugs. Cells are also
// rendered with QueryResult::render for failure messages (falling back to
// the TCK notation of the converted value if render throws).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/main/database.h"
#include "store/store.h"
#include "tck/tck_engine.h"

namespace maestro::tck {

class MaestroBackend : public TckBackend {
 public:
  MaestroBackend(std::unique_ptr<store::Store> store, std::chrono::milliseconds timeout,
                 engine::PlannerVersion planner = engine::PlannerVersion::kV1);
  ~MaestroBackend() override;
  std::unique_ptr<TckGraph> newGraph() override;

 private:
  std::unique_ptr<store::Store> store_;
  std::chrono::milliseconds timeout_;
  engine::PlannerVersion planner_;
  std::string prefix_;
  int next_dataset_ = 0;
};

}  // namespace maestro::tck
