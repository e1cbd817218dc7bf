// Helpers on SQL text, parameters and URIs shared by the SQLite and
// PostgreSQL implementations. Private to store/: not part of the API.
//
// All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store.h"

namespace maestro::store::internal {

// The start of `sql` on one line, for error messages (whitespace collapsed,
// cut at about 80 characters).
std::string sqlPreview(std::string_view sql);

// The `$N` parameter numbers `sql` uses, sorted and without duplicates.
// Skips string literals, quoted identifiers, dollar-quoted strings and
// comments, so a `$1` inside them does not count. Used for PostgreSQL, where
// the server would otherwise report a mismatch as a protocol error.
std::vector<int> scanParamNumbers(std::string_view sql);

// Parses a `$N` parameter name as SQLite reports it; returns 0 if `name` is
// not of that form (e.g. `?`, `:x`, `$01`).
int parseParamName(std::string_view name);

// Throws Error::internal unless `used` (sorted, unique) is exactly 1..given:
// a `$N` without a value, or a value the SQL never reads, is a bug in the
// caller either way.
void checkParamNumbers(const std::vector<int>& used, size_t given, std::string_view description,
                       std::string_view sql);

// Throws Error::badInput if a text parameter contains a NUL character.
// PostgreSQL cannot store one, so SQLite refuses it too: the same data must
// be storable on both backends.
void checkTextParams(const Params& params, std::string_view description);

// The [offset, length) ranges of `uri` that hold a password: the one in
// `scheme://user:password@host` and every `password=` value (URI query
// parameter or libpq keyword/value form). Sorted, non-overlapping.
std::vector<std::pair<size_t, size_t>> secretRanges(std::string_view uri);

// Replaces in `message` any password that `uri` carries (raw or
// percent-decoded), as a second line of defence when a driver echoes part
// of a connection string. Passwords shorter than 3 characters are left
// alone, since replacing them would garble the message.
std::string scrubSecrets(std::string message, std::string_view uri);

}  // namespace maestro::store::internal
