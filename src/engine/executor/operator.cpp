#include "engine/executor/operator.h"

#include <cmath>
#include <cstdio>
#include <functional>

#include "common/error.h"

namespace maestro::engine {

void ExecContext::timedOut() {
  throw Error::unavailable("query exceeded its time limit and was stopped");
}

ChangeSet& ExecContext::writer() {
  if (changes == nullptr) throw Error::internal("write operator in a read-only statement");
  return *changes;
}

void Operator::open(ExecContext& ctx, const Row& argument) {
  if (!children_.empty()) children_[0]->open(ctx, argument);
}

void Operator::close() {
  actual_rows = 0;
  actual_nanos = 0;
  for (auto& c : children_) c->close();
}

bool Operator::pull(ExecContext& ctx, Row& row) {
  ctx.checkDeadline();
  if (!ctx.profile) {
    bool ok = next(ctx, row);
    actual_rows += ok;
    return ok;
  }
  auto start = std::chrono::steady_clock::now();
  bool ok = next(ctx, row);
  actual_nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  actual_rows += ok;
  return ok;
}

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Time spent in an operator itself: its inclusive time minus its children's.
int64_t selfNanos(const Operator& op) {
  int64_t t = op.actual_nanos;
  for (const auto& c : op.children()) t -= c->actual_nanos;
  return std::max<int64_t>(t, 0);
}

}  // namespace

std::string describePlan(const Operator& root, bool profile) {
  std::string out;
  std::function<void(const Operator&, int)> walk = [&](const Operator& op, int depth) {
    out += std::string(static_cast<size_t>(depth) * 2, ' ') + "+" + op.name();
    std::string d = op.describe();
    if (!d.empty()) out += " " + d;
    if (op.estimated_rows >= 0) out += "  est_rows=" + fixed(op.estimated_rows, 1);
    if (op.estimated_cost >= 0) out += " est_cost=" + fixed(op.estimated_cost, 1);
    if (profile) {
      out += "  rows=" + std::to_string(op.actual_rows) +
             " time=" + fixed(static_cast<double>(selfNanos(op)) / 1e6, 3) + "ms";
      if (op.estimated_rows >= 0) {
        double est = std::max(op.estimated_rows, 1.0);
        double act = std::max(static_cast<double>(op.actual_rows), 1.0);
        out += " q_error=" + fixed(std::max(est / act, act / est), 2);
      }
    }
    out += "\n";
    for (const auto& c : op.children()) walk(*c, depth + 1);
  };
  walk(root, 0);
  return out;
}

}  // namespace maestro::engine
