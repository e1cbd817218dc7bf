#include "graphql/validation.h"

#include <algorithm>
#include <climits>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "graphql/values.h"

namespace maestro::graphql {
namespace {

constexpr int kSaturate = INT_MAX / 2;
// Work units (fields collected, pairs compared) the field-merging check may
// spend before giving up on a document.
constexpr long kMergeBudget = 200000;

struct MergeBudgetExceeded {};

std::string dq(std::string_view s) { return "\"" + std::string(s) + "\""; }

class Validator {
 public:
  Validator(const Schema& s, const ast::Document& d) : s_(s), d_(d) {
    for (const auto& f : d.fragments) {
      if (!fragments_.count(f.name)) fragments_[f.name] = &f;
    }
  }

  std::vector<GraphQLError> run() {
    for (const auto& f : d_.foreign) {
      report("The " + (f.name == "schema" ? std::string("schema") : dq(f.name)) +
                 " definition is not executable.",
             {f.loc});
    }
    std::map<std::string, int> op_names;
    for (const auto& op : d_.operations) {
      if (!op.name.empty() && ++op_names[op.name] == 2) {
        report("There can be only one operation named " + dq(op.name) + ".", {op.loc});
      }
      if (op.name.empty() && d_.operations.size() > 1) {
        report("This anonymous operation must be the only defined operation.", {op.loc});
      }
    }
    std::map<std::string, int> frag_names;
    for (const auto& f : d_.fragments) {
      if (++frag_names[f.name] == 2) report("There can be only one fragment named " + dq(f.name) + ".", {f.loc});
    }
    for (const auto& f : d_.fragments) checkFragment(f);
    for (const auto& op : d_.operations) checkOperation(op);
    checkFragmentsUsed();
    checkFragmentCycles();
    return std::move(errors_);
  }

 private:
  struct Usage {
    std::string name;
    Location loc;
    std::shared_ptr<const TypeRef> type;  // null when the position's type is unknown
    bool location_default = false;
  };
  struct DefinitionInfo {
    std::vector<Usage> usages;
    std::vector<std::pair<std::string, Location>> spreads;
  };

  void report(std::string message, std::vector<Location> locs, std::string code = "GRAPHQL_VALIDATION_FAILED") {
    auto key = std::make_pair(message, locs.empty() ? Location{} : locs[0]);
    for (const auto& e : errors_) {
      if (e.message == message && e.locations.size() == locs.size() &&
          (locs.empty() || (e.locations[0].line == key.second.line && e.locations[0].column == key.second.column))) {
        return;
      }
    }
    GraphQLError e;
    e.message = std::move(message);
    e.locations = std::move(locs);
    e.code = std::move(code);
    errors_.push_back(std::move(e));
  }

  // ---- definitions ----

  void checkFragment(const ast::FragmentDefinition& f) {
    const Type* t = s_.type(f.type_condition);
    if (!t) {
      report("Unknown type " + dq(f.type_condition) + ".", {f.type_condition_loc});
    } else if (!t->isComposite()) {
      report("Fragment " + dq(f.name) + " cannot condition on non composite type " + dq(f.type_condition) + ".",
             {f.type_condition_loc});
      t = nullptr;
    }
    DefinitionInfo& info = fragment_info_[f.name];
    if (fragments_[f.name] != &f) {
      DefinitionInfo scratch;
      info_ = &scratch;
      checkDirectives(f.directives, "FRAGMENT_DEFINITION");
      walk(f.selection_set, t);
      return;
    }
    info_ = &info;
    checkDirectives(f.directives, "FRAGMENT_DEFINITION");
    walk(f.selection_set, t);
  }

