#include "graphql/values.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/error.h"

namespace maestro::graphql {
namespace {

[[noreturn]] void inputFail(std::string message, const Json& value, std::string path = {}) {
  throw InputError{std::move(message), std::move(path), value};
}

bool isIntegral(const Json& v) {
  if (v.is_number_integer()) return true;
  if (v.is_number_float()) {
    double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

// Built-in scalars' parseValue.
Json parseBuiltinValue(const Type& type, const Json& v) {
  const std::string& n = type.name;
  if (n == "Int") {
    if (!v.is_number() || !isIntegral(v)) inputFail("Int cannot represent non-integer value: " + inspect(v), v);
    double d = v.is_number_float() ? v.get<double>() : 0;
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
        inputFail("Int cannot represent non 32-bit signed integer value: " + inspect(v), v);
      }
      return v.get<int64_t>();
    }
    int64_t i = v.is_number_float() ? static_cast<int64_t>(std::max(-1e18, std::min(1e18, d)))
                                     : v.get<int64_t>();
    if (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max()) {
      inputFail("Int cannot represent non 32-bit signed integer value: " + inspect(v), v);
    }
    return i;
  }
  if (n == "Float") {
    if (!v.is_number()) inputFail("Float cannot represent non numeric value: " + inspect(v), v);
    return v.get<double>();
  }
  if (n == "String") {
    if (!v.is_string()) inputFail("String cannot represent a non string value: " + inspect(v), v);
    return v;
  }
  if (n == "Boolean") {
    if (!v.is_boolean()) inputFail("Boolean cannot represent a non boolean value: " + inspect(v), v);
    return v;
  }
  if (n == "ID") {
    if (v.is_string()) return v;
    if (v.is_number_integer()) return v.dump();
    inputFail("ID cannot represent value: " + inspect(v), v);
  }
  return v;
}

bool isBuiltinScalar(const Type& t) {
  return t.kind == TypeKind::kScalar && t.builtin;
}

std::string joinKey(const std::string& path, const std::string& key) { return "." + key + path; }

}  // namespace

std::string inspect(const Json& value) { return value.dump(); }

OrderedJson toOrderedJson(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: {
      OrderedJson out = OrderedJson::object();
      auto& members = out.get_ref<OrderedJson::object_t&>();
      members.reserve(value.size());
      // Source keys are unique, so appending keeps ordered_map's invariant.
      for (auto it = value.begin(); it != value.end(); ++it) {
        members.emplace_back(it.key(), toOrderedJson(it.value()));
      }
      return out;
    }
    case Json::value_t::array: {
      OrderedJson out = OrderedJson::array();
      auto& items = out.get_ref<OrderedJson::array_t&>();
      items.reserve(value.size());
      for (const auto& item : value) items.push_back(toOrderedJson(item));
      return out;
    }
    case Json::value_t::string: return value.get_ref<const std::string&>();
    case Json::value_t::boolean: return value.get<bool>();
    case Json::value_t::number_integer: return value.get<int64_t>();
    case Json::value_t::number_unsigned: return value.get<uint64_t>();
    case Json::value_t::number_float: return value.get<double>();
    case Json::value_t::binary: return OrderedJson::binary(value.get_binary());
    default: return nullptr;
  }
}

