#include "graphql/execution.h"

#include <chrono>
#include <set>

#include "common/error.h"
#include "graphql/parser.h"
#include "graphql/validation.h"
#include "graphql/values.h"

namespace maestro::graphql {

// ---- Resolved, Response ----

Resolved Resolved::leaf(Json value) {
  Resolved r;
  if (value.is_null()) return r;
  r.kind_ = Kind::kLeaf;
  r.leaf_ = std::move(value);
  return r;
}

Resolved Resolved::list(std::vector<Resolved> items) {
  Resolved r;
  r.kind_ = Kind::kList;
  r.items_ = std::move(items);
  return r;
}

Resolved Resolved::object(std::any source, std::string type_name) {
  Resolved r;
  r.kind_ = Kind::kObject;
  r.source_ = std::move(source);
  r.type_name_ = std::move(type_name);
  return r;
}

OrderedJson Response::toJson() const {
  OrderedJson out = OrderedJson::object();
  if (!errors.empty()) {
    OrderedJson errs = OrderedJson::array();
    for (const auto& e : errors) {
      OrderedJson j = OrderedJson::object();
      j["message"] = e.message;
      if (!e.locations.empty()) {
        OrderedJson locs = OrderedJson::array();
        for (const auto& l : e.locations) locs.push_back({{"line", l.line}, {"column", l.column}});
        j["locations"] = std::move(locs);
      }
      if (!e.path.empty()) {
        OrderedJson path = OrderedJson::array();
        for (const auto& p : e.path) {
          if (std::holds_alternative<std::string>(p)) {
            path.push_back(std::get<std::string>(p));
          } else {
            path.push_back(std::get<int64_t>(p));
          }
        }
        j["path"] = std::move(path);
      }
      OrderedJson ext = OrderedJson::object();
      ext["code"] = e.code;
      if (e.extensions.is_object()) {
        for (auto it = e.extensions.begin(); it != e.extensions.end(); ++it) {
          if (it.key() != "code") ext[it.key()] = toOrderedJson(it.value());
        }
      }
      j["extensions"] = std::move(ext);
      errs.push_back(std::move(j));
    }
    out["errors"] = std::move(errs);
  }
  if (outcome == Outcome::kExecuted) out["data"] = data;
  return out;
}

namespace {

GraphQLError requestError(std::string message, std::string code, std::vector<Location> locs = {}) {
  GraphQLError e;
  e.message = std::move(message);
  e.code = std::move(code);
  e.locations = std::move(locs);
  return e;
}

std::shared_ptr<const TypeRef> schemaType(const Schema& s, const ast::TypeRef& t) {
  if (t.kind == ast::TypeRef::Kind::kNamed) {
    const Type* named = s.type(t.name);
    return named ? named->self : nullptr;
  }
  auto of = schemaType(s, *t.of);
  if (!of) return nullptr;
  auto r = std::make_shared<TypeRef>();
  r->kind = t.kind == ast::TypeRef::Kind::kList ? TypeRef::Kind::kList : TypeRef::Kind::kNonNull;
  r->of = std::move(of);
  return r;
}

using Fields = std::vector<const ast::Selection*>;
using Grouped = std::vector<std::pair<std::string_view, Fields>>;

class Executor {
 public:
  Executor(const Schema& s, const ast::Document& doc, const Request& req, Json variables)
      : s_(s), doc_(doc), req_(req), vars_(std::move(variables)) {
    deadline_ = std::chrono::steady_clock::now() + req.limits.timeout;
    for (const auto& f : doc.fragments) fragments_[f.name] = &f;
  }

  std::vector<GraphQLError> errors;

  // Returns false when a non-null root field failed (data is then null).
  bool run(const ast::OperationDefinition& op, const Type* root, OrderedJson& data) {
    Grouped grouped;
    std::set<std::string_view> visited;
    collectFields(root, op.selection_set, grouped, visited);
    static const std::any kNoParent;
    return executeSelectionSet(root, kNoParent, grouped, data);
  }

 private:
  void fieldError(std::string message, std::string code, const Fields& fields, Json ext = Json::object()) {
    GraphQLError e;
    e.message = std::move(message);
    e.code = std::move(code);
    if (!fields.empty()) e.locations.push_back(fields[0]->loc);
    e.path = path_;
    e.extensions = std::move(ext);
    errors.push_back(std::move(e));
  }

  bool directiveIf(const ast::Directive& d) {
    for (const auto& a : d.arguments) {
      if (a.name != "if") continue;
      if (a.value.kind == ast::Value::Kind::kBoolean) return a.value.boolean;
      if (a.value.kind == ast::Value::Kind::kVariable) {
        auto it = vars_.find(a.value.text);
        return it != vars_.end() && it->is_boolean() && it->get<bool>();
      }
    }
    return false;
  }

