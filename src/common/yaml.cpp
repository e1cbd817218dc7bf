#include "common/yaml.h"

#include <yaml-cpp/yaml.h>

#include <string>

#include "common/error.h"

namespace maestro {
namespace {

Json toJson(const YAML::Node& node, std::string_view what, int depth, int max_depth) {
  if (depth > max_depth) {
    throw Error::badInput(
        std::string(what) + ": nested deeper than " + std::to_string(max_depth) + " levels",
        std::string(what));
  }
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Sequence: {
      Json arr = Json::array();
      for (const auto& item : node) arr.push_back(toJson(item, what, depth + 1, max_depth));
      return arr;
    }
    case YAML::NodeType::Map: {
      Json obj = Json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          throw Error::badInput(std::string(what) + ": mapping keys must be scalars",
                                std::string(what));
        }
        obj[kv.first.Scalar()] = toJson(kv.second, what, depth + 1, max_depth);
      }
      return obj;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;  // quoted: always a string
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
      if (s == "null" || s == "~" || s == "Null" || s == "NULL") return nullptr;
      int64_t i;
      if (YAML::convert<int64_t>::decode(node, i) && s.find_first_of(".eE") == std::string::npos) {
        return i;
      }
      double d;
      if (s.find_first_of("0123456789") != std::string::npos &&
          YAML::convert<double>::decode(node, d)) {
        return d;
      }
      return s;
    }
  }
  return nullptr;
}

}  // namespace

Json parseYaml(std::string_view text, std::string_view what, int max_depth, size_t max_bytes) {
  if (text.size() > max_bytes) {
    throw Error::badInput(
        std::string(what) + ": larger than " + std::to_string(max_bytes) + " bytes",
        std::string(what));
  }
  try {
    return toJson(YAML::Load(std::string(text)), what, 0, max_depth);
  } catch (const YAML::Exception& e) {
    throw Error::badInput(std::string(what) + " is not valid YAML or JSON: line " +
                              std::to_string(e.mark.line + 1) + ", column " +
                              std::to_string(e.mark.column + 1) + ": " + e.msg,
                          std::string(what));
  }
}

}  // namespace maestro
