#include "engine/expression/function_registry.h"

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/common/errors.h"
#include "engine/expression/expression_internal.h"

namespace maestro::engine {

namespace detail {

void throwArgumentType(std::string_view fn, std::string_view expected, const Value& got) {
  throw typeError("InvalidArgumentType", std::string(fn) + "(): expected " + std::string(expected) +
                                             " but got " + std::string(got.typeName()));
}

void throwArgumentValue(std::string_view fn, std::string_view expected, const Value& got) {
  throw typeError("InvalidArgumentValue", std::string(fn) + "(): expected " +
                                              std::string(expected) + " but got " +
                                              std::string(got.typeName()));
}

}  // namespace detail

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void addAggregates(std::vector<FunctionDef>& out) {
  // Computed by the aggregation operator; listed so that the binder knows
  // the names and arities.
  auto agg = [&out](const char* name, int min_args, int max_args) {
    FunctionDef f{name, min_args, max_args};
    f.aggregate = true;
    out.push_back(std::move(f));
  };
  agg("count", 1, 1);
  agg("sum", 1, 1);
  agg("avg", 1, 1);
  agg("min", 1, 1);
  agg("max", 1, 1);
  agg("collect", 1, 1);
  agg("stDev", 1, 1);
  agg("stDevP", 1, 1);
  agg("percentileCont", 2, 2);
  agg("percentileDisc", 2, 2);
}

void addOtherFunctions(std::vector<FunctionDef>& out) {
  FunctionDef ts{"timestamp", 0, 0};
  ts.deterministic = false;
  ts.impl = [](std::span<const Value>, EvalContext&) -> Value {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return Value(
        static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
  };
  out.push_back(std::move(ts));
}

const std::vector<FunctionDef>& allFunctions() {
  // Built once, never modified afterwards: pointers into it stay valid for
  // the life of the process and it is safe to read from any thread.
  static const std::vector<FunctionDef> defs = [] {
    std::vector<FunctionDef> v;
    detail::addGraphFunctions(v);
    detail::addListFunctions(v);
    detail::addMathFunctions(v);
    detail::addStringFunctions(v);
    detail::addConversionFunctions(v);
    detail::addTemporalFunctions(v);
    addOtherFunctions(v);
    addAggregates(v);
    return v;
  }();
  return defs;
}

}  // namespace

const FunctionDef* findFunction(std::string_view name) {
  static const std::unordered_map<std::string, const FunctionDef*> by_name = [] {
    std::unordered_map<std::string, const FunctionDef*> m;
    for (const FunctionDef& f : allFunctions()) m.emplace(lower(f.name), &f);
    return m;
  }();
  auto it = by_name.find(lower(name));
  return it == by_name.end() ? nullptr : it->second;
}

}  // namespace maestro::engine
