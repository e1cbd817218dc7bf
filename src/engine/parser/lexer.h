// The openCypher lexer: query text → tokens, in one pass.
//
// Internal to the parser (engine/parser); nothing outside this folder
// includes it. Keywords are not recognised here: Cypher lets most keywords
// double as names (labels, property keys, `{exists: 1}`), so every word is
// an identifier and the parser decides from context, case-insensitively.
//
// Numbers are classified but not judged: an integer too large for 64 bits,
// or digits followed by letters (`12ab`, `0x1G`), still become tokens
// (kInteger with `overflow`, kBadNumber) because whether that is an error,
// and which one, depends on where the parser meets it (`-9223372036854775808`
// is fine; `{1B2c: 1}` is a misplaced key rather than a bad number).
// Errors that no context can excuse — an unterminated string, quoted name
// or comment, a malformed \u escape — are thrown right away.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/parser/ast.h"

namespace maestro::engine::parser {

enum class TokenKind : uint8_t {
  kEnd,               // end of input (always the last token)
  kIdentifier,        // a word: name or keyword; text is the word
  kQuotedIdentifier,  // `back-quoted`; text is the unescaped name, maybe empty; never a keyword
  kInteger,           // decimal, 0x hex or 0o octal; magnitude in `integer`
  kFloat,             // value in `number`
  kBadNumber,         // starts like a number but is not one (0x, 12ab, 1e)
  kString,            // '…' or "…"; text is the decoded value
  kParameter,         // $name or $0; text is the name
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kComma,
  kDot,
  kDotDot,
  kColon,
  kSemicolon,
  kPipe,
  kPlus,
  kPlusEq,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kCaret,
  kEq,
  kNe,  // <>
  kLt,
  kLe,
  kGt,
  kGe,
  kRegexMatch,  // =~
  kInvalid,     // a character that starts no token (one code point)
};

// One token. `begin`/`end` delimit its source bytes, so the parser can cut
// exact expression text out of the query.
struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t begin = 0;
  size_t end = 0;
  ast::Position pos;
  std::string text;
  uint64_t integer = 0;   // kInteger: the magnitude, exact up to 2^63
  double number = 0;      // kFloat
  bool overflow = false;  // kInteger above 2^63; kFloat beyond the range of a double
};

// Splits `text` into tokens ending with one kEnd token. Throws
// maestro::Error (SyntaxError.*) for text that is not UTF-8
// (InvalidUnicodeCharacter), an unterminated string, quoted name or block
// comment, a bad \u escape (InvalidUnicodeLiteral) or a query longer than
// 2^31 - 1 bytes.
std::vector<Token> tokenize(std::string_view text);

// Throws syntaxError(name, …) whose message is `message`, the position and
// the offending line of `text` with a caret under the column.
[[noreturn]] void throwSyntaxError(std::string_view text, const ast::Position& pos,
                                   const std::string& name, const std::string& message);

// The source text of a token, shortened for messages.
std::string tokenExcerpt(std::string_view text, const Token& token);

}  // namespace maestro::engine::parser
