#include "engine/storage/importer.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "common/error.h"
#include "common/json.h"

namespace maestro::engine {

// ---- CsvReader --------------------------------------------------------------

namespace {
constexpr size_t kReadBuffer = 1 << 20;
}

CsvReader::CsvReader(const std::filesystem::path& path, std::string display_name)
    : name_(std::move(display_name)), buf_(kReadBuffer) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) {
    throw Error::badInput(name_ + ": cannot open: " + std::generic_category().message(errno));
  }
  // A UTF-8 byte-order mark (spreadsheet exports write one) is not data.
  if (fill() && end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) {
    pos_ += 3;
    consumed_ += 3;
  }
}

CsvReader::~CsvReader() {
  if (file_ != nullptr) std::fclose(file_);
}

// Makes at least one unread byte available; false at the end of the file.
bool CsvReader::fill() {
  if (pos_ < end_) return true;
  if (eof_) return false;
  pos_ = 0;
  end_ = std::fread(buf_.data(), 1, buf_.size(), file_);
  if (end_ == 0) {
    if (std::ferror(file_)) {
      throw Error::badInput(name_ + ": read error: " + std::generic_category().message(errno));
    }
    eof_ = true;
    return false;
  }
  return true;
}

int CsvReader::peek() { return fill() ? static_cast<unsigned char>(buf_[pos_]) : EOF; }

bool CsvReader::next(std::vector<Field>& fields) {
  auto advance = [&] {
    ++pos_;
    ++consumed_;
  };
  // Skip lines that hold nothing (a trailing blank line is common).
  for (;;) {
    const int c = peek();
    if (c == EOF) return false;
    if (c == '\n') {
      advance();
      ++line_;
    } else if (c == '\r') {
      advance();
      if (peek() == '\n') advance();
      ++line_;
    } else {
      break;
    }
  }
  record_line_ = line_;
  size_t n = 0;
  for (;;) {
    if (n == fields.size()) fields.emplace_back();
    Field& f = fields[n++];
    f.text.clear();
    f.quoted = false;
    if (peek() == '"') {
      f.quoted = true;
      advance();
      for (;;) {
        if (!fill()) {
          throw Error::badInput(name_ + ":" + std::to_string(record_line_) +
                                ": unterminated quoted field");
        }
        // Copy the run up to the next quote at once.
        const char* start = buf_.data() + pos_;
        const char* stop = static_cast<const char*>(std::memchr(start, '"', end_ - pos_));
        const size_t run = stop != nullptr ? static_cast<size_t>(stop - start) : end_ - pos_;
        line_ += std::count(start, start + run, '\n');
        f.text.append(start, run);
        pos_ += run;
        consumed_ += static_cast<int64_t>(run);
        if (stop == nullptr) continue;
        advance();            // the quote
        if (peek() == '"') {  // an escaped quote
          f.text.push_back('"');
          advance();
          continue;
        }
        break;
      }
      const int c = peek();
      if (c != ',' && c != '\n' && c != '\r' && c != EOF) {
        throw Error::badInput(name_ + ":" + std::to_string(line_) +
                              ": unexpected character after a closing quote (a quote inside a "
                              "quoted field is written \"\")");
      }
    } else {
      for (;;) {
        if (!fill()) break;
        const char* start = buf_.data() + pos_;
        const char* p = start;
        const char* end = buf_.data() + end_;
        while (p < end && *p != ',' && *p != '\n' && *p != '\r') ++p;
        f.text.append(start, p);
        consumed_ += p - start;
        pos_ += static_cast<size_t>(p - start);
        if (p < end) break;
      }
    }
    const int c = peek();
    if (c == ',') {
      advance();
      continue;
    }
    if (c == '\r') {
      advance();
      if (peek() == '\n') advance();
      ++line_;
    } else if (c == '\n') {
      advance();
      ++line_;
    }
    break;
  }
  fields.resize(n);
  return true;
}

