// Structured logging: one JSON object per line on stderr.
//
//   log::info("http.request", {{"request_id", id}, {"status", 200}});
//
// Every line has "ts" (RFC 3339), "level" and "event"; fields are merged in.
// Fields whose name suggests a secret (authorization, token, password,
// secret, cookie, private_key) are replaced by "[redacted]" before writing,
// as a second line of defence: callers must not pass secrets at all.
// Thread-safe.
#pragma once

#include <functional>
#include <string_view>

#include "common/json.h"

namespace maestro::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void setLevel(Level level);
// "debug", "info", "warn", "error"; throws Error::badInput otherwise.
Level parseLevel(std::string_view name);
// Replaces the stderr sink (tests capture lines with it); nullptr restores it.
void setSink(std::function<void(std::string_view line)> sink);

void write(Level level, std::string_view event, Json fields = Json::object());
inline void debug(std::string_view event, Json fields = Json::object()) {
  write(Level::kDebug, event, std::move(fields));
}
inline void info(std::string_view event, Json fields = Json::object()) {
  write(Level::kInfo, event, std::move(fields));
}
inline void warn(std::string_view event, Json fields = Json::object()) {
  write(Level::kWarn, event, std::move(fields));
}
inline void error(std::string_view event, Json fields = Json::object()) {
  write(Level::kError, event, std::move(fields));
}

}  // namespace maestro::log
