// The configuration of a maestro process: a YAML (or JSON) file given with
// --config, overridden by flags. Unknown keys and wrong types are errors that
// name the key (`http.max_body_bytes: expected an integer, got string`).
#pragma once

#include <string>

#include <chrono>

#include "cli/commands.h"
#include "features/blueprint/blueprints.h"
#include "graphql/graphql.h"
#include "platform/platform.h"
#include "server/http_server.h"

namespace maestro::cli {

struct Config {
  platform::PlatformConfig platform;
  server::ServerOptions http;
  graphql::Limits graphql;
  blueprint::BlueprintOptions blueprints;
  // `maestro serve` checks every blueprinted tenant for drift this often.
  std::chrono::milliseconds drift_interval = std::chrono::minutes(5);
  bool drift_detection = true;
  std::string listen = "127.0.0.1:8080";
  std::string log_level = "info";
};

// Reads --config (if any), applies --data-dir/--store/--log-level, and
// resolves every store URI. Throws Error::badInput naming what was wrong.
Config loadConfig(const CommonOptions& common);

// Parses "HOST:PORT" or "[V6]:PORT" into `options`. Throws Error::badInput.
void parseListen(const std::string& listen, server::ServerOptions& options);

// Reads a JSON or YAML document (tenant configs, server configs).
Json readDocument(const std::string& path, const std::string& what);

}  // namespace maestro::cli
