// `maestro blueprint …`: templates, creation from a template, drift,
// fixes, ignore rules and upgrades, run as the local operator.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/config.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "features/blueprint/blueprints.h"
#include "features/blueprint/drift_bench.h"
#include "platform/auth/token.h"
#include "platform/platform.h"

namespace maestro::cli {
namespace {

struct Opened {
  std::unique_ptr<platform::Platform> platform;
  std::unique_ptr<blueprint::Blueprints> blueprints;
};

Opened open(const CommonOptions& common) {
  Config config = loadConfig(common);
  log::setLevel(log::parseLevel(config.log_level));
  Opened o;
  o.platform = platform::Platform::open(config.platform, SystemClock::instance());
  o.blueprints = std::make_unique<blueprint::Blueprints>(*o.platform, config.blueprints);
  return o;
}

void requireTenant(const BlueprintCliOptions& o, const char* command) {
  if (o.tenant.empty()) {
    throw Error::badInput(std::string("blueprint ") + command + ": --tenant is required", "tenant");
  }
}

Json opJson(const blueprint::DriftOp& op) {
  Json j = {{"op", op.op}, {"path", op.path}};
  j["expected"] = op.expected ? *op.expected : Json();
  j["actual"] = op.actual ? *op.actual : Json();
  if (op.ignored_by) j["ignored_by"] = *op.ignored_by;
  return j;
}

Json reportJson(const blueprint::DriftReport& r) {
  Json ops = Json::array(), ignored = Json::array();
  for (const auto& op : r.drifts) ops.push_back(opJson(op));
  for (const auto& op : r.ignored) ignored.push_back(opJson(op));
  return {{"tenant_id", r.tenant_id},
          {"blueprint", r.blueprint},
          {"config_version", r.config_version},
          {"checked_at", formatRfc3339(r.checked_at)},
          {"drifted", !r.drifts.empty()},
          {"operations", ops},
          {"ignored", ignored},
          {"proposed_fix", r.fix}};
}

void printOps(const std::vector<blueprint::DriftOp>& ops) {
  for (const auto& op : ops) {
    std::cout << "  " << op.op << " " << op.path << ": expected "
              << (op.expected ? op.expected->dump() : "(absent)") << ", actual "
              << (op.actual ? op.actual->dump() : "(absent)");
    if (op.ignored_by) std::cout << "  [ignored: " << *op.ignored_by << "]";
    std::cout << "\n";
  }
}

void printReport(const blueprint::DriftReport& r, bool json) {
  if (json) {
    std::cout << reportJson(r).dump(2) << "\n";
    return;
  }
  std::cout << "tenant " << r.tenant_id << " follows " << r.blueprint << " (config version "
            << r.config_version << "): "
            << (r.drifts.empty() ? "no drift" : std::to_string(r.drifts.size()) + " drift(s)")
            << "\n";
  printOps(r.drifts);
  if (!r.ignored.empty()) {
    std::cout << r.ignored.size() << " ignored:\n";
    printOps(r.ignored);
  }
  if (!r.drifts.empty()) std::cout << "proposed fix: " << r.fix.dump() << "\n";
}

// "a.b.c=VALUE" into a nested object; VALUE is JSON when it parses.
void setOverride(Json& overrides, const std::string& assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw Error::badInput("--set: expected PATH=VALUE (e.g. slo.read_p95_ms=500), got '" +
                              assignment.substr(0, 80) + "'",
                          "set");
  }
  std::string path = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  Json value;
  try {
    value = parseJson(text, "--set");
  } catch (const Error&) {
    value = text;
  }
  Json* at = &overrides;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string key =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw Error::badInput("--set: empty path segment in '" + path + "'", "set");
    if (dot == std::string::npos) {
      (*at)[key] = value;
      break;
    }
    if (!(*at)[key].is_object()) (*at)[key] = Json::object();
    at = &(*at)[key];
    start = dot + 1;
  }
}

}  // namespace

