#include "graphql/lexer.h"

#include <cstdio>
#include <vector>

#include "graphql/parser.h"

namespace maestro::graphql {
namespace {

bool isNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameContinue(char c) { return isNameStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view tokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd: return "<EOF>";
    case TokenKind::kBang: return "\"!\"";
    case TokenKind::kDollar: return "\"$\"";
    case TokenKind::kAmp: return "\"&\"";
    case TokenKind::kParenL: return "\"(\"";
    case TokenKind::kParenR: return "\")\"";
    case TokenKind::kSpread: return "\"...\"";
    case TokenKind::kColon: return "\":\"";
    case TokenKind::kEquals: return "\"=\"";
    case TokenKind::kAt: return "\"@\"";
    case TokenKind::kBracketL: return "\"[\"";
    case TokenKind::kBracketR: return "\"]\"";
    case TokenKind::kBraceL: return "\"{\"";
    case TokenKind::kPipe: return "\"|\"";
    case TokenKind::kBraceR: return "\"}\"";
    case TokenKind::kName: return "Name";
    case TokenKind::kInt: return "Int";
    case TokenKind::kFloat: return "Float";
    case TokenKind::kString: return "String";
    case TokenKind::kBlockString: return "BlockString";
  }
  return "?";
}

Lexer::Lexer(std::string_view source, int max_tokens) : src_(source), max_tokens_(max_tokens) {}

void Lexer::fail(const std::string& what, Location at) const {
  throw SyntaxError(Code::kBadInput,
                    "Syntax Error: " + what + " at line " + std::to_string(at.line) +
                        ", column " + std::to_string(at.column),
                    at);
}

void Lexer::advance(size_t bytes) {
  for (size_t i = 0; i < bytes && pos_ < src_.size(); ++i, ++pos_) {
    if ((static_cast<unsigned char>(src_[pos_]) & 0xC0) != 0x80) ++column_;
  }
}

void Lexer::newline(size_t bytes) {
  pos_ += bytes;
  ++line_;
  column_ = 1;
}

uint32_t Lexer::readCodePoint(size_t& pos) const {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(src_[i]); };
  unsigned char b = byte(pos);
  if (b < 0x80) {
    ++pos;
    return b;
  }
  int len = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || pos + len > src_.size()) return 0xFFFFFFFF;
  uint32_t cp = b & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (int i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0xFFFFFFFF;
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFFFFFF;
  pos += len;
  return cp;
}

std::string Lexer::describeChar(size_t pos) const {
  if (pos >= src_.size()) return "<EOF>";
  unsigned char c = static_cast<unsigned char>(src_[pos]);
  if (c >= 0x20 && c < 0x7F) {
    if (c == '"') return "'\"'";
    return std::string("\"") + static_cast<char>(c) + "\"";
  }
  size_t p = pos;
  uint32_t cp = readCodePoint(p);
  if (cp == 0xFFFFFFFF) return "invalid UTF-8";
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

void Lexer::skipIgnored() {
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == ',') {
      advance(1);
    } else if (c == '\n') {
      newline(1);
    } else if (c == '\r') {
      newline(pos_ + 1 < src_.size() && src_[pos_ + 1] == '\n' ? 2 : 1);
    } else if (c == '#') {
      while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') {
        unsigned char b = static_cast<unsigned char>(src_[pos_]);
        if (b < 0x20 && b != '\t') fail("Invalid character: " + describeChar(pos_), here());
        size_t p = pos_;
        if (readCodePoint(p) == 0xFFFFFFFF) fail("Invalid UTF-8 in comment", here());
        advance(p - pos_);
      }
    } else if (src_.compare(pos_, 3, "\xEF\xBB\xBF") == 0) {
      advance(3);
    } else {
      return;
    }
  }
}

