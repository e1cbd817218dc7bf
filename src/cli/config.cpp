#include "cli/config.h"

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/yaml.h"
#include "platform/auth/token.h"

namespace maestro::cli {
namespace {

std::chrono::milliseconds durationField(const Json& obj, const char* key, const std::string& path,
                                        std::chrono::milliseconds fallback) {
  auto text = optionalString(obj, key, path);
  if (!text) return fallback;
  return auth::parseDuration(*text, joinPath(path, key));
}

void applyHttp(const Json& http, server::ServerOptions& o) {
  const std::string p = "http";
  rejectUnknownKeys(http,
                    {"threads", "max_header_bytes", "max_body_bytes", "request_timeout",
                     "idle_timeout", "write_timeout", "shutdown_grace", "max_connections"},
                    p);
  auto positive = [&](const char* key, int64_t max) -> std::optional<int64_t> {
    auto v = optionalInt(http, key, p);
    if (v && (*v < 0 || *v > max)) {
      throw Error::badInput(joinPath(p, key) + ": must be between 0 and " + std::to_string(max) +
                                ", got " + std::to_string(*v),
                            joinPath(p, key));
    }
    return v;
  };
  if (auto v = positive("threads", 256)) o.threads = static_cast<int>(*v);
  if (auto v = positive("max_header_bytes", 1 << 20)) o.max_header_bytes = *v;
  if (auto v = positive("max_body_bytes", 1LL << 30)) o.max_body_bytes = *v;
  if (auto v = positive("max_connections", 1'000'000)) o.max_connections = *v;
  o.request_timeout = durationField(http, "request_timeout", p, o.request_timeout);
  o.idle_timeout = durationField(http, "idle_timeout", p, o.idle_timeout);
  o.write_timeout = durationField(http, "write_timeout", p, o.write_timeout);
  o.shutdown_grace = durationField(http, "shutdown_grace", p, o.shutdown_grace);
}

void applyGraphql(const Json& g, graphql::Limits& limits) {
  const std::string p = "graphql";
  rejectUnknownKeys(g,
                    {"max_document_bytes", "max_tokens", "max_depth", "max_fields",
                     "max_list_items", "timeout"},
                    p);
  auto bounded = [&](const char* key, int64_t max) -> std::optional<int64_t> {
    auto v = optionalInt(g, key, p);
    if (v && (*v < 1 || *v > max)) {
      throw Error::badInput(joinPath(p, key) + ": must be between 1 and " + std::to_string(max) +
                                ", got " + std::to_string(*v),
                            joinPath(p, key));
    }
    return v;
  };
  if (auto v = bounded("max_document_bytes", 16 << 20)) limits.max_document_bytes = *v;
  if (auto v = bounded("max_tokens", 1'000'000)) limits.max_tokens = static_cast<int>(*v);
  if (auto v = bounded("max_depth", 256)) limits.max_depth = static_cast<int>(*v);
  if (auto v = bounded("max_fields", 100'000)) limits.max_fields = static_cast<int>(*v);
  if (auto v = bounded("max_list_items", 100'000'000)) limits.max_list_items = *v;
  limits.timeout = durationField(g, "timeout", p, limits.timeout);
}

void applyAuth(const Json& a, auth::TokenPolicy& policy) {
  const std::string p = "auth";
  rejectUnknownKeys(a, {"issuer", "audience", "leeway", "max_token_ttl"}, p);
  if (auto v = optionalString(a, "issuer", p)) policy.issuer = *v;
  if (auto v = optionalString(a, "audience", p)) policy.audience = *v;
  if (auto v = optionalString(a, "leeway", p)) {
    policy.leeway = auth::parseDuration(*v, "auth.leeway");
    if (policy.leeway > std::chrono::seconds(60)) {
      throw Error::badInput("auth.leeway: at most 60s, got '" + *v + "'", "auth.leeway");
    }
  }
  if (auto v = optionalString(a, "max_token_ttl", p)) {
    policy.max_ttl = auth::parseDuration(*v, "auth.max_token_ttl");
  }
}

void applyBlueprints(const Json& b, Config& config) {
  const std::string p = "blueprints";
  rejectUnknownKeys(b, {"dir", "drift_interval", "drift_detection"}, p);
  if (auto v = optionalString(b, "dir", p)) config.blueprints.templates_dir = *v;
  config.drift_interval = durationField(b, "drift_interval", p, config.drift_interval);
  if (config.drift_interval < std::chrono::seconds(1)) {
    throw Error::badInput("blueprints.drift_interval: must be at least 1s", "blueprints.drift_interval");
  }
  if (auto v = optionalBool(b, "drift_detection", p)) config.drift_detection = *v;
}

void applyRegions(const Json& regions, platform::PlatformConfig& config) {
  requireObject(regions, "regions");
  for (const auto& [name, spec] : regions.items()) {
    std::string p = "regions." + name;
    tenancy::RegionConfig r{name, "", ""};
    if (!spec.is_null()) {
      rejectUnknownKeys(spec, {"store", "schema"}, p);
      r.store_uri = optionalString(spec, "store", p).value_or("");
      r.schema = optionalString(spec, "schema", p).value_or("");
    }
    config.regions.push_back(std::move(r));
  }
}

}  // namespace

Json readDocument(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw Error::badInput(what + ": cannot read '" + path + "'", what);
  std::stringstream buf;
  buf << in.rdbuf();
  return parseYaml(buf.str(), what + ": " + path);
}

void parseListen(const std::string& listen, server::ServerOptions& options) {
  auto bad = [&] {
    return Error::badInput("--listen: expected HOST:PORT (e.g. 127.0.0.1:8080), got '" + listen +
                               "'",
                           "listen");
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) throw bad();
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host.front() == '[') {
    if (host.back() != ']') throw bad();
    host = host.substr(1, host.size() - 2);
  }
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) throw bad();
  int n = std::stoi(port);
  if (n > 65535) throw bad();
  options.host = host == "localhost" ? "127.0.0.1" : host;
  options.port = static_cast<uint16_t>(n);
}

Config loadConfig(const CommonOptions& common) {
  Config config;
  std::string store = common.store;
  config.platform.data_dir = "data";
  if (!common.config_file.empty()) {
    Json doc = readDocument(common.config_file, "--config");
    if (doc.is_null()) doc = Json::object();
    rejectUnknownKeys(doc,
                      {"listen", "data_dir", "store", "log_level", "regions", "auth", "http",
                       "graphql", "audit", "blueprints"},
                      "");
    if (auto v = optionalString(doc, "listen", "")) config.listen = *v;
    if (auto v = optionalString(doc, "data_dir", "")) config.platform.data_dir = *v;
    if (auto v = optionalString(doc, "store", ""); v && store.empty()) store = *v;
    if (auto v = optionalString(doc, "log_level", "")) config.log_level = *v;
    if (doc.contains("regions")) applyRegions(doc["regions"], config.platform);
    if (doc.contains("auth")) applyAuth(doc["auth"], config.platform.tokens);
    if (doc.contains("http")) applyHttp(doc["http"], config.http);
    if (doc.contains("graphql")) applyGraphql(doc["graphql"], config.graphql);
    if (doc.contains("blueprints")) applyBlueprints(doc["blueprints"], config);
    if (doc.contains("audit")) {
      rejectUnknownKeys(doc["audit"], {"checkpoint_every"}, "audit");
      if (auto v = optionalInt(doc["audit"], "checkpoint_every", "audit")) {
        if (*v < 1) throw Error::badInput("audit.checkpoint_every: must be at least 1");
        config.platform.audit_checkpoint_every = *v;
      }
    }
  }
  if (!common.data_dir.empty()) config.platform.data_dir = common.data_dir;
  if (!common.log_level.empty()) config.log_level = common.log_level;
  if (!store.empty() && store.rfind("postgresql://", 0) != 0 && store.rfind("postgres://", 0) != 0 &&
      store.rfind("sqlite:", 0) != 0) {
    throw Error::badInput("--store: expected postgresql://… or sqlite:PATH, got '" +
                              store::redactUri(store) + "'",
                          "store");
  }
  platform::resolveStores(config.platform, store);
  // Regions are validated here, so a bad name is a config error (exit 2).
  tenancy::Regions check(config.platform.regions);
  parseListen(config.listen, config.http);
  return config;
}

}  // namespace maestro::cli