  void checkOperation(const ast::OperationDefinition& op) {
    DefinitionInfo info;
    info_ = &info;
    const Type* root = s_.rootType(op.type);
    static const char* kNames[] = {"query", "mutation", "subscription"};
    static const char* kLocs[] = {"QUERY", "MUTATION", "SUBSCRIPTION"};
    int k = static_cast<int>(op.type);
    if (!root) {
      report(std::string("Schema is not configured to execute ") + kNames[k] + " operation.", {op.loc});
    }
    checkDirectives(op.directives, kLocs[k]);
    std::map<std::string, const ast::VariableDefinition*> defined;
    std::map<std::string, std::shared_ptr<const TypeRef>> var_types;
    for (const auto& v : op.variables) {
      if (defined.count(v.name)) {
        report("There can be only one variable named " + dq("$" + v.name) + ".", {v.loc});
        continue;
      }
      defined[v.name] = &v;
      const std::string& base = ast::namedType(*v.type);
      const Type* bt = s_.type(base);
      if (!bt) {
        report("Unknown type " + dq(base) + ".", {v.type->loc});
      } else if (!bt->isInput()) {
        report("Variable " + dq("$" + v.name) + " cannot be non-input type " + dq(ast::printType(*v.type)) + ".",
               {v.type->loc});
      } else {
        auto t = resolve(*v.type);
        var_types[v.name] = t;
        if (v.default_value) {
          std::vector<std::pair<std::string, Location>> problems;
          checkLiteral(*v.default_value, *t, problems);
          for (auto& [m, l] : problems) report(m, {l});
        }
      }
      checkDirectives(v.directives, "VARIABLE_DEFINITION");
    }
    walk(op.selection_set, root);

    if (op.type == OperationType::kSubscription && root) {
      std::vector<std::pair<std::string, const ast::Selection*>> top;
      std::set<std::string> seen_frags;
      std::function<void(const ast::SelectionSet&)> collect = [&](const ast::SelectionSet& set) {
        for (const auto& sel : set) {
          if (sel.kind == ast::Selection::Kind::kField) {
            bool dup = false;
            for (auto& [k2, n] : top) dup = dup || k2 == sel.responseKey();
            if (!dup) top.push_back({sel.responseKey(), &sel});
          } else if (sel.kind == ast::Selection::Kind::kInlineFragment) {
            collect(sel.selection_set);
          } else if (seen_frags.insert(sel.name).second && fragments_.count(sel.name)) {
            collect(fragments_[sel.name]->selection_set);
          }
        }
      };
      collect(op.selection_set);
      std::string who = op.name.empty() ? "Anonymous Subscription" : "Subscription " + dq(op.name);
      if (top.size() > 1) {
        std::vector<Location> locs;
        for (size_t i = 1; i < top.size(); ++i) locs.push_back(top[i].second->loc);
        report(who + " must select only one top level field.", locs);
      }
      for (auto& [key, sel] : top) {
        if (sel->name.rfind("__", 0) == 0) {
          report(who + " must not select an introspection top level field.", {sel->loc});
        }
      }
    }

    // Variables: defined, used, allowed — through every fragment reached.
    std::vector<Usage> usages = info.usages;
    std::set<std::string> reached;
    std::vector<std::string> stack;
    for (auto& [n, l] : info.spreads) stack.push_back(n);
    while (!stack.empty()) {
      std::string n = stack.back();
      stack.pop_back();
      if (!reached.insert(n).second) continue;
      used_fragments_.insert(n);
      auto it = fragment_info_.find(n);
      if (it == fragment_info_.end()) continue;
      usages.insert(usages.end(), it->second.usages.begin(), it->second.usages.end());
      for (auto& [n2, l2] : it->second.spreads) stack.push_back(n2);
    }
    std::set<std::string> used;
    for (const auto& u : usages) {
      used.insert(u.name);
      auto it = defined.find(u.name);
      if (it == defined.end()) {
        report("Variable " + dq("$" + u.name) + " is not defined" +
                   (op.name.empty() ? "" : " by operation " + dq(op.name)) + ".",
               {u.loc, op.loc});
        continue;
      }
      auto vt = var_types.find(u.name);
      if (vt == var_types.end() || !u.type) continue;
      if (!usageAllowed(*vt->second, *it->second, *u.type, u.location_default)) {
        report("Variable " + dq("$" + u.name) + " of type " + dq(printTypeRef(*vt->second)) +
                   " used in position expecting type " + dq(printTypeRef(*u.type)) + ".",
               {it->second->loc, u.loc});
      }
    }
    for (const auto& v : op.variables) {
      if (!used.count(v.name)) {
        report("Variable " + dq("$" + v.name) + " is never used" +
                   (op.name.empty() ? "" : " in operation " + dq(op.name)) + ".",
               {v.loc});
      }
    }
  }

