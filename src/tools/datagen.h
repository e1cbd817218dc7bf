// Benchmark data generator — writes the intelligence-graph data of
// shared/bench/schema.md, deterministically from a seed, in the importer's
// CSV format (engine/storage/importer.h, docs/storage.md).
//
// Output, in GenOptions::out (created if missing; existing files of these
// names are replaced):
//   nodes_person.csv  nodes_organization.csv  nodes_location.csv
//   nodes_event.csv   nodes_document.csv      nodes_account.csv
//   rels_knows.csv    rels_works_at.csv       rels_located_in.csv
//   rels_attended.csv rels_mentions.csv       rels_holds.csv
//   rels_transferred_to.csv
//   schema.cypher     CREATE INDEX statements (each label's `id`, plus the
//                     selective properties the top-20 queries filter on)
//   params.json       parameter sets for each top-20 query, drawn from both
//                     ends of the skew (see "params.json" below)
//
// Determinism: the same (scale, seed) gives byte-identical files on any
// platform. All randomness comes from our own xoshiro256** seeded through
// splitmix64 (one stream per part of the data, so changing one part does
// not shift the others); samplers use only + - * / on doubles (exactly
// rounded in IEEE 754, unlike pow/log/exp) and floats are printed with
// std::to_chars' shortest round-trip form. std::*_distribution is not used:
// its output differs between standard libraries.
//
// Sizes at scale S (each rounded, with small minimums so that tiny scales
// still have every kind):
//   Person 100,000·S   Organization 5,000·S   Location 2,000·S
//   Event 10,000·S     Document 40,000·S      Account 60,000·S
//   KNOWS 270,000·S (+1% duplicate pairs)     WORKS_AT ≈80% of people
//   LOCATED_IN one per Person/Organization/Event   ATTENDED ≈90,000·S
//   MENTIONS ≈190,000·S   HOLDS one per Account   TRANSFERRED_TO 200,000·S
// — about 217,000·S nodes and 1,000,000·S relationships.
//
// Distributions (the skew the planner benchmark relies on):
// - Popularity is Zipf-like: an item of rank r (ranks shuffled over ids by
//   a seeded permutation) is drawn with weight 1/(r + 1 + c). c = 0 gives
//   heavy hubs (TRANSFERRED_TO and MENTIONS targets: 10,000+ in-degree at
//   scale 1; the top MENTIONS target gets double weight); a larger c
//   flattens the head (KNOWS: c = 50, hubs of ~1,500, most people 1–6).
// - KNOWS: both endpoints drawn by popularity (Chung–Lu), no self-loops;
//   1% of the edges repeat an earlier pair (sometimes reversed), as real
//   data does.
// - Document out-degree is Zipf too (a few documents mention thousands).
//   MENTIONS targets: 70% Person, 20% Organization, 10% Location; a
//   document mentions a target at most once.
// - nationality: 60% one code ("US"), the rest Zipf over 29 others down to
//   ~0.3%; location/organization countries likewise.
// - Rare flags, each held by exactly max(1, round(0.08% · n)) entities:
//   Organization.sanctioned, Account.flagged, Person.risk_score > 0.95
//   (other people: 0.95·u², skewed low). Each sanctioned organization holds
//   two accounts; a few transfer chains a→m→b into each flagged account
//   are planted so the layering query (q08) has answers.
// - tenant: "t1" on 80% of nodes, "t2".."t5" 5% each.
// - names: first × last name, each Zipf (the most common full name ~4% of
//   people, many unique); organization and location names are unique.
// - age 18..89 skewed young (18 + 72·u²), age_band derived; Event.severity
//   1..5 at 50/25/13/8/4%; Document.classification 70% UNCLASSIFIED, 25%
//   CONFIDENTIAL, 5% SECRET; times are epoch seconds in 2015..2024
//   (transfers 2018..2024), amounts heavy-tailed (50/(u+0.005), cents).
//
// params.json: {"scale": S, "seed": N, "queries": {"q01_person_by_id":
// [{"case": "hub", "params": {"id": "p123"}}, {"case": "leaf", …}], …}}
// — for every opId of top20.cypher a list of cases, each naming the end of
// the skew it exercises (hub/leaf, common/rare, wide/narrow …).
//
// Thread-safety: generate() is a free function with no shared state.
// Errors: Error::badInput for bad options, Error::unavailable when a file
// cannot be written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace maestro::tools {

struct GenOptions {
  double scale = 1.0;  // > 0; 1 ≈ 100k people, 1M relationships
  uint64_t seed = 42;
  std::filesystem::path out;  // directory
};

// What was written (for the CLI's summary line and for tests).
struct GenSummary {
  std::map<std::string, int64_t> nodes;          // label → count
  std::map<std::string, int64_t> relationships;  // type → count
  int64_t total_nodes = 0;
  int64_t total_relationships = 0;
  int64_t max_transfer_in_degree = 0;  // TRANSFERRED_TO hub
  int64_t max_mentions_in_degree = 0;  // MENTIONS hub
  int64_t max_knows_degree = 0;
  int64_t knows_duplicate_pairs = 0;
};

// Rows written so far and the planned total (an estimate within a few %).
using GenProgress = std::function<void(int64_t rows_written, int64_t rows_total)>;

GenSummary generate(const GenOptions& options, const GenProgress& progress = {});

}  // namespace maestro::tools
