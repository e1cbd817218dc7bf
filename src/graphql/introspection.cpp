// Introspection (spec §4): the built-in types' SDL and the resolvers of the
// __Schema, __Type, … fields, reading the Schema directly.
#include <string>

#include "graphql/schema.h"

namespace maestro::graphql {

std::string_view builtinSdl() {
  static constexpr std::string_view kSdl = R"GQL(
"The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1."
scalar Int
"The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point)."
scalar Float
"The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text."
scalar String
"The `Boolean` scalar type represents `true` or `false`."
scalar Boolean
"The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID."
scalar ID

"Directs the executor to include this field or fragment only when the `if` argument is true."
directive @include("Included when true." if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
"Directs the executor to skip this field or fragment when the `if` argument is true."
directive @skip("Skipped when true." if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
"Marks an element of a GraphQL schema as no longer supported."
directive @deprecated(
  "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/)."
  reason: String = "No longer supported"
) on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
"Exposes a URL that specifies the behavior of this scalar."
directive @specifiedBy("The URL that specifies the behavior of this scalar." url: String!) on SCALAR

"A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations."
type __Schema {
  description: String
  "A list of all types supported by this server."
  types: [__Type!]!
  "The type that query operations will be rooted at."
  queryType: __Type!
  "If this server supports mutation, the type that mutation operations will be rooted at."
  mutationType: __Type
  "If this server support subscription, the type that subscription operations will be rooted at."
  subscriptionType: __Type
  "A list of all directives supported by this server."
  directives: [__Directive!]!
}

"""
The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.

Depending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types.
"""
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!]
  ofType: __Type
}

"An enum describing what kind of type a given `__Type` is."
enum __TypeKind {
  "Indicates this type is a scalar."
  SCALAR
  "Indicates this type is an object. `fields` and `interfaces` are valid fields."
  OBJECT
  "Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields."
  INTERFACE
  "Indicates this type is a union. `possibleTypes` is a valid field."
  UNION
  "Indicates this type is an enum. `enumValues` is a valid field."
  ENUM
  "Indicates this type is an input object. `inputFields` is a valid field."
  INPUT_OBJECT
  "Indicates this type is a list. `ofType` is a valid field."
  LIST
  "Indicates this type is a non-null. `ofType` is a valid field."
  NON_NULL
}

"Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type."
type __Field {
  name: String!
  description: String
  args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}

"Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value."
type __InputValue {
  name: String!
  description: String
  type: __Type!
  "A GraphQL-formatted string representing the default value for this input value."
  defaultValue: String
  isDeprecated: Boolean!
  deprecationReason: String
}

"One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string."
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}

"""
A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.

In some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor.
"""
type __Directive {
  name: String!
  description: String
  isRepeatable: Boolean!
  locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]!
}

"A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies."
enum __DirectiveLocation {
  "Location adjacent to a query operation."
  QUERY
  "Location adjacent to a mutation operation."
  MUTATION
  "Location adjacent to a subscription operation."
  SUBSCRIPTION
  "Location adjacent to a field."
  FIELD
  "Location adjacent to a fragment definition."
  FRAGMENT_DEFINITION
  "Location adjacent to a fragment spread."
  FRAGMENT_SPREAD
  "Location adjacent to an inline fragment."
  INLINE_FRAGMENT
  "Location adjacent to a variable definition."
  VARIABLE_DEFINITION
  "Location adjacent to a schema definition."
  SCHEMA
  "Location adjacent to a scalar definition."
  SCALAR
  "Location adjacent to an object type definition."
  OBJECT
  "Location adjacent to a field definition."
  FIELD_DEFINITION
  "Location adjacent to an argument definition."
  ARGUMENT_DEFINITION
  "Location adjacent to an interface definition."
  INTERFACE
  "Location adjacent to a union definition."
  UNION
  "Location adjacent to an enum definition."
  ENUM
  "Location adjacent to an enum value definition."
  ENUM_VALUE
  "Location adjacent to an input object type definition."
  INPUT_OBJECT
  "Location adjacent to an input object field definition."
  INPUT_FIELD_DEFINITION
}
)GQL";
  return kSdl;
}

