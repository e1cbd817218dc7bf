#include "features/blueprint/blueprints.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/clock.h"
#include "common/error.h"
#include "common/ids.h"
#include "common/log.h"
#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/platform.h"

namespace maestro::blueprint {

struct BuiltinTemplate {
  const char* file;
  const char* text;
};
extern const BuiltinTemplate kBuiltinTemplates[];
extern const size_t kBuiltinTemplateCount;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kMaxIgnoreMs = 366 * kDayMs;
constexpr size_t kCycleBatch = 250;  // tenants per write transaction in a cycle
constexpr char kDriftGauge[] = "blueprint_drift_count";
constexpr char kDriftGaugeHelp[] = "Open blueprint drift operations per tenant";

std::string refOf(const std::string& name, int64_t version) {
  return name + "@" + std::to_string(version);
}

Json parseStored(const std::string& text, const char* what) { return parseJson(text, what); }

std::string dumpOpt(const std::optional<Json>& v) { return v ? v->dump() : "null"; }

// A tenant's objects are visible to its own principals and platform ones;
// another tenant's look exactly like missing ones.
void requireTenant(const auth::Principal& who, const std::string& scope,
                   const std::string& tenant_id) {
  auto decision = auth::authorize(who, {scope, tenant_id});
  if (decision.allowed) return;
  if (who.hasScope(scope)) throw Error::notFound("tenant not found");
  throw Error::forbidden("forbidden: " + decision.reason);
}

struct TenantRow {
  std::string id;
  std::string name;
  Json config;
  int64_t config_version = 0;
  Binding binding;
};

constexpr char kBindingColumns[] =
    "SELECT t.id, t.name, t.config, t.config_version, b.template_name, b.template_version, "
    "b.overrides, b.auto_fix, b.created_at, b.last_checked_at "
    "FROM blueprint_tenants b JOIN tenants t ON t.id = b.tenant_id";

TenantRow tenantRowFrom(const store::Row& row) {
  TenantRow r;
  r.id = row.text(0);
  r.name = row.text(1);
  r.config = parseStored(row.text(2), "tenant config");
  r.config_version = row.integer(3);
  r.binding.tenant_id = r.id;
  r.binding.tenant_name = r.name;
  r.binding.template_name = row.text(4);
  r.binding.template_version = row.integer(5);
  r.binding.overrides = parseStored(row.text(6), "blueprint overrides");
  r.binding.auto_fix = row.integer(7) != 0;
  r.binding.created_at = row.integer(8);
  r.binding.last_checked_at = row.optInteger(9);
  return r;
}

constexpr char kIgnoreColumns[] =
    "SELECT id, tenant_id, path, reason, expires_at, created_at, created_by FROM blueprint_ignores";

IgnoreRule ignoreFrom(const store::Row& row) {
  return {row.text(0),    row.text(1),    row.text(2), row.text(3),
          row.integer(4), row.integer(5), row.text(6)};
}

constexpr char kDriftColumns[] =
    "SELECT id, tenant_id, path, op, expected, actual, first_seen, last_seen, resolved_at, "
    "resolution FROM blueprint_drift";

DriftRecord driftFrom(const store::Row& row) {
  DriftRecord d;
  d.id = row.text(0);
  d.tenant_id = row.text(1);
  d.path = row.text(2);
  d.op = row.text(3);
  d.expected = parseStored(row.text(4), "drift expected");
  d.actual = parseStored(row.text(5), "drift actual");
  d.first_seen = row.integer(6);
  d.last_seen = row.integer(7);
  d.resolved_at = row.optInteger(8);
  d.resolution = row.optText(9);
  return d;
}

struct Evaluation {
  Json expected;
  std::vector<DriftOp> drifts;
  std::vector<DriftOp> ignored;
};

Evaluation evaluate(const Json& expected, const Json& live, const std::vector<IgnoreRule>& rules) {
  Evaluation ev;
  ev.expected = expected;
  for (auto& op : diffConfigs(expected, live)) {
    for (const auto& rule : rules) {
      if (pathUnder(op.path, rule.path)) {
        op.ignored_by = rule.reason;
        break;
      }
    }
    (op.ignored_by ? ev.ignored : ev.drifts).push_back(std::move(op));
  }
  return ev;
}

struct Recorded {
  int64_t opened = 0;
  int64_t resolved = 0;
  std::vector<std::string> opened_paths;
};

}  // namespace

auth::Principal schedulerPrincipal() {
  auth::Principal p;
  p.subject = "system:blueprint-drift";
  p.platform = true;
  p.scopes = {"admin.read", "admin.write"};
  return p;
}

struct Blueprints::Impl {
  Impl(platform::Platform& p) : platform(p), control(p.control()), clock(p.clock()) {}

