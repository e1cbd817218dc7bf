// A small schema with resolvers, shared by the graphql tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graphql/graphql.h"

namespace maestro::graphql::testing {

extern const char* const kTestSdl;

struct TestState {
  std::vector<std::string> log;  // mutation appends, hook calls
  bool allow_secret = true;
};

// Builds kTestSdl with resolvers reading a fixed data set; `state` (kept
// alive by the caller) records what mutations and hooks did.
std::shared_ptr<const ExecutableSchema> testSchema(TestState* state);

// execute() and toJson() in one.
OrderedJson run(const ExecutableSchema& schema, std::string_view query, Json variables = Json::object(),
                Limits limits = {});
// The first error's message ("" when none).
std::string firstError(const ExecutableSchema& schema, std::string_view query, Json variables = Json::object());
// All validate() messages joined with " | ".
std::string validationMessages(const ExecutableSchema& schema, std::string_view query);

}  // namespace maestro::graphql::testing
