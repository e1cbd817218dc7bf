// Functions over graph entities and paths: id, labels, type, properties,
// keys, startNode, endNode, nodes, relationships, length, exists.
#include "engine/expression/expression_internal.h"

namespace maestro::engine::detail {

namespace {

// A relationship's type and endpoints stay readable after it was deleted
// earlier in the same query (Return2 [14] asks this of type()): the graph
// keeps them in the tombstone. Its properties do not survive.
const RelRecord& relStructure(const Value& v, const EvalContext& ctx) {
  if (v.relId() >= ctx.graph.relIdLimit()) return liveRel(v.relId(), ctx);  // throws
  return ctx.graph.rel(v.relId());
}

Value id(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (v.isNode()) return Value(static_cast<int64_t>(v.nodeId()));
  if (v.isRel()) return Value(static_cast<int64_t>(v.relId()));
  throwArgumentValue("id", "a NODE or RELATIONSHIP", v);
}

Value labels(std::span<const Value> args, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isNode()) throwArgumentValue("labels", "a NODE", v);
  const NodeRecord& node = liveNode(v.nodeId(), ctx);
  const NameTable& names = ctx.graph.catalog().labels();
  ValueList out;
  out.reserve(node.labels.size());
  for (LabelId label : node.labels) out.emplace_back(names.name(label));
  return Value(std::move(out));
}

Value type(std::span<const Value> args, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isRel()) throwArgumentValue("type", "a RELATIONSHIP", v);
  return Value(ctx.graph.catalog().relTypes().name(relStructure(v, ctx).type));
}

Value properties(std::span<const Value> args, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (v.isMap()) return v;
  if (v.isNode() || v.isRel()) return Value(entityProperties(v, ctx));
  throwArgumentValue("properties", "a MAP, NODE or RELATIONSHIP", v);
}

Value keys(std::span<const Value> args, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  ValueList out;
  if (v.isMap()) {
    // Keys with null values count: the map has them (Map3 [4]).
    out.reserve(v.asMap().size());
    for (const auto& [k, value] : v.asMap()) out.emplace_back(k);
    return Value(std::move(out));
  }
  if (v.isNode() || v.isRel()) {
    const Properties& props =
        v.isNode() ? liveNode(v.nodeId(), ctx).properties : liveRel(v.relId(), ctx).properties;
    const NameTable& names = ctx.graph.catalog().propertyKeys();
    out.reserve(props.size());
    for (const auto& [key, value] : props.entries()) out.emplace_back(names.name(key));
    return Value(std::move(out));
  }
  throwArgumentValue("keys", "a MAP, NODE or RELATIONSHIP", v);
}

Value startNode(std::span<const Value> args, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isRel()) throwArgumentValue("startNode", "a RELATIONSHIP", v);
  return Value::node(relStructure(v, ctx).src);
}

Value endNode(std::span<const Value> args, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isRel()) throwArgumentValue("endNode", "a RELATIONSHIP", v);
  return Value::node(relStructure(v, ctx).dst);
}

Value nodes(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isPath()) throwArgumentValue("nodes", "a PATH", v);
  ValueList out;
  out.reserve(v.asPath().nodes.size());
  for (uint64_t n : v.asPath().nodes) out.push_back(Value::node(n));
  return Value(std::move(out));
}

Value relationships(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isPath()) throwArgumentValue("relationships", "a PATH", v);
  ValueList out;
  out.reserve(v.asPath().rels.size());
  for (uint64_t r : v.asPath().rels) out.push_back(Value::rel(r));
  return Value(std::move(out));
}

Value length(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isPath()) throwArgumentValue("length", "a PATH", v);
  return Value(static_cast<int64_t>(v.asPath().rels.size()));
}

// exists(n.prop): the binder only lets a property through (a pattern
// becomes a subplan), so the argument is the property's value.
Value exists(std::span<const Value> args, EvalContext&) { return Value(!args[0].isNull()); }

}  // namespace

void addGraphFunctions(std::vector<FunctionDef>& out) {
  out.push_back({"id", 1, 1, false, true, id});
  out.push_back({"labels", 1, 1, false, true, labels});
  out.push_back({"type", 1, 1, false, true, type});
  out.push_back({"properties", 1, 1, false, true, properties});
  out.push_back({"keys", 1, 1, false, true, keys});
  out.push_back({"startNode", 1, 1, false, true, startNode});
  out.push_back({"endNode", 1, 1, false, true, endNode});
  out.push_back({"nodes", 1, 1, false, true, nodes});
  out.push_back({"relationships", 1, 1, false, true, relationships});
  out.push_back({"length", 1, 1, false, true, length});
  out.push_back({"exists", 1, 1, false, true, exists});
}

}  // namespace maestro::engine::detail