// ---- the import ---------------------------------------------------------------

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string quote(std::string_view s) {
  constexpr size_t kMax = 60;
  std::string out = "'";
  out += s.size() > kMax ? std::string(s.substr(0, kMax)) + "…" : std::string(s);
  out += "'";
  return out;
}

enum class ValueType { kString, kInt, kFloat, kBool };

std::string_view typeName(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return "string";
    case ValueType::kInt:
      return "int";
    case ValueType::kFloat:
      return "float";
    default:
      return "bool";
  }
}

// Parses one scalar of type `t` from CSV text; nullopt if malformed.
std::optional<Value> parseScalar(std::string_view text, ValueType t) {
  if (t == ValueType::kString) return Value(text);
  text = trim(text);
  if (t == ValueType::kBool) {
    if (equalsIgnoreCase(text, "true")) return Value(true);
    if (equalsIgnoreCase(text, "false")) return Value(false);
    return std::nullopt;
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (t == ValueType::kInt) {
    int64_t v = 0;
    auto r = std::from_chars(begin, end, v);
    if (r.ec != std::errc() || r.ptr != end || text.empty()) return std::nullopt;
    return Value(v);
  }
  double v = 0;
  auto r = std::from_chars(begin, end, v);
  if (r.ec != std::errc() || r.ptr != end || text.empty()) return std::nullopt;
  return Value(v);
}

// The rows of all files, validated, before anything touches the graph.
// Names are interned in a staging catalog of its own, so a failed import
// leaves the caller's graph untouched.
struct Staging {
  struct Node {
    std::vector<LabelId> labels;
    Properties props;
  };
  struct Rel {
    RelTypeId type;
    uint32_t src;
    uint32_t dst;
    Properties props;
  };
  // A JSONL relationship whose ends were not known yet when read.
  struct Pending {
    size_t rel;
    std::string start;
    std::string end;
    uint32_t file;
    int64_t line;
  };
  static constexpr uint32_t kUnresolved = UINT32_MAX;

  Catalog names;
  std::vector<Node> nodes;
  std::vector<std::pair<uint32_t, int64_t>> node_origin;  // (file, line) of nodes with ids
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids;
  std::vector<Rel> rels;
  std::vector<Pending> pending;
  std::vector<std::string> files;  // display names
  PropKeyId id_key = 0;

  Staging() { id_key = names.propertyKeys().intern("id"); }

  std::string where(uint32_t file, int64_t line) const {
    return files[file] + ":" + std::to_string(line);
  }

  void addNodeId(std::string_view id, uint32_t file, int64_t line) {
    auto [it, inserted] = ids.try_emplace(std::string(id), static_cast<uint32_t>(nodes.size()));
    if (!inserted) {
      const auto& [first_file, first_line] = node_origin[it->second];
      throw Error::badInput(where(file, line) + ": duplicate node id " + quote(id) + " (first at " +
                            where(first_file, first_line) + ")");
    }
  }

  std::optional<uint32_t> findNode(std::string_view id) const {
    auto it = ids.find(id);
    if (it == ids.end()) return std::nullopt;
    return it->second;
  }

  void setSensitivity(PropKeyId key, Sensitivity tier, uint32_t file, int64_t line) {
    auto it = names.sensitivities().find(key);
    if (it != names.sensitivities().end() && it->second != tier) {
      throw Error::badInput(where(file, line) + ": property '" + names.propertyKeys().name(key) +
                            "' is declared " + std::string(sensitivityName(tier)) + " here but " +
                            std::string(sensitivityName(it->second)) + " elsewhere");
    }
    names.setSensitivity(key, tier);
  }
};

// Parse-phase progress, throttled.
class ParseProgress {
 public:
  ParseProgress(const ImportProgressFn& fn, int64_t total_bytes) : fn_(fn), total_(total_bytes) {}
  void row(int64_t bytes_in_file) {
    ++rows_;
    if (fn_ && (rows_ & 0x1fff) == 0) report(bytes_in_file);
  }
  void fileDone(int64_t file_bytes) {
    done_before_ += file_bytes;
    if (fn_) report(0);
  }
  int64_t rows() const { return rows_; }

 private:
  void report(int64_t bytes_in_file) {
    ImportProgress p;
    p.phase = ImportProgress::Phase::kParse;
    p.done = std::min(total_, done_before_ + bytes_in_file);
    p.total = total_;
    p.rows_parsed = rows_;
    fn_(p);
  }
  const ImportProgressFn& fn_;
  int64_t total_;
  int64_t done_before_ = 0;
  int64_t rows_ = 0;
};

// ---- CSV ----

struct CsvColumn {
  enum class Role { kId, kLabel, kStart, kEnd, kType, kIgnore, kProperty };
  Role role = Role::kProperty;
  PropKeyId key = 0;
  ValueType type = ValueType::kString;
  bool array = false;
  std::string name;  // as written, for messages
};

struct CsvLayout {
  bool rels = false;
  std::vector<CsvColumn> columns;
  int id = -1, label = -1, start = -1, end = -1, type = -1;
};

CsvLayout parseHeader(const std::vector<CsvReader::Field>& header, Staging& st, uint32_t file) {
  CsvLayout layout;
  const std::string at = st.where(file, 1) + ": ";
  for (const auto& f : header) {
    if (trim(f.text) == ":START_ID") layout.rels = true;
  }
  std::vector<std::string> seen_props;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string_view text = trim(header[i].text);
    CsvColumn col;
    col.name = std::string(text);
    auto special = [&](std::string_view name, CsvColumn::Role role, int& slot, bool for_rels) {
      if (!equalsIgnoreCase(text, name)) return false;
      if (layout.rels != for_rels) {
        throw Error::badInput(at + "column " + std::string(name) + " belongs in a " +
                              (for_rels ? "relationships" : "nodes") + " file (this header " +
                              (layout.rels ? "has :START_ID" : "has no :START_ID") + ")");
      }
      if (slot >= 0) throw Error::badInput(at + "column " + std::string(name) + " appears twice");
      slot = static_cast<int>(i);
      col.role = role;
      return true;
    };
    if (!text.empty() && text.front() == ':') {
      if (equalsIgnoreCase(text, ":IGNORE")) {
        col.role = CsvColumn::Role::kIgnore;
      } else if (!special(":ID", CsvColumn::Role::kId, layout.id, false) &&
                 !special(":LABEL", CsvColumn::Role::kLabel, layout.label, false) &&
                 !special(":START_ID", CsvColumn::Role::kStart, layout.start, true) &&
                 !special(":END_ID", CsvColumn::Role::kEnd, layout.end, true) &&
                 !special(":TYPE", CsvColumn::Role::kType, layout.type, true)) {
        throw Error::badInput(at + "unknown column " + quote(text) +
                              " (expected :ID, :LABEL, :START_ID, :END_ID, :TYPE or :IGNORE)");
      }
      layout.columns.push_back(std::move(col));
      continue;
    }
    // name[:type][@sensitivity]
    std::string_view spec = text;
    std::optional<Sensitivity> tier;
    if (size_t a = spec.rfind('@'); a != std::string_view::npos) {
      std::string_view t = spec.substr(a + 1);
      if (!equalsIgnoreCase(t, "low") && !equalsIgnoreCase(t, "medium") &&
          !equalsIgnoreCase(t, "high")) {
        throw Error::badInput(at + "column " + quote(text) + ": unknown sensitivity " + quote(t) +
                              " (expected low, medium or high)");
      }
      tier = parseSensitivity(t);
      spec = spec.substr(0, a);
    }
    std::string_view name = spec, type = "string";
    if (size_t c = spec.find(':'); c != std::string_view::npos) {
      name = spec.substr(0, c);
      type = spec.substr(c + 1);
    }
    name = trim(name);
    type = trim(type);
    if (name.empty())
      throw Error::badInput(at + "column " + std::to_string(i + 1) + " has no name");
    if (type.ends_with("[]")) {
      col.array = true;
      type.remove_suffix(2);
    }
    if (equalsIgnoreCase(type, "string")) {
      col.type = ValueType::kString;
    } else if (equalsIgnoreCase(type, "int") || equalsIgnoreCase(type, "long") ||
               equalsIgnoreCase(type, "integer")) {
      col.type = ValueType::kInt;
    } else if (equalsIgnoreCase(type, "float") || equalsIgnoreCase(type, "double")) {
      col.type = ValueType::kFloat;
    } else if (equalsIgnoreCase(type, "bool") || equalsIgnoreCase(type, "boolean")) {
      col.type = ValueType::kBool;
    } else {
      throw Error::badInput(at + "column " + quote(text) + ": unknown type " + quote(type) +
                            " (expected string, int, float or bool, optionally with [])");
    }
    if (std::find(seen_props.begin(), seen_props.end(), name) != seen_props.end()) {
      throw Error::badInput(at + "property column " + quote(name) + " appears twice");
    }
    seen_props.emplace_back(name);
    col.key = st.names.propertyKeys().intern(name);
    if (tier) st.setSensitivity(col.key, *tier, file, 1);
    layout.columns.push_back(std::move(col));
  }
  if (layout.rels) {
    if (layout.end < 0 || layout.type < 0) {
      throw Error::badInput(at + "a relationships file needs :START_ID, :END_ID and :TYPE columns");
    }
  } else if (layout.id >= 0 &&
             std::find(seen_props.begin(), seen_props.end(), "id") != seen_props.end()) {
    throw Error::badInput(at +
                          "column 'id' clashes with :ID (the external id is stored as the "
                          "property id)");
  }
  return layout;
}