  platform::Platform& platform;
  store::Store& control;
  const Clock& clock;
  // Built-in and directory templates; fixed after construction.
  std::map<std::pair<std::string, int64_t>, Template> catalog;
  // Stored templates parsed once (versions are immutable).
  std::mutex cache_mutex;
  std::map<std::pair<std::string, int64_t>, std::shared_ptr<const Template>> stored_cache;

  void addToCatalog(Template t, const std::string& where) {
    auto key = std::make_pair(t.name, t.version);
    if (auto it = catalog.find(key); it != catalog.end()) {
      if (it->second.sha256 == t.sha256) return;
      throw Error::badInput(where + ": " + t.ref() + " is already defined (" + it->second.origin +
                                ") with different content; give it a new version",
                            where);
    }
    catalog.emplace(key, std::move(t));
  }

  std::shared_ptr<const Template> storedTemplate(store::Connection& conn, const std::string& name,
                                                 int64_t version) {
    auto key = std::make_pair(name, version);
    {
      std::lock_guard lock(cache_mutex);
      if (auto it = stored_cache.find(key); it != stored_cache.end()) return it->second;
    }
    auto row = conn.queryOne(
        "SELECT source, origin FROM blueprint_templates WHERE name = $1 AND version = $2",
        {name, version});
    if (!row) return nullptr;
    auto t = std::make_shared<Template>(
        parseTemplate(row->text(0), "template " + refOf(name, version), row->text(1)));
    std::lock_guard lock(cache_mutex);
    stored_cache.emplace(key, t);
    return t;
  }

  // Every version known of `name`: the catalog's and the stored ones.
  std::set<int64_t> versionsOf(store::Connection& conn, const std::string& name) {
    std::set<int64_t> out;
    for (const auto& [key, _] : catalog) {
      if (key.first == name) out.insert(key.second);
    }
    conn.query("SELECT version FROM blueprint_templates WHERE name = $1", {name},
               [&](const store::Row& r) {
                 out.insert(r.integer(0));
                 return true;
               });
    return out;
  }

  // The stored version is authoritative (it is what tenants were created
  // from); the catalog fills in versions no tenant uses yet.
  Template resolve(store::Connection& conn, const std::string& name, std::optional<int64_t> version,
                   const std::string& field = "template") {
    if (!version) {
      auto versions = versionsOf(conn, name);
      if (versions.empty()) throw Error::notFound(field + ": no template named '" + name + "'");
      version = *versions.rbegin();
    }
    if (auto t = storedTemplate(conn, name, *version)) return *t;
    if (auto it = catalog.find({name, *version}); it != catalog.end()) return it->second;
    throw Error::notFound(field + ": no template " + refOf(name, *version));
  }

  // Records the template a tenant now follows, so every server renders it
  // the same way. A different template under the same name@version is a
  // conflict.
  void pin(store::Connection& tx, const Template& t, const auth::Principal& who) {
    tx.execute(
        "INSERT INTO blueprint_templates (name, version, sha256, source, origin, created_at, "
        "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name, version) DO NOTHING",
        {t.name, t.version, t.sha256, t.source, t.origin, clock.nowMillis(), who.actor()});
    auto row =
        tx.queryOne("SELECT sha256 FROM blueprint_templates WHERE name = $1 AND version = $2",
                    {t.name, t.version});
    if (!row || row->text(0) != t.sha256) {
      throw Error::conflict("template " + t.ref() +
                            " differs from the one recorded under that version; give a changed "
                            "template a new version");
    }
  }

  std::optional<TenantRow> loadTenant(store::Connection& conn, const std::string& tenant_id) {
    auto row = conn.queryOne(std::string(kBindingColumns) + " WHERE t.id = $1", {tenant_id});
    if (!row) return std::nullopt;
    return tenantRowFrom(*row);
  }

  // The tenant named by id or name, checked for `scope`, with its binding.
  TenantRow tenantFor(store::Connection& conn, const auth::Principal& who,
                      const std::string& tenant, const std::string& scope) {
    auth::require(who, {scope});
    auto t = platform.tenancy().getTenant(conn, who, tenant);
    requireTenant(who, scope, t.id);
    auto row = loadTenant(conn, t.id);
    if (!row) {
      throw Error::notFound("tenant '" + t.name + "' was not created from a blueprint");
    }
    return *row;
  }

  std::vector<IgnoreRule> activeIgnores(store::Connection& conn, const std::string& tenant_id) {
    std::vector<IgnoreRule> out;
    conn.query(std::string(kIgnoreColumns) +
                   " WHERE tenant_id = $1 AND expires_at > $2 ORDER BY path, created_at",
               {tenant_id, clock.nowMillis()}, [&](const store::Row& r) {
                 out.push_back(ignoreFrom(r));
                 return true;
               });
    return out;
  }

  std::map<std::string, DriftRecord> openDrift(store::Connection& conn,
                                               const std::string& tenant_id) {
    std::map<std::string, DriftRecord> out;
    conn.query(std::string(kDriftColumns) + " WHERE tenant_id = $1 AND resolved_at IS NULL",
               {tenant_id}, [&](const store::Row& r) {
                 auto d = driftFrom(r);
                 out.emplace(d.path, std::move(d));
                 return true;
               });
    return out;
  }

