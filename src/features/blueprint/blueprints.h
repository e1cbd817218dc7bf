// Blueprints — tenants created from gold templates, and the drift of their
// live configuration from what their blueprint says.
//
// What it holds (control store, component "blueprint"):
//   blueprint_templates  template versions registered by operators, and every
//                        version a tenant was created from (pinned, so all
//                        servers render a tenant the same way)
//   blueprint_tenants    per tenant: template name and version, overrides,
//                        auto-fix flag, when drift was last checked
//   blueprint_ignores    intended drift: tenant, path prefix, reason, expiry
//   blueprint_drift      drift history: per tenant and path, first seen,
//                        last seen, resolved (and how)
// The tenant's live configuration is the tenancy config document; every
// change goes through Tenancy::updateConfig (optimistic on config_version)
// inside this service's transaction, with this service's audit entry.
//
// Access: methods take the calling Principal. Reads need `admin.read` on
// the tenant, changes `admin.write`; creating tenants and registering
// templates need a platform principal. Another tenant's objects are not
// found. Every change of state writes an audit entry in its transaction.
//
// Thread-safe; several processes may run it on one control store (drift
// rows are unique per open (tenant, path), fixes are optimistic).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/json.h"
#include "features/blueprint/drift.h"
#include "features/blueprint/template.h"
#include "platform/tenancy/tenancy.h"
#include "store/store.h"

namespace maestro::platform {
class Platform;
}
namespace maestro::auth {
struct Principal;
}

namespace maestro::blueprint {

struct BlueprintOptions {
  // Operator templates (*.yaml, *.yml, *.json), loaded at start; empty: none.
  std::filesystem::path templates_dir;
};

struct NewBlueprintTenant {
  std::string name;
  std::string template_ref;  // "name" (latest version) or "name@version"
  Json overrides = Json::object();
  std::optional<std::string> region;  // overrides policies.home_region
  bool auto_fix = false;
};

// What a tenant follows.
struct Binding {
  std::string tenant_id;
  std::string tenant_name;
  std::string template_name;
  int64_t template_version = 0;
  Json overrides = Json::object();
  bool auto_fix = false;
  int64_t created_at = 0;
  std::optional<int64_t> last_checked_at;
  int64_t open_drifts = 0;
  // Since when no drift has been open (absent while one is).
  std::optional<int64_t> drift_free_since;
  std::string ref() const { return template_name + "@" + std::to_string(template_version); }
};

struct DriftReport {
  std::string tenant_id;
  std::string blueprint;       // name@version
  int64_t config_version = 0;  // the live configuration the report was computed on
  int64_t checked_at = 0;
  std::vector<DriftOp> drifts;   // open drift (not ignored)
  std::vector<DriftOp> ignored;  // drift covered by an ignore rule
  Json expected;                 // blueprint rendered with the overrides
  // RFC 6902 patch restoring the blueprint for `drifts` (the proposed fix).
  Json fix = Json::array();
};

struct IgnoreRule {
  std::string id;
  std::string tenant_id;
  std::string path;  // JSON Pointer prefix
  std::string reason;
  int64_t expires_at = 0;
  int64_t created_at = 0;
  std::string created_by;
};

struct DriftRecord {
  std::string id;
  std::string tenant_id;
  std::string path;
  std::string op;
  Json expected;  // null when absent
  Json actual;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  std::optional<int64_t> resolved_at;
  std::optional<std::string> resolution;  // "vanished", "fixed", "ignored", "upgraded"
};

struct DriftHistory {
  std::vector<DriftRecord> records;  // open ones and those resolved in the window
  Binding binding;
};

struct UpgradePreview {
  std::string tenant_id;
  std::string from;  // name@version
  std::string to;
  int64_t config_version = 0;
  std::vector<DriftOp> changes;  // live → new rendering, except ignored paths
  Json patch = Json::array();    // the RFC 6902 patch that applying performs
};

struct CycleStats {
  int64_t tenants = 0;
  int64_t drifted = 0;   // tenants with open drift after the cycle
  int64_t opened = 0;    // drift records opened
  int64_t resolved = 0;  // drift records resolved
  int64_t fixed = 0;     // tenants auto-fixed
  double elapsed_ms = 0;
};

class Blueprints {
 public:
  // Migrates the "blueprint" component of the control store and loads the
  // built-in and directory templates. Throws Error::badInput naming the
  // file and path of a template that does not validate.
  Blueprints(platform::Platform& platform, BlueprintOptions options = {});
  ~Blueprints();

  static std::span<const store::Migration> migrations();

  // Templates: built-in, from the directory, and registered ones; every
  // version, ordered by name then version.
  std::vector<Template> listTemplates(const auth::Principal& who);
  Template getTemplate(const auth::Principal& who, const std::string& ref);
  // Validates and stores an operator template (platform, admin.write).
  // Versions are immutable: the same name@version with other content is a
  // conflict; the same content again changes nothing. Returns it and
  // whether it is new.
  std::pair<Template, bool> registerTemplate(const auth::Principal& who, std::string_view source);

  // Creates the tenant with its rendered configuration, its binding and its
  // audit entries in one transaction.
  tenancy::Tenant createTenant(const auth::Principal& who, const NewBlueprintTenant& spec);
  // Several at once, all or none (bulk onboarding, benchmarks).
  std::vector<tenancy::Tenant> createTenants(const auth::Principal& who,
                                             const std::vector<NewBlueprintTenant>& specs);

  Binding binding(const auth::Principal& who, const std::string& tenant);
  // Bindings the caller may see (a tenant principal: its own). With
  // `drift_free_days`, only tenants checked and drift-free for that long.
  std::vector<Binding> bindings(const auth::Principal& who,
                                std::optional<int64_t> drift_free_days = std::nullopt);

  // Detects drift now and records it in the history (opens new drift,
  // resolves vanished drift).
  DriftReport detect(const auth::Principal& who, const std::string& tenant);
  DriftHistory history(const auth::Principal& who, const std::string& tenant, int64_t since_days);

  IgnoreRule ignore(const auth::Principal& who, const std::string& tenant, const std::string& path,
                    const std::string& reason, int64_t expires_at);
  // Rules in force (not expired).
  std::vector<IgnoreRule> ignores(const auth::Principal& who, const std::string& tenant);
  void removeIgnore(const auth::Principal& who, const std::string& tenant, const std::string& id);

  // Applies the proposed fix to configuration version `expected_version`
  // (the report's configVersion): Error::conflict if the configuration
  // changed since. Returns the report after the fix.
  DriftReport approveFix(const auth::Principal& who, const std::string& tenant,
                         int64_t expected_version);
  void setAutoFix(const auth::Principal& who, const std::string& tenant, bool enabled);

  // The patch from the live configuration to `to_version` (default: the
  // latest) of the tenant's template, keeping its overrides.
  UpgradePreview upgradePreview(const auth::Principal& who, const std::string& tenant,
                                std::optional<int64_t> to_version = std::nullopt);
  // Applies it, optimistic on `expected_version`; returns the new config version.
  int64_t applyUpgrade(const auth::Principal& who, const std::string& tenant, int64_t to_version,
                       int64_t expected_version);

  // One detection cycle over every blueprinted tenant, as the scheduler
  // runs it: records drift, raises `blueprint.drift.detected`, sets
  // `blueprint_drift_count{tenant}`, and fixes opted-in tenants.
  CycleStats runCycle();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The principal the scheduler acts as ("system:blueprint-drift").
auth::Principal schedulerPrincipal();

}  // namespace maestro::blueprint
