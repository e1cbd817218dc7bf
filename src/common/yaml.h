// YAML (1.2 core schema) → JSON, so that YAML documents are validated and
// reported with the same path-naming readers as JSON ones (common/json.h).
// yaml-cpp stays inside yaml.cpp.
#pragma once

#include <string_view>

#include "common/json.h"

namespace maestro {

// Parses YAML or JSON text (JSON is YAML). Plain scalars are typed as YAML
// 1.2's core schema types them (true/false, null, integers, floats); quoted
// scalars are always strings. Malformed text, nesting deeper than
// `max_depth`, or text longer than `max_bytes` throw
// Error::badInput("<what>: …line L, column C: …"). Never crashes.
Json parseYaml(std::string_view text, std::string_view what, int max_depth = 64,
               size_t max_bytes = 1 << 20);

}  // namespace maestro
