// Functions over lists (and the ones shared with strings): size, head,
// last, tail, range, reverse, coalesce, isEmpty.
#include <limits>

#include "engine/common/errors.h"
#include "engine/expression/expression_internal.h"

namespace maestro::engine::detail {

namespace {

// Number of code points in UTF-8 text: every byte that does not continue a
// sequence starts one.
int64_t codePoints(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Value size(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (v.isList()) return Value(static_cast<int64_t>(v.asList().size()));
  if (v.isString()) return Value(codePoints(v.asString()));
  throwArgumentType("size", "a LIST or STRING", v);
}

Value head(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isList()) throwArgumentType("head", "a LIST", v);
  return v.asList().empty() ? Value() : v.asList().front();
}

Value last(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isList()) throwArgumentType("last", "a LIST", v);
  return v.asList().empty() ? Value() : v.asList().back();
}

Value tail(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (!v.isList()) throwArgumentType("tail", "a LIST", v);
  const ValueList& list = v.asList();
  if (list.empty()) return Value(ValueList{});
  return Value(ValueList(list.begin() + 1, list.end()));
}

// range() refuses lists longer than this rather than exhausting memory.
constexpr uint64_t kMaxRangeLength = 100'000'000;

Value range(std::span<const Value> args, EvalContext&) {
  for (const Value& a : args) {
    if (a.isNull()) return Value();
    // The TCK names this an ArgumentError (List11 [5]), not a TypeError.
    if (!a.isInt()) {
      throw argumentError("InvalidArgumentType", "range(): expected INTEGER arguments but got " +
                                                     std::string(a.typeName()));
    }
  }
  int64_t start = args[0].asInt();
  int64_t end = args[1].asInt();
  int64_t step = args.size() > 2 ? args[2].asInt() : 1;
  if (step == 0) throw argumentError("NumberOutOfRange", "range(): the step must not be zero");
  if ((step > 0 && start > end) || (step < 0 && start < end)) return Value(ValueList{});
  // Element count in unsigned arithmetic: the span may exceed int64.
  uint64_t span = step > 0 ? static_cast<uint64_t>(end) - static_cast<uint64_t>(start)
                           : static_cast<uint64_t>(start) - static_cast<uint64_t>(end);
  uint64_t stride = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
  uint64_t count = span / stride + 1;
  if (count > kMaxRangeLength) {
    throw argumentError("NumberOutOfRange", "range(): the list would have " +
                                                std::to_string(count) + " elements; the limit is " +
                                                std::to_string(kMaxRangeLength));
  }
  ValueList out;
  out.reserve(count);
  int64_t x = start;
  for (uint64_t i = 0; i < count; ++i) {
    out.emplace_back(x);
    if (i + 1 < count) x += step;  // the last step could overflow; it is never taken
  }
  return Value(std::move(out));
}

Value reverse(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (v.isList()) return Value(ValueList(v.asList().rbegin(), v.asList().rend()));
  if (v.isString()) {
    // By code point, so multi-byte characters stay intact.
    const std::string& s = v.asString();
    std::string out;
    out.reserve(s.size());
    size_t end = s.size();
    while (end > 0) {
      size_t begin = end - 1;
      while (begin > 0 && (static_cast<unsigned char>(s[begin]) & 0xC0) == 0x80) --begin;
      out.append(s, begin, end - begin);
      end = begin;
    }
    return Value(std::move(out));
  }
  throwArgumentType("reverse", "a LIST or STRING", v);
}

Value coalesce(std::span<const Value> args, EvalContext&) {
  for (const Value& a : args) {
    if (!a.isNull()) return a;
  }
  return Value();
}

Value isEmpty(std::span<const Value> args, EvalContext&) {
  const Value& v = args[0];
  if (v.isNull()) return Value();
  if (v.isList()) return Value(v.asList().empty());
  if (v.isMap()) return Value(v.asMap().empty());
  if (v.isString()) return Value(v.asString().empty());
  throwArgumentType("isEmpty", "a LIST, MAP or STRING", v);
}

}  // namespace

void addListFunctions(std::vector<FunctionDef>& out) {
  out.push_back({"size", 1, 1, false, true, size});
  out.push_back({"head", 1, 1, false, true, head});
  out.push_back({"last", 1, 1, false, true, last});
  out.push_back({"tail", 1, 1, false, true, tail});
  out.push_back({"range", 2, 3, false, true, range});
  out.push_back({"reverse", 1, 1, false, true, reverse});
  out.push_back({"coalesce", 1, -1, false, true, coalesce});
  out.push_back({"isEmpty", 1, 1, false, true, isEmpty});
}

}  // namespace maestro::engine::detail
