// Parses every query of the openCypher TCK (read in place from
// MAESTRO_TCK_DIR) and checks the parser's verdict against what each
// scenario expects:
//   - a scenario that expects no error, or an error the parser cannot see
//     (TypeError, a binder's SyntaxError such as UndefinedVariable …):
//     every query parses — except that a compile-time SyntaxError may also
//     come from the parser itself when it carries exactly the expected
//     detail (e.g. InvalidRelationshipPattern for `[:T..]`, which the syntax
//     tree cannot represent);
//   - a scenario that expects one of the parser's errors (UnexpectedSyntax,
//     InvalidNumberLiteral, IntegerOverflow, FloatingPointOverflow,
//     InvalidUnicodeLiteral, InvalidUnicodeCharacter) at compile time: its
//     query fails with exactly that detail, and its setup queries parse.
// The feature-file reading here is deliberately minimal (scenarios, doc
// strings, the "Then … raised" step, Examples tables): only queries and
// expected errors matter to a parser.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "engine/parser/parser.h"

namespace maestro::engine {
namespace {

namespace fs = std::filesystem;

struct TckQuery {
  std::string text;
  int line = 0;
  bool is_main = false;  // "When executing query:" (the one an error is expected from)
};

struct TckScenario {
  std::string file;    // relative to the features directory
  std::string folder;  // e.g. "clauses/match"
  std::string name;    // "[3] Fail on …" (outline rows share it)
  int line = 0;
  int example = -1;  // Examples row, -1 for a plain scenario
  std::vector<TckQuery> queries;
  std::string error_type;   // "SyntaxError", "TypeError", … ; empty: no error expected
  std::string error_phase;  // "compile time", "runtime", "any time"
  std::string error_detail;

  std::string key() const { return file + ": " + name; }
};

// A scenario the parser is known not to handle, and why.
struct AllowedFailure {
  std::string key;
  std::string reason;
};

// Kept empty on purpose: every TCK query the syntax tree can represent
// parses, and every parser-detectable error is detected. Add an entry only
// with a reason, and remove it when the reason goes away (the test fails on
// entries that no longer fail).
const std::vector<AllowedFailure> kAllowList = {};

const std::set<std::string>& parserErrorDetails() {
  static const std::set<std::string> details = {
      "UnexpectedSyntax",      "InvalidNumberLiteral",  "IntegerOverflow",
      "FloatingPointOverflow", "InvalidUnicodeLiteral", "InvalidUnicodeCharacter",
  };
  return details;
}

std::string trim(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

bool startsWith(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}
bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Cells of a Gherkin table row `| a | b\|c |`.
std::vector<std::string> tableCells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  bool open = false;
  for (size_t i = 0; i < row.size(); ++i) {
    const char c = row[i];
    if (c == '\\' && i + 1 < row.size()) {
      const char n = row[++i];
      cell += n == 'n' ? '\n' : n;
    } else if (c == '|') {
      if (open) cells.push_back(trim(cell));
      open = true;
      cell.clear();
    } else {
      cell += c;
    }
  }
  return cells;
}

std::string substitute(std::string text, const std::vector<std::string>& header,
                       const std::vector<std::string>& row) {
  for (size_t i = 0; i < header.size() && i < row.size(); ++i) {
    const std::string placeholder = "<" + header[i] + ">";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + row[i].size())) {
      text.replace(at, placeholder.size(), row[i]);
    }
  }
  return text;
}