  void checkFragmentsUsed() {
    for (const auto& f : d_.fragments) {
      if (!used_fragments_.count(f.name)) report("Fragment " + dq(f.name) + " is never used.", {f.loc});
    }
  }

  void checkFragmentCycles() {
    std::set<std::string> visited;
    std::map<std::string, size_t> in_path;
    std::vector<std::pair<std::string, Location>> path;
    std::function<void(const std::string&)> detect = [&](const std::string& name) {
      if (!visited.insert(name).second) return;
      auto info = fragment_info_.find(name);
      if (info == fragment_info_.end()) return;
      in_path[name] = path.size();
      for (const auto& spread : info->second.spreads) {
        path.push_back(spread);
        auto idx = in_path.find(spread.first);
        if (idx == in_path.end()) {
          if (fragments_.count(spread.first)) detect(spread.first);
        } else {
          std::vector<Location> locs;
          std::string via;
          for (size_t i = idx->second; i < path.size(); ++i) {
            locs.push_back(path[i].second);
            if (i + 1 < path.size()) via += (via.empty() ? "" : ", ") + dq(path[i].first);
          }
          report("Cannot spread fragment " + dq(spread.first) + " within itself" +
                     (via.empty() ? "" : " via " + via) + ".",
                 locs);
        }
        path.pop_back();
      }
      in_path.erase(name);
    };
    for (const auto& f : d_.fragments) detect(f.name);
  }

  // ---- selections ----

  std::shared_ptr<const TypeRef> resolve(const ast::TypeRef& t) {
    if (t.kind == ast::TypeRef::Kind::kNamed) {
      const Type* n = s_.type(t.name);
      return n ? n->self : nullptr;
    }
    auto of = resolve(*t.of);
    if (!of) return nullptr;
    auto r = std::make_shared<TypeRef>();
    r->kind = t.kind == ast::TypeRef::Kind::kList ? TypeRef::Kind::kList : TypeRef::Kind::kNonNull;
    r->of = of;
    return r;
  }

  static bool overlap(const Type* a, const Type* b) {
    auto objects = [](const Type* t) {
      std::vector<const Type*> out;
      if (t->kind == TypeKind::kObject) {
        out.push_back(t);
      } else {
        out = t->possible_types;
      }
      return out;
    };
    auto oa = objects(a), ob = objects(b);
    for (const Type* x : oa) {
      if (std::find(ob.begin(), ob.end(), x) != ob.end()) return true;
    }
    return false;
  }

  void walk(const ast::SelectionSet& set, const Type* parent) {
    if (parent) checkMerging(set, parent);
    for (const auto& sel : set) {
      switch (sel.kind) {
        case ast::Selection::Kind::kField: walkField(sel, parent); break;
        case ast::Selection::Kind::kInlineFragment: {
          const Type* cond = parent;
          if (!sel.type_condition.empty()) {
            const Type* t = s_.type(sel.type_condition);
            if (!t) {
              report("Unknown type " + dq(sel.type_condition) + ".", {sel.loc});
              cond = nullptr;
            } else if (!t->isComposite()) {
              report("Fragment cannot condition on non composite type " + dq(sel.type_condition) + ".", {sel.loc});
              cond = nullptr;
            } else {
              if (parent && !overlap(parent, t)) {
                report("Fragment cannot be spread here as objects of type " + dq(parent->name) +
                           " can never be of type " + dq(t->name) + ".",
                       {sel.loc});
              }
              cond = t;
            }
          }
          checkDirectives(sel.directives, "INLINE_FRAGMENT");
          walk(sel.selection_set, cond);
          break;
        }
        case ast::Selection::Kind::kFragmentSpread: {
          auto it = fragments_.find(sel.name);
          if (it == fragments_.end()) {
            report("Unknown fragment " + dq(sel.name) + ".", {sel.loc});
          } else {
            const Type* ft = s_.type(it->second->type_condition);
            if (parent && ft && ft->isComposite() && !overlap(parent, ft)) {
              report("Fragment " + dq(sel.name) + " cannot be spread here as objects of type " +
                         dq(parent->name) + " can never be of type " + dq(ft->name) + ".",
                     {sel.loc});
            }
          }
          info_->spreads.push_back({sel.name, sel.loc});
          checkDirectives(sel.directives, "FRAGMENT_SPREAD");
          break;
        }
      }
    }
  }