  Json expectedFor(store::Connection& conn, const Binding& b) {
    Template t = resolve(conn, b.template_name, b.template_version);
    return render(t, b.overrides);
  }

  // Opens new drift, updates changed drift, resolves vanished drift.
  Recorded record(store::Connection& tx, const std::string& tenant_id, const Evaluation& ev,
                  const std::map<std::string, DriftRecord>& open, int64_t now) {
    Recorded rec;
    std::set<std::string> current;
    for (const auto& op : ev.drifts) {
      current.insert(op.path);
      std::string expected = dumpOpt(op.expected), actual = dumpOpt(op.actual);
      auto it = open.find(op.path);
      if (it == open.end()) {
        tx.execute(
            "INSERT INTO blueprint_drift (id, tenant_id, path, op, expected, actual, first_seen, "
            "last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING",
            {newUuidV7(clock), tenant_id, op.path, op.op, expected, actual, now});
        ++rec.opened;
        rec.opened_paths.push_back(op.path);
      } else if (it->second.op != op.op || it->second.expected.dump() != expected ||
                 it->second.actual.dump() != actual) {
        tx.execute(
            "UPDATE blueprint_drift SET op = $1, expected = $2, actual = $3, last_seen = $4 "
            "WHERE id = $5",
            {op.op, expected, actual, now, it->second.id});
      }
    }
    std::set<std::string> ignored;
    for (const auto& op : ev.ignored) ignored.insert(op.path);
    for (const auto& [path, d] : open) {
      if (current.count(path)) continue;
      tx.execute(
          "UPDATE blueprint_drift SET resolved_at = $1, resolution = $2 "
          "WHERE id = $3 AND resolved_at IS NULL",
          {now, ignored.count(path) ? "ignored" : "vanished", d.id});
      ++rec.resolved;
    }
    return rec;
  }

  void resolveAll(store::Connection& tx, const std::string& tenant_id, const std::string& how,
                  const std::set<std::string>* only = nullptr) {
    int64_t now = clock.nowMillis();
    for (const auto& [path, d] : openDrift(tx, tenant_id)) {
      if (only != nullptr && !only->count(path)) continue;
      tx.execute("UPDATE blueprint_drift SET resolved_at = $1, resolution = $2 WHERE id = $3",
                 {now, how, d.id});
    }
  }

  void auditRecorded(store::Connection& tx, const auth::Principal& who, const TenantRow& t,
                     const Recorded& rec, size_t open_after) {
    if (rec.opened > 0) {
      platform.auditLog().append(tx, {who.actor(),
                                      t.id,
                                      "blueprint.drift.detected",
                                      t.id,
                                      {{"blueprint", t.binding.ref()},
                                       {"config_version", t.config_version},
                                       {"opened", rec.opened_paths},
                                       {"open", open_after}}});
    } else if (rec.resolved > 0) {
      platform.auditLog().append(tx, {who.actor(),
                                      t.id,
                                      "blueprint.drift.resolved",
                                      t.id,
                                      {{"blueprint", t.binding.ref()},
                                       {"config_version", t.config_version},
                                       {"resolved", rec.resolved},
                                       {"open", open_after}}});
    }
  }

  void announce(const TenantRow& t, const Recorded& rec, size_t open_after) {
    platform.metrics().setGauge(kDriftGauge, kDriftGaugeHelp, {{"tenant", t.id}},
                                static_cast<double>(open_after));
    if (rec.opened > 0) {
      log::warn("blueprint.drift.detected", {{"tenant_id", t.id},
                                             {"tenant", t.name},
                                             {"blueprint", t.binding.ref()},
                                             {"open", open_after},
                                             {"opened", rec.opened_paths}});
    }
  }

  DriftReport reportFor(const TenantRow& t, const Evaluation& ev, int64_t now) {
    DriftReport r;
    r.tenant_id = t.id;
    r.blueprint = t.binding.ref();
    r.config_version = t.config_version;
    r.checked_at = now;
    r.drifts = ev.drifts;
    r.ignored = ev.ignored;
    r.expected = ev.expected;
    r.fix = fixPatch(ev.drifts);
    return r;
  }

  void fillDriftSummary(store::Connection& conn, Binding& b) {
    auto row = conn.queryOne(
        "SELECT COALESCE(SUM(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END), 0), "
        "MAX(resolved_at) FROM blueprint_drift WHERE tenant_id = $1",
        {b.tenant_id});
    b.open_drifts = row ? row->integer(0) : 0;
    if (b.open_drifts == 0) {
      int64_t since = b.created_at;
      if (row && !row->isNull(1)) since = std::max(since, row->integer(1));
      b.drift_free_since = since;
    }
  }

