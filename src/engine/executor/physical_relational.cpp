// Relational operators: filter, projection, unwind, aggregation, distinct,
// sort, skip/limit, apply/optional, union, eager.
#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "common/error.h"
#include "engine/common/errors.h"
#include "engine/executor/physical_operators.h"
#include "engine/expression/function_registry.h"

namespace maestro::engine {
namespace {

std::string exprList(const std::vector<const BoundExpr*>& exprs) {
  std::string s;
  for (const auto* e : exprs) s += (s.empty() ? "" : " AND ") + e->text;
  return s;
}

// SKIP/LIMIT values: non-negative integers, checked at run time when they
// come from parameters.
int64_t countArgument(ExecContext& ctx, const BoundExpr* e, const char* what) {
  Row empty;
  Value v = evaluate(*e, empty, ctx.eval);
  if (!v.isInt()) {
    throw syntaxError("InvalidArgumentType",
                      std::string(what) + ": expected a non-negative integer, got " +
                          toDebugString(v));
  }
  if (v.asInt() < 0) {
    throw syntaxError("NegativeIntegerArgument",
                      std::string(what) + ": expected a non-negative integer, got " +
                          std::to_string(v.asInt()));
  }
  return v.asInt();
}

}  // namespace

// ---- Filter -----------------------------------------------------------------

std::string FilterOp::details() const { return exprList(predicates_); }

bool FilterOp::next(ExecContext& ctx, Row& row) {
  while (child()->pull(ctx, row)) {
    bool keep = true;
    for (const BoundExpr* p : predicates_) {
      if (!isTrue(evaluate(*p, row, ctx.eval))) {
        keep = false;
        break;
      }
    }
    if (keep) return true;
  }
  return false;
}

// ---- Projection -------------------------------------------------------------

std::string ProjectOp::details() const {
  std::string s;
  for (const auto& [slot, e] : items_) s += (s.empty() ? "" : ", ") + e->text;
  return s;
}

bool ProjectOp::next(ExecContext& ctx, Row& row) {
  if (!child()->pull(ctx, row)) return false;
  // Output slots are fresh, so evaluating in order cannot read an output.
  for (const auto& [slot, e] : items_) row[slot] = evaluate(*e, row, ctx.eval);
  return true;
}

// ---- Unwind -----------------------------------------------------------------

void UnwindOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  have_input_ = false;
}

void UnwindOp::close() {
  Operator::close();
  items_ = Value();
  releaseMemory(input_);
}

std::string UnwindOp::details() const { return list_->text; }

bool UnwindOp::next(ExecContext& ctx, Row& row) {
  for (;;) {
    if (!have_input_) {
      if (!child()->pull(ctx, input_)) return false;
      items_ = evaluate(*list_, input_, ctx.eval);
      if (items_.isNull()) continue;
      if (!items_.isList()) {
        row = input_;
        row[slot_] = items_;
        return true;
      }
      pos_ = 0;
      have_input_ = true;
    }
    const ValueList& list = items_.asList();
    if (pos_ < list.size()) {
      row = input_;
      row[slot_] = list[pos_++];
      return true;
    }
    have_input_ = false;
  }
}

// ---- Aggregate --------------------------------------------------------------

namespace {

struct KeyHash {
  size_t operator()(const std::vector<Value>& k) const {
    size_t h = 0x9e3779b97f4a7c15ULL;
    for (const auto& v : k) h = h * 31 + hashValue(v);
    return h;
  }
};
struct KeyEq {
  bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!equivalent(a[i], b[i])) return false;
    }
    return true;
  }
};

// The running state of one aggregate in one group.
struct AggState {
  int64_t count = 0;
  bool int_sum = true;
  int64_t isum = 0;
  double dsum = 0;
  std::optional<Value> best;  // min / max
  ValueList values;           // collect, percentiles, stDev
  std::unordered_set<Value, ValueHash, ValueEquivalent> distinct;
  Value percentile;
};

void addNumber(AggState& s, const Value& v, const std::string& fn) {
  if (!v.isNumber()) {
    throw typeError("InvalidArgumentType",
                    fn + "() expects numbers, got " + std::string(v.typeName()));
  }
  if (v.isInt() && s.int_sum) {
    int64_t out;
    if (__builtin_add_overflow(s.isum, v.asInt(), &out)) {
      throw argumentError("NumberOutOfRange", "integer overflow in " + fn + "()");
    }
    s.isum = out;
  } else {
    if (s.int_sum) {
      s.dsum = static_cast<double>(s.isum);
      s.int_sum = false;
    }
    s.dsum += v.asNumber();
  }
}