  bool shouldInclude(const std::vector<ast::Directive>& dirs) {
    for (const auto& d : dirs) {
      if (d.name == "skip" && directiveIf(d)) return false;
      if (d.name == "include" && !directiveIf(d)) return false;
    }
    return true;
  }

  bool typeApplies(const Type* obj, const std::string& condition) {
    if (condition.empty()) return true;
    const Type* t = s_.type(condition);
    return t && t->isPossibleType(obj);
  }

  void collectFields(const Type* obj, const ast::SelectionSet& set, Grouped& out,
                     std::set<std::string_view>& visited) {
    for (const auto& sel : set) {
      if (!sel.directives.empty() && !shouldInclude(sel.directives)) continue;
      switch (sel.kind) {
        case ast::Selection::Kind::kField: {
          std::string_view key = sel.responseKey();
          bool found = false;
          for (auto& [k, fields] : out) {
            if (k == key) {
              fields.push_back(&sel);
              found = true;
              break;
            }
          }
          if (!found) out.push_back({key, Fields{&sel}});
          break;
        }
        case ast::Selection::Kind::kFragmentSpread: {
          if (!visited.insert(sel.name).second) break;
          auto it = fragments_.find(sel.name);
          if (it == fragments_.end() || !typeApplies(obj, it->second->type_condition)) break;
          collectFields(obj, it->second->selection_set, out, visited);
          break;
        }
        case ast::Selection::Kind::kInlineFragment:
          if (!typeApplies(obj, sel.type_condition)) break;
          collectFields(obj, sel.selection_set, out, visited);
          break;
      }
    }
  }

  bool executeSelectionSet(const Type* obj, const std::any& source, const Grouped& grouped,
                           OrderedJson& out) {
    out = OrderedJson::object();
    for (const auto& [key, fields] : grouped) {
      const std::string& name = fields[0]->name;
      if (name == "__typename") {
        out[std::string(key)] = obj->name;
        continue;
      }
      const FieldDef* def = s_.fieldOn(obj, name);
      if (!def) continue;  // validation rules this out
      path_.emplace_back(std::string(key));
      OrderedJson value;
      bool ok = executeField(obj, source, *def, fields, value);
      path_.pop_back();
      if (!ok) return false;
      out[std::string(key)] = std::move(value);
    }
    return true;
  }

  Json coerceArguments(const FieldDef& def, const ast::Selection& node) {
    Json args = Json::object();
    for (const auto& a : def.args) {
      const ast::Argument* given = nullptr;
      for (const auto& g : node.arguments) {
        if (g.name == a.name) given = &g;
      }
      bool has_value = given != nullptr;
      const Json* var_value = nullptr;
      if (given && given->value.kind == ast::Value::Kind::kVariable) {
        auto it = vars_.find(given->value.text);
        has_value = it != vars_.end();
        if (has_value) var_value = &*it;
      }
      if (!has_value && a.default_value) {
        args[a.name] = *a.default_value;
        continue;
      }
      if (a.type->nonNull()) {
        if (!has_value) {
          throw InputError{"Argument \"" + a.name + "\" of required type \"" + printTypeRef(*a.type) +
                               "\" was not provided.",
                           "", nullptr};
        }
        if (var_value && var_value->is_null()) {
          throw InputError{"Argument \"" + a.name + "\" of non-null type \"" + printTypeRef(*a.type) +
                               "\" must not be null.",
                           "", nullptr};
        }
      }
      if (!has_value) continue;
      if (var_value) {
        args[a.name] = *var_value;
        continue;
      }
      try {
        args[a.name] = coerceLiteral(given->value, *a.type, vars_);
      } catch (InputError& e) {
        e.message = "Argument \"" + a.name + "\" has invalid value " + ast::printValue(given->value) +
                    (e.path.empty() ? "" : " at \"" + a.name + e.path + "\"") + ": " + e.message;
        throw;
      }
    }
    return args;
  }

