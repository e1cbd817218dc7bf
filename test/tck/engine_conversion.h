// Between the engine's values and the TCK's.
//
// A maestro::Value node or relationship is only an id; its labels, type and
// properties come from the QueryResult's snapshots (nodes / rels), which
// the engine fills for every entity its rows refer to. A path's hop
// direction comes from the relationship's start node: a hop from node a to
// node b over r is forward (`-[r]->`) when r starts at a, backward
// (`<-[r]-`) when it starts at b.
//
// Uses only the data structures of engine/main/database.h, not the engine
// itself, so it is unit-tested without one.
#pragma once

#include "common/value.h"
#include "engine/main/database.h"
#include "tck/result_matcher.h"
#include "tck/side_effects.h"
#include "tck/tck_engine.h"
#include "tck/tck_value.h"

namespace maestro::tck {

// Throws std::runtime_error when an entity is missing from the snapshots or
// a path's relationships do not connect its nodes.
TckValue toTckValue(const Value& v, const engine::QueryResult& result);

// Columns and rows, without engine rendering (ResultTable::rendered empty).
ResultTable toResultTable(const engine::QueryResult& result);

// Parameters for Database::execute. Throws std::invalid_argument for nodes,
// relationships and paths, which cannot be written as parameters.
Value toEngineValue(const TckValue& v);
engine::Parameters toEngineParams(const TckParams& params);

// The side-effect observation from the results of `MATCH (n) RETURN n` and
// `MATCH ()-[r]->() RETURN r`.
GraphState graphStateFrom(const engine::QueryResult& nodes, const engine::QueryResult& rels);

}  // namespace maestro::tck