void accumulate(AggState& s, const BoundAggregate& agg, ExecContext& ctx, Row& row) {
  if (agg.args.empty()) {  // count(*)
    ++s.count;
    return;
  }
  Value v = evaluate(*agg.args[0], row, ctx.eval);
  if (v.isNull()) return;
  if (agg.distinct && !s.distinct.insert(v).second) return;
  ++s.count;
  const std::string& fn = agg.name;
  if (fn == "count") return;
  if (fn == "sum" || fn == "avg") {
    addNumber(s, v, fn);
  } else if (fn == "min" || fn == "max") {
    if (!s.best) {
      s.best = v;
    } else {
      int c = orderCompare(v, *s.best);
      // min/max over mixed kinds follow the ORDER BY order.
      if ((fn == "min" && c < 0) || (fn == "max" && c > 0)) s.best = v;
    }
  } else if (fn == "collect") {
    s.values.push_back(v);
  } else if (fn == "stdev" || fn == "stdevp" || fn == "percentilecont" ||
             fn == "percentiledisc") {
    if (!v.isNumber()) {
      throw typeError("InvalidArgumentType",
                      agg.function->name + "() expects numbers, got " + std::string(v.typeName()));
    }
    s.values.push_back(v);
    if (agg.args.size() > 1) {
      Value p = evaluate(*agg.args[1], row, ctx.eval);
      if (!p.isNumber() || p.asNumber() < 0 || p.asNumber() > 1) {
        throw argumentError("NumberOutOfRange",
                            agg.function->name + "(): the percentile must be between 0.0 and "
                                                 "1.0, got " + toDebugString(p));
      }
      s.percentile = p;
    }
  } else {
    throw Error::internal("unknown aggregate " + fn);
  }
}

Value finish(const AggState& s, const BoundAggregate& agg) {
  const std::string& fn = agg.name;
  if (fn == "count") return Value(s.count);
  if (fn == "sum") return s.int_sum ? Value(s.isum) : Value(s.dsum);
  if (fn == "avg") {
    if (s.count == 0) return Value();
    double total = s.int_sum ? static_cast<double>(s.isum) : s.dsum;
    return Value(total / static_cast<double>(s.count));
  }
  if (fn == "min" || fn == "max") return s.best ? *s.best : Value();
  if (fn == "collect") return Value(s.values);
  if (fn == "stdev" || fn == "stdevp") {
    size_t n = s.values.size();
    if (n == 0 || (fn == "stdev" && n == 1)) return Value(0.0);
    double mean = 0;
    for (const auto& v : s.values) mean += v.asNumber();
    mean /= static_cast<double>(n);
    double sq = 0;
    for (const auto& v : s.values) sq += (v.asNumber() - mean) * (v.asNumber() - mean);
    return Value(std::sqrt(sq / static_cast<double>(fn == "stdev" ? n - 1 : n)));
  }
  if (fn == "percentilecont" || fn == "percentiledisc") {
    if (s.values.empty()) return Value();
    std::vector<double> xs;
    for (const auto& v : s.values) xs.push_back(v.asNumber());
    std::sort(xs.begin(), xs.end());
    double p = s.percentile.isNumber() ? s.percentile.asNumber() : 0;
    if (fn == "percentiledisc") {
      size_t idx = p == 0 ? 0
                          : static_cast<size_t>(std::ceil(p * static_cast<double>(xs.size()))) - 1;
      idx = std::min(idx, xs.size() - 1);
      // Keep integers integral.
      std::vector<Value> sorted(s.values);
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const Value& a, const Value& b) { return a.asNumber() < b.asNumber(); });
      return sorted[idx];
    }
    double pos = p * static_cast<double>(xs.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(pos));
    size_t hi = static_cast<size_t>(std::ceil(pos));
    return Value(xs[lo] + (xs[hi] - xs[lo]) * (pos - static_cast<double>(lo)));
  }
  throw Error::internal("unknown aggregate " + fn);
}

}  // namespace

void AggregateOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  output_.clear();
  pos_ = 0;
  consumed_ = false;
}

void AggregateOp::close() {
  Operator::close();
  releaseMemory(output_);
}

std::string AggregateOp::details() const {
  std::string s;
  for (const auto& [slot, e] : keys_) s += (s.empty() ? "keys: " : ", ") + e->text;
  std::string a;
  for (const auto& agg : *aggregates_) a += (a.empty() ? "" : ", ") + agg.name + "(…)";
  return s.empty() ? a : s + "; " + a;
}

void AggregateOp::consume(ExecContext& ctx) {
  std::unordered_map<std::vector<Value>, size_t, KeyHash, KeyEq> groups;
  std::vector<std::vector<Value>> group_keys;
  std::vector<std::vector<AggState>> states;
  Row row;
  std::vector<Value> key;
  while (child()->pull(ctx, row)) {
    key.clear();
    for (const auto& [slot, e] : keys_) key.push_back(evaluate(*e, row, ctx.eval));
    auto [it, inserted] = groups.try_emplace(key, group_keys.size());
    if (inserted) {
      group_keys.push_back(key);
      states.emplace_back(aggregates_->size());
    }
    auto& st = states[it->second];
    for (size_t i = 0; i < aggregates_->size(); ++i) {
      accumulate(st[i], (*aggregates_)[i], ctx, row);
    }
  }
  if (keys_.empty() && group_keys.empty()) {
    group_keys.emplace_back();
    states.emplace_back(aggregates_->size());
  }
  for (size_t g = 0; g < group_keys.size(); ++g) {
    Row out(static_cast<size_t>(num_slots_));
    for (size_t k = 0; k < keys_.size(); ++k) out[keys_[k].first] = group_keys[g][k];
    for (size_t i = 0; i < aggregates_->size(); ++i) {
      out[(*aggregates_)[i].slot] = finish(states[g][i], (*aggregates_)[i]);
    }
    output_.push_back(std::move(out));
  }
  consumed_ = true;
}

bool AggregateOp::next(ExecContext& ctx, Row& row) {
  if (!consumed_) consume(ctx);
  if (pos_ >= output_.size()) return false;
  row = std::move(output_[pos_++]);
  return true;
}

// ---- Distinct ---------------------------------------------------------------

size_t DistinctOp::KeyHash::operator()(const std::vector<Value>& k) const {
  return engine::KeyHash{}(k);
}

bool DistinctOp::KeyEq::operator()(const std::vector<Value>& a,
                                   const std::vector<Value>& b) const {
  return engine::KeyEq{}(a, b);
}

void DistinctOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  seen_.clear();
}

void DistinctOp::close() {
  Operator::close();
  releaseMemory(seen_);
}

bool DistinctOp::next(ExecContext& ctx, Row& row) {
  while (child()->pull(ctx, row)) {
    std::vector<Value> key;
    key.reserve(slots_.size());
    for (int s : slots_) key.push_back(row[s]);
    if (seen_.insert(std::move(key)).second) return true;
  }
  return false;
}

// ---- Sort / Top -------------------------------------------------------------

void SortOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  rows_.clear();
  pos_ = 0;
  sorted_ = false;
}

void SortOp::close() {
  Operator::close();
  releaseMemory(rows_);
}

std::string SortOp::details() const {
  std::string s;
  for (const auto& [e, desc] : keys_) s += (s.empty() ? "" : ", ") + e->text + (desc ? " DESC" : "");
  return s;
}