Json coerceInputValue(const Json& value, const TypeRef& type) {
  if (type.kind == TypeRef::Kind::kNonNull) {
    if (value.is_null()) {
      inputFail("Expected non-nullable type \"" + printTypeRef(type) + "\" not to be null.", value);
    }
    return coerceInputValue(value, *type.of);
  }
  if (value.is_null()) return nullptr;
  if (type.kind == TypeRef::Kind::kList) {
    Json out = Json::array();
    if (!value.is_array()) {
      out.push_back(coerceInputValue(value, *type.of));
      return out;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      try {
        out.push_back(coerceInputValue(value[i], *type.of));
      } catch (InputError& e) {
        e.path = "[" + std::to_string(i) + "]" + e.path;
        throw;
      }
    }
    return out;
  }
  const Type& t = *type.named;
  switch (t.kind) {
    case TypeKind::kScalar:
      if (isBuiltinScalar(t)) return parseBuiltinValue(t, value);
      try {
        return t.coercion.parse_value ? t.coercion.parse_value(value) : value;
      } catch (const Error& e) {
        inputFail(e.message(), value);
      }
    case TypeKind::kEnum:
      if (!value.is_string()) {
        inputFail("Enum \"" + t.name + "\" cannot represent non-string value: " + inspect(value) + ".",
                  value);
      }
      if (!t.enumValue(value.get<std::string>())) {
        inputFail("Value \"" + value.get<std::string>() + "\" does not exist in \"" + t.name + "\" enum.",
                  value);
      }
      return value;
    case TypeKind::kInputObject: {
      if (!value.is_object()) inputFail("Expected type \"" + t.name + "\" to be an object.", value);
      Json out = Json::object();
      for (const InputValue& f : t.input_fields) {
        auto it = value.find(f.name);
        if (it == value.end()) {
          if (f.default_value) {
            out[f.name] = *f.default_value;
          } else if (f.type->nonNull()) {
            inputFail("Field \"" + f.name + "\" of required type \"" + printTypeRef(*f.type) +
                          "\" was not provided.",
                      value);
          }
          continue;
        }
        try {
          out[f.name] = coerceInputValue(*it, *f.type);
        } catch (InputError& e) {
          e.path = joinKey(e.path, f.name);
          throw;
        }
      }
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!t.inputField(it.key())) {
          inputFail("Field \"" + it.key() + "\" is not defined by type \"" + t.name + "\".", value);
        }
      }
      return out;
    }
    default: break;
  }
  inputFail("Type \"" + t.name + "\" is not an input type.", value);
}

Json literalToJson(const ast::Value& v, const Json* variables) {
  using K = ast::Value::Kind;
  switch (v.kind) {
    case K::kNull: return nullptr;
    case K::kInt: {
      int64_t i = 0;
      auto r = std::from_chars(v.text.data(), v.text.data() + v.text.size(), i);
      if (r.ec == std::errc()) return i;
      return std::strtod(v.text.c_str(), nullptr);
    }
    case K::kFloat: return std::strtod(v.text.c_str(), nullptr);
    case K::kString:
    case K::kEnum: return v.text;
    case K::kBoolean: return v.boolean;
    case K::kVariable:
      if (variables) {
        auto it = variables->find(v.text);
        if (it != variables->end()) return *it;
      }
      return nullptr;
    case K::kList: {
      Json out = Json::array();
      for (const auto& item : v.list) out.push_back(literalToJson(item, variables));
      return out;
    }
    case K::kObject: {
      Json out = Json::object();
      for (const auto& f : v.fields) out[f.name] = literalToJson(f.value, variables);
      return out;
    }
  }
  return nullptr;
}

namespace {

// Built-in scalars' parseLiteral; returns an error message or empty.
std::string parseBuiltinLiteral(const Type& t, const ast::Value& v, Json& out) {
  using K = ast::Value::Kind;
  const std::string& n = t.name;
  if (n == "Int") {
    if (v.kind != K::kInt) return "Int cannot represent non-integer value: " + ast::printValue(v);
    int64_t i = 0;
    auto r = std::from_chars(v.text.data(), v.text.data() + v.text.size(), i);
    if (r.ec != std::errc() || i < std::numeric_limits<int32_t>::min() ||
        i > std::numeric_limits<int32_t>::max()) {
      return "Int cannot represent non 32-bit signed integer value: " + v.text;
    }
    out = i;
    return {};
  }
  if (n == "Float") {
    if (v.kind != K::kInt && v.kind != K::kFloat) {
      return "Float cannot represent non numeric value: " + ast::printValue(v);
    }
    double d = std::strtod(v.text.c_str(), nullptr);
    if (!std::isfinite(d)) return "Float cannot represent non numeric value: " + v.text;
    out = d;
    return {};
  }
  if (n == "String") {
    if (v.kind != K::kString) return "String cannot represent a non string value: " + ast::printValue(v);
    out = v.text;
    return {};
  }
  if (n == "Boolean") {
    if (v.kind != K::kBoolean) return "Boolean cannot represent a non boolean value: " + ast::printValue(v);
    out = v.boolean;
    return {};
  }
  if (n == "ID") {
    if (v.kind != K::kString && v.kind != K::kInt) {
      return "ID cannot represent a non-string and non-integer value: " + ast::printValue(v);
    }
    out = v.text;
    return {};
  }
  out = literalToJson(v, nullptr);
  return {};
}

bool containsVariable(const ast::Value& v) {
  if (v.kind == ast::Value::Kind::kVariable) return true;
  for (const auto& i : v.list) {
    if (containsVariable(i)) return true;
  }
  for (const auto& f : v.fields) {
    if (containsVariable(f.value)) return true;
  }
  return false;
}

}  // namespace

