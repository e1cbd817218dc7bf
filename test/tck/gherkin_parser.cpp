#include "tck/gherkin_parser.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace maestro::tck {

namespace {

std::string_view trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

enum class Keyword { kFeature, kBackground, kScenario, kOutline, kExamples };

// Longer spellings first: "Scenario Outline:" must win over "Scenario:".
constexpr struct {
  std::string_view text;
  Keyword kind;
} kKeywords[] = {
    {"Feature:", Keyword::kFeature},          {"Background:", Keyword::kBackground},
    {"Scenario Outline:", Keyword::kOutline}, {"Scenario Template:", Keyword::kOutline},
    {"Scenario:", Keyword::kScenario},        {"Examples:", Keyword::kExamples},
    {"Scenarios:", Keyword::kExamples},       {"Example:", Keyword::kScenario},
};

struct Examples {
  std::vector<std::string> tags;
  Table table;
  int line = 0;
};

// A Scenario or Scenario Outline while its lines are being read.
struct Draft {
  bool outline = false;
  std::string name;
  int line = 0;
  std::vector<std::string> tags;
  std::vector<Step> steps;
  std::vector<Examples> examples;
};

// Replaces `<name>` where name is a column of the example row, in one pass
// so a substituted value is never substituted again.
std::string substitute(std::string_view text, const std::vector<std::string>& names,
                       const std::vector<std::string>& values) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<') {
      size_t close = text.find('>', i + 1);
      if (close != std::string_view::npos) {
        std::string_view name = text.substr(i + 1, close - i - 1);
        auto it = std::find(names.begin(), names.end(), name);
        if (it != names.end()) {
          out += values[it - names.begin()];
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

class FeatureParser {
 public:
  FeatureParser(std::string_view text, const std::string& path) : text_(text), path_(path) {
    feature_.path = path;
    auto slash = path.rfind('/');
    feature_.folder = slash == std::string::npos ? "" : path.substr(0, slash);
  }

  Feature parse() {
    size_t start = 0;
    while (start <= text_.size()) {
      size_t end = text_.find('\n', start);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no_;
      processLine(line);
      start = end + 1;
    }
    if (in_doc_string_) fail(doc_string_line_, "unterminated doc string");
    finishDraft();
    if (!seen_feature_) fail(1, "no Feature: line");
    if (!pending_tags_.empty()) fail(line_no_, "tags without a scenario");
    return std::move(feature_);
  }

 private:
  enum class Block { kNone, kFeature, kBackground, kScenario, kExamples };

  [[noreturn]] void fail(int line, const std::string& what) const {
    throw GherkinError(path_ + ":" + std::to_string(line) + ": " + what);
  }

  void processLine(std::string_view raw) {
    if (in_doc_string_) {
      docStringLine(raw);
      return;
    }
    std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#') return;
    if (line[0] == '@') {
      tagLine(line);
      return;
    }
    if (line[0] == '|') {
      tableRow(line);
      return;
    }
    if (startsWith(line, "\"\"\"") || startsWith(line, "```")) {
      openDocString(raw, line);
      return;
    }
    if (keywordLine(line)) return;
    if (stepLine(line)) return;
    // Free text is a description, allowed only right under a header.
    if (description_allowed_) return;
    fail(line_no_, "unexpected line: " + std::string(line));
  }

  void tagLine(std::string_view line) {
    std::istringstream words{std::string(line)};
    std::string word;
    while (words >> word) {
      if (word[0] == '#') break;  // a comment after the tags
      if (word[0] != '@') fail(line_no_, "malformed tag line");
      pending_tags_.push_back(word);
    }
  }

  std::vector<std::string> takeTags() {
    std::vector<std::string> tags;
    tags.swap(pending_tags_);
    return tags;
  }

  bool keywordLine(std::string_view line) {
    for (const auto& k : kKeywords) {
      if (!startsWith(line, k.text)) continue;
      std::string rest(trim(line.substr(k.text.size())));
      switch (k.kind) {
        case Keyword::kFeature:
          if (seen_feature_) fail(line_no_, "second Feature:");
          seen_feature_ = true;
          feature_.name = rest;
          feature_tags_ = takeTags();
          block_ = Block::kFeature;
          break;
        case Keyword::kBackground:
          if (!seen_feature_) fail(line_no_, "Background: before Feature:");
          if (draft_ || !feature_.scenarios.empty()) fail(line_no_, "Background: after a scenario");
          if (seen_background_) fail(line_no_, "second Background:");
          seen_background_ = true;
          takeTags();
          block_ = Block::kBackground;
          break;
        case Keyword::kScenario:
        case Keyword::kOutline:
          if (!seen_feature_) fail(line_no_, "Scenario before Feature:");
          finishDraft();
          draft_.emplace();
          draft_->outline = k.kind == Keyword::kOutline;
          draft_->name = rest;
          draft_->line = line_no_;
          draft_->tags = takeTags();
          block_ = Block::kScenario;
          break;
        case Keyword::kExamples:
          if (!draft_ || !draft_->outline) fail(line_no_, "Examples: outside a Scenario Outline");
          draft_->examples.push_back({takeTags(), {}, line_no_});
          block_ = Block::kExamples;
          break;
      }
      description_allowed_ = true;
      return true;
    }
    return false;
  }

  bool stepLine(std::string_view line) {
    static constexpr std::string_view kStepKeywords[] = {"Given ", "When ", "Then ",
                                                         "And ",   "But ",  "* "};
    for (auto keyword : kStepKeywords) {
      if (!startsWith(line, keyword)) continue;
      if (!pending_tags_.empty()) fail(line_no_, "tags before a step");
      Step step;
      step.keyword = std::string(trim(keyword));
      step.text = std::string(trim(line.substr(keyword.size())));
      step.line = line_no_;
      if (block_ == Block::kBackground) {
        background_.push_back(std::move(step));
      } else if (block_ == Block::kScenario) {
        draft_->steps.push_back(std::move(step));
      } else {
        fail(line_no_, "step outside a Scenario or Background");
      }
      description_allowed_ = false;
      return true;
    }
    return false;
  }

  Step* lastStep() {
    if (block_ == Block::kBackground && !background_.empty()) return &background_.back();
    if (block_ == Block::kScenario && draft_ && !draft_->steps.empty()) {
      return &draft_->steps.back();
    }
    return nullptr;
  }

  void tableRow(std::string_view line) {
    std::vector<std::string> cells;
    std::string raw;
    bool closed = true;  // a lone "|" is a row of no cells (Call1 uses one)
    // Split on unescaped bars first, trimming each raw cell, then unescape,
    // so an escaped "\n" at a cell's edge survives the trim.
    for (size_t i = 1; i < line.size(); ++i) {
      char c = line[i];
      if (c == '\\' && i + 1 < line.size()) {
        raw += c;
        raw += line[++i];
        continue;
      }
      if (c == '|') {
        cells.push_back(unescapeCell(trim(raw)));
        raw.clear();
        closed = true;
        continue;
      }
      raw += c;
      closed = false;
    }
    if (!closed || !trim(raw).empty()) fail(line_no_, "table row does not end with '|'");
    Table* table = nullptr;
    if (block_ == Block::kExamples) {
      table = &draft_->examples.back().table;
    } else if (Step* step = lastStep(); step != nullptr && !step->doc_string) {
      table = &step->table;
    } else {
      fail(line_no_, "table row without a step");
    }
    if (!table->empty() && table->front().size() != cells.size()) {
      fail(line_no_, "table row has " + std::to_string(cells.size()) + " cells, expected " +
                         std::to_string(table->front().size()));
    }
    table->push_back(std::move(cells));
    description_allowed_ = false;
  }

  static std::string unescapeCell(std::string_view raw) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) {
        char n = raw[i + 1];
        if (n == 'n' || n == '|' || n == '\\') {
          out += n == 'n' ? '\n' : n;
          ++i;
          continue;
        }
      }
      out += raw[i];
    }
    return out;
  }