  Json applyPatch(const Json& live, const Json& patch) {
    try {
      return live.patch(patch);
    } catch (const std::exception& e) {
      throw Error::internal(std::string("blueprint patch did not apply: ") + e.what());
    }
  }

  DriftReport approveFix(const auth::Principal& who, const std::string& tenant,
                         int64_t expected_version) {
    auto lease = control.acquire();
    store::Transaction tx(*lease, store::TxMode::kWrite);
    TenantRow t = tenantFor(*lease, who, tenant, "admin.write");
    if (t.config_version != expected_version) {
      throw Error::conflict(
          "tenant config changed since the drift report: it was computed on "
          "version " +
          std::to_string(expected_version) + ", the tenant is at " +
          std::to_string(t.config_version) + "; check drift again");
    }
    int64_t now = clock.nowMillis();
    Evaluation ev = evaluate(expectedFor(*lease, t.binding), t.config, activeIgnores(*lease, t.id));
    if (ev.drifts.empty()) {
      tx.commit();
      return reportFor(t, ev, now);
    }
    Json patch = fixPatch(ev.drifts);
    Json fixed = applyPatch(t.config, patch);
    int64_t version = platform.tenancy().updateConfig(*lease, who, t.id, fixed, expected_version);
    std::set<std::string> paths;
    for (const auto& op : ev.drifts) paths.insert(op.path);
    resolveAll(*lease, t.id, "fixed", &paths);
    lease->execute("UPDATE blueprint_tenants SET last_checked_at = $1 WHERE tenant_id = $2",
                   {now, t.id});
    platform.auditLog().append(*lease, {who.actor(),
                                        t.id,
                                        "blueprint.drift.fix",
                                        t.id,
                                        {{"blueprint", t.binding.ref()},
                                         {"from_version", expected_version},
                                         {"to_version", version},
                                         {"patch", patch}}});
    tx.commit();
    platform.metrics().setGauge(kDriftGauge, kDriftGaugeHelp, {{"tenant", t.id}}, 0);
    t.config = std::move(fixed);
    t.config_version = version;
    return reportFor(t, evaluate(ev.expected, t.config, activeIgnores(*lease, t.id)), now);
  }
};

Blueprints::Blueprints(platform::Platform& platform, BlueprintOptions options)
    : impl_(std::make_unique<Impl>(platform)) {
  impl_->control.migrate("blueprint", migrations());
  for (size_t i = 0; i < kBuiltinTemplateCount; ++i) {
    const auto& b = kBuiltinTemplates[i];
    impl_->addToCatalog(parseTemplate(b.text, b.file, "builtin"), b.file);
  }
  if (!options.templates_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.templates_dir, ec)) {
      throw Error::badInput(
          "blueprints.dir: '" + options.templates_dir.string() + "' is not a directory",
          "blueprints.dir");
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(options.templates_dir)) {
      auto ext = entry.path().extension();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file);
      std::stringstream buf;
      buf << in.rdbuf();
      std::string where = "blueprints.dir: " + file.filename().string();
      try {
        impl_->addToCatalog(parseTemplate(buf.str(), where, "dir:" + file.filename().string()),
                            where);
      } catch (const Error& e) {
        if (e.code() != Code::kBadInput || e.message().rfind(where, 0) == 0) throw;
        throw Error::badInput(where + ": " + e.message(), "blueprints.dir");
      }
    }
  }
}

Blueprints::~Blueprints() = default;