Json coerceLiteral(const ast::Value& v, const TypeRef& type, const Json& variables, bool* absent) {
  using K = ast::Value::Kind;
  if (v.kind == K::kVariable) {
    auto it = variables.find(v.text);
    if (it == variables.end()) {
      if (absent) *absent = true;
      if (type.nonNull()) {
        inputFail("Expected non-nullable type \"" + printTypeRef(type) + "\" not to be null.", nullptr);
      }
      return nullptr;
    }
    if (type.nonNull() && it->is_null()) {
      inputFail("Expected non-nullable type \"" + printTypeRef(type) + "\" not to be null.", nullptr);
    }
    return *it;
  }
  if (type.kind == TypeRef::Kind::kNonNull) {
    if (v.kind == K::kNull) {
      inputFail("Expected value of type \"" + printTypeRef(type) + "\", found null.", nullptr);
    }
    return coerceLiteral(v, *type.of, variables);
  }
  if (v.kind == K::kNull) return nullptr;
  if (type.kind == TypeRef::Kind::kList) {
    Json out = Json::array();
    if (v.kind != K::kList) {
      out.push_back(coerceLiteral(v, *type.of, variables));
      return out;
    }
    for (const auto& item : v.list) {
      bool item_absent = false;
      Json c = coerceLiteral(item, *type.of, variables, &item_absent);
      out.push_back(std::move(c));
    }
    return out;
  }
  const Type& t = *type.named;
  switch (t.kind) {
    case TypeKind::kScalar: {
      if (isBuiltinScalar(t)) {
        Json out;
        std::string err = parseBuiltinLiteral(t, v, out);
        if (!err.empty()) inputFail(err, literalToJson(v, &variables));
        return out;
      }
      Json raw = literalToJson(v, &variables);
      try {
        return t.coercion.parse_literal ? t.coercion.parse_literal(raw) : raw;
      } catch (const Error& e) {
        inputFail(e.message(), raw);
      }
    }
    case TypeKind::kEnum:
      if (v.kind != K::kEnum || !t.enumValue(v.text)) {
        inputFail("Value " + ast::printValue(v) + " does not exist in \"" + t.name + "\" enum.", nullptr);
      }
      return v.text;
    case TypeKind::kInputObject: {
      if (v.kind != K::kObject) {
        inputFail("Expected value of type \"" + t.name + "\", found " + ast::printValue(v) + ".", nullptr);
      }
      Json out = Json::object();
      for (const InputValue& f : t.input_fields) {
        const ast::ObjectField* given = nullptr;
        for (const auto& of : v.fields) {
          if (of.name == f.name) given = &of;
        }
        bool field_absent = given == nullptr;
        if (given) {
          Json c;
          try {
            c = coerceLiteral(given->value, *f.type, variables, &field_absent);
          } catch (InputError& e) {
            e.path = joinKey(e.path, f.name);
            throw;
          }
          if (!field_absent) out[f.name] = std::move(c);
        }
        if (field_absent) {
          if (f.default_value) {
            out[f.name] = *f.default_value;
          } else if (f.type->nonNull()) {
            inputFail("Field \"" + t.name + "." + f.name + "\" of required type \"" +
                          printTypeRef(*f.type) + "\" was not provided.",
                      nullptr);
          }
        }
      }
      return out;
    }
    default: break;
  }
  inputFail("Type \"" + t.name + "\" is not an input type.", nullptr);
}