// Reads the property columns of one CSV row into `props`.
void csvProperties(const CsvLayout& layout, const std::vector<CsvReader::Field>& row,
                   Properties& props, const Staging& st, uint32_t file, int64_t line) {
  for (size_t i = 0; i < row.size(); ++i) {
    const CsvColumn& col = layout.columns[i];
    if (col.role != CsvColumn::Role::kProperty) continue;
    const CsvReader::Field& f = row[i];
    if (f.text.empty()) {
      // Unquoted: not set. Quoted (""): the empty string, or the empty
      // list in an array column; for other types still not set.
      if (!f.quoted) continue;
      if (col.array) {
        props.set(col.key, Value(ValueList{}));
      } else if (col.type == ValueType::kString) {
        props.set(col.key, Value(std::string()));
      }
      continue;
    }
    auto bad = [&](std::string_view text) {
      return Error::badInput(st.where(file, line) + ": column " + quote(col.name) + ": " +
                             quote(text) + " is not a valid " + std::string(typeName(col.type)));
    };
    if (!col.array) {
      auto v = parseScalar(f.text, col.type);
      if (!v) throw bad(f.text);
      props.set(col.key, std::move(*v));
      continue;
    }
    ValueList items;
    std::string_view rest = f.text;
    for (;;) {
      const size_t semi = rest.find(';');
      std::string_view item = rest.substr(0, semi);
      auto v = parseScalar(item, col.type);
      if (!v) throw bad(item);
      items.push_back(std::move(*v));
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
    props.set(col.key, Value(std::move(items)));
  }
}

// The file's kind and header, read before any file is parsed so that node
// files can go first.
struct FilePlan {
  std::filesystem::path path;
  std::string name;
  bool jsonl = false;
  bool csv_rels = false;
  int64_t bytes = 0;
};

FilePlan planFile(const std::filesystem::path& path) {
  FilePlan plan;
  plan.path = path;
  plan.name = path.string();
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error::badInput(plan.name + ": no such file");
  }
  plan.bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  if (ext == ".jsonl" || ext == ".ndjson") {
    plan.jsonl = true;
  } else if (ext == ".csv") {
    CsvReader reader(path, plan.name);
    std::vector<CsvReader::Field> header;
    if (reader.next(header)) {
      for (const auto& f : header) {
        if (trim(f.text) == ":START_ID") plan.csv_rels = true;
      }
    }
  } else {
    throw Error::badInput(plan.name + ": unknown file type (expected .csv, .jsonl or .ndjson)");
  }
  return plan;
}