  void walkField(const ast::Selection& sel, const Type* parent) {
    const FieldDef* def = parent ? s_.fieldOn(parent, sel.name) : nullptr;
    if (parent && !def) {
      report("Cannot query field " + dq(sel.name) + " on type " + dq(parent->name) + ".", {sel.loc});
    }
    std::string owner = parent ? parent->name + "." + sel.name : sel.name;
    for (size_t i = 0; i < sel.arguments.size(); ++i) {
      const auto& a = sel.arguments[i];
      bool dup = false;
      for (size_t j = 0; j < i; ++j) dup = dup || sel.arguments[j].name == a.name;
      if (dup) report("There can be only one argument named " + dq(a.name) + ".", {a.loc});
      const InputValue* ad = def ? def->arg(a.name) : nullptr;
      if (def && !ad) report("Unknown argument " + dq(a.name) + " on field " + dq(owner) + ".", {a.loc});
      checkValue(a.value, ad ? ad->type : nullptr, ad && ad->default_literal);
    }
    if (def) {
      for (const auto& ad : def->args) {
        if (!ad.type->nonNull() || ad.default_literal) continue;
        bool given = false;
        for (const auto& a : sel.arguments) given = given || a.name == ad.name;
        if (!given) {
          report("Field " + dq(sel.name) + " argument " + dq(ad.name) + " of type " +
                     dq(printTypeRef(*ad.type)) + " is required, but it was not provided.",
                 {sel.loc});
        }
      }
    }
    checkDirectives(sel.directives, "FIELD");
    const Type* sub = nullptr;
    if (def) {
      const Type& named = def->type->base();
      if (named.isLeaf() && sel.has_selection_set) {
        report("Field " + dq(sel.name) + " must not have a selection since type " +
                   dq(printTypeRef(*def->type)) + " has no subfields.",
               {sel.loc});
      } else if (!named.isLeaf() && !sel.has_selection_set) {
        report("Field " + dq(sel.name) + " of type " + dq(printTypeRef(*def->type)) +
                   " must have a selection of subfields. Did you mean \"" + sel.name + " { ... }\"?",
               {sel.loc});
      }
      if (named.isComposite()) sub = &named;
    }
    if (sel.has_selection_set) walk(sel.selection_set, sub);
  }

  void checkDirectives(const std::vector<ast::Directive>& dirs, std::string_view location) {
    std::set<std::string> seen;
    for (const auto& d : dirs) {
      const DirectiveDef* def = s_.directive(d.name);
      if (!def) {
        report("Unknown directive " + dq("@" + d.name) + ".", {d.loc});
        for (const auto& a : d.arguments) checkValue(a.value, nullptr, false);
        continue;
      }
      if (!def->allows(location)) {
        report("Directive " + dq("@" + d.name) + " may not be used on " + std::string(location) + ".", {d.loc});
      }
      if (!def->repeatable && !seen.insert(d.name).second) {
        report("The directive " + dq("@" + d.name) + " can only be used once at this location.", {d.loc});
      }
      for (size_t i = 0; i < d.arguments.size(); ++i) {
        const auto& a = d.arguments[i];
        bool dup = false;
        for (size_t j = 0; j < i; ++j) dup = dup || d.arguments[j].name == a.name;
        if (dup) report("There can be only one argument named " + dq(a.name) + ".", {a.loc});
        const InputValue* ad = def->arg(a.name);
        if (!ad) report("Unknown argument " + dq(a.name) + " on directive " + dq("@" + d.name) + ".", {a.loc});
        checkValue(a.value, ad ? ad->type : nullptr, ad && ad->default_literal);
      }
      for (const auto& ad : def->args) {
        if (!ad.type->nonNull() || ad.default_literal) continue;
        bool given = false;
        for (const auto& a : d.arguments) given = given || a.name == ad.name;
        if (!given) {
          report("Directive " + dq("@" + d.name) + " argument " + dq(ad.name) + " of type " +
                     dq(printTypeRef(*ad.type)) + " is required, but it was not provided.",
                 {d.loc});
        }
      }
    }
  }