  void openDocString(std::string_view raw, std::string_view line) {
    Step* step = lastStep();
    if (step == nullptr || step->doc_string || !step->table.empty()) {
      fail(line_no_, "doc string without a step");
    }
    step->doc_string.emplace();
    in_doc_string_ = true;
    doc_string_first_ = true;
    doc_string_line_ = line_no_;
    doc_delimiter_ = std::string(line.substr(0, 3));
    doc_indent_ = raw.find_first_not_of(" \t");
    description_allowed_ = false;
  }

  void docStringLine(std::string_view raw) {
    if (trim(raw) == doc_delimiter_) {
      in_doc_string_ = false;
      return;
    }
    size_t strip = 0;
    while (strip < doc_indent_ && strip < raw.size() && (raw[strip] == ' ' || raw[strip] == '\t')) {
      ++strip;
    }
    std::string& doc = *lastStep()->doc_string;
    if (!doc_string_first_) doc += '\n';
    doc_string_first_ = false;
    doc += raw.substr(strip);
  }

  void finishDraft() {
    if (!draft_) return;
    Draft d = std::move(*draft_);
    draft_.reset();
    std::string name = d.name;
    // The TCK names outline rows "… #Example: <exampleName>"; the id uses
    // the stable part and the row number instead.
    if (auto cut = name.find(" #Example:"); cut != std::string::npos) name.erase(cut);
    std::vector<std::string> tags = feature_tags_;
    tags.insert(tags.end(), d.tags.begin(), d.tags.end());

    if (!d.outline) {
      Scenario s;
      s.name = name;
      s.line = d.line;
      s.tags = tags;
      s.steps = background_;
      s.steps.insert(s.steps.end(), d.steps.begin(), d.steps.end());
      s.id = feature_.path + ": " + name;
      feature_.scenarios.push_back(std::move(s));
      return;
    }
    if (d.examples.empty()) fail(d.line, "Scenario Outline without Examples");
    int index = 0;
    for (const auto& ex : d.examples) {
      if (ex.table.empty()) fail(ex.line, "Examples without a table");
      const auto& names = ex.table.front();
      for (size_t r = 1; r < ex.table.size(); ++r) {
        const auto& values = ex.table[r];
        Scenario s;
        s.name = name;
        s.line = d.line;
        s.example_index = index;
        s.tags = tags;
        s.tags.insert(s.tags.end(), ex.tags.begin(), ex.tags.end());
        s.steps = background_;
        for (const Step& templ : d.steps) {
          Step step = templ;
          step.text = substitute(step.text, names, values);
          if (step.doc_string) step.doc_string = substitute(*step.doc_string, names, values);
          for (auto& row : step.table) {
            for (auto& cell : row) cell = substitute(cell, names, values);
          }
          s.steps.push_back(std::move(step));
        }
        s.id = feature_.path + ": " + name + " #" + std::to_string(index);
        feature_.scenarios.push_back(std::move(s));
        ++index;
      }
    }
  }

