// The type system (spec §3) as built from SDL, and ExecutableSchema: the
// schema with its resolvers, directive hooks and scalar coercions bound.
//
// Internal to the engine: graph.h only forward-declares ExecutableSchema.
// A Schema owns every Type, FieldDef and DirectiveDef; pointers between
// them stay valid for the schema's lifetime. Immutable once built, except
// ExecutableSchema's document cache (mutex-protected).
#pragma once

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graphql/ast.h"
#include "graphql/graphql.h"

namespace maestro::graphql {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using NameMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

enum class TypeKind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject };

struct Type;

// A type reference resolved against the schema: a named type, [T] or T!.
struct TypeRef {
  enum class Kind { kNamed, kList, kNonNull };
  Kind kind = Kind::kNamed;
  const Type* named = nullptr;        // kNamed
  std::shared_ptr<const TypeRef> of;  // kList, kNonNull

  bool nonNull() const { return kind == Kind::kNonNull; }
  const Type& base() const;
};
std::string printTypeRef(const TypeRef& type);
// Same wrappers and named types.
bool sameType(const TypeRef& a, const TypeRef& b);

struct InputValue {
  std::string name;
  std::string description;
  bool has_description = false;
  Location loc;
  std::shared_ptr<const TypeRef> type;
  std::optional<ast::Value> default_literal;
  std::optional<Json> default_value;  // coerced by build()
  std::optional<std::string> deprecation;
};

struct FieldDef {
  std::string name;
  std::string description;
  bool has_description = false;
  Location loc;
  std::vector<InputValue> args;
  std::shared_ptr<const TypeRef> type;
  std::vector<AppliedDirective> directives;  // applied on the definition, args coerced
  std::vector<Location> directive_locs;
  std::optional<std::string> deprecation;
  const Type* owner = nullptr;
  Resolver resolver;
  // Hooks to run before the resolver, in the order the directives are written.
  std::vector<std::pair<const DirectiveHook*, const AppliedDirective*>> hooks;

  const InputValue* arg(std::string_view name) const;
};

struct EnumValueDef {
  std::string name;
  std::string description;
  bool has_description = false;
  Location loc;
  std::optional<std::string> deprecation;
};

struct Type {
  TypeKind kind = TypeKind::kScalar;
  std::string name;
  std::string description;
  bool has_description = false;
  Location loc;
  bool builtin = false;        // a specified scalar or an introspection type
  bool introspection = false;  // __Schema, __Type, …
  std::vector<FieldDef> fields;              // object, interface
  NameMap<const FieldDef*> field_index;
  std::vector<const Type*> interfaces;       // object, interface
  std::vector<const Type*> possible_types;   // union members; objects implementing an interface
  std::vector<EnumValueDef> enum_values;
  std::vector<InputValue> input_fields;
  std::optional<std::string> specified_by;
  ScalarCoercion coercion;                   // custom scalars
  std::function<std::string(const std::any&)> type_resolver;  // interfaces, unions
  std::shared_ptr<const TypeRef> self;       // this type as a TypeRef

  const FieldDef* field(std::string_view name) const;
  const EnumValueDef* enumValue(std::string_view name) const;
  const InputValue* inputField(std::string_view name) const;
  bool isComposite() const {
    return kind == TypeKind::kObject || kind == TypeKind::kInterface || kind == TypeKind::kUnion;
  }
  bool isAbstract() const { return kind == TypeKind::kInterface || kind == TypeKind::kUnion; }
  bool isLeaf() const { return kind == TypeKind::kScalar || kind == TypeKind::kEnum; }
  bool isInput() const { return isLeaf() || kind == TypeKind::kInputObject; }
  bool isOutput() const { return kind != TypeKind::kInputObject; }
  // Whether object type `t` is this type or one of its possible types.
  bool isPossibleType(const Type* t) const;
};

struct DirectiveDef {
  std::string name;
  std::string description;
  bool has_description = false;
  Location loc;
  std::vector<InputValue> args;
  bool repeatable = false;
  std::vector<std::string> locations;
  bool builtin = false;
  DirectiveHook hook;

  bool allows(std::string_view location) const;
  const InputValue* arg(std::string_view name) const;
};

class Schema {
 public:
  Schema() = default;
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  const Type* type(std::string_view name) const;
  const DirectiveDef* directive(std::string_view name) const;
  // The field `name` of a composite type, including __typename everywhere and
  // __schema/__type on the query type; null when there is none.
  const FieldDef* fieldOn(const Type* parent, std::string_view name) const;
  const Type* rootType(OperationType op) const;

  std::string description;
  bool has_description = false;
  std::vector<std::unique_ptr<Type>> types;  // built-ins, then user types in SDL order
  NameMap<Type*> type_index;
  std::vector<std::unique_ptr<DirectiveDef>> directives;
  NameMap<DirectiveDef*> directive_index;
  const Type* query = nullptr;
  const Type* mutation = nullptr;
  const Type* subscription = nullptr;
  bool has_schema_definition = false;
  std::vector<AppliedDirective> schema_directives;
  FieldDef typename_field;
  FieldDef schema_field;
  FieldDef type_field;
};

// A parsed document that passed the checks that do not depend on the
// request (syntax, validation), with the measures the limits are checked
// against.
struct PreparedDocument {
  ast::Document document;
  std::vector<GraphQLError> errors;  // validation errors; empty when valid
  int depth = 0;
  int fields = 0;
};

class ExecutableSchema {
 public:
  Schema schema;

  // The cached preparation of `text`, or null.
  std::shared_ptr<const PreparedDocument> cached(std::string_view text) const;
  void remember(std::string_view text, std::shared_ptr<const PreparedDocument> doc) const;

 private:
  static constexpr size_t kCacheSize = 256;
  mutable std::mutex mu_;
  using Entry = std::pair<std::string, std::shared_ptr<const PreparedDocument>>;
  mutable std::list<Entry> lru_;  // most recent first
  mutable NameMap<std::list<Entry>::iterator> index_;
};

// Binds the introspection types' resolvers (introspection.cpp).
void bindIntrospection(Schema& schema);
// The SDL of the introspection types and built-in definitions.
std::string_view builtinSdl();

}  // namespace maestro::graphql