int runBlueprintList(const CommonOptions& common, const BlueprintCliOptions& o) {
  auto opened = open(common);
  auto templates = opened.blueprints->listTemplates(auth::Principal::localOperator());
  if (o.json) {
    Json out = Json::array();
    for (const auto& t : templates) {
      out.push_back({{"ref", t.ref()},
                     {"description", t.description},
                     {"origin", t.origin},
                     {"sha256", t.sha256}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const auto& t : templates) {
    std::cout << t.ref() << "\t" << t.origin << "\t" << t.description << "\n";
  }
  return 0;
}

int runBlueprintShow(const CommonOptions& common, const BlueprintCliOptions& o) {
  auto opened = open(common);
  auto t = opened.blueprints->getTemplate(auth::Principal::localOperator(), o.name);
  if (o.json) {
    std::cout << Json{{"ref", t.ref()},
                      {"origin", t.origin},
                      {"sha256", t.sha256},
                      {"config", t.body},
                      {"overridable", t.overridable}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "# " << t.ref() << " (" << t.origin << ")\n" << t.source;
  }
  return 0;
}

int runBlueprintRegister(const CommonOptions& common, const BlueprintCliOptions& o) {
  std::ifstream in(o.file);
  if (!in) throw Error::badInput("--file: cannot read '" + o.file + "'", "file");
  std::stringstream buf;
  buf << in.rdbuf();
  auto opened = open(common);
  auto [t, created] =
      opened.blueprints->registerTemplate(auth::Principal::localOperator(), buf.str());
  std::cout << t.ref() << (created ? " registered" : " unchanged") << "\n";
  return 0;
}

int runBlueprintCreate(const CommonOptions& common, const BlueprintCliOptions& o) {
  blueprint::NewBlueprintTenant spec;
  spec.name = o.name;
  spec.template_ref = o.template_ref;
  if (!o.overrides_file.empty()) spec.overrides = readDocument(o.overrides_file, "--overrides");
  if (spec.overrides.is_null()) spec.overrides = Json::object();
  for (const auto& s : o.set) setOverride(spec.overrides, s);
  if (!o.region.empty()) spec.region = o.region;
  spec.auto_fix = o.auto_fix;
  auto opened = open(common);
  auto tenant = opened.blueprints->createTenant(auth::Principal::localOperator(), spec);
  if (o.json) {
    std::cout
        << Json{{"id", tenant.id}, {"name", tenant.name}, {"blueprint", *tenant.blueprint}}.dump()
        << "\n";
  } else {
    std::cout << tenant.id << "\n";
  }
  return 0;
}

int runBlueprintDrift(const CommonOptions& common, const BlueprintCliOptions& o) {
  auto opened = open(common);
  auto op = auth::Principal::localOperator();
  if (o.tenant.empty()) {
    // Every blueprinted tenant: one cycle, as the scheduler runs it.
    auto stats = opened.blueprints->runCycle();
    Json out = {{"tenants", stats.tenants}, {"drifted", stats.drifted},
                {"opened", stats.opened},   {"resolved", stats.resolved},
                {"fixed", stats.fixed},     {"elapsed_ms", stats.elapsed_ms}};
    std::cout << (o.json ? out.dump(2) : out.dump()) << "\n";
    return stats.drifted > 0 ? 3 : 0;
  }
  auto report = opened.blueprints->detect(op, o.tenant);
  printReport(report, o.json);
  // Like `terraform plan -detailed-exitcode`: 3 means drift was found.
  return report.drifts.empty() ? 0 : 3;
}

int runBlueprintFix(const CommonOptions& common, const BlueprintCliOptions& o) {
  requireTenant(o, "fix");
  auto opened = open(common);
  auto op = auth::Principal::localOperator();
  int64_t version = o.config_version;
  if (version == 0) version = opened.blueprints->detect(op, o.tenant).config_version;
  auto report = opened.blueprints->approveFix(op, o.tenant, version);
  printReport(report, o.json);
  return 0;
}

int runBlueprintIgnore(const CommonOptions& common, const BlueprintCliOptions& o) {
  requireTenant(o, "ignore");
  auto ttl = auth::parseDuration(o.expires, "--expires");
  auto opened = open(common);
  int64_t expires_at = SystemClock::instance().nowMillis() +
                       std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count();
  auto rule = opened.blueprints->ignore(auth::Principal::localOperator(), o.tenant, o.path,
                                        o.reason, expires_at);
  std::cout << rule.id << " ignores " << rule.path << " until " << formatRfc3339(rule.expires_at)
            << "\n";
  return 0;
}

int runBlueprintUpgradePreview(const CommonOptions& common, const BlueprintCliOptions& o) {
  requireTenant(o, "upgrade-preview");
  auto opened = open(common);
  std::optional<int64_t> to;
  if (o.to_version > 0) to = o.to_version;
  auto p = opened.blueprints->upgradePreview(auth::Principal::localOperator(), o.tenant, to);
  if (o.json) {
    Json changes = Json::array();
    for (const auto& op : p.changes) changes.push_back(opJson(op));
    std::cout
        << Json{{"tenant_id", p.tenant_id},           {"from", p.from},     {"to", p.to},
                {"config_version", p.config_version}, {"changes", changes}, {"patch", p.patch}}
               .dump(2)
        << "\n";
    return 0;
  }
  std::cout << p.from << " → " << p.to << " (config version " << p.config_version
            << "): " << p.changes.size() << " change(s)\n";
  printOps(p.changes);
  return 0;
}

int runBlueprintUpgrade(const CommonOptions& common, const BlueprintCliOptions& o) {
  requireTenant(o, "upgrade");
  auto opened = open(common);
  auto op = auth::Principal::localOperator();
  std::optional<int64_t> to;
  if (o.to_version > 0) to = o.to_version;
  auto preview = opened.blueprints->upgradePreview(op, o.tenant, to);
  int64_t version = o.config_version > 0 ? o.config_version : preview.config_version;
  int64_t target = std::stoll(preview.to.substr(preview.to.find('@') + 1));
  int64_t now = opened.blueprints->applyUpgrade(op, o.tenant, target, version);
  std::cout << preview.from << " → " << preview.to << ": config version " << now << "\n";
  return 0;
}

int runBlueprintBenchDrift(const CommonOptions& common, const BlueprintCliOptions& o) {
  auto opened = open(common);
  blueprint::DriftBenchOptions options;
  options.tenants = o.tenants;
  options.drifted_pct = o.drifted_pct;
  Json result = blueprint::runDriftBench(*opened.platform, *opened.blueprints, options);
  result["store"] = opened.platform->control().description();
  std::cout << result.dump(2) << "\n";
  return 0;
}

}  // namespace maestro::cli
