#include "features/blueprint/drift.h"

#include "common/error.h"

namespace maestro::blueprint {
namespace {

void diffInto(const Json& expected, const Json& actual, const std::string& path,
              std::vector<DriftOp>& out) {
  if (expected.is_object() && actual.is_object()) {
    // Both are std::map-ordered: one merge pass, in key order.
    auto e = expected.begin();
    auto a = actual.begin();
    while (e != expected.end() || a != actual.end()) {
      if (a == actual.end() || (e != expected.end() && e.key() < a.key())) {
        out.push_back({"remove", path + "/" + escapePointerToken(e.key()), e.value(), std::nullopt,
                       std::nullopt});
        ++e;
      } else if (e == expected.end() || a.key() < e.key()) {
        out.push_back({"add", path + "/" + escapePointerToken(a.key()), std::nullopt, a.value(),
                       std::nullopt});
        ++a;
      } else {
        diffInto(e.value(), a.value(), path + "/" + escapePointerToken(e.key()), out);
        ++e;
        ++a;
      }
    }
    return;
  }
  // nlohmann compares numbers by value (2 == 2.0) and everything else by
  // type and value, so a type change is a replace.
  if (expected != actual) out.push_back({"replace", path, expected, actual, std::nullopt});
}

}  // namespace

std::string escapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool pathUnder(std::string_view path, std::string_view prefix) {
  if (prefix.empty()) return true;
  if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

void validatePointer(const std::string& path, const std::string& field) {
  bool ok = path.size() <= 1024 && (path.empty() || path.front() == '/');
  for (size_t i = 0; ok && i < path.size(); ++i) {
    if (path[i] == '~') ok = i + 1 < path.size() && (path[i + 1] == '0' || path[i + 1] == '1');
  }
  if (!ok) {
    throw Error::badInput(
        field + ": expected a JSON Pointer such as /privacy/k, got '" + path.substr(0, 80) + "'",
        field);
  }
}

std::vector<DriftOp> diffConfigs(const Json& expected, const Json& actual) {
  std::vector<DriftOp> out;
  diffInto(expected, actual, "", out);
  return out;
}

Json fixPatch(const std::vector<DriftOp>& ops) {
  Json patch = Json::array();
  for (const auto& op : ops) {
    if (op.op == "add") {
      patch.push_back({{"op", "remove"}, {"path", op.path}});
    } else if (op.op == "remove") {
      patch.push_back({{"op", "add"}, {"path", op.path}, {"value", *op.expected}});
    } else {
      patch.push_back({{"op", "replace"}, {"path", op.path}, {"value", *op.expected}});
    }
  }
  return patch;
}

Json driftJson(const DriftOp& op) {
  Json j = {{"op", op.op}, {"path", op.path}};
  if (op.actual) j["value"] = *op.actual;
  j["expected"] = op.expected ? *op.expected : Json();
  j["actual"] = op.actual ? *op.actual : Json();
  return j;
}

}  // namespace maestro::blueprint