  // ValuesOfCorrectType for `value` at a position of `type` (null: unknown),
  // recording variable usages with their position types.
  void checkValue(const ast::Value& value, const std::shared_ptr<const TypeRef>& type, bool location_default) {
    if (type) {
      std::vector<std::pair<std::string, Location>> problems;
      checkLiteral(value, *type, problems);
      for (auto& [m, l] : problems) report(m, {l});
    }
    recordUsages(value, type, location_default);
  }

  void recordUsages(const ast::Value& v, std::shared_ptr<const TypeRef> type, bool location_default) {
    using K = ast::Value::Kind;
    if (v.kind == K::kVariable) {
      info_->usages.push_back({v.text, v.loc, type, location_default});
      return;
    }
    std::shared_ptr<const TypeRef> inner = type;
    if (inner && inner->nonNull()) inner = inner->of;
    if (v.kind == K::kList) {
      auto item = inner && inner->kind == TypeRef::Kind::kList ? inner->of : nullptr;
      for (const auto& i : v.list) recordUsages(i, item, false);
    } else if (v.kind == K::kObject) {
      const Type* t = inner && inner->kind == TypeRef::Kind::kNamed ? inner->named : nullptr;
      for (const auto& f : v.fields) {
        const InputValue* fd = t && t->kind == TypeKind::kInputObject ? t->inputField(f.name) : nullptr;
        recordUsages(f.value, fd ? fd->type : nullptr, fd && fd->default_literal);
      }
    }
  }

  static bool isSubType(const TypeRef& sub, const TypeRef& super) {
    if (super.nonNull()) return sub.nonNull() && isSubType(*sub.of, *super.of);
    if (sub.nonNull()) return isSubType(*sub.of, super);
    if (super.kind == TypeRef::Kind::kList) return sub.kind == TypeRef::Kind::kList && isSubType(*sub.of, *super.of);
    if (sub.kind == TypeRef::Kind::kList) return false;
    return sub.named == super.named || (super.named->isAbstract() && super.named->isPossibleType(sub.named));
  }

  static bool usageAllowed(const TypeRef& var_type, const ast::VariableDefinition& def, const TypeRef& loc_type,
                           bool location_default) {
    if (loc_type.nonNull() && !var_type.nonNull()) {
      bool var_default = def.default_value && def.default_value->kind != ast::Value::Kind::kNull;
      if (!var_default && !location_default) return false;
      return isSubType(var_type, *loc_type.of);
    }
    return isSubType(var_type, loc_type);
  }

  // ---- OverlappingFieldsCanBeMerged ----

  struct FieldInfo {
    const Type* parent;
    const ast::Selection* node;
    const FieldDef* def;
  };
  using FieldMap = std::vector<std::pair<std::string_view, std::vector<FieldInfo>>>;
  struct Conflict {
    std::string key;
    std::string reason;  // already formatted
    std::vector<Location> locs;
  };

  void spend(long units) {
    merge_work_ += units;
    if (merge_work_ > kMergeBudget) throw MergeBudgetExceeded{};
  }

  void collectForMerge(const Type* parent, const ast::SelectionSet& set, FieldMap& out,
                       std::set<std::string_view>& visited) {
    for (const auto& sel : set) {
      spend(1);
      switch (sel.kind) {
        case ast::Selection::Kind::kField: {
          FieldInfo fi{parent, &sel, parent ? s_.fieldOn(parent, sel.name) : nullptr};
          std::string_view key = sel.responseKey();
          auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
          if (it == out.end()) {
            out.push_back({key, {fi}});
          } else {
            it->second.push_back(fi);
          }
          break;
        }
        case ast::Selection::Kind::kInlineFragment: {
          const Type* t = sel.type_condition.empty() ? parent : s_.type(sel.type_condition);
          collectForMerge(t && t->isComposite() ? t : nullptr, sel.selection_set, out, visited);
          break;
        }
        case ast::Selection::Kind::kFragmentSpread: {
          if (!visited.insert(sel.name).second) break;
          for (const auto& [key, infos] : fragmentFields(sel.name)) {
            spend(static_cast<long>(infos.size()));
            auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
            if (it == out.end()) {
              out.push_back({key, infos});
            } else {
              it->second.insert(it->second.end(), infos.begin(), infos.end());
            }
          }
          break;
        }
      }
    }
  }

