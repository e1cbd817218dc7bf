// Expressions that read the graph: properties, labels, types, keys and
// what happens after an entity was deleted (Graph3-9, Return2 [14]-[17]).
#include <vector>

#include "expr_test_util.h"

namespace maestro::engine {
namespace {

using namespace maestro::engine::testing;  // NOLINT

const Value T(true);
const Value F(false);
const Value N;

class GraphExprTest : public ExprTest {
 protected:
  void SetUp() override {
    Catalog& c = graph_.catalog();
    foo_ = c.labels().intern("Foo");
    bar_ = c.labels().intern("Bar");
    name_ = c.propertyKeys().intern("name");
    level_ = c.propertyKeys().intern("level");
    knows_ = c.relTypes().intern("KNOWS");
    Properties a_props;
    a_props.set(name_, Value("Popeye"));
    a_props.set(level_, Value(9001));
    a_ = graph_.addNode({foo_, bar_}, std::move(a_props));
    b_ = graph_.addNode({}, Properties());
    Properties r_props;
    r_props.set(name_, Value("since"));
    r_ = graph_.addRel(knows_, a_, b_, std::move(r_props));
  }

  BoundExprPtr hasLabels(BoundExprPtr target, std::vector<std::optional<LabelId>> labels) {
    auto e = node(BoundKind::kHasLabels, exprs(std::move(target)));
    e->label_ids = std::move(labels);
    return e;
  }

  Value fn(std::string_view name, Value arg) { return eval(callv(name, {std::move(arg)})); }
  std::string fnError(std::string_view name, Value arg) {
    return evalError(callv(name, {std::move(arg)}));
  }