// Reads one feature file into scenarios (Scenario Outlines expanded, one
// scenario per Examples row; a Background becomes a scenario of its own).
std::vector<TckScenario> readFeature(const fs::path& path, const std::string& relative) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);

  std::vector<TckScenario> out;
  std::string folder = fs::path(relative).parent_path().generic_string();
  TckScenario current;
  bool in_scenario = false;
  bool outline = false;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  bool in_examples = false;

  auto flush = [&]() {
    if (!in_scenario) return;
    if (!outline) {
      out.push_back(current);
    } else {
      for (size_t r = 0; r < rows.size(); ++r) {
        TckScenario s = current;
        s.example = static_cast<int>(r) + 1;
        for (auto& q : s.queries) q.text = substitute(q.text, header, rows[r]);
        s.error_detail = substitute(s.error_detail, header, rows[r]);
        out.push_back(std::move(s));
      }
    }
    in_scenario = false;
  };

  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string t = trim(lines[i]);
    if (t.empty() || t[0] == '#') continue;
    if (startsWith(t, "Scenario:") || startsWith(t, "Scenario Outline:") ||
        startsWith(t, "Background:")) {
      flush();
      current = TckScenario();
      current.file = relative;
      current.folder = folder;
      current.line = static_cast<int>(i) + 1;
      current.name = trim(t.substr(t.find(':') + 1));
      if (startsWith(t, "Background:")) current.name = "Background";
      outline = startsWith(t, "Scenario Outline:");
      in_scenario = true;
      in_examples = false;
      header.clear();
      rows.clear();
      continue;
    }
    if (!in_scenario) continue;
    if (startsWith(t, "Examples:")) {
      in_examples = true;
      header.clear();
      continue;
    }
    if (in_examples && t[0] == '|') {
      if (header.empty()) {
        header = tableCells(t);
      } else {
        rows.push_back(tableCells(t));
      }
      continue;
    }
    const bool main_query = endsWith(t, "executing query:");
    if (main_query || endsWith(t, "having executed:") || endsWith(t, "executing control query:")) {
      size_t open = i + 1;
      while (open < lines.size() && trim(lines[open]).empty()) ++open;
      if (open >= lines.size() || !startsWith(trim(lines[open]), "\"\"\"")) continue;
      const std::string& opener = lines[open];
      const size_t indent = opener.find('"');
      TckQuery q;
      q.line = static_cast<int>(open) + 2;
      q.is_main = main_query;
      std::string text;
      size_t k = open + 1;
      for (; k < lines.size() && trim(lines[k]) != "\"\"\""; ++k) {
        std::string body = lines[k];
        size_t strip = 0;
        while (strip < indent && strip < body.size() &&
               (body[strip] == ' ' || body[strip] == '\t')) {
          ++strip;
        }
        if (!text.empty()) text += '\n';
        text += body.substr(strip);
      }
      q.text = text;
      current.queries.push_back(std::move(q));
      i = k;
      continue;
    }
    // Then a SyntaxError should be raised at compile time: UnexpectedSyntax
    if (startsWith(t, "Then a ") && t.find(" should be raised at ") != std::string::npos) {
      const size_t type_end = t.find(' ', 7);
      current.error_type = t.substr(7, type_end - 7);
      const size_t phase_begin = t.find(" raised at ") + 11;
      const size_t colon = t.find(':', phase_begin);
      current.error_phase = trim(t.substr(phase_begin, colon - phase_begin));
      current.error_detail = colon == std::string::npos ? "" : trim(t.substr(colon + 1));
    }
  }
  flush();
  return out;
}

struct Outcome {
  bool ok = true;
  std::string why;
};

// Parses one query; returns "" on success or the error's detail.
std::string tryParse(const std::string& text, std::string* message) {
  try {
    parseQuery(text);
    return "";
  } catch (const Error& e) {
    *message = e.message();
    return e.detail().empty() ? "<no detail>" : e.detail();
  } catch (const std::exception& e) {
    *message = e.what();
    return "<not a maestro::Error>";
  }
}

struct FolderStats {
  int scenarios = 0;
  int queries = 0;
  int parsed = 0;
  int expected_errors = 0;  // queries that failed as the scenario expects
  int failures = 0;         // scenarios whose verdict was wrong
};