bool SortOp::next(ExecContext& ctx, Row& row) {
  if (!sorted_) {
    int64_t skip = skip_ ? countArgument(ctx, skip_, "SKIP") : 0;
    int64_t limit = limit_ ? countArgument(ctx, limit_, "LIMIT") : -1;
    struct Keyed {
      std::vector<Value> keys;
      Row row;
    };
    std::vector<Keyed> keyed;
    Row r;
    while (child()->pull(ctx, r)) {
      Keyed k;
      for (const auto& [e, desc] : keys_) k.keys.push_back(evaluate(*e, r, ctx.eval));
      k.row = std::move(r);
      keyed.push_back(std::move(k));
      r = Row();
    }
    auto less = [&](const Keyed& a, const Keyed& b) {
      for (size_t i = 0; i < keys_.size(); ++i) {
        int c = orderCompare(a.keys[i], b.keys[i]);
        if (c != 0) return keys_[i].second ? c > 0 : c < 0;
      }
      return false;
    };
    size_t want = keyed.size();
    if (limit >= 0) want = std::min<size_t>(keyed.size(), static_cast<size_t>(skip + limit));
    if (want < keyed.size()) {
      // Top-k: a stable partial sort keeps ties in input order.
      for (size_t i = 0; i < keyed.size(); ++i) keyed[i].keys.push_back(Value(int64_t(i)));
      std::partial_sort(keyed.begin(), keyed.begin() + static_cast<long>(want), keyed.end(),
                        [&](const Keyed& a, const Keyed& b) {
                          if (less(a, b)) return true;
                          if (less(b, a)) return false;
                          return a.keys.back().asInt() < b.keys.back().asInt();
                        });
      keyed.resize(want);
    } else {
      std::stable_sort(keyed.begin(), keyed.end(), less);
    }
    for (size_t i = std::min<size_t>(static_cast<size_t>(skip), keyed.size()); i < keyed.size();
         ++i) {
      rows_.push_back(std::move(keyed[i].row));
    }
    sorted_ = true;
  }
  if (pos_ >= rows_.size()) return false;
  row = std::move(rows_[pos_++]);
  return true;
}

// ---- Skip / Limit -----------------------------------------------------------

void SkipLimitOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  to_skip_ = skip_ ? countArgument(ctx, skip_, "SKIP") : 0;
  remaining_ = limit_ ? countArgument(ctx, limit_, "LIMIT") : -1;
}

std::string SkipLimitOp::details() const {
  std::string s;
  if (skip_) s += "skip " + skip_->text;
  if (limit_) s += std::string(s.empty() ? "" : " ") + "limit " + limit_->text;
  return s;
}

bool SkipLimitOp::next(ExecContext& ctx, Row& row) {
  if (remaining_ == 0) return false;
  while (to_skip_ > 0) {
    if (!child()->pull(ctx, row)) return false;
    --to_skip_;
  }
  if (!child()->pull(ctx, row)) return false;
  if (remaining_ > 0) --remaining_;
  return true;
}

// ---- Apply / Optional -------------------------------------------------------

void ApplyOp::open(ExecContext& ctx, const Row& argument) {
  child(0)->open(ctx, argument);
  have_outer_ = false;
}

bool ApplyOp::next(ExecContext& ctx, Row& row) {
  for (;;) {
    if (!have_outer_) {
      if (!child(0)->pull(ctx, outer_)) return false;
      child(1)->open(ctx, outer_);
      have_outer_ = true;
      inner_matched_ = false;
    }
    if (child(1)->pull(ctx, row)) {
      inner_matched_ = true;
      return true;
    }
    have_outer_ = false;
    if (optional_ && !inner_matched_) {
      row = outer_;
      for (int s : null_slots_) row[s] = Value();
      return true;
    }
  }
}

// ---- Union ------------------------------------------------------------------

void UnionOp::open(ExecContext& ctx, const Row& argument) {
  child(0)->open(ctx, argument);
  argument_ = argument;
  left_done_ = false;
}

bool UnionOp::next(ExecContext& ctx, Row& row) {
  if (!left_done_) {
    if (child(0)->pull(ctx, row)) return true;
    left_done_ = true;
    child(1)->open(ctx, argument_);
  }
  if (!child(1)->pull(ctx, scratch_)) return false;
  row = scratch_;
  for (size_t i = 0; i < left_slots_.size(); ++i) row[left_slots_[i]] = scratch_[right_slots_[i]];
  return true;
}

// ---- Eager ------------------------------------------------------------------

// Drains the input at open(): even if nothing downstream pulls a row (LIMIT
// 0), the updating clauses below have run completely.
void EagerOp::open(ExecContext& ctx, const Row& argument) {
  Operator::open(ctx, argument);
  rows_.clear();
  Row r;
  while (child()->pull(ctx, r)) rows_.push_back(r);
}

void EagerOp::close() {
  Operator::close();
  releaseMemory(rows_);
}

bool EagerOp::next(ExecContext&, Row& row) {
  if (rows_.empty()) return false;
  row = std::move(rows_.front());
  rows_.pop_front();
  return true;
}

}  // namespace maestro::engine