  LabelId foo_ = 0, bar_ = 0;
  PropKeyId name_ = 0, level_ = 0;
  RelTypeId knows_ = 0;
  NodeId a_ = 0, b_ = 0;
  RelId r_ = 0;
};

TEST_F(GraphExprTest, PropertiesOfNodesAndRelationships) {
  row_[0] = Value::node(a_);
  row_[1] = Value::rel(r_);
  EXPECT_VALUE(eval(prop(slot(0), "name", name_)), Value("Popeye"));
  EXPECT_VALUE(eval(prop(slot(0), "name")), Value("Popeye"));  // key resolved at runtime
  EXPECT_VALUE(eval(prop(slot(0), "missing")), N);
  EXPECT_VALUE(eval(prop(slot(1), "name", name_)), Value("since"));
  EXPECT_VALUE(eval(prop(slot(1), "level", level_)), N);
  // Graph7: dynamic lookup n['nam' + 'e'].
  EXPECT_VALUE(eval(subscript(slot(0), binary(BoundKind::kAdd, Value("nam"), Value("e")))),
               Value("Popeye"));
  EXPECT_EQ(evalError(subscript(slot(0), lit(1))), "TypeError.MapElementAccessByNonString");
  // Graph6 [4]: through an expression.
  EXPECT_VALUE(eval(prop(subscript(lit(list({123, Value::node(a_)})), lit(1)), "level")),
               Value(9001));
}

TEST_F(GraphExprTest, PropertyOfIsCallableDirectly) {
  EXPECT_VALUE(propertyOf(Value::node(a_), "level", std::nullopt, ctx_), Value(9001));
  EXPECT_VALUE(propertyOf(Value::node(a_), "level", level_, ctx_), Value(9001));
  EXPECT_VALUE(propertyOf(Value::rel(r_), "nope", std::nullopt, ctx_), N);
  EXPECT_VALUE(propertyOf(map({{"k", 1}}), "k", std::nullopt, ctx_), Value(1));
  EXPECT_VALUE(propertyOf(N, "k", std::nullopt, ctx_), N);
  EXPECT_EQ(errorDetail([&] {
              propertyOf(Value(PathValue{{a_}, {}}), "k", std::nullopt, ctx_);
            }),
            "TypeError.InvalidArgumentType");
}

TEST_F(GraphExprTest, AKeyCreatedAfterBindingIsFound) {
  // Bound while "late" did not exist (no key id), set afterwards.
  auto e = prop(lit(Value::node(b_)), "late");
  EXPECT_VALUE(eval(e), N);
  PropKeyId late = graph_.catalog().propertyKeys().intern("late");
  graph_.setNodeProperty(b_, late, Value(1));
  EXPECT_VALUE(eval(e), Value(1));
}

TEST_F(GraphExprTest, LabelChecks) {
  row_[0] = Value::node(a_);
  row_[1] = Value::node(b_);
  EXPECT_VALUE(eval(hasLabels(slot(0), {foo_})), T);
  EXPECT_VALUE(eval(hasLabels(slot(0), {bar_, foo_, bar_})), T);
  EXPECT_VALUE(eval(hasLabels(slot(1), {foo_})), F);
  EXPECT_VALUE(eval(hasLabels(slot(0), {foo_, std::nullopt})), F);  // unknown label name
  EXPECT_VALUE(eval(hasLabels(lit(N), {foo_})), N);                 // Graph5 [5]
  EXPECT_EQ(evalError(hasLabels(lit(1), {foo_})), "TypeError.InvalidArgumentType");
}

TEST_F(GraphExprTest, GraphFunctions) {
  Value a = Value::node(a_);
  Value r = Value::rel(r_);
  Value labels = fn("labels", a);
  ASSERT_TRUE(labels.isList());
  EXPECT_EQ(toDebugString(labels), "['Foo', 'Bar']");
  EXPECT_VALUE(fn("labels", Value::node(b_)), list({}));
  EXPECT_VALUE(fn("type", r), Value("KNOWS"));
  EXPECT_VALUE(fn("keys", a), list({"name", "level"}));
  EXPECT_VALUE(fn("keys", Value::node(b_)), list({}));
  EXPECT_EQ(toDebugString(fn("properties", a)), "{level: 9001, name: 'Popeye'}");
  EXPECT_EQ(toDebugString(fn("properties", r)), "{name: 'since'}");
  EXPECT_EQ(toDebugString(fn("startNode", r)), "(#" + std::to_string(a_) + ")");
  EXPECT_EQ(toDebugString(fn("endNode", r)), "(#" + std::to_string(b_) + ")");
  EXPECT_VALUE(fn("id", a), Value(static_cast<int64_t>(a_)));
  EXPECT_EQ(fnError("type", a), "TypeError.InvalidArgumentValue");
  EXPECT_EQ(fnError("labels", r), "TypeError.InvalidArgumentValue");
}

TEST_F(GraphExprTest, MapProjectionOfANode) {
  row_[0] = Value::node(a_);
  auto e = node(BoundKind::kMapProjection, exprs(slot(0)));
  BoundMapProjectionItem name_item;
  name_item.kind = BoundMapProjectionItem::Kind::kProperty;
  name_item.key = "name";
  name_item.key_id = name_;
  e->projection_items.push_back(std::move(name_item));
  EXPECT_EQ(toDebugString(eval(e)), "{name: 'Popeye'}");
  BoundMapProjectionItem all;
  all.kind = BoundMapProjectionItem::Kind::kAllProperties;
  e->projection_items.push_back(std::move(all));
  EXPECT_EQ(toDebugString(eval(e)), "{level: 9001, name: 'Popeye'}");
}

TEST_F(GraphExprTest, DeletedEntities) {
  graph_.removeRel(r_);
  graph_.removeNode(b_);
  Value b = Value::node(b_);
  Value r = Value::rel(r_);
  // Return2 [15]-[17]: properties and labels of deleted entities fail …
  EXPECT_EQ(evalError(prop(lit(b), "name", name_)), "EntityNotFound.DeletedEntityAccess");
  EXPECT_EQ(evalError(prop(lit(r), "name", name_)), "EntityNotFound.DeletedEntityAccess");
  EXPECT_EQ(fnError("labels", b), "EntityNotFound.DeletedEntityAccess");
  EXPECT_EQ(fnError("keys", b), "EntityNotFound.DeletedEntityAccess");
  EXPECT_EQ(fnError("properties", r), "EntityNotFound.DeletedEntityAccess");
  EXPECT_EQ(evalError(hasLabels(lit(b), {foo_})), "EntityNotFound.DeletedEntityAccess");
  // … while the type and endpoints of a deleted relationship remain (Return2 [14]).
  EXPECT_VALUE(fn("type", r), Value("KNOWS"));
  EXPECT_EQ(toDebugString(fn("endNode", r)), "(#" + std::to_string(b_) + ")");
  EXPECT_VALUE(fn("id", b), Value(static_cast<int64_t>(b_)));
  // An id that never existed is as gone as a deleted one.
  EXPECT_EQ(fnError("type", Value::rel(999)), "EntityNotFound.DeletedEntityAccess");
  EXPECT_EQ(evalError(prop(lit(Value::node(999)), "name")), "EntityNotFound.DeletedEntityAccess");
}

TEST_F(GraphExprTest, ComprehensionOverNodes) {
  // [x IN [a, b] WHERE x:Foo | x.name]
  auto e = comprehension(2, lit(list({Value::node(a_), Value::node(b_)})),
                         hasLabels(slot(2), {foo_}), prop(slot(2), "name", name_));
  EXPECT_VALUE(eval(e), list({"Popeye"}));
}

}  // namespace
}  // namespace maestro::engine
