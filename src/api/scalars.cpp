// The schema's custom scalars: JSON (any value) and DateTime (RFC 3339).
#include <cstdio>

#include "api/context.h"
#include "common/clock.h"
#include "common/error.h"

namespace maestro::api {
namespace {

// "2026-11-28T13:36:33.123Z" or with an offset; fractions of any length.
bool isRfc3339(const std::string& s) {
  int y, mo, d, h, mi, sec, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
      n != 19) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    size_t digits = 0;
    while (++i < s.size() && s[i] >= '0' && s[i] <= '9') ++digits;
    if (digits == 0) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  int oh, om;
  n = 0;
  return i < s.size() && (s[i] == '+' || s[i] == '-') &&
         std::sscanf(s.c_str() + i + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5 &&
         i + 6 == s.size() && oh <= 23 && om <= 59;
}

Json parseDateTime(const Json& value) {
  if (!value.is_string() || !isRfc3339(value.get<std::string>())) {
    throw Error::badInput("DateTime: expected an RFC 3339 string like 2026-11-28T13:36:33Z, got " +
                          value.dump().substr(0, 80));
  }
  return value;
}

}  // namespace

void bindScalars(graphql::SchemaBuilder& b) {
  auto identity = [](const Json& v) { return v; };
  b.scalar("JSON", {identity, identity, identity});
  b.scalar("DateTime", {
                           // Resolvers give unix milliseconds or a formatted string.
                           [](const Json& v) -> Json {
                             if (v.is_number_integer()) return formatRfc3339(v.get<int64_t>());
                             return parseDateTime(v);
                           },
                           parseDateTime,
                           parseDateTime,
                       });
}

}  // namespace maestro::api