Token Lexer::next() {
  skipIgnored();
  Token tok;
  tok.loc = here();
  if (pos_ >= src_.size()) return tok;
  if (max_tokens_ > 0 && ++count_ > max_tokens_) {
    throw SyntaxError(Code::kBudgetExceeded,
                      "document exceeds the limit of " + std::to_string(max_tokens_) +
                          " tokens (max_tokens)",
                      tok.loc);
  }
  if (max_tokens_ <= 0) ++count_;
  char c = src_[pos_];
  auto punct = [&](TokenKind k, size_t n) {
    tok.kind = k;
    advance(n);
    return tok;
  };
  switch (c) {
    case '!': return punct(TokenKind::kBang, 1);
    case '$': return punct(TokenKind::kDollar, 1);
    case '&': return punct(TokenKind::kAmp, 1);
    case '(': return punct(TokenKind::kParenL, 1);
    case ')': return punct(TokenKind::kParenR, 1);
    case ':': return punct(TokenKind::kColon, 1);
    case '=': return punct(TokenKind::kEquals, 1);
    case '@': return punct(TokenKind::kAt, 1);
    case '[': return punct(TokenKind::kBracketL, 1);
    case ']': return punct(TokenKind::kBracketR, 1);
    case '{': return punct(TokenKind::kBraceL, 1);
    case '|': return punct(TokenKind::kPipe, 1);
    case '}': return punct(TokenKind::kBraceR, 1);
    case '.':
      if (src_.compare(pos_, 3, "...") == 0) return punct(TokenKind::kSpread, 3);
      fail("Unexpected character: \".\"", here());
    case '"':
      if (src_.compare(pos_, 3, "\"\"\"") == 0) return readBlockString();
      return readString();
    default: break;
  }
  if (isNameStart(c)) {
    size_t end = pos_ + 1;
    while (end < src_.size() && isNameContinue(src_[end])) ++end;
    tok.kind = TokenKind::kName;
    tok.value.assign(src_.substr(pos_, end - pos_));
    advance(end - pos_);
    return tok;
  }
  if (c == '-' || isDigit(c)) return readNumber();
  unsigned char b = static_cast<unsigned char>(c);
  if (b < 0x20 || b >= 0x7F) fail("Invalid character: " + describeChar(pos_), here());
  fail("Unexpected character: " + describeChar(pos_), here());
}

Token Lexer::readNumber() {
  Token tok;
  tok.loc = here();
  tok.kind = TokenKind::kInt;
  size_t p = pos_;
  auto at = [&](size_t i) { return i < src_.size() ? src_[i] : '\0'; };
  auto failAt = [&](const std::string& what, size_t i) {
    advance(i - pos_);
    fail(what, here());
  };
  auto digits = [&]() {
    if (!isDigit(at(p))) failAt("Invalid number, expected digit but got: " + describeChar(p), p);
    while (isDigit(at(p))) ++p;
  };
  if (at(p) == '-') ++p;
  if (at(p) == '0') {
    ++p;
    if (isDigit(at(p))) failAt("Invalid number, unexpected digit after 0: " + describeChar(p), p);
  } else {
    digits();
  }
  if (at(p) == '.') {
    tok.kind = TokenKind::kFloat;
    ++p;
    digits();
  }
  if (at(p) == 'e' || at(p) == 'E') {
    tok.kind = TokenKind::kFloat;
    ++p;
    if (at(p) == '+' || at(p) == '-') ++p;
    digits();
  }
  if (at(p) == '.' || isNameStart(at(p))) {
    failAt("Invalid number, expected digit but got: " + describeChar(p), p);
  }
  tok.value.assign(src_.substr(pos_, p - pos_));
  advance(p - pos_);
  return tok;
}

