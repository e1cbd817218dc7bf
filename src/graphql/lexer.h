// The GraphQL lexer (spec §2.1): source text → tokens, one at a time.
//
// Internal to the parser. Ignored tokens (whitespace, line terminators,
// commas, comments, a BOM) are skipped; strings and block strings are
// decoded here (escapes, surrogate pairs, block-string indentation).
// Columns count Unicode code points. Every failure throws SyntaxError.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "graphql/graphql.h"

namespace maestro::graphql {

enum class TokenKind : uint8_t {
  kEnd,
  kBang,
  kDollar,
  kAmp,
  kParenL,
  kParenR,
  kSpread,
  kColon,
  kEquals,
  kAt,
  kBracketL,
  kBracketR,
  kBraceL,
  kPipe,
  kBraceR,
  kName,
  kInt,
  kFloat,
  kString,
  kBlockString,
};

// "Name", "\"{\"", … as error messages spell a token kind.
std::string_view tokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Location loc;
  std::string value;  // Name, Int/Float text, decoded String/BlockString
};

class Lexer {
 public:
  // `max_tokens` <= 0: no limit. Exceeding it throws SyntaxError with code
  // kBudgetExceeded.
  Lexer(std::string_view source, int max_tokens);

  // Reads the next token (kEnd forever at the end of the input).
  Token next();
  int tokenCount() const { return count_; }

 private:
  [[noreturn]] void fail(const std::string& what, Location at) const;
  Location here() const { return {line_, column_}; }
  void advance(size_t bytes);  // over bytes that hold no line terminator
  void newline(size_t bytes);
  void skipIgnored();
  Token readNumber();
  Token readString();
  Token readBlockString();
  uint32_t readCodePoint(size_t& pos) const;  // decodes UTF-8 at pos, advancing it
  std::string describeChar(size_t pos) const;

  std::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  int count_ = 0;
  int max_tokens_;
};

// Spec's BlockStringValue(): common indentation and blank first/last lines removed.
std::string blockStringValue(std::string_view raw);

}  // namespace maestro::graphql
