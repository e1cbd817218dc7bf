#include "engine/parser/lexer.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <system_error>

#include "engine/common/errors.h"

namespace maestro::engine::parser {
namespace {

constexpr char32_t kMalformed = 0xFFFFFFFF;
constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // |INT64_MIN|

// Decodes the UTF-8 sequence at s[i]; returns its length in bytes. A
// malformed sequence (bad lead byte, missing continuation, overlong form,
// surrogate, beyond U+10FFFF) is one byte long and decodes to kMalformed.
size_t decodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  char32_t value;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, value = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, value = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    *cp = kMalformed;
    return 1;
  }
  if (i + len > s.size()) {
    *cp = kMalformed;
    return 1;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      *cp = kMalformed;
      return 1;
    }
    value = (value << 6) | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    *cp = kMalformed;
    return 1;
  }
  *cp = value;
  return len;
}

void appendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The non-ASCII white space openCypher accepts between tokens.
bool isUnicodeSpace(char32_t cp) {
  return cp == 0x00A0 || cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         cp == 0xFEFF;
}

// Non-ASCII code points that cannot be part of a name: punctuation, symbols,
// dashes, arrows, emoji, private use. Everything else above U+007F counts as
// a letter. This approximates Unicode's ID_Start/ID_Continue without
// shipping its tables, erring towards accepting names; what matters is that
// look-alike operators (U+2014 — instead of -) are refused, not mistaken for
// part of a name.
bool isUnicodeNonNameChar(char32_t cp) {
  if (cp < 0x80) return false;
  if (cp <= 0xBF) return cp != 0xAA && cp != 0xB5 && cp != 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return true;
  if (cp >= 0x2000 && cp <= 0x2BFF) {
    // Superscript/subscript letters and letter-like symbols stay names.
    return !(cp >= 0x2070 && cp <= 0x209F) && !(cp >= 0x2100 && cp <= 0x214F);
  }
  if (cp >= 0x2E00 && cp <= 0x2E7F) return true;
  if (cp >= 0x3000 && cp <= 0x303F) return !(cp >= 0x3005 && cp <= 0x3007);
  if (cp >= 0xD800 && cp <= 0xF8FF) return true;  // surrogates, private use
  if (cp >= 0xFE10 && cp <= 0xFE6F) return true;
  if (cp >= 0xFF00 && cp <= 0xFF0F) return true;
  if (cp >= 0xFF1A && cp <= 0xFF20) return true;
  if (cp >= 0xFF3B && cp <= 0xFF40) return cp != 0xFF3F;
  if (cp >= 0xFF5B && cp <= 0xFF65) return true;
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return true;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return true;  // emoji and pictographs
  return cp == kMalformed;
}

