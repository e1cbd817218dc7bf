#include "tck/scenario_runner.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <variant>

namespace maestro::tck {

namespace {

using Kind = Action::Kind;

std::string rtrim(std::string s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.pop_back();
  }
  return s;
}

// Why a plan cannot run, thrown while planning and caught in planScenario.
struct SkipScenario {
  std::string reason;
};
struct InvalidScenario {
  std::string reason;
};

const std::string& docString(const Step& step) {
  if (!step.doc_string) {
    throw InvalidScenario{"line " + std::to_string(step.line) + ": '" + step.text +
                          "' needs a doc string"};
  }
  return *step.doc_string;
}

ResultTable expectedTable(const Step& step) {
  try {
    return parseExpectedTable(step.table);
  } catch (const TckParseError& e) {
    throw InvalidScenario{"line " + std::to_string(step.line) + ": " + e.what()};
  }
}

TckParams parameters(const Step& step) {
  TckParams params;
  for (const auto& row : step.table) {
    if (row.size() != 2) {
      throw InvalidScenario{"line " + std::to_string(step.line) +
                            ": parameter rows have two cells"};
    }
    try {
      params.emplace_back(row[0], parseTckValue(row[1]));
    } catch (const TckParseError& e) {
      throw InvalidScenario{"line " + std::to_string(step.line) + ": " + e.what()};
    }
  }
  return params;
}

Action makeAction(Kind kind, const Step& step) {
  Action a;
  a.kind = kind;
  a.line = step.line;
  return a;
}

void addStep(const Step& step, NamedGraphs& graphs, const PlanOptions& options,
             std::vector<Action>& out) {
  static const std::regex kNamedGraph("^the (.+) graph$");
  static const std::regex kError("^an? (.+) should be raised at (.+): (.+)$");
  const std::string& t = step.text;
  std::smatch m;

  auto setupGraph = [&](const std::string& name) {
    const auto& script = graphs.script(name);
    if (!script) throw SkipScenario{"named graph '" + name + "' not found"};
    Action a = makeAction(Kind::kSetup, step);
    a.query = *script;
    out.push_back(std::move(a));
  };

  if (t == "an empty graph") return;
  if (t == "any graph") {
    if (!options.any_graph.empty()) setupGraph(options.any_graph);
    return;
  }
  if (std::regex_match(t, m, kNamedGraph)) return setupGraph(m[1]);
  if (t == "having executed:") {
    Action a = makeAction(Kind::kSetup, step);
    a.query = docString(step);
    out.push_back(std::move(a));
    return;
  }
  if (t == "parameters are:") {
    Action a = makeAction(Kind::kParameters, step);
    a.params = parameters(step);
    out.push_back(std::move(a));
    return;
  }
  if (t == "executing query:" || t == "executing control query:") {
    Action a = makeAction(t == "executing query:" ? Kind::kQuery : Kind::kControlQuery, step);
    a.query = docString(step);
    out.push_back(std::move(a));
    return;
  }
  static const struct {
    const char* text;
    RowOrder rows;
    ListOrder lists;
  } kResultSteps[] = {
      {"the result should be, in any order:", RowOrder::kAnyOrder, ListOrder::kOrdered},
      {"the result should be, in order:", RowOrder::kInOrder, ListOrder::kOrdered},
      {"the result should be (ignoring element order for lists):", RowOrder::kAnyOrder,
       ListOrder::kIgnored},
      {"the result should be, in order (ignoring element order for lists):", RowOrder::kInOrder,
       ListOrder::kIgnored},
  };
  for (const auto& r : kResultSteps) {
    if (t != r.text) continue;
    Action a = makeAction(Kind::kExpectResult, step);
    a.expected = expectedTable(step);
    a.rows = r.rows;
    a.lists = r.lists;
    out.push_back(std::move(a));
    return;
  }
  if (t == "the result should be empty") {
    out.push_back(makeAction(Kind::kExpectEmpty, step));
    return;
  }
  if (std::regex_match(t, m, kError)) {
    Action a = makeAction(Kind::kExpectError, step);
    a.error.type = m[1];
    a.error.detail = m[3];
    std::string phase = m[2];
    if (phase == "compile time") {
      a.error.phase = ErrorPhase::kCompileTime;
    } else if (phase == "runtime") {
      a.error.phase = ErrorPhase::kRuntime;
    } else if (phase == "any time") {
      a.error.phase = ErrorPhase::kAnyTime;
    } else {
      throw InvalidScenario{"line " + std::to_string(step.line) + ": unknown phase '" + phase +
                            "'"};
    }
    out.push_back(std::move(a));
    return;
  }
  if (t == "no side effects" || t == "the side effects should be:") {
    Action a = makeAction(Kind::kExpectSideEffects, step);
    if (t != "no side effects") {
      try {
        a.side_effects = SideEffects::parse(step.table);
      } catch (const std::invalid_argument& e) {
        throw InvalidScenario{"line " + std::to_string(step.line) + ": " + e.what()};
      }
    }
    out.push_back(std::move(a));
    return;
  }
  if (t.rfind("there exists a procedure ", 0) == 0) {
    throw SkipScenario{"registering test procedures is not supported"};
  }
  if (t.rfind("there exists a CSV file ", 0) == 0) {
    throw SkipScenario{"CSV files are not supported"};
  }
  throw SkipScenario{"unsupported step: " + step.keyword + " " + t};
}

// ---- running ----------------------------------------------------------------

struct Failed {
  std::string detail;
  std::string message;
  ErrorPhase phase;
  // False when the query was not compiled on its own first (no error was
  // expected), so the phase is not known: execute() does both.
  bool phase_known = true;
};
// What the last query gave: nothing yet, rows, or an error.
using Outcome = std::variant<std::monostate, ResultTable, Failed>;

std::string describe(const Failed& f) {
  std::string phase = !f.phase_known                        ? "in execute()"
                      : f.phase == ErrorPhase::kCompileTime ? "at compile time"
                                                            : "at runtime";
  return (f.detail.empty() ? std::string("<no detail>") : f.detail) + " " + phase + ": " +
         f.message;
}

std::string where(const Action& a) { return "line " + std::to_string(a.line) + ": "; }

// The scenario stops at its first failed check, like the TCK's.
struct StopScenario {
  std::string message;
};

Outcome runQuery(const Action& a, TckGraph& graph, const TckParams& params) {
  if (a.compile_first) {
    try {
      graph.compile(a.query, params);
    } catch (const QueryFailure& e) {
      return Failed{e.detail(), e.what(), ErrorPhase::kCompileTime};
    }
  }
  try {
    return graph.execute(a.query, params);
  } catch (const QueryFailure& e) {
    return Failed{e.detail(), e.what(), ErrorPhase::kRuntime, a.compile_first};
  }
}

void checkError(const Action& a, const Outcome& last) {
  const ExpectedError& want = a.error;
  if (const auto* rows = std::get_if<ResultTable>(&last)) {
    throw StopScenario{where(a) + "expected " + want.toString() + ", but the query returned\n" +
                       rows->toString()};
  }
  const auto& got = std::get<Failed>(last);
  std::string type = got.detail;
  std::string detail;
  if (auto dot = got.detail.find('.'); dot != std::string::npos) {
    type = got.detail.substr(0, dot);
    detail = got.detail.substr(dot + 1);
  }
  bool type_ok = want.type == "Error" || want.type == type;
  bool detail_ok = want.detail == "*" || want.detail == detail;
  bool phase_ok = want.phase == ErrorPhase::kAnyTime || want.phase == got.phase;
  if (!type_ok || !detail_ok || !phase_ok) {
    throw StopScenario{where(a) + "expected " + want.toString() + ", got " + describe(got)};
  }
}

void runAction(const Action& a, TckGraph& graph, TckParams& params, Outcome& last,
               std::optional<GraphState>& before) {
  auto observe = [&]() {
    try {
      return graph.observe();
    } catch (const std::exception& e) {
      throw StopScenario{where(a) + "observing the graph for side effects failed: " + e.what()};
    }
  };
  switch (a.kind) {
    case Kind::kSetup:
      try {
        graph.execute(a.query, params);
      } catch (const QueryFailure& e) {
        throw StopScenario{where(a) + "setup query failed: " +
                           (e.detail().empty() ? std::string("<no detail>") : e.detail()) + ": " +
                           e.what() + "\n" + rtrim(a.query)};
      }
      return;
    case Kind::kParameters:
      for (const auto& [name, value] : a.params) {
        bool replaced = false;
        for (auto& p : params) {
          if (p.first == name) {
            p.second = value;
            replaced = true;
          }
        }
        if (!replaced) params.emplace_back(name, value);
      }
      return;
    case Kind::kQuery:
      if (a.observe_before) before = observe();
      last = runQuery(a, graph, params);
      return;
    case Kind::kControlQuery:
      last = runQuery(a, graph, params);
      return;
    case Kind::kExpectResult:
    case Kind::kExpectEmpty: {
      if (const auto* f = std::get_if<Failed>(&last)) {
        throw StopScenario{where(a) + "expected rows, but the query failed: " + describe(*f)};
      }
      const auto& got = std::get<ResultTable>(last);
      if (a.kind == Kind::kExpectEmpty) {
        if (!got.rows.empty()) {
          throw StopScenario{where(a) + "expected no rows, got\n" + got.toString()};
        }
        return;
      }
      if (auto diff = matchResult(a.expected, got, a.rows, a.lists)) {
        throw StopScenario{where(a) + *diff};
      }
      return;
    }
    case Kind::kExpectError:
      checkError(a, last);
      return;
    case Kind::kExpectSideEffects: {
      if (!before) throw StopScenario{where(a) + "runner bug: no observation before the query"};
      GraphState after = observe();
      SideEffects got = SideEffects::diff(*before, after);
      if (!(got == a.side_effects)) {
        throw StopScenario{where(a) + "side effects differ: expected " + a.side_effects.toString() +
                           ", got " + got.toString()};
      }
      return;
    }
  }
}

}  // namespace

