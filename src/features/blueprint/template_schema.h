// The template schema: one declarative table of every path a tenant
// configuration may hold, with its type and bounds, and the walker that
// checks a document against it. Internal to features/blueprint.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"

namespace maestro::blueprint::schema {

enum class Kind { kObject, kList, kInteger, kNumber, kBoolean, kString, kDuration };

// One path of the schema. `pattern` is dotted, with "[]" for list items
// ("policies.allowed_regions[]"). Bounds: values for numbers, seconds for
// durations, item count for lists. `one_of`/`noun`: a closed set of strings
// ("alerts[3]: unknown alert 'x'"); `syntax`: an open set checked by shape.
struct Rule {
  std::string_view pattern;
  Kind kind;
  bool required = false;
  std::optional<double> min = std::nullopt;
  std::optional<double> max = std::nullopt;
  const std::vector<std::string>* one_of = nullptr;
  std::string_view noun = {};
  enum class Syntax { kAny, kName, kPurpose } syntax = Syntax::kAny;
  bool unique_items = false;  // lists: no item twice
};

const Rule* find(std::string_view pattern);

// Checks `value` at `path` (as displayed) against the rule for `pattern`
// and everything below it. Appends "path: problem" lines to `errors`.
void check(const Json& value, const std::string& path, const std::string& pattern, bool partial,
           std::vector<std::string>& errors);

// Rules across fields (home region among the allowed ones, access TTL not
// above refresh TTL), run on a whole configuration that passed check().
void checkCrossFields(const Json& config, std::vector<std::string>& errors);

// "1", "0.5", "2.5e-06": numbers as a message shows them.
std::string formatNumber(double v);
// Duration text ("15m", "1h", "30s", "7d") in seconds, or nullopt.
std::optional<int64_t> durationSeconds(const std::string& text);

}  // namespace maestro::blueprint::schema