  std::string_view text_;
  std::string path_;
  Feature feature_;
  int line_no_ = 0;
  bool seen_feature_ = false;
  bool seen_background_ = false;
  bool description_allowed_ = true;
  Block block_ = Block::kNone;
  std::vector<std::string> feature_tags_;
  std::vector<std::string> pending_tags_;
  std::vector<Step> background_;
  std::optional<Draft> draft_;
  bool in_doc_string_ = false;
  bool doc_string_first_ = true;
  int doc_string_line_ = 0;
  std::string doc_delimiter_;
  size_t doc_indent_ = 0;
};

}  // namespace

bool Scenario::hasTag(std::string_view tag) const {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

Feature parseFeature(std::string_view text, const std::string& path) {
  return FeatureParser(text, path).parse();
}

std::vector<Feature> loadFeatures(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw GherkinError("features directory not found: " + dir.string());
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".feature") {
      files.push_back(entry.path());
    }
  }
  std::vector<Feature> features;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw GherkinError("cannot read " + file.string());
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string rel = fs::relative(file, dir).generic_string();
    features.push_back(parseFeature(buf.str(), rel));
  }
  std::sort(features.begin(), features.end(),
            [](const Feature& a, const Feature& b) { return a.path < b.path; });
  return features;
}

}  // namespace maestro::tck
