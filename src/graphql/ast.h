// The GraphQL syntax tree: executable documents (operations, fragments) and
// type-system documents (SDL), as the parser produces them.
//
// Plain values owned by their Document; nothing here refers to a schema.
// Every node carries the Location of its first token so that validation and
// execution errors can point at it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graphql/graphql.h"

namespace maestro::graphql::ast {

struct ObjectField;

// A value literal. Int and Float keep their source text (the schema decides
// whether it fits); String is decoded; Enum and Variable hold the name.
struct Value {
  enum class Kind { kNull, kInt, kFloat, kString, kBoolean, kEnum, kVariable, kList, kObject };
  Kind kind = Kind::kNull;
  Location loc;
  std::string text;  // Int/Float source text, String value, Enum name, Variable name
  bool boolean = false;
  bool block = false;  // a """block string"""
  std::vector<Value> list;
  std::vector<ObjectField> fields;
};

struct ObjectField {
  std::string name;
  Location loc;
  Value value;
};

// A type reference: Name, [T] or T!.
struct TypeRef {
  enum class Kind { kNamed, kList, kNonNull };
  Kind kind = Kind::kNamed;
  Location loc;
  std::string name;                   // kNamed
  std::shared_ptr<const TypeRef> of;  // kList, kNonNull
};

// "[Int!]!"
std::string printType(const TypeRef& type);
// The value as GraphQL source text: 1, "a\n", [A, B], {x: $v}.
std::string printValue(const Value& value);
// Base name of a possibly wrapped type.
const std::string& namedType(const TypeRef& type);

struct Argument {
  std::string name;
  Location loc;
  Value value;
};

struct Directive {
  std::string name;
  Location loc;
  std::vector<Argument> arguments;
};

struct Selection;
using SelectionSet = std::vector<Selection>;

// A field, a fragment spread or an inline fragment.
struct Selection {
  enum class Kind { kField, kFragmentSpread, kInlineFragment };
  Kind kind = Kind::kField;
  Location loc;
  std::string alias;           // kField; empty when none
  std::string name;            // field name or fragment name
  std::vector<Argument> arguments;
  std::vector<Directive> directives;
  std::string type_condition;  // kInlineFragment; empty when none
  bool has_selection_set = false;
  SelectionSet selection_set;

  const std::string& responseKey() const { return alias.empty() ? name : alias; }
};

struct VariableDefinition {
  std::string name;
  Location loc;
  std::shared_ptr<const TypeRef> type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
};

struct OperationDefinition {
  OperationType type = OperationType::kQuery;
  std::string name;  // empty: anonymous
  Location loc;
  std::vector<VariableDefinition> variables;
  std::vector<Directive> directives;
  SelectionSet selection_set;
};

struct FragmentDefinition {
  std::string name;
  Location loc;
  std::string type_condition;
  Location type_condition_loc;
  std::vector<Directive> directives;
  SelectionSet selection_set;
};

// A type-system definition met in an executable document: kept only so that
// validation can say it is not executable.
struct ForeignDefinition {
  std::string name;  // "Foo", or "schema"
  Location loc;
};

struct Document {
  std::vector<OperationDefinition> operations;
  std::vector<FragmentDefinition> fragments;
  std::vector<ForeignDefinition> foreign;
  int token_count = 0;
};

// ---- Type system (SDL) ----

struct InputValueDefinition {
  std::string description;
  bool has_description = false;
  std::string name;
  Location loc;
  std::shared_ptr<const TypeRef> type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
};

struct FieldDefinition {
  std::string description;
  bool has_description = false;
  std::string name;
  Location loc;
  std::vector<InputValueDefinition> arguments;
  std::shared_ptr<const TypeRef> type;
  std::vector<Directive> directives;
};

struct EnumValueDefinition {
  std::string description;
  bool has_description = false;
  std::string name;
  Location loc;
  std::vector<Directive> directives;
};

struct TypeDefinition {
  enum class Kind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject };
  Kind kind = Kind::kScalar;
  std::string description;
  bool has_description = false;
  std::string name;
  Location loc;
  std::vector<std::pair<std::string, Location>> interfaces;  // object, interface
  std::vector<Directive> directives;
  std::vector<FieldDefinition> fields;                       // object, interface
  std::vector<std::pair<std::string, Location>> members;     // union
  std::vector<EnumValueDefinition> values;                   // enum
  std::vector<InputValueDefinition> input_fields;            // input object
};

struct DirectiveDefinition {
  std::string description;
  bool has_description = false;
  std::string name;
  Location loc;
  std::vector<InputValueDefinition> arguments;
  bool repeatable = false;
  std::vector<std::pair<std::string, Location>> locations;
};

struct SchemaDefinition {
  std::string description;
  bool has_description = false;
  Location loc;
  std::vector<Directive> directives;
  std::vector<std::pair<OperationType, std::pair<std::string, Location>>> operation_types;
};

struct SchemaDocument {
  std::optional<SchemaDefinition> schema;
  std::vector<TypeDefinition> types;
  std::vector<DirectiveDefinition> directives;
};

}  // namespace maestro::graphql::ast
