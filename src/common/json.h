// JSON helpers over nlohmann::json: parsing untrusted text with a nesting
// limit, and reading fields with errors that name the offending path.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace maestro {

using Json = nlohmann::json;

// Parses untrusted JSON text. On malformed input, or nesting deeper than
// `max_depth`, throws Error::badInput("<what>: <reason>"). Never crashes.
Json parseJson(std::string_view text, std::string_view what, int max_depth = 128);

// "a.b" from ("a", "b"); "b" from ("", "b").
std::string joinPath(std::string_view parent, std::string_view key);

// Readers for validated configuration documents. `path` is the object's own
// path; errors name `path.key` and what was expected, e.g.
// "privacy.k: expected an integer, got string".
const Json& requireObject(const Json& value, std::string_view path);
std::string requireString(const Json& obj, std::string_view key, std::string_view path);
std::optional<std::string> optionalString(const Json& obj, std::string_view key,
                                          std::string_view path);
int64_t requireInt(const Json& obj, std::string_view key, std::string_view path);
std::optional<int64_t> optionalInt(const Json& obj, std::string_view key, std::string_view path);
std::optional<bool> optionalBool(const Json& obj, std::string_view key, std::string_view path);
// Throws naming the first key of `obj` not in `allowed`.
void rejectUnknownKeys(const Json& obj, std::initializer_list<std::string_view> allowed,
                       std::string_view path);
// "string", "integer", "number", "object", "array", "boolean", "null".
std::string_view jsonTypeName(const Json& value);

}  // namespace maestro
