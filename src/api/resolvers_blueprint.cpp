// Resolvers of blueprinted tenants (features/blueprint): templates, creation
// from a template, drift, ignore rules, fixes and upgrades. @auth has
// checked scope and tenant before these run; the service checks again.
#include <ctime>

#include "api/context.h"
#include "common/clock.h"
#include "common/error.h"
#include "features/blueprint/blueprints.h"
#include "platform/platform.h"

namespace maestro::api {
namespace {

using graphql::FieldContext;
using graphql::Resolved;
namespace bp = blueprint;

// An argument the schema declares Int!/Int (coerced by the engine).
std::optional<int64_t> intArg(const FieldContext& f, const char* name) {
  auto it = f.args.find(name);
  if (it == f.args.end() || it->is_null()) return std::nullopt;
  return it->get<int64_t>();
}

// RFC 3339 (as the DateTime scalar accepted it) → unix milliseconds.
int64_t parseInstant(const std::string& s, const char* field) {
  std::tm tm{};
  int y, mo, d, h, mi, sec, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6) {
    throw Error::badInput(std::string(field) + ": expected an RFC 3339 instant", field);
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  size_t i = static_cast<size_t>(n);
  if (i < s.size() && s[i] == '.') {
    int64_t frac = 0, scale = 100;
    while (++i < s.size() && s[i] >= '0' && s[i] <= '9') {
      frac += (s[i] - '0') * scale;
      scale /= 10;
    }
    ms += frac;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om);
    int64_t offset = (oh * 60 + om) * 60'000LL;
    ms += s[i] == '+' ? -offset : offset;
  }
  return ms;
}

Resolved templateField(const FieldContext& f) {
  const auto& t = source<bp::Template>(f);
  const auto& n = f.field_name;
  if (n == "name") return Resolved::leaf(t.name);
  if (n == "version") return Resolved::leaf(t.version);
  if (n == "ref") return Resolved::leaf(t.ref());
  if (n == "description") return Resolved::leaf(t.description);
  if (n == "config") return Resolved::leaf(t.body);
  if (n == "overridable") return Resolved::leaf(t.overridable);
  if (n == "origin") return Resolved::leaf(t.origin);
  if (n == "sha256") return Resolved::leaf(t.sha256);
  if (n == "source") return Resolved::leaf(t.source);
  throw Error::internal("BlueprintTemplate." + std::string(n) + " has no resolver");
}

Resolved bindingField(const FieldContext& f) {
  const auto& b = source<bp::Binding>(f);
  const auto& n = f.field_name;
  if (n == "tenantId") return Resolved::leaf(b.tenant_id);
  if (n == "tenantName") return Resolved::leaf(b.tenant_name);
  if (n == "blueprint") return Resolved::leaf(b.ref());
  if (n == "overrides") return Resolved::leaf(b.overrides);
  if (n == "autoFix") return Resolved::leaf(b.auto_fix);
  if (n == "createdAt") return Resolved::leaf(b.created_at);
  if (n == "lastCheckedAt") return optionalLeaf(b.last_checked_at);
  if (n == "openDrifts") return Resolved::leaf(b.open_drifts);
  if (n == "driftFreeSince") return optionalLeaf(b.drift_free_since);
  throw Error::internal("BlueprintBinding." + std::string(n) + " has no resolver");
}

Resolved driftOpField(const FieldContext& f) {
  const auto& op = source<bp::DriftOp>(f);
  const auto& n = f.field_name;
  if (n == "op") return Resolved::leaf(op.op);
  if (n == "path") return Resolved::leaf(op.path);
  if (n == "expected") return optionalLeaf(op.expected);
  if (n == "actual") return optionalLeaf(op.actual);
  if (n == "ignoredBy") return op.ignored_by ? Resolved::leaf(*op.ignored_by) : Resolved::null();
  throw Error::internal("DriftOperation." + std::string(n) + " has no resolver");
}

Resolved reportField(const FieldContext& f) {
  const auto& r = source<bp::DriftReport>(f);
  const auto& n = f.field_name;
  if (n == "tenantId") return Resolved::leaf(r.tenant_id);
  if (n == "blueprint") return Resolved::leaf(r.blueprint);
  if (n == "configVersion") return Resolved::leaf(r.config_version);
  if (n == "checkedAt") return Resolved::leaf(r.checked_at);
  if (n == "drifted") return Resolved::leaf(!r.drifts.empty());
  if (n == "operations") return objects(r.drifts, "DriftOperation");
  if (n == "ignored") return objects(r.ignored, "DriftOperation");
  if (n == "proposedFix") return Resolved::leaf(r.fix);
  if (n == "expected") return Resolved::leaf(r.expected);
  throw Error::internal("DriftReport." + std::string(n) + " has no resolver");
}

Resolved recordField(const FieldContext& f) {
  const auto& d = source<bp::DriftRecord>(f);
  const auto& n = f.field_name;
  if (n == "path") return Resolved::leaf(d.path);
  if (n == "op") return Resolved::leaf(d.op);
  if (n == "expected") return Resolved::leaf(d.expected);
  if (n == "actual") return Resolved::leaf(d.actual);
  if (n == "firstSeen") return Resolved::leaf(d.first_seen);
  if (n == "lastSeen") return Resolved::leaf(d.last_seen);
  if (n == "resolvedAt") return optionalLeaf(d.resolved_at);
  if (n == "resolution") return d.resolution ? Resolved::leaf(*d.resolution) : Resolved::null();
  throw Error::internal("DriftRecord." + std::string(n) + " has no resolver");
}

Resolved historyField(const FieldContext& f) {
  const auto& h = source<bp::DriftHistory>(f);
  const auto& n = f.field_name;
  if (n == "tenantId") return Resolved::leaf(h.binding.tenant_id);
  if (n == "records") return objects(h.records, "DriftRecord");
  if (n == "openDrifts") return Resolved::leaf(h.binding.open_drifts);
  if (n == "driftFreeSince") return optionalLeaf(h.binding.drift_free_since);
  if (n == "lastCheckedAt") return optionalLeaf(h.binding.last_checked_at);
  throw Error::internal("DriftHistory." + std::string(n) + " has no resolver");
}

Resolved ignoreField(const FieldContext& f) {
  const auto& r = source<bp::IgnoreRule>(f);
  const auto& n = f.field_name;
  if (n == "id") return Resolved::leaf(r.id);
  if (n == "tenantId") return Resolved::leaf(r.tenant_id);
  if (n == "path") return Resolved::leaf(r.path);
  if (n == "reason") return Resolved::leaf(r.reason);
  if (n == "expiresAt") return Resolved::leaf(r.expires_at);
  if (n == "createdAt") return Resolved::leaf(r.created_at);
  if (n == "createdBy") return Resolved::leaf(r.created_by);
  throw Error::internal("DriftIgnoreRule." + std::string(n) + " has no resolver");
}

Resolved previewField(const FieldContext& f) {
  const auto& p = source<bp::UpgradePreview>(f);
  const auto& n = f.field_name;
  if (n == "tenantId") return Resolved::leaf(p.tenant_id);
  if (n == "from") return Resolved::leaf(p.from);
  if (n == "to") return Resolved::leaf(p.to);
  if (n == "configVersion") return Resolved::leaf(p.config_version);
  if (n == "changes") return objects(p.changes, "DriftOperation");
  if (n == "patch") return Resolved::leaf(p.patch);
  throw Error::internal("BlueprintUpgradePreview." + std::string(n) + " has no resolver");
}

}  // namespace

