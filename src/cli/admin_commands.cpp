// Operator commands that act on the platform directly: tokens, tenants,
// datasets and the audit log. They run as the local operator, whose access
// comes from being able to read the data directory.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/config.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "platform/platform.h"

namespace maestro::cli {
namespace {

std::unique_ptr<platform::Platform> openPlatform(const CommonOptions& common) {
  Config config = loadConfig(common);
  log::setLevel(log::parseLevel(config.log_level));
  return platform::Platform::open(config.platform, SystemClock::instance());
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

void printTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      std::cout << std::left << std::setw(static_cast<int>(width[i]) + 2) << cells[i];
    }
    std::cout << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

}  // namespace

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& e) {
    std::cerr << "maestro: " << e.message() << "\n";
    return e.code() == Code::kBadInput ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "maestro: internal error: " << e.what() << "\n";
    return 1;
  }
}

int runTokenIssue(const CommonOptions& common, const TokenIssueOptions& o) {
  if (o.platform == !o.tenant.empty()) {
    throw Error::badInput("token issue: give exactly one of --tenant T or --platform", "tenant");
  }
  auth::TokenRequest request;
  request.scopes = splitList(o.scopes);
  request.platform = o.platform;
  if (!o.clearance.empty()) request.clearance = o.clearance;
  if (!o.purpose.empty()) request.purpose = o.purpose;
  request.ttl = auth::parseDuration(o.ttl, "--ttl");
  auto platform = openPlatform(common);
  auto op = auth::Principal::localOperator();
  if (!o.tenant.empty()) request.tenant = platform->tenancy().getTenant(op, o.tenant).id;
  request.subject = o.subject.empty() ? op.subject : o.subject;
  std::cout << platform->issueToken(op, request) << "\n";
  return 0;
}

int runTenantCreate(const CommonOptions& common, const TenantOptions& o) {
  tenancy::NewTenant spec{o.name, Json::object(), std::nullopt};
  if (!o.tenant_config_file.empty()) spec.config = readDocument(o.tenant_config_file, "--file");
  auto platform = openPlatform(common);
  auto tenant = platform->tenancy().createTenant(auth::Principal::localOperator(), spec);
  if (o.json) {
    std::cout << Json{{"id", tenant.id}, {"name", tenant.name}}.dump() << "\n";
  } else {
    std::cout << tenant.id << "\n";
  }
  return 0;
}

int runTenantList(const CommonOptions& common, const TenantOptions& o) {
  auto platform = openPlatform(common);
  auto tenants = platform->tenancy().listTenants(auth::Principal::localOperator());
  if (o.json) {
    Json out = Json::array();
    for (const auto& t : tenants) {
      out.push_back({{"id", t.id},
                     {"name", t.name},
                     {"created_at", formatRfc3339(t.created_at)},
                     {"config_version", t.config_version},
                     {"blueprint", t.blueprint ? Json(*t.blueprint) : Json(nullptr)}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tenants) {
    rows.push_back({t.name, t.id, formatRfc3339(t.created_at), t.blueprint.value_or("-")});
  }
  printTable({"NAME", "ID", "CREATED", "BLUEPRINT"}, rows);
  return 0;
}

int runDatasetCreate(const CommonOptions& common, const DatasetOptions& o) {
  if (o.tenant.empty()) throw Error::badInput("dataset create: --tenant is required", "tenant");
  auto platform = openPlatform(common);
  auto op = auth::Principal::localOperator();
  auto dataset = platform->tenancy().createDataset(op, o.tenant, o.name, o.region);
  if (o.json) {
    std::cout << Json{{"id", dataset.id}, {"name", dataset.name},
                      {"home_region", dataset.home_region}}.dump()
              << "\n";
  } else {
    std::cout << dataset.id << "\n";
  }
  return 0;
}

int runDatasetList(const CommonOptions& common, const DatasetOptions& o) {
  auto platform = openPlatform(common);
  auto op = auth::Principal::localOperator();
  std::optional<std::string> tenant;
  if (!o.tenant.empty()) tenant = o.tenant;
  auto datasets = platform->tenancy().listDatasets(op, tenant);
  std::map<std::string, std::string> tenant_names;
  for (const auto& t : platform->tenancy().listTenants(op)) tenant_names[t.id] = t.name;
  if (o.json) {
    Json out = Json::array();
    for (const auto& d : datasets) {
      out.push_back({{"id", d.id},
                     {"name", d.name},
                     {"tenant_id", d.tenant_id},
                     {"home_region", d.home_region},
                     {"created_at", formatRfc3339(d.created_at)}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : datasets) {
    rows.push_back({tenant_names[d.tenant_id], d.name, d.id, d.home_region,
                    formatRfc3339(d.created_at)});
  }
  printTable({"TENANT", "NAME", "ID", "REGION", "CREATED"}, rows);
  return 0;
}

int runAuditVerifyLog(const CommonOptions& common) {
  Config config = loadConfig(common);
  const auto& uri = config.platform.control_store_uri;
  if (uri.rfind("sqlite:", 0) == 0) {
    auto path = std::filesystem::path(config.platform.data_dir) / "control.db";
    if (common.store.empty() && !std::filesystem::exists(path)) {
      throw Error::unavailable("no control store at " + path.string() +
                               " (is --data-dir right?)");
    }
  }
  store::OpenOptions options;
  options.schema = config.platform.control_schema;
  auto control = store::Store::open(uri, options);
  auto lease = control->acquire();
  store::Transaction tx(*lease, store::TxMode::kRead);
  // Every key that ever signed, straight from the store: nothing is created.
  std::map<std::string, crypto::Ed25519PublicKey> keys;
  lease->query("SELECT kid, public_key FROM signing_keys", {}, [&](const store::Row& row) {
    if (auto raw = hexDecode(row.text(1)); raw && raw->size() == 32) {
      keys.emplace(row.text(0), crypto::Ed25519PublicKey::fromRaw(*raw));
    }
    return true;
  });
  auto report = audit::verifyLog(*lease, [&](const std::string& kid) {
    auto it = keys.find(kid);
    return it == keys.end() ? std::nullopt : std::optional(it->second);
  });
  if (report.ok) {
    std::cout << "audit log OK: " << report.entries << " entries, " << report.checkpoints
              << " signed checkpoints verified, head at " << report.head_seq << "\n";
    return 0;
  }
  std::cout << "audit log INVALID at sequence number " << *report.first_bad_seq << ": "
            << report.problem << "\n";
  return 1;
}

}  // namespace maestro::cli