bool isAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool isNameStart(char32_t cp) {
  return isAsciiLetter(cp) || cp == '_' ||
         (cp >= 0x80 && !isUnicodeSpace(cp) && !isUnicodeNonNameChar(cp));
}
bool isNamePart(char32_t cp) { return isNameStart(cp) || (cp >= '0' && cp <= '9'); }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Single-pass scanner. Positions are computed by a cursor that only moves
// forward (tokens are produced in order), so line and column cost O(n) in
// total.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> run() {
    if (text_.size() > static_cast<size_t>(INT_MAX)) {
      throwSyntaxError(text_.substr(0, 0), ast::Position{}, "UnexpectedSyntax",
                       "Query too long: at most 2147483647 bytes are accepted");
    }
    validateUtf8();
    for (;;) {
      skipTrivia();
      if (i_ >= text_.size()) {
        push(TokenKind::kEnd, i_, i_);
        break;
      }
      lexToken();
    }
    return std::move(tokens_);
  }

 private:
  char at(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  // Everything downstream (string values, names, messages that end up in
  // JSON) may then assume valid UTF-8.
  void validateUtf8() {
    for (size_t i = 0; i < text_.size();) {
      if (static_cast<unsigned char>(text_[i]) < 0x80) {
        ++i;
        continue;
      }
      char32_t cp;
      const size_t len = decodeUtf8(text_, i, &cp);
      if (cp == kMalformed) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        const auto byte = static_cast<unsigned char>(text_[i]);
        fail(i, "InvalidUnicodeCharacter",
             std::string("Invalid input: byte 0x") + kHex[byte >> 4] + kHex[byte & 15] +
                 " is not valid UTF-8");
      }
      i += len;
    }
  }

  ast::Position positionAt(size_t offset) {
    while (cursor_ < offset) {
      const char c = text_[cursor_];
      if (c == '\n' || (c == '\r' && at(cursor_ + 1) != '\n')) {
        ++line_;
        column_ = 1;
      } else if (c != '\r' && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++column_;
      }
      ++cursor_;
    }
    return ast::Position{line_, column_, static_cast<int>(offset)};
  }

  [[noreturn]] void fail(size_t offset, const std::string& name, const std::string& message) {
    throwSyntaxError(text_, positionAt(offset), name, message);
  }

  Token& push(TokenKind kind, size_t begin, size_t end) {
    Token& t = tokens_.emplace_back();
    t.kind = kind;
    t.begin = begin;
    t.end = end;
    t.pos = positionAt(begin);
    i_ = end;
    return t;
  }

  void skipTrivia() {
    while (i_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[i_]);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
          (c >= 0x1C && c <= 0x1F)) {
        ++i_;
      } else if (c == '/' && at(i_ + 1) == '/') {
        while (i_ < text_.size() && text_[i_] != '\n' && text_[i_] != '\r') ++i_;
      } else if (c == '/' && at(i_ + 1) == '*') {
        const size_t close = text_.find("*/", i_ + 2);
        if (close == std::string_view::npos) {
          fail(i_, "UnexpectedSyntax", "Unterminated comment: expected '*/'");
        }
        i_ = close + 2;
      } else if (c >= 0x80) {
        char32_t cp;
        const size_t len = decodeUtf8(text_, i_, &cp);
        if (!isUnicodeSpace(cp)) return;
        i_ += len;
      } else {
        return;
      }
    }
  }

  // End of the run of name characters starting at `i`.
  size_t nameEnd(size_t i) const {
    while (i < text_.size()) {
      char32_t cp;
      const size_t len = decodeUtf8(text_, i, &cp);
      if (!isNamePart(cp)) break;
      i += len;
    }
    return i;
  }

  // Name characters stuck to the end of a number make it malformed (`12ab`,
  // `0x1G`, `1e`): InvalidNumberLiteral rather than a number followed by a
  // name. Other characters end the number (`9223372#5` is a number and a
  // stray '#').
  size_t numberTailEnd(size_t i) const { return nameEnd(i); }

  void lexToken() {
    const size_t start = i_;
    const char c = text_[start];
    switch (c) {
      case '(':
        push(TokenKind::kLParen, start, start + 1);
        return;
      case ')':
        push(TokenKind::kRParen, start, start + 1);
        return;
      case '[':
        push(TokenKind::kLBracket, start, start + 1);
        return;
      case ']':
        push(TokenKind::kRBracket, start, start + 1);
        return;
      case '{':
        push(TokenKind::kLBrace, start, start + 1);
        return;
      case '}':
        push(TokenKind::kRBrace, start, start + 1);
        return;
      case ',':
        push(TokenKind::kComma, start, start + 1);
        return;
      case ':':
        push(TokenKind::kColon, start, start + 1);
        return;
      case ';':
        push(TokenKind::kSemicolon, start, start + 1);
        return;
      case '|':
        push(TokenKind::kPipe, start, start + 1);
        return;
      case '-':
        push(TokenKind::kMinus, start, start + 1);
        return;
      case '*':
        push(TokenKind::kStar, start, start + 1);
        return;
      case '/':
        push(TokenKind::kSlash, start, start + 1);
        return;
      case '%':
        push(TokenKind::kPercent, start, start + 1);
        return;
      case '^':
        push(TokenKind::kCaret, start, start + 1);
        return;
      case '+':
        if (at(start + 1) == '=') {
          push(TokenKind::kPlusEq, start, start + 2);
        } else {
          push(TokenKind::kPlus, start, start + 1);
        }
        return;
      case '=':
        if (at(start + 1) == '~') {
          push(TokenKind::kRegexMatch, start, start + 2);
        } else {
          push(TokenKind::kEq, start, start + 1);
        }
        return;
      case '<':
        if (at(start + 1) == '=') {
          push(TokenKind::kLe, start, start + 2);
        } else if (at(start + 1) == '>') {
          push(TokenKind::kNe, start, start + 2);
        } else {
          push(TokenKind::kLt, start, start + 1);
        }
        return;
      case '>':
        if (at(start + 1) == '=') {
          push(TokenKind::kGe, start, start + 2);
        } else {
          push(TokenKind::kGt, start, start + 1);
        }
        return;
      case '.':
        if (at(start + 1) == '.') {
          push(TokenKind::kDotDot, start, start + 2);
        } else if (isDigit(at(start + 1))) {
          lexNumber(start);
        } else {
          push(TokenKind::kDot, start, start + 1);
        }
        return;
      case '\'':
      case '"':
        lexString(start);
        return;
      case '`': {
        size_t end;
        std::string name = lexQuotedName(start, &end);
        push(TokenKind::kQuotedIdentifier, start, end).text = std::move(name);
        return;
      }
      case '$':
        lexParameter(start);
        return;
      default:
        break;
    }
    if (isDigit(c)) {
      lexNumber(start);
      return;
    }
    char32_t cp;
    const size_t len = decodeUtf8(text_, start, &cp);
    if (isNameStart(cp)) {
      const size_t end = nameEnd(start);
      push(TokenKind::kIdentifier, start, end).text.assign(text_.substr(start, end - start));
      return;
    }
    push(TokenKind::kInvalid, start, start + len);
  }

  void lexNumber(size_t start) {
    const char c = text_[start];
    const char x = at(start + 1);
    if (c == '0' && (x == 'x' || x == 'X' || x == 'o' || x == 'O')) {
      const bool hex = x == 'x' || x == 'X';
      const unsigned base = hex ? 16 : 8;
      const size_t digits = start + 2;
      const size_t end = numberTailEnd(digits);
      uint64_t value = 0;
      bool overflow = false;
      bool valid = end > digits;
      for (size_t k = digits; k < end && valid; ++k) {
        const int d = hexValue(text_[k]);
        if (d < 0 || static_cast<unsigned>(d) >= base) {
          valid = false;
        } else if (!overflow) {
          if (value > (kMaxMagnitude - static_cast<unsigned>(d)) / base) {
            overflow = true;
          } else {
            value = value * base + static_cast<unsigned>(d);
          }
        }
      }
      if (!valid) {
        push(TokenKind::kBadNumber, start, end);
        return;
      }
      Token& t = push(TokenKind::kInteger, start, end);
      t.integer = value;
      t.overflow = overflow;
      return;
    }

    size_t k = start;
    while (isDigit(at(k))) ++k;
    bool is_float = false;
    if (at(k) == '.' && isDigit(at(k + 1))) {
      is_float = true;
      ++k;
      while (isDigit(at(k))) ++k;
    }
    if ((at(k) == 'e' || at(k) == 'E') &&
        (isDigit(at(k + 1)) || ((at(k + 1) == '-' || at(k + 1) == '+') && isDigit(at(k + 2))))) {
      is_float = true;
      k += isDigit(at(k + 1)) ? 1 : 2;
      while (isDigit(at(k))) ++k;
    }
    const size_t end = numberTailEnd(k);
    if (end > k) {
      push(TokenKind::kBadNumber, start, end);
      return;
    }
    if (is_float) {
      lexFloat(start, end);
      return;
    }
    uint64_t value = 0;
    bool overflow = false;
    for (size_t d = start; d < end; ++d) {
      const auto digit = static_cast<unsigned>(text_[d] - '0');
      if (value > (kMaxMagnitude - digit) / 10) {
        overflow = true;
        break;
      }
      value = value * 10 + digit;
    }
    Token& t = push(TokenKind::kInteger, start, end);
    t.integer = value;
    t.overflow = overflow;
  }

  void lexFloat(size_t start, size_t end) {
    const char* first = text_.data() + start;
    const char* last = text_.data() + end;
    double value = 0;
    bool overflow = false;
    auto result = std::from_chars(first, last, value);
    if (result.ec == std::errc::result_out_of_range) {
      // Too large, or too small for a normal double. The wider type tells
      // which, and yields the subnormal value in the second case.
      long double wide = 0;
      auto wide_result = std::from_chars(first, last, wide);
      if (wide_result.ec == std::errc()) {
        value = static_cast<double>(wide);
        overflow = std::isinf(value);
      } else {
        overflow = decimalExponent(start, end) > 0;
        value = 0;
      }
    }
    Token& t = push(TokenKind::kFloat, start, end);
    t.number = value;
    t.overflow = overflow;
  }

  // Roughly log10 of the float literal in [start, end): enough to tell an
  // overflow from an underflow when even a long double cannot hold it.
  long decimalExponent(size_t start, size_t end) const {
    long position = 0;  // digits before the point, counted from the first non-zero one
    bool seen_nonzero = false;
    bool after_point = false;
    size_t k = start;
    for (; k < end && text_[k] != 'e' && text_[k] != 'E'; ++k) {
      if (text_[k] == '.') {
        after_point = true;
      } else if (!seen_nonzero && text_[k] != '0') {
        seen_nonzero = true;
        if (after_point) break;
        ++position;
      } else if (seen_nonzero && !after_point) {
        ++position;
      } else if (!seen_nonzero && after_point) {
        --position;
      }
    }
    while (k < end && text_[k] != 'e' && text_[k] != 'E') ++k;
    long exponent = 0;
    if (k < end) {
      ++k;
      const bool negative = text_[k] == '-';
      if (text_[k] == '-' || text_[k] == '+') ++k;
      for (; k < end && exponent < 1000000; ++k) exponent = exponent * 10 + (text_[k] - '0');
      if (negative) exponent = -exponent;
    }
    return position + exponent;
  }

  void lexString(size_t start) {
    const char quote = text_[start];
    std::string value;
    size_t i = start + 1;
    for (;;) {
      if (i >= text_.size()) {
        fail(start, "UnexpectedSyntax",
             std::string("Unterminated string literal: expected a closing ") + quote);
      }
      const char c = text_[i];
      if (c == quote) {
        ++i;
        break;
      }
      if (c != '\\') {
        value.push_back(c);
        ++i;
        continue;
      }
      const char e = at(i + 1);
      switch (e) {
        case '\\':
          value.push_back('\\');
          break;
        case '\'':
          value.push_back('\'');
          break;
        case '"':
          value.push_back('"');
          break;
        case 'b':
        case 'B':
          value.push_back('\b');
          break;
        case 'f':
        case 'F':
          value.push_back('\f');
          break;
        case 'n':
        case 'N':
          value.push_back('\n');
          break;
        case 'r':
        case 'R':
          value.push_back('\r');
          break;
        case 't':
        case 'T':
          value.push_back('\t');
          break;
        case 'u':
        case 'U':
          i = lexUnicodeEscape(i, &value);
          continue;
        default:
          // Not an escape openCypher defines: keep the backslash as text
          // and read what follows normally (lenient, like most drivers).
          value.push_back('\\');
          ++i;
          continue;
      }
      i += 2;
    }
    push(TokenKind::kString, start, i).text = std::move(value);
  }

  // \uXXXX or \UXXXXXXXX at text_[i]; a UTF-16 surrogate pair written as
  // two \u escapes is joined. Returns the offset after the escape(s).
  size_t lexUnicodeEscape(size_t i, std::string* out) {
    auto read = [&](size_t at_offset, size_t* next) -> char32_t {
      const size_t digits = text_[at_offset + 1] == 'u' ? 4 : 8;
      char32_t cp = 0;
      for (size_t k = 0; k < digits; ++k) {
        const int d = hexValue(at(at_offset + 2 + k));
        if (d < 0) {
          fail(at_offset, "InvalidUnicodeLiteral",
               "Invalid input '" + std::string(text_.substr(at_offset, 2 + k + 1)) +
                   "': expected " + std::to_string(digits) + " hexadecimal digits after \\" +
                   text_[at_offset + 1]);
        }
        cp = cp * 16 + static_cast<char32_t>(d);
      }
      *next = at_offset + 2 + digits;
      return cp;
    };
    size_t next;
    char32_t cp = read(i, &next);
    if (cp >= 0xD800 && cp <= 0xDBFF && at(next) == '\\' && at(next + 1) == 'u') {
      size_t after;
      const char32_t low = read(next, &after);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        next = after;
      }
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      fail(i, "InvalidUnicodeLiteral",
           "Invalid input '" + std::string(text_.substr(i, next - i)) +
               "': not a Unicode code point");
    }
    appendUtf8(cp, out);
    return next;
  }

  // `name`, where `` stands for one backquote.
  std::string lexQuotedName(size_t start, size_t* end) {
    std::string name;
    size_t i = start + 1;
    for (;;) {
      if (i >= text_.size()) {
        fail(start, "UnexpectedSyntax", "Unterminated quoted name: expected a closing `");
      }
      if (text_[i] == '`') {
        if (at(i + 1) == '`') {
          name.push_back('`');
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      name.push_back(text_[i]);
      ++i;
    }
    *end = i;
    return name;
  }

  void lexParameter(size_t start) {
    if (at(start + 1) == '`') {
      size_t end;
      std::string name = lexQuotedName(start + 1, &end);
      push(TokenKind::kParameter, start, end).text = std::move(name);
      return;
    }
    const size_t end = nameEnd(start + 1);
    if (end == start + 1) {
      push(TokenKind::kInvalid, start, start + 1);
      return;
    }
    push(TokenKind::kParameter, start, end).text.assign(text_.substr(start + 1, end - start - 1));
  }

  std::string_view text_;
  size_t i_ = 0;
  std::vector<Token> tokens_;
  size_t cursor_ = 0;
  int line_ = 1;
  int column_ = 1;
};

// Appends s with control characters (other than tab) shown as U+FFFD, so
// that a message never carries a NUL or a terminal escape. One replacement
// per character keeps the caret's column count intact.
void appendPrintable(std::string_view s, std::string* out) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && c != '\t') || b == 0x7F) {
      *out += "\xEF\xBF\xBD";
    } else {
      out->push_back(c);
    }
  }
}

