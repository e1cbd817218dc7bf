// The SQLite implementation of Store. Private to store/: callers use
// Store::open("sqlite:PATH").
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/store.h"

namespace maestro::store::internal {

// Opens (creating it and its parent directory if missing) the database file
// at `path`. `description` is the redacted URI, used in messages. Opens one
// connection right away so that an unusable path fails here, with
// Error::unavailable.
std::unique_ptr<Store> openSqliteStore(std::string path, std::string description,
                                       const OpenOptions& options);

}  // namespace maestro::store::internal
