// The openCypher parser: query text → ast::Query.
//
// A hand-written recursive-descent parser (no generated code, no runtime
// dependency). Keywords are case-insensitive; identifiers may be
// back-quoted; string literals take '…' or "…" with the usual escapes and
// \uXXXX; comments are // and /* */. Parameters are $name or $0.
//
// On bad input it throws maestro::Error with Code::kBadInput whose message
// reads
//   Invalid input 'x': expected an expression (line 2, column 7)
//     MATCH (n) RETURN n.
//                        ^
// (the offending line and a caret under the column), and whose detail names
// the openCypher error: "SyntaxError.UnexpectedSyntax",
// "SyntaxError.InvalidNumberLiteral", "SyntaxError.IntegerOverflow",
// "SyntaxError.FloatingPointOverflow", "SyntaxError.InvalidUnicodeLiteral",
// "SyntaxError.InvalidUnicodeCharacter". Never crashes, never recurses
// deeper than a fixed nesting limit (an error instead).
#pragma once

#include <string_view>
#include <vector>

#include "engine/parser/ast.h"

namespace maestro::engine {

ast::Query parseQuery(std::string_view text);

// Hints kept apart from a query's text (a persisted operation's): `USING
// INDEX n:L(p)`, `USING SCAN n:L`, `USING JOIN ON n`, in any number.
std::vector<ast::Hint> parseHints(std::string_view text);
// Gives each hint to the first MATCH (in every part of a UNION) with a node
// of the hint's variable; Error::badInput naming the variable when none has.
void attachHints(ast::Query& query, const std::vector<ast::Hint>& hints);

}  // namespace maestro::engine