namespace {

Resolved str(const std::string& s) { return Resolved::leaf(s); }
Resolved optStr(const std::string& s, bool has) { return has ? Resolved::leaf(s) : Resolved::null(); }
Resolved typeRef(const TypeRef* t) { return t ? Resolved::object(t, "__Type") : Resolved::null(); }
Resolved typeRef(const std::shared_ptr<const TypeRef>& t) { return typeRef(t.get()); }
Resolved namedType(const Type* t) { return t ? typeRef(t->self) : Resolved::null(); }

template <typename T>
const T& src(const FieldContext& f) {
  return *std::any_cast<const T*>(f.parent);
}

bool includeDeprecated(const FieldContext& f) {
  auto it = f.args.find("includeDeprecated");
  return it != f.args.end() && it->is_boolean() && it->get<bool>();
}

Resolved inputValues(const std::vector<InputValue>& values, bool include_deprecated) {
  std::vector<Resolved> out;
  for (const auto& v : values) {
    if (v.deprecation && !include_deprecated) continue;
    out.push_back(Resolved::object(&v, "__InputValue"));
  }
  return Resolved::list(std::move(out));
}

void bind(Type* t, std::string_view field, Resolver r) {
  for (auto& f : t->fields) {
    if (f.name == field) f.resolver = std::move(r);
  }
}

}  // namespace

