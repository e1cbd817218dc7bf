#include "common/json.h"

#include "common/error.h"

namespace maestro {
namespace {

// Depth of the deepest array/object nesting, stopping early past `limit`.
// nlohmann's parser is iterative, but dump() and our own walkers recurse, so
// untrusted input is bounded before it is parsed.
int nestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

Error typeError(std::string_view path, std::string_view expected, const Json& got) {
  return Error::badInput(std::string(path) + ": expected " + std::string(expected) + ", got " +
                             std::string(jsonTypeName(got)),
                         std::string(path));
}

}  // namespace

Json parseJson(std::string_view text, std::string_view what, int max_depth) {
  if (nestingDepth(text, max_depth) > max_depth) {
    throw Error::badInput(std::string(what) + ": nested deeper than " + std::to_string(max_depth) +
                          " levels");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    std::string msg = e.what();
    auto pos = msg.find("] ");
    if (pos != std::string::npos) msg = msg.substr(pos + 2);
    throw Error::badInput(std::string(what) + ": invalid JSON: " + msg);
  }
}

std::string joinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string_view jsonTypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "object";
    case Json::value_t::array: return "array";
    case Json::value_t::string: return "string";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "integer";
    case Json::value_t::number_float: return "number";
    default: return "binary";
  }
}

const Json& requireObject(const Json& value, std::string_view path) {
  if (!value.is_object()) throw typeError(path.empty() ? "document" : path, "an object", value);
  return value;
}

namespace {
const Json* find(const Json& obj, std::string_view key, std::string_view path) {
  requireObject(obj, path);
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}
}  // namespace

std::optional<std::string> optionalString(const Json& obj, std::string_view key,
                                          std::string_view path) {
  const Json* v = find(obj, key, path);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw typeError(joinPath(path, key), "a string", *v);
  return v->get<std::string>();
}

std::string requireString(const Json& obj, std::string_view key, std::string_view path) {
  auto v = optionalString(obj, key, path);
  if (!v) throw Error::badInput(joinPath(path, key) + ": is required", joinPath(path, key));
  return *v;
}

std::optional<int64_t> optionalInt(const Json& obj, std::string_view key, std::string_view path) {
  const Json* v = find(obj, key, path);
  if (v == nullptr || v->is_null()) return std::nullopt;
  // is_number_integer() is also true for unsigned values, so test those
  // first: a value past INT64_MAX must be refused, not wrapped.
  if (v->is_number_unsigned()) {
    if (v->get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) {
      return static_cast<int64_t>(v->get<uint64_t>());
    }
    std::string p = joinPath(path, key);
    throw Error::badInput(p + ": integer out of range", p);
  }
  if (v->is_number_integer()) return v->get<int64_t>();
  throw typeError(joinPath(path, key), "an integer", *v);
}

int64_t requireInt(const Json& obj, std::string_view key, std::string_view path) {
  auto v = optionalInt(obj, key, path);
  if (!v) throw Error::badInput(joinPath(path, key) + ": is required", joinPath(path, key));
  return *v;
}

std::optional<bool> optionalBool(const Json& obj, std::string_view key, std::string_view path) {
  const Json* v = find(obj, key, path);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_boolean()) throw typeError(joinPath(path, key), "a boolean", *v);
  return v->get<bool>();
}

void rejectUnknownKeys(const Json& obj, std::initializer_list<std::string_view> allowed,
                       std::string_view path) {
  requireObject(obj, path);
  for (const auto& [key, _] : obj.items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) {
      std::string p = joinPath(path, key);
      throw Error::badInput(p + ": unknown key", p);
    }
  }
}

}  // namespace maestro