  // The fields of a fragment with its spreads expanded, computed once per
  // fragment (a chain of N fragments costs N, not N²). Empty on a cycle.
  const FieldMap& fragmentFields(const std::string& name) {
    auto memo = fragment_fields_.find(name);
    if (memo != fragment_fields_.end()) return memo->second;
    FieldMap& slot = fragment_fields_[name];
    auto it = fragments_.find(name);
    if (it == fragments_.end()) return slot;
    const Type* t = s_.type(it->second->type_condition);
    FieldMap fields;
    std::set<std::string_view> visited{it->second->name};
    collectForMerge(t && t->isComposite() ? t : nullptr, it->second->selection_set, fields, visited);
    slot = std::move(fields);
    return slot;
  }

  static bool sameArguments(const ast::Selection& a, const ast::Selection& b) {
    if (a.arguments.size() != b.arguments.size()) return false;
    for (const auto& x : a.arguments) {
      auto it = std::find_if(b.arguments.begin(), b.arguments.end(), [&](const auto& y) { return y.name == x.name; });
      if (it == b.arguments.end() || ast::printValue(x.value) != ast::printValue(it->value)) return false;
    }
    return true;
  }

  static bool typesConflict(const TypeRef& a, const TypeRef& b) {
    if (a.kind == TypeRef::Kind::kList) return b.kind == TypeRef::Kind::kList ? typesConflict(*a.of, *b.of) : true;
    if (b.kind == TypeRef::Kind::kList) return true;
    if (a.nonNull()) return b.nonNull() ? typesConflict(*a.of, *b.of) : true;
    if (b.nonNull()) return true;
    if (a.named->isLeaf() || b.named->isLeaf()) return a.named != b.named;
    return false;
  }

  std::optional<Conflict> findConflict(std::string_view key, const FieldInfo& f1, const FieldInfo& f2,
                                       bool parents_exclusive) {
    spend(1);
    if (f1.node == f2.node && f1.parent == f2.parent) return std::nullopt;
    bool exclusive = parents_exclusive || (f1.parent != f2.parent && f1.parent && f2.parent &&
                                           f1.parent->kind == TypeKind::kObject && f2.parent->kind == TypeKind::kObject);
    auto conflict = [&](std::string reason) {
      return Conflict{std::string(key), std::move(reason), {f1.node->loc, f2.node->loc}};
    };
    if (!exclusive) {
      if (f1.node->name != f2.node->name) {
        return conflict(dq(f1.node->name) + " and " + dq(f2.node->name) + " are different fields");
      }
      if (!sameArguments(*f1.node, *f2.node)) return conflict("they have differing arguments");
    }
    if (f1.def && f2.def && typesConflict(*f1.def->type, *f2.def->type)) {
      return conflict("they return conflicting types " + dq(printTypeRef(*f1.def->type)) + " and " +
                      dq(printTypeRef(*f2.def->type)));
    }
    if (f1.node->has_selection_set && f2.node->has_selection_set) {
      const Type* t1 = f1.def ? &f1.def->type->base() : nullptr;
      const Type* t2 = f2.def ? &f2.def->type->base() : nullptr;
      auto subs = conflictsBetween(t1 && t1->isComposite() ? t1 : nullptr, f1.node->selection_set,
                                   t2 && t2->isComposite() ? t2 : nullptr, f2.node->selection_set, exclusive);
      if (!subs.empty()) {
        Conflict c = conflict("");
        for (const auto& sc : subs) {
          c.reason += (c.reason.empty() ? "" : " and ") + std::string("subfields ") + dq(sc.key) +
                      " conflict because " + sc.reason;
          c.locs.insert(c.locs.end(), sc.locs.begin() + 2, sc.locs.end());
          c.locs.insert(c.locs.end(), sc.locs.begin(), sc.locs.begin() + 2);
        }
        return c;
      }
    }
    return std::nullopt;
  }

