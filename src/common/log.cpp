#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

#include "common/clock.h"
#include "common/error.h"

namespace maestro::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::mutex g_sink_mutex;
std::function<void(std::string_view)> g_sink;

spdlog::logger& stderrLogger() {
  static auto logger = [] {
    auto l = std::make_shared<spdlog::logger>("maestro",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

bool looksSecret(std::string_view key) {
  std::string lower(key);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view s :
       {"authorization", "token", "password", "secret", "cookie", "private_key", "passwd"}) {
    if (lower.find(s) != std::string::npos) return true;
  }
  return false;
}

void redact(Json& value) {
  if (value.is_array()) {
    for (auto& item : value) redact(item);
    return;
  }
  if (!value.is_object()) return;
  for (auto& [key, item] : value.items()) {
    if (looksSecret(key)) {
      item = "[redacted]";
    } else {
      redact(item);
    }
  }
}

std::string_view levelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

void setLevel(Level level) { g_level.store(static_cast<int>(level)); }

Level parseLevel(std::string_view name) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (levelName(l) == name) return l;
  }
  throw Error::badInput("log level must be debug, info, warn or error, got '" +
                        std::string(name) + "'");
}

void setSink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}

void write(Level level, std::string_view event, Json fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  if (!fields.is_object()) fields = Json{{"value", std::move(fields)}};
  redact(fields);
  // The line's own keys win over fields of the same name.
  Json line = std::move(fields);
  line["ts"] = formatRfc3339(SystemClock::instance().nowMillis());
  line["level"] = levelName(level);
  line["event"] = event;
  std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
  {
    std::lock_guard lock(g_sink_mutex);
    if (g_sink) {
      g_sink(text);
      return;
    }
  }
  stderrLogger().info(text);
}

}  // namespace maestro::log
