#include "tck/tck_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace maestro::tck {

namespace {

void sortEntries(TckValue::Entries& entries) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].first == entries[i - 1].first) {
      throw std::invalid_argument("duplicate key '" + entries[i].first + "'");
    }
  }
}

bool isSymbolChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$';
}

// Names print bare when they can, else back-quoted (so they parse back).
void appendName(std::string& out, const std::string& name) {
  bool bare = !name.empty() && std::all_of(name.begin(), name.end(), isSymbolChar);
  if (bare) {
    out += name;
    return;
  }
  out += '`';
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
}

std::string floatText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

void appendEntries(std::string& out, const TckValue::Entries& entries) {
  out += '{';
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ", ";
    appendName(out, entries[i].first);
    out += ": ";
    out += entries[i].second.toString();
  }
  out += '}';
}

// ---- canonical keys --------------------------------------------------------
// Every piece is self-delimiting (a tag, and a length or terminator), so a
// concatenation of pieces is unambiguous and equal keys mean equal values.

void appendCanonicalString(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

void appendCanonical(std::string& out, const TckValue& v, ListOrder order);

void appendCanonicalEntries(std::string& out, const TckValue::Entries& entries, ListOrder order) {
  out += std::to_string(entries.size());
  out += '{';
  for (const auto& [key, value] : entries) {
    appendCanonicalString(out, key);
    appendCanonical(out, value, order);
  }
  out += '}';
}

void appendCanonical(std::string& out, const TckValue& v, ListOrder order) {
  using Kind = TckValue::Kind;
  switch (v.kind) {
    case Kind::kNull:
      out += 'N';
      return;
    case Kind::kBool:
      out += v.boolean ? "B1" : "B0";
      return;
    case Kind::kInt:
      out += 'I';
      out += std::to_string(v.integer);
      out += ';';
      return;
    case Kind::kFloat: {
      // Shortest round-trip text is unique per double; -0.0 == 0.0 as the
      // TCK's Double equality has it, and NaN is one value (CypherNaN).
      double d = v.real == 0 ? 0.0 : v.real;
      out += 'D';
      out += std::isnan(d) ? std::string("NaN") : floatText(d);
      out += ';';
      return;
    }
    case Kind::kString:
      out += 'S';
      appendCanonicalString(out, v.text);
      return;
    case Kind::kList: {
      std::vector<std::string> keys;
      keys.reserve(v.elements.size());
      for (const auto& e : v.elements) keys.push_back(canonicalKey(e, order));
      // A bag: the same elements in any order give the same key.
      if (order == ListOrder::kIgnored) std::sort(keys.begin(), keys.end());
      out += 'L';
      out += std::to_string(keys.size());
      out += '[';
      for (const auto& k : keys) out += k;
      out += ']';
      return;
    }
    case Kind::kMap:
      out += 'M';
      appendCanonicalEntries(out, v.entries, order);
      return;
    case Kind::kNode:
      out += 'V';
      out += std::to_string(v.labels.size());
      for (const auto& l : v.labels) appendCanonicalString(out, l);
      appendCanonicalEntries(out, v.entries, order);
      return;
    case Kind::kRel:
      out += 'R';
      appendCanonicalString(out, v.text);
      appendCanonicalEntries(out, v.entries, order);
      return;
    case Kind::kPath:
      out += 'P';
      out += std::to_string(v.forward.size());
      appendCanonical(out, v.elements.at(0), order);
      for (size_t i = 0; i < v.forward.size(); ++i) {
        out += v.forward[i] ? '>' : '<';
        appendCanonical(out, v.elements.at(2 * i + 1), order);
        appendCanonical(out, v.elements.at(2 * i + 2), order);
      }
      return;
  }
}

// ---- parser ----------------------------------------------------------------

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  TckValue parseAll() {
    TckValue v = value(0);
    skipSpace();
    if (pos_ != text_.size()) fail("unexpected trailing text");
    return v;
  }

 private:
  // Deep enough for any TCK table, shallow enough never to exhaust the stack.
  static constexpr int kMaxDepth = 200;

  [[noreturn]] void fail(const std::string& what) const {
    throw TckParseError("cannot parse TCK value at offset " + std::to_string(pos_) + ": " + what +
                        " in: " + std::string(text_));
  }

  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  char peek() {
    skipSpace();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }

  bool consume(std::string_view token) {
    skipSpace();
    if (text_.substr(pos_, token.size()) == token) {
      pos_ += token.size();
      return true;
    }
    return false;
  }

  void expect(std::string_view token) {
    if (!consume(token)) fail("expected '" + std::string(token) + "'");
  }

  // A keyword is only matched as a whole word (`nullx` is not null).
  bool consumeWord(std::string_view word) {
    skipSpace();
    if (text_.substr(pos_, word.size()) != word) return false;
    size_t end = pos_ + word.size();
    if (end < text_.size() && isSymbolChar(text_[end])) return false;
    pos_ = end;
    return true;
  }

  TckValue value(int depth) {
    if (depth > kMaxDepth) fail("nesting too deep");
    char c = peek();
    switch (c) {
      case '(':
        return node(depth);
      case '[':
        return relOrList(depth);
      case '<':
        return path(depth);
      case '{':
        return TckValue::ofMap(entries(depth));
      case '\'':
        return TckValue::ofString(string());
      default:
        break;
    }
    if (consumeWord("null")) return TckValue::null();
    if (consumeWord("true")) return TckValue::ofBool(true);
    if (consumeWord("false")) return TckValue::ofBool(false);
    if (consumeWord("NaN")) return TckValue::ofFloat(std::numeric_limits<double>::quiet_NaN());
    if (consumeWord("Inf") || consumeWord("Infinity")) {
      return TckValue::ofFloat(std::numeric_limits<double>::infinity());
    }
    if (consumeWord("-Inf") || consumeWord("-Infinity")) {
      return TckValue::ofFloat(-std::numeric_limits<double>::infinity());
    }
    if (c == '-' || c == '.' || (c >= '0' && c <= '9')) return number();
    fail(c == '\0' ? "unexpected end" : std::string("unexpected '") + c + "'");
  }

  size_t digits() {
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ - start;
  }

  TckValue number() {
    skipSpace();
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    size_t int_digits = digits();
    bool is_float = false;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) fail("expected digits after '.'");
      is_float = true;
    } else if (int_digits == 0) {
      fail("expected a number");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) ++pos_;
      if (digits() == 0) fail("expected exponent digits");
      is_float = true;
    }
    if (pos_ < text_.size() && isSymbolChar(text_[pos_])) fail("malformed number");
    std::string_view lexeme = text_.substr(start, pos_ - start);
    // from_chars rejects a leading '+' but that never reaches here; it does
    // accept "-.5" and ".5", and rounds correctly like Java's toDouble.
    std::string buf(lexeme);
    if (buf.find('+') != std::string::npos) buf.erase(buf.find('+'), 1);
    const char* first = buf.data();
    const char* last = buf.data() + buf.size();
    if (is_float) {
      double d = 0;
      auto [end, ec] = std::from_chars(first, last, d);
      if (ec != std::errc() || end != last) fail("float out of range");
      return TckValue::ofFloat(d);
    }
    int64_t i = 0;
    auto [end, ec] = std::from_chars(first, last, i);
    if (ec != std::errc() || end != last) fail("integer out of range");
    return TckValue::ofInt(i);
  }

  std::string string() {
    expect("'");
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = text_[pos_++];
      if (c == '\'') return out;
      if (c == '\\' && pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '\\')) {
        out += text_[pos_++];
        continue;
      }
      // Any other backslash is literal text, as in the TCK's own parser.
      out += c;
    }
  }

  std::string name() {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == '`') {
      ++pos_;
      std::string out;
      while (true) {
        if (pos_ >= text_.size()) fail("unterminated `name`");
        char c = text_[pos_++];
        if (c == '`') {
          if (pos_ < text_.size() && text_[pos_] == '`') {
            out += '`';
            ++pos_;
            continue;
          }
          return out;
        }
        out += c;
      }
    }
    size_t start = pos_;
    while (pos_ < text_.size() && isSymbolChar(text_[pos_])) ++pos_;
    if (pos_ == start) fail("expected a name");
    return std::string(text_.substr(start, pos_ - start));
  }

  TckValue::Entries entries(int depth) {
    expect("{");
    TckValue::Entries out;
    if (consume("}")) return out;
    do {
      std::string key = name();
      expect(":");
      out.emplace_back(std::move(key), value(depth + 1));
    } while (consume(","));
    expect("}");
    try {
      sortEntries(out);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
    return out;
  }

  TckValue node(int depth) {
    expect("(");
    std::vector<std::string> labels;
    while (consume(":")) labels.push_back(name());
    TckValue::Entries props;
    if (peek() == '{') props = entries(depth);
    expect(")");
    return TckValue::ofNode(std::move(labels), std::move(props));
  }

  TckValue rel(int depth) {
    expect("[");
    expect(":");
    std::string type = name();
    TckValue::Entries props;
    if (peek() == '{') props = entries(depth);
    expect("]");
    return TckValue::ofRel(std::move(type), std::move(props));
  }

  TckValue relOrList(int depth) {
    size_t save = pos_;
    expect("[");
    bool is_rel = peek() == ':';
    pos_ = save;
    if (is_rel) return rel(depth);
    expect("[");
    std::vector<TckValue> elements;
    if (!consume("]")) {
      do {
        elements.push_back(value(depth + 1));
      } while (consume(","));
      expect("]");
    }
    return TckValue::ofList(std::move(elements));
  }

  TckValue path(int depth) {
    expect("<");
    TckValue start = node(depth);
    std::vector<TckHop> hops;
    while (true) {
      if (consume("<-")) {
        TckValue r = rel(depth);
        expect("-");
        hops.push_back({false, std::move(r), node(depth)});
      } else if (consume("-")) {
        TckValue r = rel(depth);
        expect("->");
        hops.push_back({true, std::move(r), node(depth)});
      } else {
        break;
      }
    }
    expect(">");
    return TckValue::ofPath(std::move(start), std::move(hops));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

TckValue TckValue::ofBool(bool b) {
  TckValue v;
  v.kind = Kind::kBool;
  v.boolean = b;
  return v;
}

TckValue TckValue::ofInt(int64_t i) {
  TckValue v;
  v.kind = Kind::kInt;
  v.integer = i;
  return v;
}

TckValue TckValue::ofFloat(double d) {
  TckValue v;
  v.kind = Kind::kFloat;
  v.real = d;
  return v;
}

TckValue TckValue::ofString(std::string s) {
  TckValue v;
  v.kind = Kind::kString;
  v.text = std::move(s);
  return v;
}

TckValue TckValue::ofList(std::vector<TckValue> elements) {
  TckValue v;
  v.kind = Kind::kList;
  v.elements = std::move(elements);
  return v;
}

TckValue TckValue::ofMap(Entries entries) {
  sortEntries(entries);
  TckValue v;
  v.kind = Kind::kMap;
  v.entries = std::move(entries);
  return v;
}

TckValue TckValue::ofNode(std::vector<std::string> labels, Entries properties) {
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  sortEntries(properties);
  TckValue v;
  v.kind = Kind::kNode;
  v.labels = std::move(labels);
  v.entries = std::move(properties);
  return v;
}

TckValue TckValue::ofRel(std::string type, Entries properties) {
  sortEntries(properties);
  TckValue v;
  v.kind = Kind::kRel;
  v.text = std::move(type);
  v.entries = std::move(properties);
  return v;
}

TckValue TckValue::ofPath(TckValue start, std::vector<TckHop> hops) {
  TckValue v;
  v.kind = Kind::kPath;
  v.elements.push_back(std::move(start));
  for (auto& hop : hops) {
    v.forward.push_back(hop.forward);
    v.elements.push_back(std::move(hop.rel));
    v.elements.push_back(std::move(hop.node));
  }
  return v;
}

std::string TckValue::toString() const {
  std::string out;
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return boolean ? "true" : "false";
    case Kind::kInt:
      return std::to_string(integer);
    case Kind::kFloat:
      return floatText(real);
    case Kind::kString:
      out += '\'';
      for (char c : text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
      }
      out += '\'';
      return out;
    case Kind::kList:
      out += '[';
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out += ", ";
        out += elements[i].toString();
      }
      out += ']';
      return out;
    case Kind::kMap:
      appendEntries(out, entries);
      return out;
    case Kind::kNode:
      out += '(';
      for (const auto& l : labels) {
        out += ':';
        appendName(out, l);
      }
      if (!entries.empty()) {
        if (!labels.empty()) out += ' ';
        appendEntries(out, entries);
      }
      out += ')';
      return out;
    case Kind::kRel:
      out += "[:";
      appendName(out, text);
      if (!entries.empty()) {
        out += ' ';
        appendEntries(out, entries);
      }
      out += ']';
      return out;
    case Kind::kPath:
      out += '<';
      out += elements.at(0).toString();
      for (size_t i = 0; i < forward.size(); ++i) {
        out += forward[i] ? "-" : "<-";
        out += elements.at(2 * i + 1).toString();
        out += forward[i] ? "->" : "-";
        out += elements.at(2 * i + 2).toString();
      }
      out += '>';
      return out;
  }
  return out;
}

TckValue parseTckValue(std::string_view text) { return Parser(text).parseAll(); }

std::string canonicalKey(const TckValue& v, ListOrder order) {
  std::string out;
  appendCanonical(out, v, order);
  return out;
}

bool tckEquals(const TckValue& a, const TckValue& b, ListOrder order) {
  return canonicalKey(a, order) == canonicalKey(b, order);
}

}  // namespace maestro::tck
