// libFuzzer target: arbitrary bytes → the Cypher parser (and, through it,
// the lexer, which tokenizes the whole text first).
//
// parser.h promises that parseQuery refuses bad input only with a
// maestro::Error of code kBadInput whose detail is "SyntaxError.<Name>".
// Anything else — another code or exception type, a crash, a sanitizer
// report, a stack overflow, a timeout, runaway memory — is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <typeinfo>

#include "common/error.h"
#include "engine/parser/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    maestro::engine::parseQuery(text);
  } catch (const maestro::Error& e) {
    if (e.code() != maestro::Code::kBadInput || !e.detail().starts_with("SyntaxError.")) {
      std::fprintf(stderr, "parseQuery broke its error contract: code %s, detail '%s': %s\n",
                   std::string(maestro::codeName(e.code())).c_str(), e.detail().c_str(),
                   e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parseQuery threw %s: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
  return 0;
}
