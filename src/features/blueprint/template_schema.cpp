#include "features/blueprint/template_schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "features/blueprint/template.h"

namespace maestro::blueprint::schema {
namespace {

using Syntax = Rule::Syntax;

const std::vector<std::string> kAlerts = {"quota80",       "quota95",
                                          "slo_burn",      "residency_violation",
                                          "budget_burn",   "privacy_budget_low",
                                          "audit_gap",     "drift_detected",
                                          "token_anomaly", "ingest_failure"};

// The schema. Adding a configuration field is one line here.
const Rule kRules[] = {
    {"", Kind::kObject, true},
    {"slo", Kind::kObject, true},
    {"slo.read_p95_ms", Kind::kInteger, true, 1, 60'000},
    {"slo.write_p95_ms", Kind::kInteger, true, 1, 60'000},
    {"slo.availability_pct", Kind::kNumber, false, 90, 100},
    {"budgets", Kind::kObject, true},
    {"budgets.graphql_usd_day", Kind::kNumber, true, 0, 1'000'000},
    {"budgets.ingest_usd_day", Kind::kNumber, true, 0, 1'000'000},
    {"budgets.graphql_usd_per_cost_unit", Kind::kNumber, false, 0, 1},
    {"privacy", Kind::kObject, true},
    {"privacy.k", Kind::kInteger, true, 2, 1000},
    {"privacy.epsilon", Kind::kNumber, true, 0.01, 10},
    {"privacy.delta", Kind::kNumber, false, 0, 1e-3},
    {"alerts", Kind::kList, true, 1, 64, nullptr, {}, Syntax::kAny, true},
    {"alerts[]", Kind::kString, false, std::nullopt, std::nullopt, &kAlerts, "alert"},
    {"policies", Kind::kObject, true},
    {"policies.home_region",
     Kind::kString,
     true,
     std::nullopt,
     std::nullopt,
     nullptr,
     {},
     Syntax::kName},
    {"policies.allowed_regions", Kind::kList, true, 1, 32, nullptr, {}, Syntax::kAny, true},
    {"policies.allowed_regions[]",
     Kind::kString,
     false,
     std::nullopt,
     std::nullopt,
     nullptr,
     {},
     Syntax::kName},
    {"policies.persisted_operations_only", Kind::kBoolean, true},
    {"policies.token_ttls", Kind::kObject, true},
    {"policies.token_ttls.access", Kind::kDuration, true, 60, 86'400},
    {"policies.token_ttls.refresh", Kind::kDuration, false, 60, 30 * 86'400},
    {"policies.required_purposes", Kind::kList, false, 0, 32, nullptr, {}, Syntax::kAny, true},
    {"policies.required_purposes[]",
     Kind::kString,
     false,
     std::nullopt,
     std::nullopt,
     nullptr,
     {},
     Syntax::kPurpose},
    {"dashboards", Kind::kList, false, 0, 64},
    {"dashboards[]", Kind::kObject},
    {"dashboards[].title", Kind::kString, true, 1, 120},
    {"dashboards[].panels", Kind::kList, true, 0, 64, nullptr, {}, Syntax::kAny, true},
    {"dashboards[].panels[]", Kind::kString, false, 1, 120},
};

struct Index {
  std::map<std::string, const Rule*, std::less<>> by_pattern;
  std::map<std::string, std::vector<const Rule*>, std::less<>> children;  // of objects
};

std::string parentOf(std::string_view pattern) {
  size_t dot = pattern.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(pattern.substr(0, dot));
}

const Index& index() {
  static const Index idx = [] {
    Index i;
    for (const Rule& r : kRules) {
      i.by_pattern.emplace(std::string(r.pattern), &r);
      if (!r.pattern.empty() && !r.pattern.ends_with("[]")) {
        i.children[parentOf(r.pattern)].push_back(&r);
      }
    }
    return i;
  }();
  return idx;
}

std::string childPattern(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string_view expectedName(Kind k) {
  switch (k) {
    case Kind::kObject:
      return "an object";
    case Kind::kList:
      return "a list";
    case Kind::kInteger:
      return "an integer";
    case Kind::kNumber:
      return "a number";
    case Kind::kBoolean:
      return "a boolean";
    case Kind::kString:
      return "a string";
    case Kind::kDuration:
      return "a duration (e.g. 15m, 1h)";
  }
  return "?";
}

bool kindMatches(Kind k, const Json& v) {
  switch (k) {
    case Kind::kObject:
      return v.is_object();
    case Kind::kList:
      return v.is_array();
    case Kind::kInteger:
      return v.is_number_integer();
    case Kind::kNumber:
      return v.is_number();
    case Kind::kBoolean:
      return v.is_boolean();
    case Kind::kString:
    case Kind::kDuration:
      return v.is_string();
  }
  return false;
}

bool isPurpose(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool isName(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string quoted(const std::string& s) { return "'" + s.substr(0, 80) + "'"; }

void checkBounds(const Rule& r, double v, const std::string& shown, const std::string& path,
                 std::vector<std::string>& errors) {
  if (r.min && v < *r.min) {
    errors.push_back(path + ": must be ≥ " + formatNumber(*r.min) + ", got " + shown);
  } else if (r.max && v > *r.max) {
    errors.push_back(path + ": must be ≤ " + formatNumber(*r.max) + ", got " + shown);
  }
}

}  // namespace

std::string formatNumber(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  return Json(v).dump();
}

std::optional<int64_t> durationSeconds(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc() || end != text.data() + text.size() - 1 || n < 0 || n > 1'000'000'000) {
    return std::nullopt;
  }
  switch (text.back()) {
    case 's':
      return n;
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * 86'400;
  }
  return std::nullopt;
}

const Rule* find(std::string_view pattern) {
  const auto& idx = index().by_pattern;
  auto it = idx.find(pattern);
  return it == idx.end() ? nullptr : it->second;
}

void check(const Json& value, const std::string& path, const std::string& pattern, bool partial,
           std::vector<std::string>& errors) {
  const Rule* rule = find(pattern);
  if (rule == nullptr) {
    errors.push_back(path + ": unknown key");
    return;
  }
  if (!kindMatches(rule->kind, value)) {
    errors.push_back(path + ": expected " + std::string(expectedName(rule->kind)) + ", got " +
                     std::string(jsonTypeName(value)));
    return;
  }
  switch (rule->kind) {
    case Kind::kObject: {
      for (const auto& [key, child] : value.items()) {
        check(child, path.empty() ? key : path + "." + key, childPattern(pattern, key), partial,
              errors);
      }
      if (partial) break;
      auto it = index().children.find(pattern);
      if (it == index().children.end()) break;
      for (const Rule* c : it->second) {
        std::string key(c->pattern.substr(pattern.empty() ? 0 : pattern.size() + 1));
        if (c->required && !value.contains(key)) {
          errors.push_back((path.empty() ? key : path + "." + key) + ": required");
        }
      }
      break;
    }
    case Kind::kList: {
      if (rule->min && value.size() < *rule->min) {
        errors.push_back(path + ": must have at least " + formatNumber(*rule->min) +
                         " item(s), got " + std::to_string(value.size()));
      } else if (rule->max && value.size() > *rule->max) {
        errors.push_back(path + ": must have at most " + formatNumber(*rule->max) + " items, got " +
                         std::to_string(value.size()));
      }
      std::set<std::string> seen;
      for (size_t i = 0; i < value.size(); ++i) {
        std::string item_path = path + "[" + std::to_string(i) + "]";
        check(value[i], item_path, pattern + "[]", partial, errors);
        if (rule->unique_items && !seen.insert(value[i].dump()).second) {
          const Rule* item = find(pattern + "[]");
          std::string noun = item && !item->noun.empty() ? std::string(item->noun) : "item";
          errors.push_back(
              item_path + ": duplicate " + noun + " " +
              (value[i].is_string() ? quoted(value[i].get<std::string>()) : value[i].dump()));
        }
      }
      break;
    }
    case Kind::kInteger:
      checkBounds(*rule, static_cast<double>(value.get<int64_t>()), value.dump(), path, errors);
      break;
    case Kind::kNumber:
      checkBounds(*rule, value.get<double>(), value.dump(), path, errors);
      break;
    case Kind::kBoolean:
      break;
    case Kind::kString: {
      const auto& s = value.get<std::string>();
      if (rule->one_of != nullptr) {
        if (std::find(rule->one_of->begin(), rule->one_of->end(), s) == rule->one_of->end()) {
          errors.push_back(path + ": unknown " + std::string(rule->noun) + " " + quoted(s));
        }
      } else if (rule->syntax == Syntax::kName && !isName(s)) {
        errors.push_back(path + ": must be 1-63 characters of a-z, 0-9 and '-', got " + quoted(s));
      } else if (rule->syntax == Syntax::kPurpose && !isPurpose(s)) {
        errors.push_back(path + ": must be 1-64 characters of a-z, 0-9, '_' and '-', got " +
                         quoted(s));
      } else if (rule->min && s.size() < *rule->min) {
        errors.push_back(path + ": must not be empty");
      } else if (rule->max && s.size() > *rule->max) {
        errors.push_back(path + ": must be at most " + formatNumber(*rule->max) +
                         " characters, got " + std::to_string(s.size()));
      }
      break;
    }
    case Kind::kDuration: {
      auto secs = durationSeconds(value.get<std::string>());
      if (!secs) {
        errors.push_back(path + ": expected a duration (e.g. 15m, 1h), got " +
                         quoted(value.get<std::string>()));
      } else {
        checkBounds(*rule, static_cast<double>(*secs), value.get<std::string>(), path, errors);
      }
      break;
    }
  }
}

void checkCrossFields(const Json& config, std::vector<std::string>& errors) {
  auto p = config.find("policies");
  if (p == config.end() || !p->is_object()) return;
  auto home = p->find("home_region");
  auto allowed = p->find("allowed_regions");
  if (home != p->end() && home->is_string() && allowed != p->end() && allowed->is_array() &&
      std::find(allowed->begin(), allowed->end(), *home) == allowed->end()) {
    errors.push_back("policies.home_region: " + quoted(home->get<std::string>()) +
                     " is not one of policies.allowed_regions");
  }
  auto ttls = p->find("token_ttls");
  if (ttls != p->end() && ttls->is_object() && ttls->contains("access") &&
      ttls->contains("refresh") && (*ttls)["access"].is_string() &&
      (*ttls)["refresh"].is_string()) {
    auto access = durationSeconds((*ttls)["access"].get<std::string>());
    auto refresh = durationSeconds((*ttls)["refresh"].get<std::string>());
    if (access && refresh && *access > *refresh) {
      errors.push_back(
          "policies.token_ttls.access: must not be longer than "
          "policies.token_ttls.refresh");
    }
  }
}

}  // namespace maestro::blueprint::schema
