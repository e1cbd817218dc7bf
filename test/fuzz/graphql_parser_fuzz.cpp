// libFuzzer target: arbitrary bytes → the GraphQL parser, read both as an
// executable document (default Limits, so the token budget is exercised)
// and as a schema document (SDL).
//
// graphql/parser.h promises that the only exception either entry throws is
// graphql::SyntaxError, a maestro::Error of code kBadInput (or
// kBudgetExceeded for the token limit). Anything else — another exception,
// a crash, a sanitizer report, a stack overflow, a timeout, runaway memory —
// is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "common/error.h"
#include "graphql/parser.h"

namespace {

template <typename Parse>
void expectOnlySyntaxErrors(const char* entry, Parse parse) {
  try {
    parse();
  } catch (const maestro::graphql::SyntaxError& e) {
    if (e.code() != maestro::Code::kBadInput && e.code() != maestro::Code::kBudgetExceeded) {
      std::fprintf(stderr, "%s threw SyntaxError with code %s: %s\n", entry,
                   std::string(maestro::codeName(e.code())).c_str(), e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s threw %s: %s\n", entry, typeid(e).name(), e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  expectOnlySyntaxErrors("parseExecutableDocument", [&] {
    maestro::graphql::parseExecutableDocument(text, maestro::graphql::Limits{});
  });
  expectOnlySyntaxErrors("parseSchemaDocument",
                         [&] { maestro::graphql::parseSchemaDocument(text); });
  return 0;
}