  std::vector<Conflict> conflictsBetween(const Type* p1, const ast::SelectionSet& s1, const Type* p2,
                                         const ast::SelectionSet& s2, bool exclusive) {
    FieldMap m1, m2;
    std::set<std::string_view> v1, v2;
    collectForMerge(p1, s1, m1, v1);
    collectForMerge(p2, s2, m2, v2);
    std::vector<Conflict> out;
    for (const auto& [key, fs1] : m1) {
      auto it = std::find_if(m2.begin(), m2.end(), [&](const auto& p) { return p.first == key; });
      if (it == m2.end()) continue;
      for (const auto& a : fs1) {
        for (const auto& b : it->second) {
          if (auto c = findConflict(key, a, b, exclusive)) out.push_back(std::move(*c));
        }
      }
    }
    return out;
  }

  void checkMerging(const ast::SelectionSet& set, const Type* parent) {
    if (merge_gave_up_) return;
    try {
      FieldMap m;
      std::set<std::string_view> visited;
      collectForMerge(parent, set, m, visited);
      for (const auto& [key, fs] : m) {
        for (size_t i = 0; i < fs.size(); ++i) {
          for (size_t j = i + 1; j < fs.size(); ++j) {
            if (auto c = findConflict(key, fs[i], fs[j], false)) {
              report("Fields " + dq(c->key) + " conflict because " + c->reason +
                         ". Use different aliases on the fields to fetch both if this was intentional.",
                     c->locs);
            }
          }
        }
      }
    } catch (const MergeBudgetExceeded&) {
      merge_gave_up_ = true;
      report("document is too complex to check that its fields can be merged (limit of " +
                 std::to_string(kMergeBudget) + " comparisons)",
             {}, "LIMIT_EXCEEDED");
    }
  }

  const Schema& s_;
  const ast::Document& d_;
  std::map<std::string, const ast::FragmentDefinition*> fragments_;
  std::map<std::string, DefinitionInfo> fragment_info_;
  DefinitionInfo* info_ = nullptr;
  std::set<std::string> used_fragments_;
  std::vector<GraphQLError> errors_;
  std::map<std::string, FieldMap> fragment_fields_;
  long merge_work_ = 0;
  bool merge_gave_up_ = false;
};

struct Measure {
  int depth = 0;
  int fields = 0;
};

class Measurer {
 public:
  explicit Measurer(const ast::Document& d) {
    for (const auto& f : d.fragments) fragments_.emplace(f.name, &f);
  }

  Measure selectionSet(const ast::SelectionSet& set) {
    Measure m;
    for (const auto& sel : set) {
      Measure sub;
      switch (sel.kind) {
        case ast::Selection::Kind::kField:
          sub = selectionSet(sel.selection_set);
          m.fields = add(m.fields, add(1, sub.fields));
          // Introspection's `ofType` chain is a single object per level: it
          // cannot multiply the result, and graphql-js's standard query
          // nests it nine deep, so it does not count as depth.
          m.depth = std::max(m.depth, sub.depth + (sel.name == "ofType" ? 0 : 1));
          continue;
        case ast::Selection::Kind::kInlineFragment: sub = selectionSet(sel.selection_set); break;
        case ast::Selection::Kind::kFragmentSpread: sub = fragment(sel.name); break;
      }
      m.fields = add(m.fields, sub.fields);
      m.depth = std::max(m.depth, sub.depth);
    }
    return m;
  }

 private:
  static int add(int a, int b) { return std::min<long>(static_cast<long>(a) + b, kSaturate); }

  Measure fragment(const std::string& name) {
    auto memo = memo_.find(name);
    if (memo != memo_.end()) return memo->second;
    auto it = fragments_.find(name);
    if (it == fragments_.end()) return {};
    memo_[name] = Measure{};  // a cycle counts as nothing here; validation reports it
    Measure m = selectionSet(it->second->selection_set);
    memo_[name] = m;
    return m;
  }

  std::map<std::string, const ast::FragmentDefinition*> fragments_;
  std::map<std::string, Measure> memo_;
};

}  // namespace

std::vector<GraphQLError> validateDocument(const Schema& schema, const ast::Document& document) {
  return Validator(schema, document).run();
}

DocumentMeasure measureDocument(const ast::Document& document) {
  Measurer m(document);
  DocumentMeasure out;
  for (const auto& op : document.operations) {
    Measure x = m.selectionSet(op.selection_set);
    out.depth = std::max(out.depth, x.depth);
    out.fields = std::min<long>(static_cast<long>(out.fields) + x.fields, kSaturate);
  }
  return out;
}

}  // namespace maestro::graphql