// Cuts at most `max_bytes` from s without splitting a code point.
size_t utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s.size();
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) { return Lexer(text).run(); }

void throwSyntaxError(std::string_view text, const ast::Position& pos, const std::string& name,
                      const std::string& message) {
  std::string out = message;
  out += " (line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ")";
  const size_t offset = std::min(static_cast<size_t>(std::max(pos.offset, 0)), text.size());
  size_t line_start = offset;
  while (line_start > 0 && text[line_start - 1] != '\n' && text[line_start - 1] != '\r') {
    --line_start;
  }
  size_t line_end = offset;
  while (line_end < text.size() && text[line_end] != '\n' && text[line_end] != '\r') ++line_end;

  // Very long lines (generated queries) are shown as a window around the
  // column so that the message stays readable.
  constexpr size_t kContext = 80;
  size_t shown_start = line_start;
  std::string prefix;
  if (offset - line_start > kContext) {
    shown_start = offset - kContext;
    while (shown_start < offset && (static_cast<unsigned char>(text[shown_start]) & 0xC0) == 0x80) {
      ++shown_start;
    }
    prefix = "...";
  }
  size_t shown_end = line_end;
  std::string suffix;
  if (line_end - offset > kContext) {
    shown_end = offset + utf8Prefix(text.substr(offset), kContext);
    suffix = "...";
  }
  out += "\n  ";
  out += prefix;
  appendPrintable(text.substr(shown_start, shown_end - shown_start), &out);
  out += suffix;
  out += "\n  ";
  out.append(prefix.size(), ' ');
  for (size_t k = shown_start; k < offset; ++k) {
    const char c = text[k];
    if (c == '\t') {
      out.push_back('\t');
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      out.push_back(' ');
    }
  }
  out.push_back('^');
  throw syntaxError(name, std::move(out));
}

std::string tokenExcerpt(std::string_view text, const Token& token) {
  std::string_view s = text.substr(token.begin, token.end - token.begin);
  const size_t newline = s.find_first_of("\r\n");
  bool cut = false;
  if (newline != std::string_view::npos) {
    s = s.substr(0, newline);
    cut = true;
  }
  constexpr size_t kMax = 40;
  if (s.size() > kMax) {
    s = s.substr(0, utf8Prefix(s, kMax));
    cut = true;
  }
  std::string out;
  appendPrintable(s, &out);
  if (cut) out += "...";
  return out;
}

}  // namespace maestro::engine::parser