void importCsv(const FilePlan& plan, uint32_t file, Staging& st, ParseProgress& progress) {
  CsvReader reader(plan.path, plan.name);
  std::vector<CsvReader::Field> row;
  if (!reader.next(row)) return;  // an empty file
  const CsvLayout layout = parseHeader(row, st, file);
  const size_t width = layout.columns.size();
  // Label lists repeat (often one per file): remember the last one.
  std::string last_labels;
  std::vector<LabelId> last_label_ids;
  std::string last_type;
  RelTypeId last_type_id = 0;
  bool have_type = false;
  while (reader.next(row)) {
    const int64_t line = reader.line();
    if (row.size() != width) {
      throw Error::badInput(st.where(file, line) + ": expected " + std::to_string(width) +
                            " fields, found " + std::to_string(row.size()));
    }
    // Built only for a message: most rows never need it.
    auto where = [&] { return st.where(file, line); };
    Properties props;
    csvProperties(layout, row, props, st, file, line);
    if (layout.rels) {
      const std::string& type = row[layout.type].text;
      if (type != last_type || !have_type) {
        if (trim(type).empty()) throw Error::badInput(where() + ": empty :TYPE");
        last_type = type;
        last_type_id = st.names.relTypes().intern(trim(type));
        have_type = true;
      }
      const std::string& start = row[layout.start].text;
      const std::string& end = row[layout.end].text;
      auto src = st.findNode(start);
      if (!src) throw Error::badInput(where() + ": unknown start id " + quote(start));
      auto dst = st.findNode(end);
      if (!dst) throw Error::badInput(where() + ": unknown end id " + quote(end));
      st.rels.push_back({last_type_id, *src, *dst, std::move(props)});
    } else {
      Staging::Node node;
      if (layout.label >= 0) {
        const std::string& text = row[layout.label].text;
        if (text != last_labels || last_label_ids.empty()) {
          last_labels = text;
          last_label_ids.clear();
          std::string_view rest = text;
          while (!rest.empty()) {
            const size_t semi = rest.find(';');
            std::string_view label = trim(rest.substr(0, semi));
            if (!label.empty()) last_label_ids.push_back(st.names.labels().intern(label));
            if (semi == std::string_view::npos) break;
            rest.remove_prefix(semi + 1);
          }
          std::sort(last_label_ids.begin(), last_label_ids.end());
          last_label_ids.erase(std::unique(last_label_ids.begin(), last_label_ids.end()),
                               last_label_ids.end());
        }
        node.labels = last_label_ids;
      }
      if (layout.id >= 0) {
        const std::string& id = row[layout.id].text;
        if (id.empty()) throw Error::badInput(where() + ": empty :ID");
        st.addNodeId(id, file, line);
        props.set(st.id_key, Value(id));
      }
      node.props = std::move(props);
      st.node_origin.emplace_back(file, line);
      st.nodes.push_back(std::move(node));
    }
    progress.row(reader.bytesRead());
  }
}

