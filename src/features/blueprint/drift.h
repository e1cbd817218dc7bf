// Drift between a tenant's expected configuration (its blueprint rendered
// with its overrides) and its live one, as RFC 6902 JSON Patch operations.
//
// Objects are compared key by key; every other value (scalars and lists)
// is compared whole, so a changed list is one `replace` of the list — list
// element diffs shift indices and read badly as drift. Paths are RFC 6901
// JSON Pointers (`/` escaped as `~1`, `~` as `~0`), in key order, so the
// same drift always has the same path. Pure functions; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"

namespace maestro::blueprint {

// One difference. `op` says what happened to the live configuration,
// relative to the blueprint: "add" (a key the blueprint does not have),
// "remove" (a blueprint key missing), "replace" (a different value, or a
// different type). `expected`/`actual` are absent where there is no value.
struct DriftOp {
  std::string op;
  std::string path;  // JSON Pointer
  std::optional<Json> expected;
  std::optional<Json> actual;
  std::optional<std::string> ignored_by;  // the ignore rule's reason, if one applies
};

std::vector<DriftOp> diffConfigs(const Json& expected, const Json& actual);

// The RFC 6902 patch that turns the live configuration back into the
// expected one for `ops` (the proposed fix): add ↔ remove, replace stays.
Json fixPatch(const std::vector<DriftOp>& ops);

// The RFC 6902 form of the drift itself (expected → actual), each op
// enriched with "expected" and "actual".
Json driftJson(const DriftOp& op);

// RFC 6901 escaping of one reference token, and the inverse.
std::string escapePointerToken(std::string_view token);
// True when `path` is `prefix` or below it ("/a/b" is under "/a", not "/ab").
bool pathUnder(std::string_view path, std::string_view prefix);
// Throws Error::badInput (field `path`) unless `path` is a JSON Pointer
// ("" for the whole document, else "/…" with valid ~ escapes).
void validatePointer(const std::string& path, const std::string& field = "path");

}  // namespace maestro::blueprint
