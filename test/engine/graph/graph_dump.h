// Canonical text dumps of a Graph for tests: two graphs that dump the same
// are indistinguishable through the Graph's public reads (catalog, nodes,
// relationships, adjacency in every direction and per type, degrees, label
// lists, index contents).
#pragma once

#include <string>

#include "common/value.h"
#include "engine/graph/graph.h"

namespace maestro::engine::testing {

// A type-tagged rendering: 1 and 1.0 differ (i:1, f:1).
std::string renderValue(const Value& v);

struct DumpOptions {
  // Include the catalog's id assignment (name tables in id order). Off when
  // comparing graphs built in different catalogs (names still compared).
  bool catalog_ids = true;
};

std::string dumpGraph(const Graph& graph, DumpOptions options = {});

}  // namespace maestro::engine::testing