void checkLiteral(const ast::Value& v, const TypeRef& type,
                  std::vector<std::pair<std::string, Location>>& errors) {
  using K = ast::Value::Kind;
  if (v.kind == K::kVariable) return;
  if (type.kind == TypeRef::Kind::kNonNull) {
    if (v.kind == K::kNull) {
      errors.push_back({"Expected value of type \"" + printTypeRef(type) + "\", found null.", v.loc});
      return;
    }
    checkLiteral(v, *type.of, errors);
    return;
  }
  if (v.kind == K::kNull) return;
  if (type.kind == TypeRef::Kind::kList) {
    if (v.kind == K::kList) {
      for (const auto& item : v.list) checkLiteral(item, *type.of, errors);
    } else {
      checkLiteral(v, *type.of, errors);
    }
    return;
  }
  const Type& t = *type.named;
  switch (t.kind) {
    case TypeKind::kScalar: {
      if (isBuiltinScalar(t)) {
        Json out;
        std::string err = parseBuiltinLiteral(t, v, out);
        if (!err.empty()) errors.push_back({err, v.loc});
        return;
      }
      if (containsVariable(v) || !t.coercion.parse_literal) return;
      try {
        t.coercion.parse_literal(literalToJson(v, nullptr));
      } catch (const Error& e) {
        errors.push_back({"Expected value of type \"" + t.name + "\", found " + ast::printValue(v) +
                              "; " + e.message(),
                          v.loc});
      }
      return;
    }
    case TypeKind::kEnum:
      if (v.kind != K::kEnum) {
        errors.push_back({"Enum \"" + t.name + "\" cannot represent non-enum value: " +
                              ast::printValue(v) + ".",
                          v.loc});
      } else if (!t.enumValue(v.text)) {
        errors.push_back({"Value \"" + v.text + "\" does not exist in \"" + t.name + "\" enum.", v.loc});
      }
      return;
    case TypeKind::kInputObject: {
      if (v.kind != K::kObject) {
        errors.push_back(
            {"Expected value of type \"" + t.name + "\", found " + ast::printValue(v) + ".", v.loc});
        return;
      }
      for (size_t i = 0; i < v.fields.size(); ++i) {
        const auto& of = v.fields[i];
        bool dup = false;
        for (size_t j = 0; j < i; ++j) dup = dup || v.fields[j].name == of.name;
        if (dup) {
          errors.push_back({"There can be only one input field named \"" + of.name + "\".", of.loc});
          continue;
        }
        const InputValue* f = t.inputField(of.name);
        if (!f) {
          errors.push_back({"Field \"" + of.name + "\" is not defined by type \"" + t.name + "\".", of.loc});
          continue;
        }
        checkLiteral(of.value, *f->type, errors);
      }
      for (const InputValue& f : t.input_fields) {
        if (!f.type->nonNull() || f.default_literal) continue;
        bool given = false;
        for (const auto& of : v.fields) given = given || of.name == f.name;
        if (!given) {
          errors.push_back({"Field \"" + t.name + "." + f.name + "\" of required type \"" +
                                printTypeRef(*f.type) + "\" was not provided.",
                            v.loc});
        }
      }
      return;
    }
    default: return;
  }
}

Json serializeLeaf(const Type& t, const Json& v) {
  auto fail = [&](const std::string& m) -> Json { throw Error::badInput(m); };
  if (t.kind == TypeKind::kEnum) {
    if (!v.is_string() || !t.enumValue(v.get<std::string>())) {
      return fail("Enum \"" + t.name + "\" cannot represent value: " + inspect(v));
    }
    return v;
  }
  if (!t.builtin) return t.coercion.serialize ? t.coercion.serialize(v) : v;
  const std::string& n = t.name;
  if (n == "Int") {
    Json x = v;
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      int64_t i = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), i);
      if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
        return fail("Int cannot represent non-integer value: " + inspect(v));
      }
      x = i;
    }
    if (!x.is_number() || !isIntegral(x)) return fail("Int cannot represent non-integer value: " + inspect(v));
    double d = x.get<double>();
    if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max()) {
      return fail("Int cannot represent non 32-bit signed integer value: " + inspect(v));
    }
    return static_cast<int64_t>(d);
  }
  if (n == "Float") {
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    if (v.is_number()) {
      double d = v.get<double>();
      if (std::isfinite(d)) return v.is_number_float() ? v : Json(v);
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) return d;
    }
    return fail("Float cannot represent non numeric value: " + inspect(v));
  }
  if (n == "String") {
    if (v.is_string()) return v;
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    return fail("String cannot represent value: " + inspect(v));
  }
  if (n == "Boolean") {
    if (v.is_boolean()) return v;
    if (v.is_number()) return v.get<double>() != 0;
    return fail("Boolean cannot represent a non boolean value: " + inspect(v));
  }
  if (n == "ID") {
    if (v.is_string()) return v;
    if (v.is_number_integer()) return v.dump();
    return fail("ID cannot represent value: " + inspect(v));
  }
  return v;
}

}  // namespace maestro::graphql
