#include "graphql/schema.h"

#include <set>
#include <sstream>

#include "common/error.h"
#include "graphql/parser.h"
#include "graphql/values.h"

namespace maestro::graphql {

// ---- TypeRef, Type, Schema ----

const Type& TypeRef::base() const {
  const TypeRef* t = this;
  while (t->kind != Kind::kNamed) t = t->of.get();
  return *t->named;
}

std::string printTypeRef(const TypeRef& type) {
  switch (type.kind) {
    case TypeRef::Kind::kNamed: return type.named ? type.named->name : "?";
    case TypeRef::Kind::kList: return "[" + printTypeRef(*type.of) + "]";
    case TypeRef::Kind::kNonNull: return printTypeRef(*type.of) + "!";
  }
  return {};
}

bool sameType(const TypeRef& a, const TypeRef& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == TypeRef::Kind::kNamed) return a.named == b.named;
  return sameType(*a.of, *b.of);
}

const InputValue* FieldDef::arg(std::string_view n) const {
  for (const auto& a : args) {
    if (a.name == n) return &a;
  }
  return nullptr;
}

const FieldDef* Type::field(std::string_view n) const {
  auto it = field_index.find(n);
  return it == field_index.end() ? nullptr : it->second;
}

const EnumValueDef* Type::enumValue(std::string_view n) const {
  for (const auto& v : enum_values) {
    if (v.name == n) return &v;
  }
  return nullptr;
}

const InputValue* Type::inputField(std::string_view n) const {
  for (const auto& f : input_fields) {
    if (f.name == n) return &f;
  }
  return nullptr;
}

bool Type::isPossibleType(const Type* t) const {
  if (t == this) return true;
  for (const Type* p : possible_types) {
    if (p == t) return true;
  }
  return false;
}

bool DirectiveDef::allows(std::string_view location) const {
  for (const auto& l : locations) {
    if (l == location) return true;
  }
  return false;
}

const InputValue* DirectiveDef::arg(std::string_view n) const {
  for (const auto& a : args) {
    if (a.name == n) return &a;
  }
  return nullptr;
}

const Type* Schema::type(std::string_view name) const {
  auto it = type_index.find(name);
  return it == type_index.end() ? nullptr : it->second;
}

const DirectiveDef* Schema::directive(std::string_view name) const {
  auto it = directive_index.find(name);
  return it == directive_index.end() ? nullptr : it->second;
}

const FieldDef* Schema::fieldOn(const Type* parent, std::string_view name) const {
  if (!parent || !parent->isComposite()) return nullptr;
  if (name.size() > 2 && name[0] == '_' && name[1] == '_') {
    if (name == "__typename") return &typename_field;
    if (parent == query && name == "__schema") return &schema_field;
    if (parent == query && name == "__type") return &type_field;
  }
  return parent->field(name);
}

const Type* Schema::rootType(OperationType op) const {
  switch (op) {
    case OperationType::kQuery: return query;
    case OperationType::kMutation: return mutation;
    case OperationType::kSubscription: return subscription;
  }
  return nullptr;
}