std::span<const store::Migration> Blueprints::migrations() {
  static const store::Migration kMigrations[] = {
      {1, "blueprint templates, bindings, ignore rules and drift history", R"sql(
CREATE TABLE blueprint_templates (
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  source TEXT NOT NULL,
  origin TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE blueprint_tenants (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
  template_name TEXT NOT NULL,
  template_version BIGINT NOT NULL,
  overrides TEXT NOT NULL,
  auto_fix INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  last_checked_at BIGINT
);
CREATE TABLE blueprint_ignores (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  path TEXT NOT NULL,
  reason TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX blueprint_ignores_tenant ON blueprint_ignores (tenant_id, expires_at);
CREATE TABLE blueprint_drift (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  path TEXT NOT NULL,
  op TEXT NOT NULL,
  expected TEXT NOT NULL,
  actual TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  resolved_at BIGINT,
  resolution TEXT
);
CREATE UNIQUE INDEX blueprint_drift_open ON blueprint_drift (tenant_id, path)
  WHERE resolved_at IS NULL;
CREATE INDEX blueprint_drift_tenant ON blueprint_drift (tenant_id, first_seen);
)sql"},
  };
  return kMigrations;
}

std::vector<Template> Blueprints::listTemplates(const auth::Principal& who) {
  auth::require(who, {"admin.read"});
  std::map<std::pair<std::string, int64_t>, Template> all = impl_->catalog;
  auto lease = impl_->control.acquire();
  std::vector<std::pair<std::string, int64_t>> stored;
  lease->query("SELECT name, version FROM blueprint_templates ORDER BY name, version", {},
               [&](const store::Row& r) {
                 stored.emplace_back(r.text(0), r.integer(1));
                 return true;
               });
  for (const auto& [name, version] : stored) {
    if (auto t = impl_->storedTemplate(*lease, name, version)) all[{name, version}] = *t;
  }
  std::vector<Template> out;
  for (auto& [_, t] : all) out.push_back(std::move(t));
  return out;
}

Template Blueprints::getTemplate(const auth::Principal& who, const std::string& ref) {
  auth::require(who, {"admin.read"});
  TemplateRef r = parseTemplateRef(ref, "name");
  auto lease = impl_->control.acquire();
  return impl_->resolve(*lease, r.name, r.version, "name");
}

std::pair<Template, bool> Blueprints::registerTemplate(const auth::Principal& who,
                                                       std::string_view source) {
  auth::require(who, {"admin.write"});
  if (!who.platform) {
    throw Error::forbidden("forbidden: registering templates needs a platform token");
  }
  Template t = parseTemplate(source, "template", "store");
  auto lease = impl_->control.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  if (auto it = impl_->catalog.find({t.name, t.version});
      it != impl_->catalog.end() && it->second.sha256 != t.sha256) {
    throw Error::conflict("template " + t.ref() + " already exists (" + it->second.origin +
                          ") with different content; give it a new version");
  }
  auto existing =
      lease->queryOne("SELECT sha256 FROM blueprint_templates WHERE name = $1 AND version = $2",
                      {t.name, t.version});
  if (existing) {
    if (existing->text(0) != t.sha256) {
      throw Error::conflict("template " + t.ref() +
                            " already exists with different content; versions are immutable, "
                            "give it a new version");
    }
    tx.commit();
    return {*impl_->storedTemplate(*lease, t.name, t.version), false};
  }
  impl_->pin(*lease, t, who);
  impl_->platform.auditLog().append(
      *lease,
      {who.actor(), std::nullopt, "blueprint.template.register", t.ref(), {{"sha256", t.sha256}}});
  tx.commit();
  return {t, true};
}

tenancy::Tenant Blueprints::createTenant(const auth::Principal& who,
                                         const NewBlueprintTenant& spec) {
  return createTenants(who, {spec}).front();
}

std::vector<tenancy::Tenant> Blueprints::createTenants(
    const auth::Principal& who, const std::vector<NewBlueprintTenant>& specs) {
  auth::require(who, {"admin.write"});
  if (!who.platform) throw Error::forbidden("forbidden: creating tenants needs a platform token");
  std::vector<tenancy::Tenant> out;
  auto lease = impl_->control.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  std::set<std::string> pinned;
  for (const auto& spec : specs) {
    TemplateRef ref = parseTemplateRef(spec.template_ref);
    if (spec.region && !impl_->platform.regions().contains(*spec.region)) {
      throw Error::badInput("region: unknown region '" + spec.region->substr(0, 80) + "'",
                            "region");
    }
    Template t = impl_->resolve(*lease, ref.name, ref.version);
    Json overrides = effectiveOverrides(spec.overrides, spec.region);
    Json config = render(t, spec.overrides, spec.region);
    std::string home = config["policies"]["home_region"].get<std::string>();
    if (!impl_->platform.regions().contains(home)) {
      throw Error::badInput("policies.home_region: '" + home + "' of " + t.ref() +
                                " is not a configured region; pass region",
                            "region");
    }
    if (pinned.insert(t.ref()).second) impl_->pin(*lease, t, who);
    auto tenant = impl_->platform.tenancy().createTenant(*lease, who, {spec.name, config, t.ref()});
    lease->execute(
        "INSERT INTO blueprint_tenants (tenant_id, template_name, template_version, overrides, "
        "auto_fix, created_at, last_checked_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        {tenant.id, t.name, t.version, overrides.dump(), spec.auto_fix, tenant.created_at});
    impl_->platform.auditLog().append(
        *lease, {who.actor(),
                 tenant.id,
                 "blueprint.tenant.create",
                 tenant.id,
                 {{"blueprint", t.ref()}, {"overrides", overrides}, {"auto_fix", spec.auto_fix}}});
    out.push_back(std::move(tenant));
  }
  tx.commit();
  for (const auto& tenant : out) {
    impl_->platform.metrics().setGauge(kDriftGauge, kDriftGaugeHelp, {{"tenant", tenant.id}}, 0);
  }
  return out;
}

Binding Blueprints::binding(const auth::Principal& who, const std::string& tenant) {
  auto lease = impl_->control.acquire();
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.read");
  impl_->fillDriftSummary(*lease, t.binding);
  return t.binding;
}

std::vector<Binding> Blueprints::bindings(const auth::Principal& who,
                                          std::optional<int64_t> drift_free_days) {
  auth::require(who, {"admin.read"});
  auto lease = impl_->control.acquire();
  std::vector<Binding> out;
  auto collect = [&](const store::Row& row) {
    out.push_back(tenantRowFrom(row).binding);
    return true;
  };
  if (who.platform) {
    lease->query(std::string(kBindingColumns) + " ORDER BY t.name", {}, collect);
  } else if (who.tenant_id) {
    lease->query(std::string(kBindingColumns) + " WHERE t.id = $1", {*who.tenant_id}, collect);
  }
  std::unordered_map<std::string, std::pair<int64_t, std::optional<int64_t>>> summary;
  lease->query(
      "SELECT tenant_id, SUM(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END), MAX(resolved_at) "
      "FROM blueprint_drift GROUP BY tenant_id",
      {}, [&](const store::Row& r) {
        summary[r.text(0)] = {r.integer(1), r.optInteger(2)};
        return true;
      });
  int64_t now = impl_->clock.nowMillis();
  std::vector<Binding> kept;
  for (auto& b : out) {
    auto it = summary.find(b.tenant_id);
    b.open_drifts = it == summary.end() ? 0 : it->second.first;
    if (b.open_drifts == 0) {
      int64_t since = b.created_at;
      if (it != summary.end() && it->second.second) since = std::max(since, *it->second.second);
      b.drift_free_since = since;
    }
    if (drift_free_days) {
      // Drift-free for N days, and observed so: a check at the end of the window.
      int64_t window = *drift_free_days * kDayMs;
      if (!b.drift_free_since || *b.drift_free_since > now - window || !b.last_checked_at ||
          *b.last_checked_at < *b.drift_free_since + window) {
        continue;
      }
    }
    kept.push_back(std::move(b));
  }
  return kept;
}

DriftReport Blueprints::detect(const auth::Principal& who, const std::string& tenant) {
  auto lease = impl_->control.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.read");
  int64_t now = impl_->clock.nowMillis();
  Evaluation ev =
      evaluate(impl_->expectedFor(*lease, t.binding), t.config, impl_->activeIgnores(*lease, t.id));
  Recorded rec = impl_->record(*lease, t.id, ev, impl_->openDrift(*lease, t.id), now);
  lease->execute("UPDATE blueprint_tenants SET last_checked_at = $1 WHERE tenant_id = $2",
                 {now, t.id});
  impl_->auditRecorded(*lease, who, t, rec, ev.drifts.size());
  tx.commit();
  impl_->announce(t, rec, ev.drifts.size());
  return impl_->reportFor(t, ev, now);
}

DriftHistory Blueprints::history(const auth::Principal& who, const std::string& tenant,
                                 int64_t since_days) {
  if (since_days < 0 || since_days > 3660) {
    throw Error::badInput(
        "sinceDays: must be between 0 and 3660, got " + std::to_string(since_days), "sinceDays");
  }
  auto lease = impl_->control.acquire();
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.read");
  DriftHistory h;
  int64_t from = impl_->clock.nowMillis() - since_days * kDayMs;
  lease->query(std::string(kDriftColumns) +
                   " WHERE tenant_id = $1 AND (resolved_at IS NULL OR resolved_at >= $2 OR "
                   "first_seen >= $2) ORDER BY first_seen, path LIMIT 10000",
               {t.id, from}, [&](const store::Row& r) {
                 h.records.push_back(driftFrom(r));
                 return true;
               });
  h.binding = t.binding;
  impl_->fillDriftSummary(*lease, h.binding);
  return h;
}

IgnoreRule Blueprints::ignore(const auth::Principal& who, const std::string& tenant,
                              const std::string& path, const std::string& reason,
                              int64_t expires_at) {
  validatePointer(path);
  if (path.empty()) {
    throw Error::badInput("path: ignoring the whole configuration is not allowed; name a path",
                          "path");
  }
  if (reason.empty() || reason.size() > 500) {
    throw Error::badInput("reason: must be 1-500 characters", "reason");
  }
  int64_t now = impl_->clock.nowMillis();
  if (expires_at <= now || expires_at > now + kMaxIgnoreMs) {
    throw Error::badInput(
        "expiresAt: must be in the future and within 366 days, got " + formatRfc3339(expires_at),
        "expiresAt");
  }
  auto lease = impl_->control.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.write");
  IgnoreRule rule{newUuidV7(impl_->clock), t.id, path, reason, expires_at, now, who.actor()};
  lease->execute(
      "INSERT INTO blueprint_ignores (id, tenant_id, path, reason, expires_at, created_at, "
      "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {rule.id, rule.tenant_id, rule.path, rule.reason, rule.expires_at, rule.created_at,
       rule.created_by});
  impl_->platform.auditLog().append(
      *lease, {who.actor(),
               t.id,
               "blueprint.drift.ignore",
               rule.id,
               {{"path", path}, {"reason", reason}, {"expires_at", expires_at}}});
  tx.commit();
  return rule;
}

std::vector<IgnoreRule> Blueprints::ignores(const auth::Principal& who, const std::string& tenant) {
  auto lease = impl_->control.acquire();
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.read");
  return impl_->activeIgnores(*lease, t.id);
}

void Blueprints::removeIgnore(const auth::Principal& who, const std::string& tenant,
                              const std::string& id) {
  auto lease = impl_->control.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.write");
  int64_t now = impl_->clock.nowMillis();
  int64_t n = lease->execute(
      "UPDATE blueprint_ignores SET expires_at = $1 WHERE id = $2 AND tenant_id = $3 AND "
      "expires_at > $1",
      {now, id, t.id});
  if (n != 1) throw Error::notFound("ignore rule not found");
  impl_->platform.auditLog().append(*lease,
                                    {who.actor(), t.id, "blueprint.drift.unignore", id, {}});
  tx.commit();
}

DriftReport Blueprints::approveFix(const auth::Principal& who, const std::string& tenant,
                                   int64_t expected_version) {
  return impl_->approveFix(who, tenant, expected_version);
}

void Blueprints::setAutoFix(const auth::Principal& who, const std::string& tenant, bool enabled) {
  auto lease = impl_->control.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.write");
  if (t.binding.auto_fix == enabled) {
    tx.commit();
    return;
  }
  lease->execute("UPDATE blueprint_tenants SET auto_fix = $1 WHERE tenant_id = $2",
                 {enabled, t.id});
  impl_->platform.auditLog().append(
      *lease, {who.actor(), t.id, "blueprint.autofix.set", t.id, {{"enabled", enabled}}});
  tx.commit();
}

UpgradePreview Blueprints::upgradePreview(const auth::Principal& who, const std::string& tenant,
                                          std::optional<int64_t> to_version) {
  auto lease = impl_->control.acquire();
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.read");
  const Binding& b = t.binding;
  if (!to_version) {
    auto versions = impl_->versionsOf(*lease, b.template_name);
    to_version = versions.empty() ? b.template_version : *versions.rbegin();
  }
  if (*to_version < b.template_version) {
    throw Error::badInput("toVersion: tenant follows " + b.ref() + "; " +
                              refOf(b.template_name, *to_version) + " is older",
                          "toVersion");
  }
  Template target = impl_->resolve(*lease, b.template_name, *to_version, "toVersion");
  Json next = render(target, b.overrides);
  Evaluation ev = evaluate(next, t.config, impl_->activeIgnores(*lease, t.id));
  UpgradePreview p;
  p.tenant_id = t.id;
  p.from = b.ref();
  p.to = target.ref();
  p.config_version = t.config_version;
  p.changes = ev.drifts;
  p.patch = fixPatch(ev.drifts);
  return p;
}

int64_t Blueprints::applyUpgrade(const auth::Principal& who, const std::string& tenant,
                                 int64_t to_version, int64_t expected_version) {
  auto lease = impl_->control.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  TenantRow t = impl_->tenantFor(*lease, who, tenant, "admin.write");
  if (t.config_version != expected_version) {
    throw Error::conflict("tenant config changed since the preview: it was computed on version " +
                          std::to_string(expected_version) + ", the tenant is at " +
                          std::to_string(t.config_version) + "; preview again");
  }
  if (to_version <= t.binding.template_version) {
    throw Error::badInput(
        "toVersion: tenant already follows " + t.binding.ref() + "; choose a newer version",
        "toVersion");
  }
  Template target = impl_->resolve(*lease, t.binding.template_name, to_version, "toVersion");
  Json next = render(target, t.binding.overrides);
  Evaluation ev = evaluate(next, t.config, impl_->activeIgnores(*lease, t.id));
  Json patch = fixPatch(ev.drifts);
  int64_t version = t.config_version;
  if (!ev.drifts.empty()) {
    version = impl_->platform.tenancy().updateConfig(
        *lease, who, t.id, impl_->applyPatch(t.config, patch), expected_version);
  }
  impl_->pin(*lease, target, who);
  lease->execute("UPDATE blueprint_tenants SET template_version = $1 WHERE tenant_id = $2",
                 {target.version, t.id});
  impl_->platform.tenancy().setBlueprint(*lease, who, t.id, target.ref());
  impl_->resolveAll(*lease, t.id, "upgraded");
  impl_->platform.auditLog().append(*lease, {who.actor(),
                                             t.id,
                                             "blueprint.upgrade",
                                             t.id,
                                             {{"from", t.binding.ref()},
                                              {"to", target.ref()},
                                              {"from_version", expected_version},
                                              {"to_version", version},
                                              {"patch", patch}}});
  tx.commit();
  impl_->platform.metrics().setGauge(kDriftGauge, kDriftGaugeHelp, {{"tenant", t.id}}, 0);
  return version;
}

CycleStats Blueprints::runCycle() {
  auto started = std::chrono::steady_clock::now();
  CycleStats stats;
  auth::Principal system = schedulerPrincipal();
  int64_t now = impl_->clock.nowMillis();
  std::vector<TenantRow> tenants;
  std::vector<std::pair<size_t, size_t>> to_fix;  // tenant index, open count
  {
    auto lease = impl_->control.acquire();

    // Read everything once: tenants with bindings, rules in force, open drift.
    std::unordered_map<std::string, std::vector<IgnoreRule>> rules;
    std::unordered_map<std::string, std::map<std::string, DriftRecord>> open;
    {
      store::Transaction snapshot(*lease, store::TxMode::kRead);
      lease->query(std::string(kBindingColumns) + " ORDER BY t.id", {}, [&](const store::Row& r) {
        tenants.push_back(tenantRowFrom(r));
        return true;
      });
      lease->query(std::string(kIgnoreColumns) + " WHERE expires_at > $1 ORDER BY path", {now},
                   [&](const store::Row& r) {
                     auto rule = ignoreFrom(r);
                     rules[rule.tenant_id].push_back(std::move(rule));
                     return true;
                   });
      lease->query(std::string(kDriftColumns) + " WHERE resolved_at IS NULL", {},
                   [&](const store::Row& r) {
                     auto d = driftFrom(r);
                     open[d.tenant_id].emplace(d.path, std::move(d));
                     return true;
                   });
      snapshot.commit();
    }

    // Each distinct (template, overrides) is rendered once.
    std::unordered_map<std::string, Json> rendered;
    static const std::vector<IgnoreRule> kNoRules;
    static const std::map<std::string, DriftRecord> kNoDrift;
    struct Pending {
      size_t index;
      Evaluation ev;
    };
    std::vector<Pending> pending;
    for (size_t i = 0; i < tenants.size(); ++i) {
      const TenantRow& t = tenants[i];
      std::string key = t.binding.ref() + "\n" + t.binding.overrides.dump();
      auto it = rendered.find(key);
      if (it == rendered.end()) {
        try {
          it = rendered.emplace(key, impl_->expectedFor(*lease, t.binding)).first;
        } catch (const Error& e) {
          log::error(
              "blueprint.drift.render_failed",
              {{"tenant_id", t.id}, {"blueprint", t.binding.ref()}, {"problem", e.message()}});
          continue;
        }
      }
      auto r = rules.find(t.id);
      Evaluation ev = evaluate(it->second, t.config, r == rules.end() ? kNoRules : r->second);
      pending.push_back({i, std::move(ev)});
    }

    // Write what changed, a batch of tenants per transaction.
    for (size_t start = 0; start < pending.size(); start += kCycleBatch) {
      size_t end = std::min(pending.size(), start + kCycleBatch);
      std::vector<std::pair<size_t, Recorded>> announced;
      store::Transaction tx(*lease, store::TxMode::kWrite);
      std::string ids;
      store::Params params{now};
      for (size_t k = start; k < end; ++k) {
        const Pending& p = pending[k];
        const TenantRow& t = tenants[p.index];
        auto o = open.find(t.id);
        const auto& open_rows = o == open.end() ? kNoDrift : o->second;
        Recorded rec;
        if (!p.ev.drifts.empty() || !open_rows.empty()) {
          rec = impl_->record(*lease, t.id, p.ev, open_rows, now);
          impl_->auditRecorded(*lease, system, t, rec, p.ev.drifts.size());
        }
        stats.opened += rec.opened;
        stats.resolved += rec.resolved;
        announced.emplace_back(k, std::move(rec));
        params.push_back(t.id);
        ids += (ids.empty() ? "$" : ", $") + std::to_string(params.size());
      }
      lease->execute(
          "UPDATE blueprint_tenants SET last_checked_at = $1 WHERE tenant_id IN (" + ids + ")",
          params);
      tx.commit();
      for (const auto& [k, rec] : announced) {
        const Pending& p = pending[k];
        const TenantRow& t = tenants[p.index];
        impl_->announce(t, rec, p.ev.drifts.size());
        ++stats.tenants;
        if (!p.ev.drifts.empty()) {
          ++stats.drifted;
          if (t.binding.auto_fix) to_fix.emplace_back(p.index, p.ev.drifts.size());
        }
      }
    }
  }  // the cycle's connection goes back to the pool before the fixes take their own

  // Opted-in tenants are fixed like an approved fix, on the version just
  // read: a change since then wins and the next cycle looks again.
  for (const auto& [index, count] : to_fix) {
    const TenantRow& t = tenants[index];
    try {
      impl_->approveFix(system, t.id, t.config_version);
      ++stats.fixed;
      --stats.drifted;
      log::info("blueprint.drift.autofixed", {{"tenant_id", t.id}, {"fixed", count}});
    } catch (const Error& e) {
      log::warn("blueprint.drift.autofix_skipped", {{"tenant_id", t.id}, {"problem", e.message()}});
    }
  }
  stats.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

}  // namespace maestro::blueprint