Token Lexer::readString() {
  Token tok;
  tok.loc = here();
  tok.kind = TokenKind::kString;
  advance(1);
  std::string& out = tok.value;
  while (true) {
    if (pos_ >= src_.size()) fail("Unterminated string", here());
    char c = src_[pos_];
    if (c == '"') {
      advance(1);
      return tok;
    }
    if (c == '\n' || c == '\r') fail("Unterminated string", here());
    if (c == '\\') {
      Location esc = here();
      char e = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
      switch (e) {
        case '"': out += '"'; advance(2); continue;
        case '\\': out += '\\'; advance(2); continue;
        case '/': out += '/'; advance(2); continue;
        case 'b': out += '\b'; advance(2); continue;
        case 'f': out += '\f'; advance(2); continue;
        case 'n': out += '\n'; advance(2); continue;
        case 'r': out += '\r'; advance(2); continue;
        case 't': out += '\t'; advance(2); continue;
        case 'u': break;
        default:
          fail("Invalid character escape sequence: \"\\" +
                   (e >= 0x20 && e < 0x7F ? std::string(1, e) : describeChar(pos_ + 1)) + "\"",
               esc);
      }
      // \uXXXX (with surrogate pairs) or \u{X…}.
      auto readEscape = [&](size_t start, size_t& len) -> int64_t {
        // start points at the backslash; returns the code unit / point or -1.
        if (start + 2 < src_.size() && src_[start + 2] == '{') {
          int64_t v = 0;
          size_t i = start + 3;
          int n = 0;
          while (i < src_.size() && hexValue(src_[i]) >= 0 && n < 8) {
            v = v * 16 + hexValue(src_[i]);
            ++i;
            ++n;
          }
          if (n == 0 || i >= src_.size() || src_[i] != '}' || v > 0x10FFFF) return -1;
          len = i + 1 - start;
          return v;
        }
        if (start + 6 > src_.size()) return -1;
        int64_t v = 0;
        for (size_t i = start + 2; i < start + 6; ++i) {
          int h = hexValue(src_[i]);
          if (h < 0) return -1;
          v = v * 16 + h;
        }
        len = 6;
        return v;
      };
      auto badEscape = [&](size_t start, size_t len) {
        size_t end = start + 2;
        while (end < src_.size() && end < start + len && src_[end] != '"') ++end;
        fail("Invalid Unicode escape sequence: \"" +
                 std::string(src_.substr(start, std::max<size_t>(end - start, 2))) + "\"",
             esc);
      };
      size_t len = 0;
      int64_t cp = readEscape(pos_, len);
      if (cp < 0) badEscape(pos_, 6);
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        size_t len2 = 0;
        int64_t lo = pos_ + len + 1 < src_.size() && src_[pos_ + len] == '\\' &&
                             src_[pos_ + len + 1] == 'u'
                         ? readEscape(pos_ + len, len2)
                         : -1;
        if (lo < 0xDC00 || lo > 0xDFFF) badEscape(pos_, len);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        len += len2;
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        badEscape(pos_, len);
      }
      appendUtf8(out, static_cast<uint32_t>(cp));
      advance(len);
      continue;
    }
    unsigned char b = static_cast<unsigned char>(c);
    if (b < 0x20 && b != '\t') fail("Invalid character within String: " + describeChar(pos_), here());
    size_t p = pos_;
    if (readCodePoint(p) == 0xFFFFFFFF) fail("Invalid UTF-8 within String", here());
    out.append(src_.substr(pos_, p - pos_));
    advance(p - pos_);
  }
}

Token Lexer::readBlockString() {
  Token tok;
  tok.loc = here();
  tok.kind = TokenKind::kBlockString;
  advance(3);
  std::string raw;
  while (true) {
    if (pos_ >= src_.size()) fail("Unterminated string", here());
    char c = src_[pos_];
    if (src_.compare(pos_, 3, "\"\"\"") == 0) {
      advance(3);
      tok.value = blockStringValue(raw);
      return tok;
    }
    if (src_.compare(pos_, 4, "\\\"\"\"") == 0) {
      raw += "\"\"\"";
      advance(4);
      continue;
    }
    if (c == '\n') {
      raw += '\n';
      newline(1);
      continue;
    }
    if (c == '\r') {
      raw += '\n';
      newline(pos_ + 1 < src_.size() && src_[pos_ + 1] == '\n' ? 2 : 1);
      continue;
    }
    unsigned char b = static_cast<unsigned char>(c);
    if (b < 0x20 && b != '\t') fail("Invalid character within String: " + describeChar(pos_), here());
    size_t p = pos_;
    if (readCodePoint(p) == 0xFFFFFFFF) fail("Invalid UTF-8 within String", here());
    raw.append(src_.substr(pos_, p - pos_));
    advance(p - pos_);
  }
}

std::string blockStringValue(std::string_view raw) {
  // `raw` has its line terminators normalised to \n by the lexer.
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    size_t nl = raw.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(raw.substr(start));
      break;
    }
    lines.push_back(raw.substr(start, nl - start));
    start = nl + 1;
  }
  auto indentOf = [](std::string_view line) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    return i;
  };
  size_t common = std::string_view::npos;
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t ind = indentOf(lines[i]);
    if (ind < lines[i].size() && ind < common) common = ind;
  }
  if (common != std::string_view::npos) {
    for (size_t i = 1; i < lines.size(); ++i) {
      lines[i] = lines[i].size() < common ? std::string_view() : lines[i].substr(common);
    }
  }
  size_t first = 0, last = lines.size();
  while (first < last && indentOf(lines[first]) == lines[first].size()) ++first;
  while (last > first && indentOf(lines[last - 1]) == lines[last - 1].size()) --last;
  std::string out;
  for (size_t i = first; i < last; ++i) {
    if (i > first) out += '\n';
    out.append(lines[i]);
  }
  return out;
}

}  // namespace maestro::graphql