void bindIntrospection(Schema& s) {
  const Schema* schema = &s;
  Type* st = s.type_index.at("__Schema");
  bind(st, "description", [](const FieldContext& f) {
    const Schema& sc = src<Schema>(f);
    return optStr(sc.description, sc.has_description);
  });
  bind(st, "types", [](const FieldContext& f) {
    std::vector<Resolved> out;
    for (const auto& t : src<Schema>(f).types) out.push_back(typeRef(t->self));
    return Resolved::list(std::move(out));
  });
  bind(st, "queryType", [](const FieldContext& f) { return namedType(src<Schema>(f).query); });
  bind(st, "mutationType", [](const FieldContext& f) { return namedType(src<Schema>(f).mutation); });
  bind(st, "subscriptionType", [](const FieldContext& f) { return namedType(src<Schema>(f).subscription); });
  bind(st, "directives", [](const FieldContext& f) {
    std::vector<Resolved> out;
    for (const auto& d : src<Schema>(f).directives) {
      out.push_back(Resolved::object(static_cast<const DirectiveDef*>(d.get()), "__Directive"));
    }
    return Resolved::list(std::move(out));
  });

  Type* tt = s.type_index.at("__Type");
  bind(tt, "kind", [](const FieldContext& f) {
    const TypeRef& r = src<TypeRef>(f);
    if (r.kind == TypeRef::Kind::kList) return str("LIST");
    if (r.kind == TypeRef::Kind::kNonNull) return str("NON_NULL");
    static const char* kKinds[] = {"SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT"};
    return str(kKinds[static_cast<int>(r.named->kind)]);
  });
  auto named = [](const FieldContext& f) -> const Type* {
    const TypeRef& r = src<TypeRef>(f);
    return r.kind == TypeRef::Kind::kNamed ? r.named : nullptr;
  };
  bind(tt, "name", [named](const FieldContext& f) {
    const Type* t = named(f);
    return t ? str(t->name) : Resolved::null();
  });
  bind(tt, "description", [named](const FieldContext& f) {
    const Type* t = named(f);
    return t ? optStr(t->description, t->has_description) : Resolved::null();
  });
  bind(tt, "specifiedByURL", [named](const FieldContext& f) {
    const Type* t = named(f);
    return t && t->specified_by ? str(*t->specified_by) : Resolved::null();
  });
  bind(tt, "fields", [named](const FieldContext& f) {
    const Type* t = named(f);
    if (!t || (t->kind != TypeKind::kObject && t->kind != TypeKind::kInterface)) return Resolved::null();
    bool all = includeDeprecated(f);
    std::vector<Resolved> out;
    for (const auto& fd : t->fields) {
      if (fd.deprecation && !all) continue;
      out.push_back(Resolved::object(&fd, "__Field"));
    }
    return Resolved::list(std::move(out));
  });
  bind(tt, "interfaces", [named](const FieldContext& f) {
    const Type* t = named(f);
    if (!t || (t->kind != TypeKind::kObject && t->kind != TypeKind::kInterface)) return Resolved::null();
    std::vector<Resolved> out;
    for (const Type* i : t->interfaces) out.push_back(namedType(i));
    return Resolved::list(std::move(out));
  });
  bind(tt, "possibleTypes", [named](const FieldContext& f) {
    const Type* t = named(f);
    if (!t || !t->isAbstract()) return Resolved::null();
    std::vector<Resolved> out;
    for (const Type* p : t->possible_types) out.push_back(namedType(p));
    return Resolved::list(std::move(out));
  });
  bind(tt, "enumValues", [named](const FieldContext& f) {
    const Type* t = named(f);
    if (!t || t->kind != TypeKind::kEnum) return Resolved::null();
    bool all = includeDeprecated(f);
    std::vector<Resolved> out;
    for (const auto& v : t->enum_values) {
      if (v.deprecation && !all) continue;
      out.push_back(Resolved::object(&v, "__EnumValue"));
    }
    return Resolved::list(std::move(out));
  });
  bind(tt, "inputFields", [named](const FieldContext& f) {
    const Type* t = named(f);
    if (!t || t->kind != TypeKind::kInputObject) return Resolved::null();
    return inputValues(t->input_fields, includeDeprecated(f));
  });
  bind(tt, "ofType", [](const FieldContext& f) { return typeRef(src<TypeRef>(f).of); });

  Type* ft = s.type_index.at("__Field");
  bind(ft, "name", [](const FieldContext& f) { return str(src<FieldDef>(f).name); });
  bind(ft, "description", [](const FieldContext& f) {
    const FieldDef& d = src<FieldDef>(f);
    return optStr(d.description, d.has_description);
  });
  bind(ft, "args", [](const FieldContext& f) { return inputValues(src<FieldDef>(f).args, includeDeprecated(f)); });
  bind(ft, "type", [](const FieldContext& f) { return typeRef(src<FieldDef>(f).type); });
  bind(ft, "isDeprecated", [](const FieldContext& f) {
    return Resolved::leaf(src<FieldDef>(f).deprecation.has_value());
  });
  bind(ft, "deprecationReason", [](const FieldContext& f) {
    const auto& d = src<FieldDef>(f).deprecation;
    return d ? str(*d) : Resolved::null();
  });

  Type* it = s.type_index.at("__InputValue");
  bind(it, "name", [](const FieldContext& f) { return str(src<InputValue>(f).name); });
  bind(it, "description", [](const FieldContext& f) {
    const InputValue& v = src<InputValue>(f);
    return optStr(v.description, v.has_description);
  });
  bind(it, "type", [](const FieldContext& f) { return typeRef(src<InputValue>(f).type); });
  bind(it, "defaultValue", [](const FieldContext& f) {
    const InputValue& v = src<InputValue>(f);
    return v.default_literal ? str(ast::printValue(*v.default_literal)) : Resolved::null();
  });
  bind(it, "isDeprecated", [](const FieldContext& f) {
    return Resolved::leaf(src<InputValue>(f).deprecation.has_value());
  });
  bind(it, "deprecationReason", [](const FieldContext& f) {
    const auto& d = src<InputValue>(f).deprecation;
    return d ? str(*d) : Resolved::null();
  });

  Type* et = s.type_index.at("__EnumValue");
  bind(et, "name", [](const FieldContext& f) { return str(src<EnumValueDef>(f).name); });
  bind(et, "description", [](const FieldContext& f) {
    const EnumValueDef& v = src<EnumValueDef>(f);
    return optStr(v.description, v.has_description);
  });
  bind(et, "isDeprecated", [](const FieldContext& f) {
    return Resolved::leaf(src<EnumValueDef>(f).deprecation.has_value());
  });
  bind(et, "deprecationReason", [](const FieldContext& f) {
    const auto& d = src<EnumValueDef>(f).deprecation;
    return d ? str(*d) : Resolved::null();
  });

  Type* dt = s.type_index.at("__Directive");
  bind(dt, "name", [](const FieldContext& f) { return str(src<DirectiveDef>(f).name); });
  bind(dt, "description", [](const FieldContext& f) {
    const DirectiveDef& d = src<DirectiveDef>(f);
    return optStr(d.description, d.has_description);
  });
  bind(dt, "isRepeatable", [](const FieldContext& f) { return Resolved::leaf(src<DirectiveDef>(f).repeatable); });
  bind(dt, "locations", [](const FieldContext& f) {
    std::vector<Resolved> out;
    for (const auto& l : src<DirectiveDef>(f).locations) out.push_back(str(l));
    return Resolved::list(std::move(out));
  });
  bind(dt, "args", [](const FieldContext& f) {
    return inputValues(src<DirectiveDef>(f).args, includeDeprecated(f));
  });

  // Meta fields on the query root.
  s.schema_field.resolver = [schema](const FieldContext&) { return Resolved::object(schema, "__Schema"); };
  s.type_field.resolver = [schema](const FieldContext& f) {
    const Type* t = schema->type(f.args.value("name", std::string()));
    return namedType(t);
  };
}

}  // namespace maestro::graphql