  bool executeField(const Type* obj, const std::any& source, const FieldDef& def, const Fields& fields,
                    OrderedJson& out) {
    bool nullable = !def.type->nonNull();
    out = nullptr;
    if (std::chrono::steady_clock::now() > deadline_) {
      if (!timed_out_) {
        timed_out_ = true;
        fieldError("request exceeded the timeout of " + std::to_string(req_.limits.timeout.count()) +
                       " ms (timeout)",
                   "LIMIT_EXCEEDED", fields, {{"limit", "timeout"}});
      }
      return nullable;
    }
    Json args;
    try {
      args = coerceArguments(def, *fields[0]);
    } catch (const InputError& e) {
      fieldError(e.message, "BAD_USER_INPUT", fields);
      return nullable;
    }
    FieldContext ctx{source, args, obj->name, def.name, def.directives, req_.context, deadline_};
    Resolved r;
    try {
      for (const auto& [hook, applied] : def.hooks) (*hook)(ctx, *applied);
      r = def.resolver(ctx);
    } catch (const Error& e) {
      Json ext = Json::object();
      if (!e.field().empty()) ext["field"] = e.field();
      fieldError(e.message(), std::string(codeName(e.code())), fields, std::move(ext));
      return nullable;
    } catch (...) {
      fieldError("Internal server error", "INTERNAL_SERVER_ERROR", fields);
      return nullable;
    }
    return complete(*def.type, obj, def, fields, r, out);
  }

  std::string fieldName(const Type* obj, const FieldDef& def) { return obj->name + "." + def.name; }

  // False when the value is null because of an error (already recorded).
  bool complete(const TypeRef& t, const Type* obj, const FieldDef& def, const Fields& fields,
                const Resolved& r, OrderedJson& out) {
    if (t.kind == TypeRef::Kind::kNonNull) {
      if (r.kind() == Resolved::Kind::kNull) {
        fieldError("Cannot return null for non-nullable field " + fieldName(obj, def) + ".", "INTERNAL_SERVER_ERROR",
                   fields);
        return false;
      }
      return completeInner(*t.of, obj, def, fields, r, out);
    }
    if (r.kind() == Resolved::Kind::kNull || !completeInner(t, obj, def, fields, r, out)) out = nullptr;
    return true;
  }

  bool completeInner(const TypeRef& t, const Type* obj, const FieldDef& def, const Fields& fields,
                     const Resolved& r, OrderedJson& out) {
    if (t.kind == TypeRef::Kind::kList) {
      if (r.kind() != Resolved::Kind::kList) {
        fieldError("Expected Iterable, but did not find one for field \"" + fieldName(obj, def) + "\".",
                   "INTERNAL_SERVER_ERROR", fields);
        return false;
      }
      const auto& items = r.items();
      if (items.size() > req_.limits.max_list_items) {
        fieldError("list of " + std::to_string(items.size()) + " items exceeds the limit of " +
                       std::to_string(req_.limits.max_list_items) + " (max_list_items)",
                   "LIMIT_EXCEEDED", fields, {{"limit", "max_list_items"}});
        return false;
      }
      out = OrderedJson::array();
      for (size_t i = 0; i < items.size(); ++i) {
        path_.emplace_back(static_cast<int64_t>(i));
        OrderedJson item;
        bool ok = complete(*t.of, obj, def, fields, items[i], item);
        path_.pop_back();
        if (!ok) return false;
        out.push_back(std::move(item));
      }
      return true;
    }
    const Type* type = t.named;
    if (type->isLeaf()) {
      if (r.kind() != Resolved::Kind::kLeaf) {
        fieldError("Expected a value of type \"" + type->name + "\" for field \"" + fieldName(obj, def) +
                       "\" but the resolver returned a list or an object.",
                   "INTERNAL_SERVER_ERROR", fields);
        return false;
      }
      try {
        out = toOrderedJson(serializeLeaf(*type, r.leafValue()));
      } catch (const Error& e) {
        fieldError(e.message(), "INTERNAL_SERVER_ERROR", fields);
        return false;
      } catch (...) {
        fieldError("Internal server error", "INTERNAL_SERVER_ERROR", fields);
        return false;
      }
      return true;
    }
    if (r.kind() != Resolved::Kind::kObject) {
      fieldError("Expected an object of type \"" + type->name + "\" for field \"" + fieldName(obj, def) +
                     "\" but the resolver returned a " +
                     (r.kind() == Resolved::Kind::kList ? "list." : "leaf value."),
                 "INTERNAL_SERVER_ERROR", fields);
      return false;
    }
    const Type* runtime = type;
    if (type->isAbstract()) {
      std::string name = r.typeName();
      if (name.empty() && type->type_resolver) {
        try {
          name = type->type_resolver(r.source());
        } catch (...) {
          name.clear();
        }
      }
      if (name.empty()) {
        fieldError("Abstract type \"" + type->name + "\" must resolve to an Object type at runtime for field \"" +
                       fieldName(obj, def) +
                       "\": the resolver should return a type name or a type resolver be registered.",
                   "INTERNAL_SERVER_ERROR", fields);
        return false;
      }
      runtime = s_.type(name);
      if (!runtime || runtime->kind != TypeKind::kObject) {
        fieldError("Abstract type \"" + type->name + "\" must resolve to an Object type at runtime for field \"" +
                       fieldName(obj, def) + "\". Received \"" + name + "\".",
                   "INTERNAL_SERVER_ERROR", fields);
        return false;
      }
      if (!type->isPossibleType(runtime)) {
        fieldError("Runtime Object type \"" + name + "\" is not a possible type for \"" + type->name + "\".",
                   "INTERNAL_SERVER_ERROR", fields);
        return false;
      }
    } else if (!r.typeName().empty() && r.typeName() != type->name) {
      fieldError("Resolver for \"" + fieldName(obj, def) + "\" returned an object of type \"" + r.typeName() +
                     "\" where \"" + type->name + "\" was expected.",
                 "INTERNAL_SERVER_ERROR", fields);
      return false;
    }
    Grouped grouped;
    std::set<std::string_view> visited;
    for (const ast::Selection* f : fields) collectFields(runtime, f->selection_set, grouped, visited);
    return executeSelectionSet(runtime, r.source(), grouped, out);
  }

