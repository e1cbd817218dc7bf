// The engine under test, as the TCK runner sees it.
//
// The runner (scenario_runner.h, suite_runner.h) only talks to these
// interfaces, so it can be tested with a fake engine and runs the real one
// through maestro_tck_engine.h. A TckBackend is made once per worker
// process and makes one fresh, empty TckGraph per scenario; both are used
// from one thread.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tck/result_matcher.h"
#include "tck/side_effects.h"
#include "tck/tck_value.h"

namespace maestro::tck {

using TckParams = std::vector<std::pair<std::string, TckValue>>;

// A query that failed the way Cypher says it may: `detail` is the
// openCypher classification, "TypeError.InvalidArgumentType" (empty when
// the engine gave none). Any other exception out of a TckGraph is an engine
// bug and fails the scenario whatever it expects.
class QueryFailure : public std::runtime_error {
 public:
  QueryFailure(std::string detail, const std::string& message)
      : std::runtime_error(message), detail_(std::move(detail)) {}
  const std::string& detail() const { return detail_; }

 private:
  std::string detail_;
};

class TckGraph {
 public:
  virtual ~TckGraph() = default;
  // Runs one statement to completion. Throws QueryFailure.
  virtual ResultTable execute(std::string_view query, const TckParams& params) = 0;
  // Parses, binds and plans without running: compile-time errors surface
  // here. Throws QueryFailure.
  virtual void compile(std::string_view query, const TckParams& params) = 0;
  // The observation the side-effect counts are made of (side_effects.h).
  virtual GraphState observe() = 0;
};

class TckBackend {
 public:
  virtual ~TckBackend() = default;
  virtual std::unique_ptr<TckGraph> newGraph() = 0;
};

// Called inside each worker process, never in the parent, so that nothing
// the engine opens (files, threads) is shared across fork().
using BackendFactory = std::function<std::unique_ptr<TckBackend>()>;

}  // namespace maestro::tck