// ---- JSON Lines ----

// A property value from JSON; nullopt for null (not set).
std::optional<Value> jsonProperty(const Json& v, const std::string& where, const std::string& key) {
  auto bad = [&](std::string_view why) {
    return Error::badInput(where + ": property " + quote(key) + ": " + std::string(why));
  };
  auto scalar = [&](const Json& j) -> Value {
    if (j.is_string()) return Value(j.get<std::string>());
    if (j.is_boolean()) return Value(j.get<bool>());
    if (j.is_number_unsigned()) {
      if (j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) throw bad("integer out of range");
      return Value(static_cast<int64_t>(j.get<uint64_t>()));
    }
    if (j.is_number_integer()) return Value(j.get<int64_t>());
    if (j.is_number_float()) return Value(j.get<double>());
    throw bad("cannot be a property value (got " + std::string(jsonTypeName(j)) + ")");
  };
  if (v.is_null()) return std::nullopt;
  if (!v.is_array()) return scalar(v);
  ValueList items;
  items.reserve(v.size());
  for (const Json& j : v) {
    if (j.is_null() || j.is_array() || j.is_object()) {
      throw bad("list items must be strings, numbers or booleans");
    }
    items.push_back(scalar(j));
    if (items.front().type() != items.back().type()) {
      throw bad("list items must all be of one type (ints and floats do not mix)");
    }
  }
  return Value(std::move(items));
}

