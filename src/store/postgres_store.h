// The PostgreSQL implementation of Store, over libpq. Private to store/:
// callers use Store::open("postgresql://…").
#pragma once

#include <memory>
#include <string_view>

#include "store/store.h"

namespace maestro::store::internal {

// Validates `uri` (Error::badInput if libpq cannot parse it) and opens one
// connection right away, so that an unreachable server fails here with
// Error::unavailable. Neither message contains the password.
std::unique_ptr<Store> openPostgresStore(std::string_view uri, const OpenOptions& options);

}  // namespace maestro::store::internal