std::shared_ptr<const PreparedDocument> ExecutableSchema::cached(std::string_view text) const {
  std::lock_guard lock(mu_);
  auto it = index_.find(text);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void ExecutableSchema::remember(std::string_view text,
                                std::shared_ptr<const PreparedDocument> doc) const {
  std::lock_guard lock(mu_);
  auto it = index_.find(text);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(std::string(text), std::move(doc));
  index_.emplace(lru_.front().first, lru_.begin());
  if (lru_.size() > kCacheSize) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

// ---- building from SDL ----

namespace {

std::string at(const std::string& source, Location loc) {
  return source + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": ";
}

bool reservedName(std::string_view n) { return n.size() >= 2 && n[0] == '_' && n[1] == '_'; }

std::string kindWord(TypeKind k) {
  switch (k) {
    case TypeKind::kScalar: return "scalar";
    case TypeKind::kObject: return "type";
    case TypeKind::kInterface: return "interface";
    case TypeKind::kUnion: return "union";
    case TypeKind::kEnum: return "enum";
    case TypeKind::kInputObject: return "input";
  }
  return {};
}

class SchemaLoader {
 public:
  SchemaLoader(Schema& s, std::string source) : s_(s), source_(std::move(source)) {}

  void load(const ast::SchemaDocument& user, const ast::SchemaDocument& builtin) {
    declare(builtin, true);
    declare(user, false);
    fill(user);
    fill(builtin);
    flush();
    roots(user);
    applyDirectives(user);
    applyDirectives(builtin);
    flush();
    validate();
    flush();
  }

 private:
  void error(Location loc, const std::string& message) { errors_.push_back(at(source_, loc) + message); }
  void flush() {
    if (errors_.empty()) return;
    std::string all;
    for (const auto& e : errors_) all += (all.empty() ? "" : "\n") + e;
    throw Error::badInput(all);
  }

  void declare(const ast::SchemaDocument& doc, bool builtin) {
    for (const auto& td : doc.types) {
      if (!builtin && reservedName(td.name)) {
        error(td.loc, "Name \"" + td.name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
        continue;
      }
      if (s_.type_index.count(td.name)) {
        error(td.loc, "There can be only one type named \"" + td.name + "\".");
        continue;
      }
      auto t = std::make_unique<Type>();
      t->name = td.name;
      t->description = td.description;
      t->has_description = td.has_description;
      t->loc = td.loc;
      t->builtin = builtin;
      t->introspection = reservedName(td.name);
      switch (td.kind) {
        case ast::TypeDefinition::Kind::kScalar: t->kind = TypeKind::kScalar; break;
        case ast::TypeDefinition::Kind::kObject: t->kind = TypeKind::kObject; break;
        case ast::TypeDefinition::Kind::kInterface: t->kind = TypeKind::kInterface; break;
        case ast::TypeDefinition::Kind::kUnion: t->kind = TypeKind::kUnion; break;
        case ast::TypeDefinition::Kind::kEnum: t->kind = TypeKind::kEnum; break;
        case ast::TypeDefinition::Kind::kInputObject: t->kind = TypeKind::kInputObject; break;
      }
      auto self = std::make_shared<TypeRef>();
      self->named = t.get();
      t->self = self;
      s_.type_index[t->name] = t.get();
      s_.types.push_back(std::move(t));
    }
    for (const auto& dd : doc.directives) {
      if (!builtin && reservedName(dd.name)) {
        error(dd.loc, "Name \"" + dd.name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
        continue;
      }
      if (s_.directive_index.count(dd.name)) {
        error(dd.loc, "There can be only one directive named \"@" + dd.name + "\".");
        continue;
      }
      auto d = std::make_unique<DirectiveDef>();
      d->name = dd.name;
      d->description = dd.description;
      d->has_description = dd.has_description;
      d->loc = dd.loc;
      d->repeatable = dd.repeatable;
      d->builtin = builtin;
      for (const auto& [l, loc] : dd.locations) d->locations.push_back(l);
      s_.directive_index[d->name] = d.get();
      directive_asts_[d.get()] = &dd;
      s_.directives.push_back(std::move(d));
    }
  }

  std::shared_ptr<const TypeRef> resolve(const ast::TypeRef& t, const std::string& where) {
    auto r = std::make_shared<TypeRef>();
    switch (t.kind) {
      case ast::TypeRef::Kind::kNamed: {
        const Type* named = s_.type(t.name);
        if (!named) {
          error(t.loc, "Unknown type \"" + t.name + "\" referenced by \"" + where + "\".");
          return nullptr;
        }
        return named->self;
      }
      case ast::TypeRef::Kind::kList: r->kind = TypeRef::Kind::kList; break;
      case ast::TypeRef::Kind::kNonNull: r->kind = TypeRef::Kind::kNonNull; break;
    }
    r->of = resolve(*t.of, where);
    if (!r->of) return nullptr;
    return r;
  }

  std::vector<InputValue> inputValues(const std::vector<ast::InputValueDefinition>& defs,
                                      const std::string& owner, bool args) {
    std::vector<InputValue> out;
    for (const auto& d : defs) {
      std::string where = args ? owner + "(" + d.name + ":)" : owner + "." + d.name;
      if (reservedName(d.name) && !owner_builtin_) {
        error(d.loc, "Name \"" + d.name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
      }
      bool dup = false;
      for (const auto& o : out) dup = dup || o.name == d.name;
      if (dup) {
        error(d.loc, args ? "Argument \"" + where + "\" can only be defined once."
                          : "Input field \"" + where + "\" can only be defined once.");
        continue;
      }
      InputValue v;
      v.name = d.name;
      v.description = d.description;
      v.has_description = d.has_description;
      v.loc = d.loc;
      v.type = resolve(*d.type, where);
      v.default_literal = d.default_value;
      if (v.type && !v.type->base().isInput()) {
        error(d.type->loc, "The type of \"" + where + "\" must be an input type but got: " +
                               printTypeRef(*v.type) + ".");
      }
      out.push_back(std::move(v));
    }
    return out;
  }

  void fill(const ast::SchemaDocument& doc) {
    for (const auto& td : doc.types) {
      Type* t = s_.type_index.count(td.name) ? s_.type_index[td.name] : nullptr;
      if (!t || t->loc.line != td.loc.line || t->loc.column != td.loc.column) continue;  // duplicate
      owner_builtin_ = t->builtin;
      type_asts_[t] = &td;
      for (const auto& [iname, iloc] : td.interfaces) {
        const Type* i = s_.type(iname);
        if (!i) {
          error(iloc, "Unknown type \"" + iname + "\" referenced by \"" + t->name + "\".");
          continue;
        }
        if (i->kind != TypeKind::kInterface) {
          error(iloc, "Type " + t->name + " must only implement Interface types, it cannot implement " +
                          iname + ".");
          continue;
        }
        if (i == t) {
          error(iloc, "Type " + t->name + " cannot implement itself because it would create a circular reference.");
          continue;
        }
        bool dup = false;
        for (const Type* o : t->interfaces) dup = dup || o == i;
        if (dup) {
          error(iloc, "Type " + t->name + " can only implement " + iname + " once.");
          continue;
        }
        t->interfaces.push_back(i);
      }
      for (const auto& fd : td.fields) {
        std::string where = t->name + "." + fd.name;
        if (t->field_index.count(fd.name) || [&] {
              for (const auto& f : t->fields) {
                if (f.name == fd.name) return true;
              }
              return false;
            }()) {
          error(fd.loc, "Field \"" + where + "\" can only be defined once.");
          continue;
        }
        if (reservedName(fd.name) && !t->builtin) {
          error(fd.loc, "Name \"" + fd.name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
        }
        FieldDef f;
        f.name = fd.name;
        f.description = fd.description;
        f.has_description = fd.has_description;
        f.loc = fd.loc;
        f.owner = t;
        f.args = inputValues(fd.arguments, where, true);
        f.type = resolve(*fd.type, where);
        if (f.type && !f.type->base().isOutput()) {
          error(fd.type->loc, "The type of \"" + where + "\" must be an output type but got: " +
                                  printTypeRef(*f.type) + ".");
        }
        t->fields.push_back(std::move(f));
      }
      for (auto& f : t->fields) t->field_index[f.name] = &f;
      for (const auto& [mname, mloc] : td.members) {
        const Type* m = s_.type(mname);
        if (!m) {
          error(mloc, "Unknown type \"" + mname + "\" referenced by \"" + t->name + "\".");
          continue;
        }
        if (m->kind != TypeKind::kObject) {
          error(mloc, "Union type " + t->name + " can only include Object types, it cannot include " +
                          mname + ".");
          continue;
        }
        bool dup = false;
        for (const Type* o : t->possible_types) dup = dup || o == m;
        if (dup) {
          error(mloc, "Union type " + t->name + " can only include type " + mname + " once.");
          continue;
        }
        t->possible_types.push_back(m);
      }
      for (const auto& vd : td.values) {
        if (t->enumValue(vd.name)) {
          error(vd.loc, "Enum value \"" + t->name + "." + vd.name + "\" can only be defined once.");
          continue;
        }
        EnumValueDef v;
        v.name = vd.name;
        v.description = vd.description;
        v.has_description = vd.has_description;
        v.loc = vd.loc;
        t->enum_values.push_back(std::move(v));
      }
      t->input_fields = inputValues(td.input_fields, t->name, false);
    }
    for (const auto& dd : doc.directives) {
      DirectiveDef* d = s_.directive_index.count(dd.name) ? s_.directive_index[dd.name] : nullptr;
      if (!d || directive_asts_[d] != &dd) continue;
      owner_builtin_ = d->builtin;
      d->args = inputValues(dd.arguments, "@" + dd.name, true);
      std::set<std::string> seen;
      for (const auto& [l, loc] : dd.locations) {
        if (!seen.insert(l).second) error(loc, "Directive \"@" + dd.name + "\" lists location " + l + " twice.");
      }
    }
  }

  void roots(const ast::SchemaDocument& doc) {
    auto pick = [&](OperationType op, const std::string& name, Location loc, bool explicit_) {
      const Type* t = s_.type(name);
      static const char* kWords[] = {"Query", "Mutation", "Subscription"};
      const char* word = kWords[static_cast<int>(op)];
      if (!t) {
        if (explicit_) error(loc, "Unknown type \"" + name + "\" referenced by the schema definition.");
        return;
      }
      if (t->kind != TypeKind::kObject) {
        root_error_ = true;
        error(loc, std::string(word) + " root type must be Object type, it cannot be " + name + ".");
        return;
      }
      const Type** slot = op == OperationType::kQuery      ? &s_.query
                          : op == OperationType::kMutation ? &s_.mutation
                                                           : &s_.subscription;
      if (*slot) {
        error(loc, "There can be only one " + std::string(word) + " type in schema.");
        return;
      }
      *slot = t;
    };
    if (doc.schema) {
      s_.has_schema_definition = true;
      s_.description = doc.schema->description;
      s_.has_description = doc.schema->has_description;
      for (const auto& [op, named] : doc.schema->operation_types) pick(op, named.first, named.second, true);
    } else {
      pick(OperationType::kQuery, "Query", {}, false);
      pick(OperationType::kMutation, "Mutation", {}, false);
      pick(OperationType::kSubscription, "Subscription", {}, false);
    }
    if (!s_.query && !root_error_) error(doc.schema ? doc.schema->loc : Location{1, 1}, "Query root type must be provided.");
  }

  // Checks the directives applied in the SDL; records @deprecated,
  // @specifiedBy and the custom ones on field definitions.
  void checkApplied(const std::vector<ast::Directive>& dirs, std::string_view location,
                    const std::string& where, std::vector<AppliedDirective>* keep,
                    std::vector<Location>* keep_locs, std::optional<std::string>* deprecation,
                    std::optional<std::string>* specified_by) {
    std::set<std::string> seen;
    for (const auto& d : dirs) {
      const DirectiveDef* def = s_.directive(d.name);
      if (!def) {
        error(d.loc, "Unknown directive \"@" + d.name + "\" on \"" + where + "\".");
        continue;
      }
      if (!def->allows(location)) {
        error(d.loc, "Directive \"@" + d.name + "\" may not be used on " + std::string(location) + ".");
        continue;
      }
      if (!def->repeatable && !seen.insert(d.name).second) {
        error(d.loc, "The directive \"@" + d.name + "\" can only be used once at this location.");
        continue;
      }
      std::vector<std::pair<std::string, Location>> problems;
      for (const auto& a : d.arguments) {
        const InputValue* ad = def->arg(a.name);
        if (!ad) {
          error(a.loc, "Unknown argument \"" + a.name + "\" on directive \"@" + d.name + "\".");
          continue;
        }
        if (ad->type) checkLiteral(a.value, *ad->type, problems);
      }
      for (const auto& ad : def->args) {
        bool given = false;
        for (const auto& a : d.arguments) given = given || a.name == ad.name;
        if (!given && ad.type && ad.type->nonNull() && !ad.default_literal) {
          error(d.loc, "Directive \"@" + d.name + "\" argument \"" + ad.name + "\" of type \"" +
                           printTypeRef(*ad.type) + "\" is required, but it was not provided.");
        }
      }
      for (const auto& [m, loc] : problems) error(loc, m);
      auto literal = [&](std::string_view arg) -> const ast::Value* {
        for (const auto& a : d.arguments) {
          if (a.name == arg) return &a.value;
        }
        return nullptr;
      };
      if (d.name == "deprecated" && deprecation) {
        const ast::Value* r = literal("reason");
        *deprecation = r && r->kind == ast::Value::Kind::kString ? r->text : "No longer supported";
      } else if (d.name == "specifiedBy" && specified_by) {
        const ast::Value* u = literal("url");
        if (u) *specified_by = u->text;
      } else if (!def->builtin && keep) {
        AppliedDirective applied;
        applied.name = d.name;
        keep->push_back(std::move(applied));
        keep_locs->push_back(d.loc);
        applied_asts_.push_back(&d);
      }
    }
  }

  void applyDirectives(const ast::SchemaDocument& doc) {
    if (doc.schema) {
      checkApplied(doc.schema->directives, "SCHEMA", "schema", nullptr, nullptr, nullptr, nullptr);
    }
    for (const auto& td : doc.types) {
      Type* t = s_.type_index.count(td.name) ? s_.type_index[td.name] : nullptr;
      if (!t || type_asts_[t] != &td) continue;
      static const char* kLoc[] = {"SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT"};
      checkApplied(td.directives, kLoc[static_cast<int>(t->kind)], t->name, nullptr, nullptr, nullptr,
                   t->kind == TypeKind::kScalar ? &t->specified_by : nullptr);
      for (size_t i = 0; i < td.fields.size() && i < t->fields.size(); ++i) {
        const auto& fd = td.fields[i];
        FieldDef* f = const_cast<FieldDef*>(t->field(fd.name));
        if (!f || f->loc.line != fd.loc.line || f->loc.column != fd.loc.column) continue;
        size_t before = applied_asts_.size();
        checkApplied(fd.directives, "FIELD_DEFINITION", t->name + "." + f->name, &f->directives,
                     &f->directive_locs, &f->deprecation, nullptr);
        for (size_t k = before; k < applied_asts_.size(); ++k) {
          field_applied_.push_back({f, f->directives.size() - (applied_asts_.size() - k), applied_asts_[k]});
        }
        for (size_t a = 0; a < fd.arguments.size() && a < f->args.size(); ++a) {
          checkApplied(fd.arguments[a].directives, "ARGUMENT_DEFINITION",
                       t->name + "." + f->name + "(" + f->args[a].name + ":)", nullptr, nullptr,
                       &f->args[a].deprecation, nullptr);
        }
      }
      for (size_t i = 0; i < td.values.size() && i < t->enum_values.size(); ++i) {
        checkApplied(td.values[i].directives, "ENUM_VALUE", t->name + "." + td.values[i].name, nullptr,
                     nullptr, &t->enum_values[i].deprecation, nullptr);
      }
      for (size_t i = 0; i < td.input_fields.size() && i < t->input_fields.size(); ++i) {
        checkApplied(td.input_fields[i].directives, "INPUT_FIELD_DEFINITION",
                     t->name + "." + td.input_fields[i].name, nullptr, nullptr,
                     &t->input_fields[i].deprecation, nullptr);
      }
    }
  }

  bool isSubType(const TypeRef& sub, const TypeRef& super) {
    if (super.kind == TypeRef::Kind::kNonNull) {
      return sub.kind == TypeRef::Kind::kNonNull && isSubType(*sub.of, *super.of);
    }
    if (sub.kind == TypeRef::Kind::kNonNull) return isSubType(*sub.of, super);
    if (super.kind == TypeRef::Kind::kList) {
      return sub.kind == TypeRef::Kind::kList && isSubType(*sub.of, *super.of);
    }
    if (sub.kind == TypeRef::Kind::kList) return false;
    return sub.named == super.named ||
           (super.named->isAbstract() &&
            [&] {
              for (const Type* i : sub.named->interfaces) {
                if (i == super.named) return true;
              }
              for (const Type* m : super.named->possible_types) {
                if (m == sub.named && super.named->kind == TypeKind::kUnion) return true;
              }
              return false;
            }());
  }

  void validate() {
    for (auto& tp : s_.types) {
      Type* t = tp.get();
      if (t->builtin) continue;
      switch (t->kind) {
        case TypeKind::kObject:
        case TypeKind::kInterface:
          if (t->fields.empty()) {
            error(t->loc, (t->kind == TypeKind::kObject ? "Type " : "Interface ") + t->name +
                              " must define one or more fields.");
          }
          for (const Type* i : t->interfaces) checkImplements(t, i);
          break;
        case TypeKind::kUnion:
          if (t->possible_types.empty()) {
            error(t->loc, "Union type " + t->name + " must define one or more member types.");
          }
          break;
        case TypeKind::kEnum:
          if (t->enum_values.empty()) error(t->loc, "Enum type " + t->name + " must define one or more values.");
          break;
        case TypeKind::kInputObject:
          if (t->input_fields.empty()) {
            error(t->loc, "Input Object type " + t->name + " must define one or more fields.");
          }
          checkInputCycle(t);
          break;
        case TypeKind::kScalar: break;
      }
      auto requiredDeprecated = [&](const InputValue& v, const std::string& where) {
        if (v.default_literal) {
          std::vector<std::pair<std::string, Location>> problems;
          checkLiteral(*v.default_literal, *v.type, problems);
          for (const auto& [m, l] : problems) error(l, m);
        }
        if (v.deprecation && v.type->nonNull() && !v.default_literal) {
          error(v.loc, "Required " + where + " cannot be deprecated.");
        }
      };
      for (const auto& f : t->fields) {
        for (const auto& a : f.args) requiredDeprecated(a, "argument " + t->name + "." + f.name + "(" + a.name + ":)");
      }
      for (const auto& f : t->input_fields) requiredDeprecated(f, "input field " + t->name + "." + f.name);
    }
    // Possible types of interfaces: every object implementing them.
    for (auto& tp : s_.types) {
      if (tp->kind != TypeKind::kObject) continue;
      for (const Type* i : tp->interfaces) {
        const_cast<Type*>(i)->possible_types.push_back(tp.get());
      }
    }
  }

  void checkImplements(const Type* t, const Type* iface) {
    for (const Type* transitive : iface->interfaces) {
      bool has = false;
      for (const Type* o : t->interfaces) has = has || o == transitive;
      if (!has && transitive != t) {
        error(t->loc, "Type " + t->name + " must implement " + transitive->name +
                          " because it is implemented by " + iface->name + ".");
      }
    }
    for (const auto& ifield : iface->fields) {
      const FieldDef* f = t->field(ifield.name);
      std::string iname = iface->name + "." + ifield.name;
      if (!f) {
        error(t->loc, "Interface field " + iname + " expected but " + t->name + " does not provide it.");
        continue;
      }
      std::string fname = t->name + "." + f->name;
      if (!isSubType(*f->type, *ifield.type)) {
        error(f->loc, "Interface field " + iname + " expects type " + printTypeRef(*ifield.type) +
                          " but " + fname + " is type " + printTypeRef(*f->type) + ".");
      }
      for (const auto& iarg : ifield.args) {
        const InputValue* a = f->arg(iarg.name);
        if (!a) {
          error(f->loc, "Interface field argument " + iname + "(" + iarg.name + ":) expected but " + fname +
                            " does not provide it.");
          continue;
        }
        if (!sameType(*a->type, *iarg.type)) {
          error(a->loc, "Interface field argument " + iname + "(" + iarg.name + ":) expects type " +
                            printTypeRef(*iarg.type) + " but " + fname + "(" + a->name + ":) is type " +
                            printTypeRef(*a->type) + ".");
        }
      }
      for (const auto& a : f->args) {
        if (!ifield.arg(a.name) && a.type->nonNull() && !a.default_literal) {
          error(a.loc, "Object field " + fname + " includes required argument " + a.name +
                           " that is missing from the Interface field " + iname + ".");
        }
      }
    }
  }

  void checkInputCycle(const Type* start) {
    std::vector<std::string> path;
    std::set<const Type*> visiting;
    std::function<bool(const Type*)> dfs = [&](const Type* t) -> bool {
      if (!visiting.insert(t).second) return false;
      for (const auto& f : t->input_fields) {
        if (!f.type->nonNull() || f.type->of->kind != TypeRef::Kind::kNamed) continue;
        const Type* ft = f.type->of->named;
        if (ft->kind != TypeKind::kInputObject) continue;
        path.push_back(f.name);
        if (ft == start) {
          std::string p;
          for (const auto& s : path) p += (p.empty() ? "" : ".") + s;
          error(start->loc, "Cannot reference Input Object \"" + start->name +
                                "\" within itself through a series of non-null fields: \"" + p + "\".");
          return true;
        }
        if (dfs(ft)) return true;
        path.pop_back();
      }
      return false;
    };
    dfs(start);
  }

 public:
  // (field, index in field->directives, its syntax) for build() to coerce.
  struct FieldApplied {
    FieldDef* field;
    size_t index;
    const ast::Directive* syntax;
  };
  std::vector<FieldApplied> field_applied_;
  std::map<const DirectiveDef*, const ast::DirectiveDefinition*> directive_asts_;

 private:
  Schema& s_;
  std::string source_;
  std::vector<std::string> errors_;
  bool owner_builtin_ = false;
  bool root_error_ = false;
  std::map<const Type*, const ast::TypeDefinition*> type_asts_;
  std::vector<const ast::Directive*> applied_asts_;
};

}  // namespace

// ---- SchemaBuilder ----

struct SchemaBuilder::Impl {
  std::string source;
  ast::SchemaDocument user;
  ast::SchemaDocument builtin;
  std::unique_ptr<ExecutableSchema> exec;
  std::vector<SchemaLoader::FieldApplied> field_applied;
  std::vector<std::string> problems;
  std::map<std::pair<std::string, std::string>, Resolver> resolvers;
  std::map<std::string, Resolver> all_fields;
  std::map<std::string, ScalarCoercion> scalars;
  std::map<std::string, DirectiveHook> hooks;
  std::map<std::string, std::function<std::string(const std::any&)>> type_resolvers;
  bool built = false;
};

SchemaBuilder::SchemaBuilder(std::string_view sdl, std::string_view source_name)
    : impl_(std::make_unique<Impl>()) {
  impl_->source = std::string(source_name);
  try {
    impl_->user = parseSchemaDocument(sdl);
  } catch (const SyntaxError& e) {
    throw Error::badInput(impl_->source + ": " + e.message());
  }
  impl_->builtin = parseSchemaDocument(builtinSdl());
  impl_->exec = std::make_unique<ExecutableSchema>();
  Schema& s = impl_->exec->schema;
  SchemaLoader loader(s, impl_->source);
  loader.load(impl_->user, impl_->builtin);
  impl_->field_applied = std::move(loader.field_applied_);

  // Meta fields.
  auto nonNull = [](std::shared_ptr<const TypeRef> of) {
    auto r = std::make_shared<TypeRef>();
    r->kind = TypeRef::Kind::kNonNull;
    r->of = std::move(of);
    return r;
  };
  s.typename_field.name = "__typename";
  s.typename_field.description = "The name of the current Object type at runtime.";
  s.typename_field.has_description = true;
  s.typename_field.type = nonNull(s.type("String")->self);
  s.schema_field.name = "__schema";
  s.schema_field.description = "Access the current type schema of this server.";
  s.schema_field.has_description = true;
  s.schema_field.type = nonNull(s.type("__Schema")->self);
  s.type_field.name = "__type";
  s.type_field.description = "Request the type information of a single type.";
  s.type_field.has_description = true;
  s.type_field.type = s.type("__Type")->self;
  InputValue name;
  name.name = "name";
  name.type = nonNull(s.type("String")->self);
  s.type_field.args.push_back(std::move(name));
}

SchemaBuilder::~SchemaBuilder() = default;
SchemaBuilder::SchemaBuilder(SchemaBuilder&&) noexcept = default;

void SchemaBuilder::field(std::string_view type, std::string_view field, Resolver resolver) {
  auto key = std::make_pair(std::string(type), std::string(field));
  if (impl_->resolvers.count(key)) {
    impl_->problems.push_back("two resolvers for " + key.first + "." + key.second);
  }
  impl_->resolvers[key] = std::move(resolver);
}

void SchemaBuilder::allFields(std::string_view type, Resolver resolver) {
  impl_->all_fields[std::string(type)] = std::move(resolver);
}

void SchemaBuilder::scalar(std::string_view name, ScalarCoercion coercion) {
  impl_->scalars[std::string(name)] = std::move(coercion);
}

void SchemaBuilder::directive(std::string_view name, DirectiveHook hook) {
  impl_->hooks[std::string(name)] = std::move(hook);
}

void SchemaBuilder::typeResolver(std::string_view abstract_type,
                                 std::function<std::string(const std::any&)> resolve) {
  impl_->type_resolvers[std::string(abstract_type)] = std::move(resolve);
}

std::shared_ptr<const ExecutableSchema> SchemaBuilder::build() {
  if (impl_->built) throw Error::internal("SchemaBuilder::build() called twice");
  impl_->built = true;
  Schema& s = impl_->exec->schema;
  std::vector<std::string>& problems = impl_->problems;
  const std::string& src = impl_->source;

  for (auto& [key, resolver] : impl_->resolvers) {
    const Type* t = s.type(key.first);
    if (!t || t->builtin) {
      problems.push_back("resolver for " + key.first + "." + key.second + ": no such type in " + src);
    } else if (t->kind != TypeKind::kObject) {
      problems.push_back("resolver for " + key.first + "." + key.second + ": " + key.first +
                         " is not an object type");
    } else if (!t->field(key.second)) {
      problems.push_back("resolver for " + key.first + "." + key.second + ": " + key.first +
                         " has no field " + key.second);
    } else {
      const_cast<FieldDef*>(t->field(key.second))->resolver = resolver;
    }
  }
  for (auto& [name, resolver] : impl_->all_fields) {
    const Type* t = s.type(name);
    if (!t || t->builtin || t->kind != TypeKind::kObject) {
      problems.push_back("allFields(" + name + "): no such object type in " + src);
      continue;
    }
    for (auto& f : const_cast<Type*>(t)->fields) {
      if (!f.resolver) f.resolver = resolver;
    }
  }
  for (auto& [name, coercion] : impl_->scalars) {
    Type* t = s.type_index.count(name) ? s.type_index[name] : nullptr;
    if (!t || t->kind != TypeKind::kScalar) {
      problems.push_back("coercion for scalar " + name + ", which " + src + " does not declare");
    } else if (t->builtin) {
      problems.push_back("coercion for built-in scalar " + name);
    } else if (!coercion.serialize || !coercion.parse_value || !coercion.parse_literal) {
      problems.push_back("scalar " + name + ": coercion needs serialize, parse_value and parse_literal");
    } else {
      t->coercion = coercion;
    }
  }
  for (auto& [name, hook] : impl_->hooks) {
    DirectiveDef* d = s.directive_index.count(name) ? s.directive_index[name] : nullptr;
    if (!d || d->builtin) {
      problems.push_back("hook for directive @" + name + ", which " + src + " does not declare");
    } else {
      d->hook = hook;
    }
  }
  for (auto& [name, resolve] : impl_->type_resolvers) {
    Type* t = s.type_index.count(name) ? s.type_index[name] : nullptr;
    if (!t || !t->isAbstract()) {
      problems.push_back("type resolver for " + name + ", which is not an interface or union");
    } else {
      t->type_resolver = resolve;
    }
  }
  for (auto& tp : s.types) {
    if (tp->builtin) continue;
    if (tp->kind == TypeKind::kObject) {
      for (const auto& f : tp->fields) {
        if (!f.resolver) problems.push_back(tp->name + "." + f.name + " has no resolver");
      }
    }
    if (tp->kind == TypeKind::kScalar && !tp->coercion.serialize) {
      problems.push_back("custom scalar " + tp->name + " has no coercion");
    }
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw Error::internal("schema " + src + ": " + all);
  }

  // Defaults and applied directives' arguments, now that scalars can coerce.
  Json none = Json::object();
  auto coerceDefault = [&](InputValue& v, const std::string& where) {
    if (!v.default_literal) return;
    try {
      v.default_value = coerceLiteral(*v.default_literal, *v.type, none);
    } catch (const InputError& e) {
      problems.push_back(where + ": invalid default value " + ast::printValue(*v.default_literal) + ": " +
                         e.message);
    }
  };
  for (auto& tp : s.types) {
    for (auto& f : tp->fields) {
      for (auto& a : f.args) coerceDefault(a, tp->name + "." + f.name + "(" + a.name + ":)");
    }
    for (auto& f : tp->input_fields) coerceDefault(f, tp->name + "." + f.name);
  }
  for (auto& d : s.directives) {
    for (auto& a : d->args) coerceDefault(a, "@" + d->name + "(" + a.name + ":)");
  }
  for (auto& fa : impl_->field_applied) {
    AppliedDirective& applied = fa.field->directives[fa.index];
    const DirectiveDef* def = s.directive(applied.name);
    for (const auto& a : def->args) {
      const ast::Value* lit = nullptr;
      for (const auto& given : fa.syntax->arguments) {
        if (given.name == a.name) lit = &given.value;
      }
      try {
        if (lit) {
          applied.args[a.name] = coerceLiteral(*lit, *a.type, none);
        } else if (a.default_value) {
          applied.args[a.name] = *a.default_value;
        }
      } catch (const InputError& e) {
        problems.push_back(fa.field->owner->name + "." + fa.field->name + " @" + applied.name + "(" +
                           a.name + ":): " + e.message);
      }
    }
  }
  for (auto& tp : s.types) {
    for (auto& f : tp->fields) {
      for (const auto& applied : f.directives) {
        const DirectiveDef* def = s.directive(applied.name);
        if (def && def->hook) f.hooks.push_back({&def->hook, &applied});
      }
    }
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw Error::internal("schema " + src + ": " + all);
  }
  bindIntrospection(s);
  return std::shared_ptr<const ExecutableSchema>(std::move(impl_->exec));
}

// ---- printSchema ----

namespace {

void printDescription(std::string& out, const std::string& d, bool has, const std::string& indent) {
  if (!has) return;
  std::string escaped;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d.compare(i, 3, "\"\"\"") == 0) {
      escaped += "\\\"\"\"";
      i += 2;
    } else {
      escaped += d[i];
    }
  }
  if (escaped.find('\n') == std::string::npos && (escaped.empty() || escaped.back() != '"')) {
    out += indent + "\"\"\"" + escaped + "\"\"\"\n";
    return;
  }
  out += indent + "\"\"\"\n";
  size_t start = 0;
  while (true) {
    size_t nl = escaped.find('\n', start);
    std::string line = escaped.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += (line.empty() ? "" : indent) + line + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  out += indent + "\"\"\"\n";
}

std::string printString(const std::string& s) {
  ast::Value v;
  v.kind = ast::Value::Kind::kString;
  v.text = s;
  return ast::printValue(v);
}

std::string printDeprecated(const std::optional<std::string>& reason) {
  if (!reason) return "";
  if (*reason == "No longer supported") return " @deprecated";
  return " @deprecated(reason: " + printString(*reason) + ")";
}

std::string printInputValue(const InputValue& v) {
  std::string s = v.name + ": " + printTypeRef(*v.type);
  if (v.default_literal) s += " = " + ast::printValue(*v.default_literal);
  return s + printDeprecated(v.deprecation);
}

std::string printArgs(const std::vector<InputValue>& args, const std::string& indent) {
  if (args.empty()) return "";
  bool described = false;
  for (const auto& a : args) described = described || a.has_description;
  std::string out = "(";
  if (!described) {
    for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + printInputValue(args[i]);
    return out + ")";
  }
  out += "\n";
  for (const auto& a : args) {
    printDescription(out, a.description, a.has_description, indent + "  ");
    out += indent + "  " + printInputValue(a) + "\n";
  }
  return out + indent + ")";
}

std::string printAppliedArgs(const Json& args) {
  if (args.empty()) return "";
  std::string out = "(";
  bool first = true;
  for (auto it = args.begin(); it != args.end(); ++it) {
    out += (first ? "" : ", ") + it.key() + ": " + it.value().dump();
    first = false;
  }
  return out + ")";
}

}  // namespace

std::string printSchema(const ExecutableSchema& exec) {
  const Schema& s = exec.schema;
  std::string out;
  bool standard = (!s.query || s.query->name == "Query") && (!s.mutation || s.mutation->name == "Mutation") &&
                  (!s.subscription || s.subscription->name == "Subscription");
  auto section = [&]() {
    if (!out.empty()) out += "\n";
  };
  if (!standard || s.has_description) {
    printDescription(out, s.description, s.has_description, "");
    out += "schema {\n";
    if (s.query) out += "  query: " + s.query->name + "\n";
    if (s.mutation) out += "  mutation: " + s.mutation->name + "\n";
    if (s.subscription) out += "  subscription: " + s.subscription->name + "\n";
    out += "}\n";
  }
  for (const auto& d : s.directives) {
    if (d->builtin) continue;
    section();
    printDescription(out, d->description, d->has_description, "");
    out += "directive @" + d->name + printArgs(d->args, "") + (d->repeatable ? " repeatable" : "") + " on ";
    for (size_t i = 0; i < d->locations.size(); ++i) out += (i ? " | " : "") + d->locations[i];
    out += "\n";
  }
  for (const auto& tp : s.types) {
    const Type& t = *tp;
    if (t.builtin) continue;
    section();
    printDescription(out, t.description, t.has_description, "");
    out += kindWord(t.kind) + " " + t.name;
    if (!t.interfaces.empty()) {
      out += " implements ";
      for (size_t i = 0; i < t.interfaces.size(); ++i) out += (i ? " & " : "") + t.interfaces[i]->name;
    }
    switch (t.kind) {
      case TypeKind::kScalar:
        if (t.specified_by) out += " @specifiedBy(url: " + printString(*t.specified_by) + ")";
        out += "\n";
        break;
      case TypeKind::kObject:
      case TypeKind::kInterface:
        out += " {\n";
        for (const auto& f : t.fields) {
          printDescription(out, f.description, f.has_description, "  ");
          out += "  " + f.name + printArgs(f.args, "  ") + ": " + printTypeRef(*f.type);
          for (const auto& d : f.directives) out += " @" + d.name + printAppliedArgs(d.args);
          out += printDeprecated(f.deprecation) + "\n";
        }
        out += "}\n";
        break;
      case TypeKind::kUnion:
        out += " =";
        for (size_t i = 0; i < t.possible_types.size(); ++i) out += (i ? " | " : " ") + t.possible_types[i]->name;
        out += "\n";
        break;
      case TypeKind::kEnum:
        out += " {\n";
        for (const auto& v : t.enum_values) {
          printDescription(out, v.description, v.has_description, "  ");
          out += "  " + v.name + printDeprecated(v.deprecation) + "\n";
        }
        out += "}\n";
        break;
      case TypeKind::kInputObject:
        out += " {\n";
        for (const auto& f : t.input_fields) {
          printDescription(out, f.description, f.has_description, "  ");
          out += "  " + printInputValue(f) + "\n";
        }
        out += "}\n";
        break;
    }
  }
  return out;
}

}  // namespace maestro::graphql
