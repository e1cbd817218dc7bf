// CostModel — the unit costs planner v2 adds up. One unit is roughly one
// row or adjacency entry touched in memory; the absolute value means
// nothing, only comparisons between plans of one query do.
//
//   NodeByLabelScan   kScanRow per node of the label, per input row
//   NodeIndexSeek     kSeek + rows found, per input row
//   Expand            input rows + kAdjacency per relationship followed
//   ExpandInto        input rows × (1 + the smaller end's degree): the
//                     operator walks the smaller side at run time
//   VarLengthExpand   kAdjacency per path prefix enumerated (depth-first)
//   ShortestPath      kAdjacency per relationship the BFS may visit
//   Filter            kFilterRow per row tested
//   NodeHashJoin      kHashJoinSetup per opening (the table, its
//                     buckets, the build side's own pipeline) +
//                     kHashBuild per build-side row (copied into the
//                     table) + kHashProbe per probe-side row
//   every operator    kRow per row it produces
#pragma once

namespace maestro::engine {

struct CostModel {
  static constexpr double kRow = 0.1;
  static constexpr double kScanRow = 1.0;
  static constexpr double kSeek = 2.0;
  static constexpr double kAdjacency = 1.0;
  static constexpr double kFilterRow = 0.2;
  static constexpr double kHashJoinSetup = 25.0;
  static constexpr double kHashBuild = 1.0;
  static constexpr double kHashProbe = 0.5;
};

}  // namespace maestro::engine
