// Comparing a query's result with a TCK expected-result table.
//
// The rules are the TCK's (tools/tck-api CypherValueRecords):
// - column names must be equal, in order;
// - "in any order": rows compare as a bag (multiset) — duplicates count;
//   "in order": as a sequence;
// - "(ignoring element order for lists)": every list in a cell, at any
//   depth, compares as a bag;
// - cells compare with tckEquals (tck_value.h): 1 <> 1.0, floats as doubles,
//   NaN = NaN, node labels as a set.
// "Then the result should be empty" checks only that there are no rows (the
// TCK's empty expectation has no header to compare).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tck/gherkin_parser.h"
#include "tck/tck_value.h"

namespace maestro::tck {

enum class RowOrder { kAnyOrder, kInOrder };

struct ResultTable {
  std::vector<std::string> columns;
  std::vector<std::vector<TckValue>> rows;
  // How the engine itself renders each cell (QueryResult::render), for
  // messages only; empty to print TckValue::toString instead.
  std::vector<std::vector<std::string>> rendered;

  // "| a | b |" lines, header first, at most `max_rows` rows.
  std::string toString(size_t max_rows = 40) const;
};

// A Gherkin table of `Then the result should be…`: the header row, then
// rows of TCK values. Throws TckParseError on a cell that does not parse.
ResultTable parseExpectedTable(const Table& table);

// nullopt when `actual` matches `expected`; otherwise what differs, with
// both tables.
std::optional<std::string> matchResult(const ResultTable& expected, const ResultTable& actual,
                                       RowOrder rows, ListOrder lists);

}  // namespace maestro::tck