  const Schema& s_;
  const ast::Document& doc_;
  const Request& req_;
  Json vars_;
  std::chrono::steady_clock::time_point deadline_;
  bool timed_out_ = false;
  std::vector<std::variant<std::string, int64_t>> path_;
  std::unordered_map<std::string_view, const ast::FragmentDefinition*> fragments_;
};

std::string kindName(OperationType t) {
  switch (t) {
    case OperationType::kQuery: return "query";
    case OperationType::kMutation: return "mutation";
    case OperationType::kSubscription: return "subscription";
  }
  return {};
}

}  // namespace

std::shared_ptr<const PreparedDocument> prepareDocument(const ExecutableSchema& exec, std::string_view text,
                                                        const Limits& limits,
                                                        std::vector<GraphQLError>& errors) {
  if (text.size() > limits.max_document_bytes) {
    errors.push_back(requestError("document size " + std::to_string(text.size()) +
                                      " bytes exceeds the limit of " +
                                      std::to_string(limits.max_document_bytes) + " bytes (max_document_bytes)",
                                  "LIMIT_EXCEEDED"));
    errors.back().extensions["limit"] = "max_document_bytes";
    return nullptr;
  }
  auto prepared = exec.cached(text);
  bool fresh = false;
  if (!prepared) {
    auto p = std::make_shared<PreparedDocument>();
    try {
      p->document = parseExecutableDocument(text, limits);
    } catch (const SyntaxError& e) {
      bool limit = e.code() == Code::kBudgetExceeded;
      errors.push_back(requestError(e.message(), limit ? "LIMIT_EXCEEDED" : "GRAPHQL_PARSE_FAILED",
                                    {e.location()}));
      if (limit) errors.back().extensions["limit"] = "max_tokens";
      return nullptr;
    }
    DocumentMeasure m = measureDocument(p->document);
    p->depth = m.depth;
    p->fields = m.fields;
    prepared = p;
    fresh = true;
  }
  const PreparedDocument& p = *prepared;
  auto limitError = [&](std::string message, const char* limit) {
    errors.push_back(requestError(std::move(message), "LIMIT_EXCEEDED"));
    errors.back().extensions["limit"] = limit;
  };
  if (limits.max_tokens > 0 && p.document.token_count > limits.max_tokens) {
    limitError("document exceeds the limit of " + std::to_string(limits.max_tokens) + " tokens (max_tokens)",
               "max_tokens");
  }
  if (p.depth > limits.max_depth) {
    limitError("query depth " + std::to_string(p.depth) + " exceeds the limit of " +
                   std::to_string(limits.max_depth) + " (max_depth)",
               "max_depth");
  }
  if (p.fields > limits.max_fields) {
    limitError("query field count " + std::to_string(p.fields) + " exceeds the limit of " +
                   std::to_string(limits.max_fields) + " (max_fields)",
               "max_fields");
  }
  if (!errors.empty()) return nullptr;
  if (fresh) {
    auto p2 = std::const_pointer_cast<PreparedDocument>(prepared);
    p2->errors = validateDocument(exec.schema, p2->document);
    exec.remember(text, prepared);
  }
  if (!prepared->errors.empty()) {
    errors = prepared->errors;
    return nullptr;
  }
  return prepared;
}

Response execute(const ExecutableSchema& exec, const Request& req) {
  Response r;
  r.data = nullptr;
  auto requestFail = [&](GraphQLError e) {
    r.outcome = Response::Outcome::kRequestError;
    r.errors.push_back(std::move(e));
    return r;
  };
  std::vector<GraphQLError> errors;
  std::shared_ptr<const PreparedDocument> prepared;
  try {
    prepared = prepareDocument(exec, req.query, req.limits, errors);
  } catch (...) {
    return requestFail(requestError("Internal server error", "INTERNAL_SERVER_ERROR"));
  }
  if (!prepared) {
    r.outcome = Response::Outcome::kRequestError;
    r.errors = std::move(errors);
    return r;
  }
  const ast::Document& doc = prepared->document;
  const Schema& s = exec.schema;

  const ast::OperationDefinition* op = nullptr;
  if (req.operation_name.empty()) {
    if (doc.operations.size() != 1) {
      return requestFail(requestError("Must provide operation name if query contains multiple operations.",
                                      "BAD_USER_INPUT"));
    }
    op = &doc.operations[0];
  } else {
    for (const auto& o : doc.operations) {
      if (o.name == req.operation_name) op = &o;
    }
    if (!op) {
      return requestFail(requestError("Unknown operation named \"" + req.operation_name + "\".", "BAD_USER_INPUT"));
    }
  }
  if (op->type == OperationType::kMutation && !req.allow_mutations) {
    r.outcome = Response::Outcome::kMethodNotAllowed;
    r.errors.push_back(requestError("Can only perform a mutation operation from a POST request.",
                                    "METHOD_NOT_ALLOWED", {op->loc}));
    return r;
  }
  if (op->type == OperationType::kSubscription) {
    return requestFail(requestError("Subscription operations are not supported by this server.",
                                    "NOT_IMPLEMENTED", {op->loc}));
  }
  const Type* root = s.rootType(op->type);
  if (!root) {
    return requestFail(requestError("Schema is not configured to execute " + kindName(op->type) + " operation.",
                                    "GRAPHQL_VALIDATION_FAILED", {op->loc}));
  }

  // CoerceVariableValues.
  const Json& given = req.variables.is_null() ? Json::object() : req.variables;
  if (!given.is_object()) return requestFail(requestError("Variables must be provided as an object.", "BAD_USER_INPUT"));
  Json vars = Json::object();
  for (const auto& v : op->variables) {
    auto type = schemaType(s, *v.type);
    if (!type) continue;  // validation rules this out
    auto it = given.find(v.name);
    GraphQLError err;
    err.code = "BAD_USER_INPUT";
    err.locations.push_back(v.loc);
    err.extensions["field"] = v.name;
    if (it == given.end()) {
      if (v.default_value) {
        try {
          vars[v.name] = coerceLiteral(*v.default_value, *type, Json::object());
        } catch (const InputError& e) {
          err.message = "Variable \"$" + v.name + "\" has an invalid default value: " + e.message;
          r.errors.push_back(err);
        }
      } else if (type->nonNull()) {
        err.message = "Variable \"$" + v.name + "\" of required type \"" + printTypeRef(*type) +
                      "\" was not provided.";
        r.errors.push_back(err);
      }
      continue;
    }
    if (it->is_null() && type->nonNull()) {
      err.message = "Variable \"$" + v.name + "\" of non-null type \"" + printTypeRef(*type) +
                    "\" must not be null.";
      r.errors.push_back(err);
      continue;
    }
    try {
      vars[v.name] = coerceInputValue(*it, *type);
    } catch (const InputError& e) {
      err.message = "Variable \"$" + v.name + "\" got invalid value " + inspect(e.value) +
                    (e.path.empty() ? "" : " at \"" + v.name + e.path + "\"") + "; " + e.message;
      if (!e.path.empty()) err.extensions["field"] = v.name + e.path;
      r.errors.push_back(err);
    }
  }
  if (!r.errors.empty()) {
    r.outcome = Response::Outcome::kRequestError;
    return r;
  }

  Executor ex(s, doc, req, std::move(vars));
  OrderedJson data;
  bool ok = ex.run(*op, root, data);
  r.data = ok ? std::move(data) : OrderedJson(nullptr);
  r.errors = std::move(ex.errors);
  return r;
}

std::vector<GraphQLError> validate(const ExecutableSchema& schema, std::string_view document,
                                   const Limits& limits) {
  std::vector<GraphQLError> errors;
  try {
    prepareDocument(schema, document, limits, errors);
  } catch (...) {
    errors.push_back(requestError("Internal server error", "INTERNAL_SERVER_ERROR"));
  }
  return errors;
}

}  // namespace maestro::graphql
