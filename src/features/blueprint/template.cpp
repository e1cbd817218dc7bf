#include "features/blueprint/template.h"

#include <algorithm>
#include <charconv>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/error.h"
#include "common/yaml.h"
#include "features/blueprint/template_schema.h"

namespace maestro::blueprint {
namespace {

using schema::Kind;

const char* const kMetadataKeys[] = {"name", "version", "description", "overridable"};
constexpr char kHomeRegion[] = "policies.home_region";

[[noreturn]] void fail(const std::vector<std::string>& errors) {
  std::string message;
  size_t shown = std::min<size_t>(errors.size(), 20);
  for (size_t i = 0; i < shown; ++i) message += (i ? "; " : "") + errors[i];
  if (errors.size() > shown)
    message += "; … and " + std::to_string(errors.size() - shown) + " more";
  std::string field = errors.front().substr(0, errors.front().find(':'));
  throw Error::badInput(message, field);
}

bool isName(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// The overridable leaves: paths of scalar or list rules (not objects, not
// list items).
void checkOverridable(const Json& spec, std::vector<std::string>& errors) {
  if (!spec.is_object()) {
    errors.push_back("overridable: expected an object, got " + std::string(jsonTypeName(spec)));
    return;
  }
  for (const auto& [path, bounds] : spec.items()) {
    std::string where = "overridable." + path;
    const schema::Rule* rule = schema::find(path);
    if (rule == nullptr || rule->kind == Kind::kObject || path.find("[]") != std::string::npos) {
      errors.push_back(where + ": not a configuration field that can be overridden");
      continue;
    }
    if (bounds.is_null()) continue;
    if (!bounds.is_object()) {
      errors.push_back(where + ": expected an object ({min, max} or {one_of}), got " +
                       std::string(jsonTypeName(bounds)));
      continue;
    }
    bool numeric = rule->kind == Kind::kInteger || rule->kind == Kind::kNumber;
    for (const auto& [key, v] : bounds.items()) {
      if ((key == "min" || key == "max") && numeric) {
        if (!v.is_number()) {
          errors.push_back(where + "." + key + ": expected a number, got " +
                           std::string(jsonTypeName(v)));
        } else {
          schema::check(v.is_number_integer() || rule->kind == Kind::kNumber
                            ? v
                            : Json(static_cast<int64_t>(v.get<double>())),
                        where + "." + key, path, true, errors);
        }
      } else if (key == "one_of") {
        if (!v.is_array() || v.empty()) {
          errors.push_back(where + ".one_of: expected a non-empty list, got " +
                           std::string(jsonTypeName(v)));
          continue;
        }
        for (size_t i = 0; i < v.size(); ++i) {
          schema::check(v[i], where + ".one_of[" + std::to_string(i) + "]", path, true, errors);
        }
      } else {
        errors.push_back(where + "." + key + ": unknown key");
      }
    }
    if (numeric && bounds.contains("min") && bounds.contains("max") && bounds["min"].is_number() &&
        bounds["max"].is_number() && bounds["min"].get<double>() > bounds["max"].get<double>()) {
      errors.push_back(where + ": min is greater than max");
    }
  }
}

// Leaves of an overrides document: a value at a path whose schema rule is
// not an object (or that the schema does not know).
void flatten(const Json& value, const std::string& path,
             std::vector<std::pair<std::string, const Json*>>& out) {
  const schema::Rule* rule = schema::find(path);
  bool object_rule = path.empty() || (rule != nullptr && rule->kind == Kind::kObject);
  if (value.is_object() && object_rule) {
    for (const auto& [key, child] : value.items()) {
      flatten(child, path.empty() ? key : path + "." + key, out);
    }
    return;
  }
  out.emplace_back(path, &value);
}

Json::json_pointer pointerOf(const std::string& dotted) {
  std::string ptr;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    if (dot == std::string::npos) dot = dotted.size();
    ptr += "/" + dotted.substr(start, dot - start);
    start = dot + 1;
  }
  return Json::json_pointer(ptr);
}

std::string listOf(const Json& values) {
  std::string out;
  for (const auto& v : values) {
    out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

}  // namespace

const std::vector<std::string>& knownAlerts() {
  static const std::vector<std::string> alerts = [] {
    const schema::Rule* r = schema::find("alerts[]");
    return *r->one_of;
  }();
  return alerts;
}

TemplateRef parseTemplateRef(const std::string& text, const std::string& field) {
  TemplateRef ref;
  size_t at = text.find('@');
  ref.name = text.substr(0, at);
  if (!isName(ref.name)) {
    throw Error::badInput(
        field + ": expected a template name or name@version, got '" + text.substr(0, 80) + "'",
        field);
  }
  if (at != std::string::npos) {
    std::string v = text.substr(at + 1);
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < 1) {
      throw Error::badInput(
          field + ": version must be a positive integer, got '" + v.substr(0, 20) + "'", field);
    }
    ref.version = n;
  }
  return ref;
}

std::vector<std::string> checkConfig(const Json& config, bool partial) {
  std::vector<std::string> errors;
  schema::check(config, "", "", partial, errors);
  if (errors.empty()) schema::checkCrossFields(config, errors);
  return errors;
}

Template parseTemplate(std::string_view text, std::string_view what, std::string origin) {
  Json doc = parseYaml(text, what, 32, 256 * 1024);
  if (!doc.is_object()) {
    throw Error::badInput(std::string(what) + ": expected a template (a mapping), got " +
                              std::string(jsonTypeName(doc)),
                          std::string(what));
  }
  std::vector<std::string> errors;
  Template t;
  t.source = std::string(text);
  t.origin = std::move(origin);
  if (!doc.contains("name")) {
    errors.push_back("name: required");
  } else if (!doc["name"].is_string()) {
    errors.push_back("name: expected a string, got " + std::string(jsonTypeName(doc["name"])));
  } else if (!isName(doc["name"].get<std::string>())) {
    errors.push_back("name: must be 1-63 characters of a-z, 0-9 and '-', got '" +
                     doc["name"].get<std::string>().substr(0, 80) + "'");
  } else {
    t.name = doc["name"].get<std::string>();
  }
  if (!doc.contains("version")) {
    errors.push_back("version: required");
  } else if (!doc["version"].is_number_integer()) {
    errors.push_back("version: expected an integer, got " +
                     std::string(jsonTypeName(doc["version"])));
  } else if (doc["version"].get<int64_t>() < 1) {
    errors.push_back("version: must be ≥ 1, got " + doc["version"].dump());
  } else {
    t.version = doc["version"].get<int64_t>();
  }
  if (doc.contains("description")) {
    if (!doc["description"].is_string()) {
      errors.push_back("description: expected a string, got " +
                       std::string(jsonTypeName(doc["description"])));
    } else {
      t.description = doc["description"].get<std::string>();
    }
  }
  if (doc.contains("overridable")) {
    checkOverridable(doc["overridable"], errors);
    if (doc["overridable"].is_object()) t.overridable = doc["overridable"];
  }
  for (const char* key : kMetadataKeys) doc.erase(key);
  auto body_errors = checkConfig(doc);
  errors.insert(errors.end(), body_errors.begin(), body_errors.end());
  if (!errors.empty()) fail(errors);
  t.body = std::move(doc);
  Json canonical = {{"name", t.name},
                    {"version", t.version},
                    {"description", t.description},
                    {"body", t.body},
                    {"overridable", t.overridable}};
  t.sha256 = hexEncode(crypto::sha256(canonical.dump()));
  return t;
}

Json effectiveOverrides(const Json& overrides, const std::optional<std::string>& region) {
  Json out = overrides.is_null() ? Json::object() : overrides;
  if (region && out.is_object()) out["policies"]["home_region"] = *region;
  return out;
}

Json render(const Template& t, const Json& overrides, const std::optional<std::string>& region) {
  Json all = effectiveOverrides(overrides, region);
  if (!all.is_object()) {
    throw Error::badInput("overrides: expected an object, got " + std::string(jsonTypeName(all)),
                          "overrides");
  }
  std::vector<std::pair<std::string, const Json*>> leaves;
  flatten(all, "", leaves);
  std::vector<std::string> errors;
  Json out = t.body;
  for (const auto& [path, value] : leaves) {
    std::string where = (region && path == kHomeRegion) ? "region" : "overrides." + path;
    bool home = path == kHomeRegion;  // bounded by policies.allowed_regions instead
    if (!t.overridable.contains(path) && !home) {
      std::string allowed;
      for (const auto& [p, _] : t.overridable.items()) allowed += (allowed.empty() ? "" : ", ") + p;
      errors.push_back(where + ": not overridable in " + t.ref() +
                       (allowed.empty() ? " (it declares no overridable fields)"
                                        : " (overridable: " + allowed + ")"));
      continue;
    }
    size_t before = errors.size();
    schema::check(*value, where, path, false, errors);
    if (errors.size() != before) continue;
    const Json& bounds = t.overridable.contains(path) ? t.overridable[path] : Json();
    if (bounds.is_object()) {
      if (value->is_number()) {
        double v = value->get<double>();
        if (bounds.contains("min") && v < bounds["min"].get<double>()) {
          errors.push_back(where + ": must be ≥ " +
                           schema::formatNumber(bounds["min"].get<double>()) + ", got " +
                           value->dump());
          continue;
        }
        if (bounds.contains("max") && v > bounds["max"].get<double>()) {
          errors.push_back(where + ": must be ≤ " +
                           schema::formatNumber(bounds["max"].get<double>()) + ", got " +
                           value->dump());
          continue;
        }
      }
      if (bounds.contains("one_of") && std::find(bounds["one_of"].begin(), bounds["one_of"].end(),
                                                 *value) == bounds["one_of"].end()) {
        errors.push_back(
            where + ": must be one of " + listOf(bounds["one_of"]) + "; got " +
            (value->is_string() ? "'" + value->get<std::string>() + "'" : value->dump()));
        continue;
      }
    }
    out[pointerOf(path)] = *value;
  }
  if (errors.empty()) {
    const Json& allowed = out["policies"]["allowed_regions"];
    const Json& home = out["policies"]["home_region"];
    if (std::find(allowed.begin(), allowed.end(), home) == allowed.end()) {
      errors.push_back(std::string(region ? "region" : "overrides.policies.home_region") + ": '" +
                       home.get<std::string>() + "' is not one of the allowed regions of " +
                       t.ref() + " (" + listOf(allowed) + ")");
    }
  }
  if (errors.empty()) {
    auto rendered = checkConfig(out);
    errors.insert(errors.end(), rendered.begin(), rendered.end());
  }
  if (!errors.empty()) fail(errors);
  return out;
}

}  // namespace maestro::blueprint