void jsonProperties(const Json& obj, Staging& st, Properties& props, const std::string& where,
                    bool has_id) {
  auto it = obj.find("properties");
  if (it == obj.end() || it->is_null()) return;
  if (!it->is_object()) throw Error::badInput(where + ": \"properties\" must be an object");
  for (auto p = it->begin(); p != it->end(); ++p) {
    const std::string& key = p.key();
    const Json& value = p.value();
    if (key.empty()) throw Error::badInput(where + ": a property name is empty");
    if (has_id && key == "id") {
      throw Error::badInput(where +
                            ": property 'id' clashes with the node's \"id\" (the external "
                            "id is stored as the property id)");
    }
    if (auto v = jsonProperty(value, where, key)) {
      props.set(st.names.propertyKeys().intern(key), std::move(*v));
    }
  }
}

std::string jsonString(const Json& obj, const char* key, const std::string& where, bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) throw Error::badInput(where + ": \"" + key + "\" is required");
    return {};
  }
  if (it->is_string()) return it->get<std::string>();
  // Numeric ids are common in exports; they name the same node as text.
  if (it->is_number_integer()) return it->dump();
  throw Error::badInput(where + ": \"" + key + "\" must be a string, not " +
                        std::string(jsonTypeName(*it)));
}

void checkKeys(const Json& obj, std::initializer_list<std::string_view> allowed,
               const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      throw Error::badInput(where + ": unknown field " + quote(it.key()));
    }
  }
}