const std::optional<std::string>& NamedGraphs::script(const std::string& name) {
  auto it = cache_.find(name);
  if (it != cache_.end()) return it->second;
  std::optional<std::string> text;
  // Names come from feature files; keep them to one path component.
  if (name.find('/') == std::string::npos && name != ".." && name != ".") {
    std::ifstream in(dir_ / name / (name + ".cypher"), std::ios::binary);
    if (in) {
      std::ostringstream buf;
      buf << in.rdbuf();
      std::string s = rtrim(buf.str());
      if (!s.empty() && s.back() == ';') s.pop_back();
      text = rtrim(std::move(s));
    }
  }
  return cache_.emplace(name, std::move(text)).first->second;
}

std::string ExpectedError::toString() const {
  const char* when = phase == ErrorPhase::kCompileTime ? "compile time"
                     : phase == ErrorPhase::kRuntime   ? "runtime"
                                                       : "any time";
  return type + "." + detail + " at " + when;
}

ScenarioPlan planScenario(const Scenario& scenario, NamedGraphs& graphs,
                          const PlanOptions& options) {
  ScenarioPlan plan;
  if (scenario.hasTag("@ignore")) {
    plan.status = ScenarioPlan::Status::kSkip;
    plan.reason = "tagged @ignore";
    return plan;
  }
  std::vector<Action> raw;
  try {
    for (const Step& step : scenario.steps) addStep(step, graphs, options, raw);
  } catch (const SkipScenario& s) {
    plan.status = ScenarioPlan::Status::kSkip;
    plan.reason = s.reason;
    return plan;
  } catch (const InvalidScenario& s) {
    plan.status = ScenarioPlan::Status::kInvalid;
    plan.reason = s.reason;
    return plan;
  }

  // An expected error implies no side effects unless the scenario says.
  for (size_t i = 0; i < raw.size(); ++i) {
    plan.actions.push_back(raw[i]);
    if (raw[i].kind == Kind::kExpectError &&
        (i + 1 == raw.size() || raw[i + 1].kind != Kind::kExpectSideEffects)) {
      Action none;
      none.kind = Kind::kExpectSideEffects;
      none.line = raw[i].line;
      plan.actions.push_back(std::move(none));
    }
  }

  std::optional<size_t> last_query;  // the last `executing query`
  std::optional<size_t> last_any;    // … or control query
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    Action& a = plan.actions[i];
    const char* problem = nullptr;
    switch (a.kind) {
      case Kind::kQuery:
        last_query = last_any = i;
        break;
      case Kind::kControlQuery:
        last_any = i;
        break;
      case Kind::kExpectResult:
      case Kind::kExpectEmpty:
        if (!last_any) problem = "a result expected before any query";
        break;
      case Kind::kExpectError:
        if (!last_any) {
          problem = "an error expected before any query";
        } else {
          plan.actions[*last_any].compile_first = true;
        }
        break;
      case Kind::kExpectSideEffects:
        if (!last_query) {
          problem = "side effects checked before any query";
        } else {
          plan.actions[*last_query].observe_before = true;
        }
        break;
      default:
        break;
    }
    if (problem != nullptr) {
      ScenarioPlan invalid;
      invalid.status = ScenarioPlan::Status::kInvalid;
      invalid.reason = "line " + std::to_string(a.line) + ": " + problem;
      return invalid;
    }
  }
  return plan;
}

ScenarioOutcome runScenario(const ScenarioPlan& plan, TckGraph& graph) {
  TckParams params;
  Outcome last;
  std::optional<GraphState> before;
  const Action* current = nullptr;
  try {
    for (const Action& a : plan.actions) {
      current = &a;
      runAction(a, graph, params, last, before);
    }
  } catch (const StopScenario& s) {
    return {false, s.message};
  } catch (const std::exception& e) {
    std::string at = current ? where(*current) : "";
    return {false, at + "engine threw (not a QueryFailure): " + e.what()};
  } catch (...) {
    std::string at = current ? where(*current) : "";
    return {false, at + "engine threw a non-std exception"};
  }
  return {true, ""};
}

}  // namespace maestro::tck
