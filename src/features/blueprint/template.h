// Blueprint templates: gold tenant configurations with a name and a version,
// checked against one declarative schema (template_schema.cpp) when loaded
// and when submitted.
//
// A template document (YAML or JSON) is the tenant configuration it renders
// — `slo`, `budgets`, `privacy`, `alerts`, `policies`, `dashboards` at the
// top level, so that schema paths, override paths and drift paths are the
// same strings — plus metadata: `name`, `version`, `description` and
// `overridable` (which leaves a creator may override, within what bounds).
// Errors name the exact path: `privacy.k: must be ≥ 2, got 1`. Values only;
// no I/O. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"

namespace maestro::blueprint {

struct Template {
  std::string name;
  int64_t version = 0;
  std::string description;
  Json body = Json::object();         // the tenant configuration it renders
  Json overridable = Json::object();  // "slo.read_p95_ms" → {min, max} | {one_of} | {}
  std::string source;                 // the document as given (YAML or JSON)
  std::string origin;                 // "builtin", "dir:<file>", "store"
  std::string sha256;                 // hex, over the canonical JSON of what it renders

  std::string ref() const { return name + "@" + std::to_string(version); }
};

// "name" or "name@version".
struct TemplateRef {
  std::string name;
  std::optional<int64_t> version;
};
TemplateRef parseTemplateRef(const std::string& text, const std::string& field = "template");

// Parses and validates a template document; `what` names it in errors
// (a file name, "template"). Throws Error::badInput listing every problem
// ("; "-separated, the first one's path as the error's field).
Template parseTemplate(std::string_view text, std::string_view what, std::string origin);

// Validates a tenant configuration against the template schema (every
// section required unless `partial`). Returns the problems, empty if none.
std::vector<std::string> checkConfig(const Json& config, bool partial = false);

// Checks `overrides` (a nested object whose leaves are the overridden
// values, e.g. {"slo": {"read_p95_ms": 500}}) against what `t` declares
// overridable, and returns the configuration `t` renders with them.
// `region`, when given, overrides policies.home_region, which must be one of
// policies.allowed_regions. Throws Error::badInput naming `overrides.<path>`.
Json render(const Template& t, const Json& overrides,
            const std::optional<std::string>& region = std::nullopt);

// The overrides a render used, as stored: `overrides` with `region` folded
// into policies.home_region.
Json effectiveOverrides(const Json& overrides, const std::optional<std::string>& region);

// The alerts a template may name.
const std::vector<std::string>& knownAlerts();

}  // namespace maestro::blueprint
