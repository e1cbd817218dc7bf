// The subset of Gherkin the openCypher TCK's .feature files use, parsed
// into a flat list of runnable scenarios.
//
// Understood: `Feature:` (plus free description lines), `Background:`,
// `Scenario:` / `Example:`, `Scenario Outline:` / `Scenario Template:` with
// one or more `Examples:` / `Scenarios:` tables, tags (`@a @b` lines before
// a scenario, outline, Examples block or the feature), steps
// (`Given/When/Then/And/But/*`), doc strings (`"""` or ``` ``` ```, the
// opening line's indentation removed from each line), data tables (cells
// trimmed, `\|`, `\\` and `\n` unescaped as Gherkin does) and `#` comments
// outside doc strings. CRLF line ends and a missing final newline are fine.
//
// A Scenario Outline becomes one Scenario per example row, numbered 0, 1, …
// across all its Examples tables, with `<name>` placeholders substituted in
// step text, doc strings and table cells. Background steps are prepended to
// every scenario. Anything else is a GherkinError naming file and line.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace maestro::tck {

using Table = std::vector<std::vector<std::string>>;

struct Step {
  std::string keyword;  // "Given", "When", "Then", "And", "But", "*"
  std::string text;     // after the keyword, e.g. "executing query:"
  std::optional<std::string> doc_string;
  Table table;  // empty when the step has none
  int line = 0;
};

struct Scenario {
  // As written after `Scenario:`, with an outline's " #Example: …" suffix
  // removed, e.g. "[1] Match non-existent nodes returns empty".
  std::string name;
  int line = 0;                      // of the Scenario line
  std::optional<int> example_index;  // outline rows: 0-based over all Examples
  std::vector<std::string> tags;     // feature, scenario and Examples tags, with '@'
  std::vector<Step> steps;           // background steps first
  // "clauses/match/Match1.feature: [1] Match … returns empty", plus " #2"
  // for outline rows. Stable across runs: the key of passing.txt.
  std::string id;

  bool hasTag(std::string_view tag) const;
};

struct Feature {
  std::string path;    // relative to the features directory: "clauses/match/Match1.feature"
  std::string folder;  // "clauses/match"
  std::string name;    // after `Feature:`
  std::vector<Scenario> scenarios;
};

class GherkinError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses one feature file's text; `path` is its path relative to the
// features directory (used for ids and messages).
Feature parseFeature(std::string_view text, const std::string& path);

// Every *.feature under `dir` (recursively), sorted by relative path.
// Throws GherkinError on a file that does not parse or cannot be read.
std::vector<Feature> loadFeatures(const std::filesystem::path& dir);

}  // namespace maestro::tck
