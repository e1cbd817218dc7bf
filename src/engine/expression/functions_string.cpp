// String functions: toUpper/upper, toLower/lower, trim, ltrim, rtrim,
// replace, substring, left, right, split. Positions and lengths count
// Unicode code points of the UTF-8 text, not bytes.
#include "engine/common/errors.h"
#include "engine/expression/expression_internal.h"

namespace maestro::engine::detail {

namespace {

bool anyNull(std::span<const Value> args) {
  for (const Value& a : args) {
    if (a.isNull()) return true;
  }
  return false;
}

const std::string& stringArg(std::string_view fn, const Value& v) {
  if (!v.isString()) throwArgumentType(fn, "a STRING", v);
  return v.asString();
}

int64_t countArg(std::string_view fn, const Value& v, std::string_view what) {
  if (!v.isInt()) throwArgumentType(fn, "an INTEGER " + std::string(what), v);
  if (v.asInt() < 0) {
    throw argumentError("NumberOutOfRange", std::string(fn) + "(): the " + std::string(what) +
                                                " must not be negative, got " +
                                                std::to_string(v.asInt()));
  }
  return v.asInt();
}

bool isContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Byte offset of the code point `n` code points after `from` (clamped to
// the end of the text).
size_t advance(const std::string& s, size_t from, int64_t n) {
  size_t i = from;
  while (n > 0 && i < s.size()) {
    ++i;
    while (i < s.size() && isContinuation(s[i])) ++i;
    --n;
  }
  return i;
}

// Byte offset where the last `n` code points begin (0 when there are fewer).
size_t backFromEnd(const std::string& s, int64_t n) {
  size_t i = s.size();
  while (n > 0 && i > 0) {
    --i;
    while (i > 0 && isContinuation(s[i])) --i;
    --n;
  }
  return i;
}

template <char (*F)(char)>
Value mapAscii(std::string_view fn, std::span<const Value> args) {
  if (args[0].isNull()) return Value();
  std::string s = stringArg(fn, args[0]);
  for (char& c : s) c = F(c);
  return Value(std::move(s));
}

// ASCII only: multi-byte characters pass unchanged (no locale tables).
char upperAscii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

Value trimImpl(std::string_view fn, std::span<const Value> args, bool left, bool right) {
  if (args[0].isNull()) return Value();
  const std::string& s = stringArg(fn, args[0]);
  size_t b = 0;
  size_t e = s.size();
  if (left) {
    while (b < e && isSpace(s[b])) ++b;
  }
  if (right) {
    while (e > b && isSpace(s[e - 1])) --e;
  }
  return Value(s.substr(b, e - b));
}

Value replace(std::span<const Value> args, EvalContext&) {
  if (anyNull(args)) return Value();
  const std::string& s = stringArg("replace", args[0]);
  const std::string& search = stringArg("replace", args[1]);
  const std::string& with = stringArg("replace", args[2]);
  std::string out;
  if (search.empty()) {
    // As Java's String.replace: the replacement goes before every code
    // point and at the end ("abc" → "-a-b-c-").
    out.reserve(s.size() + with.size() * (s.size() + 1));
    for (size_t i = 0; i < s.size();) {
      out += with;
      size_t next = advance(s, i, 1);
      out.append(s, i, next - i);
      i = next;
    }
    out += with;
    return Value(std::move(out));
  }
  size_t pos = 0;
  for (size_t hit; (hit = s.find(search, pos)) != std::string::npos; pos = hit + search.size()) {
    out.append(s, pos, hit - pos);
    out += with;
  }
  out.append(s, pos);
  return Value(std::move(out));
}

Value substring(std::span<const Value> args, EvalContext&) {
  if (anyNull(args)) return Value();
  const std::string& s = stringArg("substring", args[0]);
  int64_t start = countArg("substring", args[1], "start");
  size_t b = advance(s, 0, start);
  size_t e = args.size() > 2 ? advance(s, b, countArg("substring", args[2], "length")) : s.size();
  return Value(s.substr(b, e - b));
}

Value left(std::span<const Value> args, EvalContext&) {
  if (anyNull(args)) return Value();
  const std::string& s = stringArg("left", args[0]);
  return Value(s.substr(0, advance(s, 0, countArg("left", args[1], "length"))));
}

Value right(std::span<const Value> args, EvalContext&) {
  if (anyNull(args)) return Value();
  const std::string& s = stringArg("right", args[0]);
  return Value(s.substr(backFromEnd(s, countArg("right", args[1], "length"))));
}

Value split(std::span<const Value> args, EvalContext&) {
  if (anyNull(args)) return Value();
  const std::string& s = stringArg("split", args[0]);
  // The delimiter may be one string or a list of alternatives.
  std::vector<std::string_view> delims;
  if (args[1].isList()) {
    for (const Value& d : args[1].asList()) delims.push_back(stringArg("split", d));
  } else {
    delims.push_back(stringArg("split", args[1]));
  }
  ValueList out;
  if (s.empty()) return Value(std::move(out));
  bool by_char = true;
  for (std::string_view d : delims) by_char = by_char && d.empty();
  if (by_char) {
    // An empty delimiter splits into single characters.
    for (size_t i = 0; i < s.size();) {
      size_t next = advance(s, i, 1);
      out.emplace_back(s.substr(i, next - i));
      i = next;
    }
    return Value(std::move(out));
  }
  // Every token is kept, empty ones too: split('a,,b,', ',') = ['a', '', 'b', ''].
  size_t token = 0;
  for (size_t i = 0; i < s.size();) {
    size_t matched = 0;
    for (std::string_view d : delims) {
      if (!d.empty() && std::string_view(s).substr(i).starts_with(d)) {
        matched = d.size();
        break;
      }
    }
    if (matched == 0) {
      ++i;
      continue;
    }
    out.emplace_back(s.substr(token, i - token));
    i += matched;
    token = i;
  }
  out.emplace_back(s.substr(token));
  return Value(std::move(out));
}

}  // namespace

void addStringFunctions(std::vector<FunctionDef>& out) {
  auto upper = [](std::span<const Value> a, EvalContext&) {
    return mapAscii<upperAscii>("toUpper", a);
  };
  auto lower = [](std::span<const Value> a, EvalContext&) {
    return mapAscii<lowerAscii>("toLower", a);
  };
  out.push_back({"toUpper", 1, 1, false, true, upper});
  out.push_back({"upper", 1, 1, false, true, upper});
  out.push_back({"toLower", 1, 1, false, true, lower});
  out.push_back({"lower", 1, 1, false, true, lower});
  out.push_back({"trim", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return trimImpl("trim", a, true, true);
                 }});
  out.push_back({"ltrim", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return trimImpl("ltrim", a, true, false);
                 }});
  out.push_back({"rtrim", 1, 1, false, true, [](std::span<const Value> a, EvalContext&) {
                   return trimImpl("rtrim", a, false, true);
                 }});
  out.push_back({"replace", 3, 3, false, true, replace});
  out.push_back({"substring", 2, 3, false, true, substring});
  out.push_back({"left", 2, 2, false, true, left});
  out.push_back({"right", 2, 2, false, true, right});
  out.push_back({"split", 2, 2, false, true, split});
}

}  // namespace maestro::engine::detail