Outcome check(const TckScenario& s, FolderStats* stats) {
  const bool parser_error = s.error_type == "SyntaxError" && s.error_phase == "compile time" &&
                            parserErrorDetails().count(s.error_detail) > 0;
  const bool compile_syntax_error =
      s.error_type == "SyntaxError" && s.error_phase == "compile time";
  Outcome outcome;
  for (const TckQuery& q : s.queries) {
    ++stats->queries;
    std::string message;
    const std::string detail = tryParse(q.text, &message);
    const bool error_expected_here = q.is_main && !s.error_type.empty();
    if (error_expected_here && parser_error) {
      if (detail == "SyntaxError." + s.error_detail) {
        ++stats->expected_errors;
        continue;
      }
      outcome.ok = false;
      outcome.why += detail.empty() ? "parsed, expected SyntaxError." + s.error_detail
                                    : "failed with " + detail + " instead of SyntaxError." +
                                          s.error_detail + ": " + message;
      outcome.why += "\n    query (line " + std::to_string(q.line) + "): " + q.text + "\n";
      continue;
    }
    if (detail.empty()) {
      ++stats->parsed;
      continue;
    }
    if (error_expected_here && compile_syntax_error && detail == "SyntaxError." + s.error_detail) {
      ++stats->expected_errors;
      continue;
    }
    outcome.ok = false;
    outcome.why += "failed with " + detail + ": " + message + "\n    query (line " +
                   std::to_string(q.line) + "): " + q.text + "\n";
  }
  return outcome;
}

TEST(TckParseTest, EveryQueryParsesOrFailsAsExpected) {
  const fs::path root(MAESTRO_TCK_DIR);
  ASSERT_TRUE(fs::is_directory(root)) << "TCK features not found at " << root;

  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".feature") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());

  std::map<std::string, FolderStats> stats;
  std::map<std::string, std::string> failures;  // scenario key → why
  int scenario_count = 0;
  const auto started = std::chrono::steady_clock::now();
  for (const fs::path& file : files) {
    const std::string relative = fs::relative(file, root).generic_string();
    for (const TckScenario& s : readFeature(file, relative)) {
      ++scenario_count;
      FolderStats& folder = stats[s.folder];
      ++folder.scenarios;
      const Outcome outcome = check(s, &folder);
      if (!outcome.ok) {
        ++folder.failures;
        std::string& why = failures[s.key()];
        why +=
            (s.example >= 0 ? "  example " + std::to_string(s.example) + ": " : "  ") + outcome.why;
      }
    }
  }
  const double millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

  FolderStats total;
  std::ostringstream summary;
  summary << "TCK parse summary (" << files.size() << " feature files, " << scenario_count
          << " scenarios incl. outline rows, " << millis << " ms)\n";
  summary << "  folder                                  scenarios queries  parsed  "
             "expected-errors  wrong\n";
  for (const auto& [folder, s] : stats) {
    char line[200];
    std::snprintf(line, sizeof line, "  %-40s %9d %7d %7d %16d %6d\n", folder.c_str(), s.scenarios,
                  s.queries, s.parsed, s.expected_errors, s.failures);
    summary << line;
    total.scenarios += s.scenarios;
    total.queries += s.queries;
    total.parsed += s.parsed;
    total.expected_errors += s.expected_errors;
    total.failures += s.failures;
  }
  char line[200];
  std::snprintf(line, sizeof line, "  %-40s %9d %7d %7d %16d %6d\n", "TOTAL", total.scenarios,
                total.queries, total.parsed, total.expected_errors, total.failures);
  summary << line;
  std::cout << summary.str();

  EXPECT_GT(scenario_count, 1000) << "suspiciously few TCK scenarios found under " << root;

  std::set<std::string> allowed;
  for (const AllowedFailure& a : kAllowList) allowed.insert(a.key);
  for (const auto& [key, why] : failures) {
    EXPECT_TRUE(allowed.count(key) > 0) << key << "\n" << why;
  }
  for (const AllowedFailure& a : kAllowList) {
    EXPECT_TRUE(failures.count(a.key) > 0)
        << "allow-listed scenario now passes, remove it from kAllowList: " << a.key;
  }
}

}  // namespace
}  // namespace maestro::engine