void importJsonl(const FilePlan& plan, uint32_t file, Staging& st, ParseProgress& progress) {
  std::FILE* f = std::fopen(plan.path.c_str(), "rb");
  if (f == nullptr) {
    throw Error::badInput(plan.name + ": cannot open: " + std::generic_category().message(errno));
  }
  struct Closer {
    std::FILE* f;
    char* line = nullptr;
    ~Closer() {
      std::free(line);
      std::fclose(f);
    }
  } closer{f};
  size_t capacity = 0;
  int64_t line_no = 0, bytes = 0;
  ssize_t len;
  while ((len = ::getline(&closer.line, &capacity, f)) >= 0) {
    ++line_no;
    bytes += len;
    std::string_view text(closer.line, static_cast<size_t>(len));
    if (line_no == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (trim(text).find_first_not_of("\r\n") == std::string_view::npos) continue;
    const std::string where = st.where(file, line_no);
    Json obj = parseJson(text, where);
    if (!obj.is_object()) throw Error::badInput(where + ": expected a JSON object");
    const std::string kind = jsonString(obj, "kind", where, true);
    if (kind == "node") {
      checkKeys(obj, {"kind", "id", "labels", "properties"}, where);
      const std::string id = jsonString(obj, "id", where, false);
      Staging::Node node;
      if (auto it = obj.find("labels"); it != obj.end() && !it->is_null()) {
        if (!it->is_array()) throw Error::badInput(where + ": \"labels\" must be an array");
        for (const Json& l : *it) {
          if (!l.is_string() || l.get_ref<const std::string&>().empty()) {
            throw Error::badInput(where + ": labels must be non-empty strings");
          }
          node.labels.push_back(st.names.labels().intern(l.get<std::string>()));
        }
        std::sort(node.labels.begin(), node.labels.end());
        node.labels.erase(std::unique(node.labels.begin(), node.labels.end()), node.labels.end());
      }
      jsonProperties(obj, st, node.props, where, !id.empty());
      if (!id.empty()) {
        st.addNodeId(id, file, line_no);
        node.props.set(st.id_key, Value(id));
      }
      st.node_origin.emplace_back(file, line_no);
      st.nodes.push_back(std::move(node));
    } else if (kind == "rel" || kind == "relationship") {
      checkKeys(obj, {"kind", "type", "start", "end", "properties"}, where);
      const std::string type = jsonString(obj, "type", where, true);
      if (type.empty()) throw Error::badInput(where + ": \"type\" is empty");
      std::string start = jsonString(obj, "start", where, true);
      std::string end = jsonString(obj, "end", where, true);
      Staging::Rel rel{
          st.names.relTypes().intern(type), Staging::kUnresolved, Staging::kUnresolved, {}};
      jsonProperties(obj, st, rel.props, where, false);
      auto src = st.findNode(start);
      auto dst = st.findNode(end);
      if (src && dst) {
        rel.src = *src;
        rel.dst = *dst;
      } else {
        // The node may come later in this file or another: decide at the end.
        st.pending.push_back({st.rels.size(), std::move(start), std::move(end), file, line_no});
      }
      st.rels.push_back(std::move(rel));
    } else if (kind == "sensitivity") {
      checkKeys(obj, {"kind", "key", "tier"}, where);
      const std::string key = jsonString(obj, "key", where, true);
      const std::string tier = jsonString(obj, "tier", where, true);
      if (key.empty()) throw Error::badInput(where + ": \"key\" is empty");
      if (!equalsIgnoreCase(tier, "low") && !equalsIgnoreCase(tier, "medium") &&
          !equalsIgnoreCase(tier, "high")) {
        throw Error::badInput(where + ": unknown tier " + quote(tier) +
                              " (expected low, medium or high)");
      }
      st.setSensitivity(st.names.propertyKeys().intern(key), parseSensitivity(tier), file, line_no);
      continue;
    } else {
      throw Error::badInput(where + ": unknown kind " + quote(kind) +
                            " (expected node, rel or sensitivity)");
    }
    progress.row(bytes);
  }
  if (std::ferror(f)) throw Error::badInput(plan.name + ": read error");
}

void resolvePending(Staging& st) {
  for (const auto& p : st.pending) {
    auto src = st.findNode(p.start);
    if (!src)
      throw Error::badInput(st.where(p.file, p.line) + ": unknown start id " + quote(p.start));
    auto dst = st.findNode(p.end);
    if (!dst) throw Error::badInput(st.where(p.file, p.line) + ": unknown end id " + quote(p.end));
    st.rels[p.rel].src = *src;
    st.rels[p.rel].dst = *dst;
  }
  st.pending.clear();
}

// Maps staging ids to the graph's, interning names there.
std::vector<uint32_t> mapNames(const NameTable& from, NameTable& to, bool& identity) {
  std::vector<uint32_t> map(from.size());
  for (uint32_t i = 0; i < from.size(); ++i) {
    map[i] = to.intern(from.name(i));
    if (map[i] != i) identity = false;
  }
  return map;
}

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

ImportResult importIntoGraph(GraphStore& graph_store, const std::string& dataset_id,
                             int64_t base_version, Graph& graph,
                             const std::vector<std::filesystem::path>& files,
                             const ImportProgressFn& progress) {
  ImportResult result;
  result.version = base_version;
  const auto parse_start = std::chrono::steady_clock::now();

  // Node sources first (CSV node files and JSON Lines, in the order given),
  // then CSV relationship files, so ends resolve whatever the file order.
  std::vector<FilePlan> plans;
  int64_t total_bytes = 0;
  for (const auto& path : files) {
    plans.push_back(planFile(path));
    total_bytes += plans.back().bytes;
  }
  std::stable_partition(plans.begin(), plans.end(), [](const FilePlan& p) { return !p.csv_rels; });
  Staging st;
  ParseProgress parse_progress(progress, total_bytes);
  bool pending_resolved = false;
  for (const FilePlan& plan : plans) {
    if (plan.csv_rels && !pending_resolved) {
      resolvePending(st);
      pending_resolved = true;
    }
    const auto file = static_cast<uint32_t>(st.files.size());
    st.files.push_back(plan.name);
    if (plan.jsonl) {
      importJsonl(plan, file, st, parse_progress);
    } else {
      importCsv(plan, file, st, parse_progress);
    }
    parse_progress.fileDone(plan.bytes);
  }
  resolvePending(st);
  result.parse_seconds = secondsSince(parse_start);
  result.nodes = static_cast<int64_t>(st.nodes.size());
  result.relationships = static_cast<int64_t>(st.rels.size());
  if (st.nodes.empty() && st.rels.empty() && st.names.sensitivities().empty()) return result;

  // Add to the graph. Staging ids map to the graph's; when the graph's
  // tables start the same way (always for a new dataset) the property maps
  // move over as they are.
  const auto write_start = std::chrono::steady_clock::now();
  Catalog& catalog = graph.catalog();
  bool identity = true;
  const auto labels = mapNames(st.names.labels(), catalog.labels(), identity);
  const auto types = mapNames(st.names.relTypes(), catalog.relTypes(), identity);
  const auto keys = mapNames(st.names.propertyKeys(), catalog.propertyKeys(), identity);
  auto remap = [&](Properties& props) {
    if (identity) return std::move(props);
    Properties out;
    for (const auto& [key, value] : props.entries()) out.set(keys[key], value);
    return out;
  };
  const NodeId first_node = graph.nodeIdLimit();
  const RelId first_rel = graph.relIdLimit();
  graph.setAutoCompact(false);
  for (auto& node : st.nodes) {
    if (!identity) {
      for (auto& l : node.labels) l = labels[l];
    }
    graph.addNode(std::move(node.labels), remap(node.props));
  }
  st.nodes = {};
  for (auto& rel : st.rels) {
    graph.addRel(types[rel.type], first_node + rel.src, first_node + rel.dst, remap(rel.props));
  }
  st.rels = {};
  graph.compact();
  graph.setAutoCompact(true);
  for (const auto& [key, tier] : st.names.sensitivities()) catalog.setSensitivity(keys[key], tier);

  const int64_t total_rows = result.nodes + result.relationships;
  std::function<void(int64_t)> write_progress;
  if (progress) {
    write_progress = [&](int64_t rows) {
      ImportProgress p;
      p.phase = ImportProgress::Phase::kWrite;
      p.done = rows;
      p.total = total_rows;
      p.rows_parsed = total_rows;
      progress(p);
    };
  }
  result.version = graph_store.commitBulk(dataset_id, base_version, graph, first_node, first_rel,
                                          write_progress);
  result.write_seconds = secondsSince(write_start);
  return result;
}

ImportResult importFiles(store::Store& store, const std::string& dataset_id,
                         const std::vector<std::filesystem::path>& files,
                         const ImportProgressFn& progress) {
  GraphStore::migrate(store);
  GraphStore graph_store(store);
  graph_store.ensureDataset(dataset_id);
  Graph graph;
  const int64_t base = graph_store.load(dataset_id, graph);
  return importIntoGraph(graph_store, dataset_id, base, graph, files, progress);
}

}  // namespace maestro::engine
