#include "tck/result_matcher.h"

#include <algorithm>
#include <map>

namespace maestro::tck {

namespace {

std::string cellText(const ResultTable& t, size_t row, size_t col) {
  if (row < t.rendered.size() && col < t.rendered[row].size()) return t.rendered[row][col];
  return t.rows[row][col].toString();
}

std::string rowText(const ResultTable& t, size_t row) {
  std::string out = "|";
  for (size_t c = 0; c < t.rows[row].size(); ++c) out += " " + cellText(t, row, c) + " |";
  return out;
}

std::string rowKey(const std::vector<TckValue>& row, ListOrder lists) {
  std::string key;
  for (const auto& cell : row) key += canonicalKey(cell, lists);
  return key;
}

std::string listColumns(const std::vector<std::string>& columns) {
  std::string out = "[";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ", ";
    out += columns[i];
  }
  return out + "]";
}

std::string withTables(std::string what, const ResultTable& expected, const ResultTable& actual) {
  return what + "\n  expected:\n" + expected.toString() + "\n  actual:\n" + actual.toString();
}

}  // namespace

std::string ResultTable::toString(size_t max_rows) const {
  std::string out = columns.empty() ? "    (no columns)" : "    |";
  for (const auto& c : columns) out += " " + c + " |";
  for (size_t r = 0; r < rows.size() && r < max_rows; ++r) out += "\n    " + rowText(*this, r);
  if (rows.size() > max_rows) {
    out += "\n    … " + std::to_string(rows.size() - max_rows) + " more rows";
  }
  if (rows.empty()) out += "\n    (no rows)";
  return out;
}

ResultTable parseExpectedTable(const Table& table) {
  ResultTable t;
  if (table.empty()) throw TckParseError("expected-result table has no header row");
  t.columns = table.front();
  for (size_t r = 1; r < table.size(); ++r) {
    std::vector<TckValue> row;
    for (const auto& cell : table[r]) row.push_back(parseTckValue(cell));
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::optional<std::string> matchResult(const ResultTable& expected, const ResultTable& actual,
                                       RowOrder rows, ListOrder lists) {
  if (expected.columns != actual.columns) {
    return withTables("columns differ: expected " + listColumns(expected.columns) + ", got " +
                          listColumns(actual.columns),
                      expected, actual);
  }
  if (rows == RowOrder::kInOrder) {
    for (size_t r = 0; r < expected.rows.size() && r < actual.rows.size(); ++r) {
      if (rowKey(expected.rows[r], lists) != rowKey(actual.rows[r], lists)) {
        return withTables("row " + std::to_string(r + 1) + " differs: expected " +
                              rowText(expected, r) + ", got " + rowText(actual, r),
                          expected, actual);
      }
    }
    if (expected.rows.size() != actual.rows.size()) {
      return withTables("expected " + std::to_string(expected.rows.size()) + " rows, got " +
                            std::to_string(actual.rows.size()),
                        expected, actual);
    }
    return std::nullopt;
  }

  // A bag: count each distinct row up for expected, down for actual.
  std::map<std::string, int> balance;
  std::map<std::string, size_t> first_expected;
  std::map<std::string, size_t> first_actual;
  for (size_t r = 0; r < expected.rows.size(); ++r) {
    auto key = rowKey(expected.rows[r], lists);
    ++balance[key];
    first_expected.emplace(key, r);
  }
  for (size_t r = 0; r < actual.rows.size(); ++r) {
    auto key = rowKey(actual.rows[r], lists);
    --balance[key];
    first_actual.emplace(key, r);
  }
  std::string missing;
  std::string unexpected;
  for (const auto& [key, n] : balance) {
    if (n > 0) {
      missing += "\n    " + rowText(expected, first_expected[key]);
      if (n > 1) missing += " ×" + std::to_string(n);
    } else if (n < 0) {
      unexpected += "\n    " + rowText(actual, first_actual[key]);
      if (n < -1) unexpected += " ×" + std::to_string(-n);
    }
  }
  if (missing.empty() && unexpected.empty()) return std::nullopt;
  std::string what = "rows differ (in any order):";
  if (!missing.empty()) what += "\n  missing:" + missing;
  if (!unexpected.empty()) what += "\n  unexpected:" + unexpected;
  return withTables(what, expected, actual);
}

}  // namespace maestro::tck