void bindBlueprintResolvers(graphql::SchemaBuilder& b, platform::Platform& platform,
                            bp::Blueprints& blueprints) {
  b.allFields("BlueprintTemplate", templateField);
  b.allFields("BlueprintBinding", bindingField);
  b.allFields("DriftOperation", driftOpField);
  b.allFields("DriftReport", reportField);
  b.allFields("DriftRecord", recordField);
  b.allFields("DriftHistory", historyField);
  b.allFields("DriftIgnoreRule", ignoreField);
  b.allFields("BlueprintUpgradePreview", previewField);

  b.field("Query", "blueprints", [&blueprints](const FieldContext& f) {
    return objects(blueprints.listTemplates(caller(f)), "BlueprintTemplate");
  });
  b.field("Query", "blueprint", [&blueprints](const FieldContext& f) {
    return orNull([&] {
      return Resolved::object(blueprints.getTemplate(caller(f), requiredArg(f, "name")),
                              "BlueprintTemplate");
    });
  });
  b.field("Query", "blueprintTenants", [&blueprints](const FieldContext& f) {
    return objects(blueprints.bindings(caller(f), intArg(f, "driftFreeDays")), "BlueprintBinding");
  });
  b.field("Query", "tenantBlueprint", [&blueprints](const FieldContext& f) {
    return orNull([&] {
      return Resolved::object(blueprints.binding(caller(f), requiredArg(f, "tenantId")),
                              "BlueprintBinding");
    });
  });
  b.field("Query", "tenantDrift", [&blueprints](const FieldContext& f) {
    return Resolved::object(blueprints.detect(caller(f), requiredArg(f, "tenantId")),
                            "DriftReport");
  });
  b.field("Query", "tenantDriftHistory", [&blueprints](const FieldContext& f) {
    return Resolved::object(blueprints.history(caller(f), requiredArg(f, "tenantId"),
                                               intArg(f, "sinceDays").value_or(30)),
                            "DriftHistory");
  });
  b.field("Query", "driftIgnoreRules", [&blueprints](const FieldContext& f) {
    return objects(blueprints.ignores(caller(f), requiredArg(f, "tenantId")), "DriftIgnoreRule");
  });
  b.field("Query", "blueprintUpgradePreview", [&blueprints](const FieldContext& f) {
    return Resolved::object(
        blueprints.upgradePreview(caller(f), requiredArg(f, "tenantId"), intArg(f, "toVersion")),
        "BlueprintUpgradePreview");
  });

  b.field("Mutation", "createTenantFromBlueprint", [&blueprints](const FieldContext& f) {
    bp::NewBlueprintTenant spec;
    spec.name = requiredArg(f, "name");
    spec.template_ref = requiredArg(f, "template");
    if (f.args.contains("overrides") && !f.args["overrides"].is_null()) {
      spec.overrides = f.args["overrides"];
    }
    spec.region = optionalArg(f, "region");
    spec.auto_fix = f.args.value("autoFix", false);
    return Resolved::leaf(blueprints.createTenant(caller(f), spec).id);
  });
  b.field("Mutation", "registerBlueprint", [&blueprints](const FieldContext& f) {
    return Resolved::object(blueprints.registerTemplate(caller(f), requiredArg(f, "source")).first,
                            "BlueprintTemplate");
  });
  b.field("Mutation", "ignoreDrift", [&blueprints](const FieldContext& f) {
    return Resolved::object(
        blueprints.ignore(caller(f), requiredArg(f, "tenantId"), requiredArg(f, "path"),
                          requiredArg(f, "reason"),
                          parseInstant(requiredArg(f, "expiresAt"), "expiresAt")),
        "DriftIgnoreRule");
  });
  b.field("Mutation", "removeDriftIgnore", [&blueprints](const FieldContext& f) {
    blueprints.removeIgnore(caller(f), requiredArg(f, "tenantId"), requiredArg(f, "id"));
    return Resolved::leaf(true);
  });
  b.field("Mutation", "approveDriftFix", [&blueprints](const FieldContext& f) {
    return Resolved::object(
        blueprints.approveFix(caller(f), requiredArg(f, "tenantId"), *intArg(f, "configVersion")),
        "DriftReport");
  });
  b.field("Mutation", "setDriftAutoFix", [&blueprints](const FieldContext& f) {
    std::string tenant = requiredArg(f, "tenantId");
    blueprints.setAutoFix(caller(f), tenant, f.args.value("enabled", false));
    return Resolved::object(blueprints.binding(caller(f), tenant), "BlueprintBinding");
  });
  b.field("Mutation", "applyBlueprintUpgrade", [&platform, &blueprints](const FieldContext& f) {
    std::string tenant = requiredArg(f, "tenantId");
    blueprints.applyUpgrade(caller(f), tenant, *intArg(f, "toVersion"),
                            *intArg(f, "configVersion"));
    return Resolved::object(platform.tenancy().getTenant(caller(f), tenant), "Tenant");
  });
}

}  // namespace maestro::api
