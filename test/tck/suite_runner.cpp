#include "tck/suite_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <unordered_map>

namespace maestro::tck {

namespace {

using Clock = std::chrono::steady_clock;

// Creating the backend (opening a store, migrations) gets this long on top
// of the per-scenario timeout before the worker counts as hung.
constexpr std::chrono::milliseconds kStartupGrace{30'000};
// How much of a dead worker's output goes into the failure message.
constexpr long kLogTail = 2000;

void writeAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(4);  // the parent is gone: nothing left to report to
    done += static_cast<size_t>(n);
  }
}

ScenarioOutcome runOne(const ScenarioPlan& plan, TckBackend& backend) {
  std::unique_ptr<TckGraph> graph;
  try {
    graph = backend.newGraph();
  } catch (const std::exception& e) {
    return {false, std::string("could not make a fresh graph: ") + e.what()};
  }
  return runScenario(plan, *graph);
}

// The worker: runs plans[first…] and reports each over `fd`. Never returns.
[[noreturn]] void workerMain(int fd, const std::vector<const ScenarioPlan*>& plans, size_t first,
                             const BackendFactory& factory) {
  std::unique_ptr<TckBackend> backend;
  try {
    backend = factory();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "could not start the engine: %s\n", e.what());
    std::fflush(stderr);
    _exit(3);
  }
  for (size_t i = first; i < plans.size(); ++i) {
    writeAll(fd, "S " + std::to_string(i) + "\n");
    ScenarioOutcome outcome = runOne(*plans[i], *backend);
    writeAll(fd, "R " + std::to_string(i) + " " + (outcome.passed ? "1" : "0") + " " +
                     std::to_string(outcome.message.size()) + "\n" + outcome.message);
  }
  backend.reset();
  std::fflush(stdout);
  std::fflush(stderr);
  // _exit, not exit: the parent's objects (its temporary store directory
  // among them) must not be destroyed by this copy of them.
  _exit(0);
}

std::string describeStatus(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return std::string("killed by signal ") + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

std::string logTail(std::FILE* log) {
  std::fflush(log);
  long size = 0;
  if (std::fseek(log, 0, SEEK_END) == 0) size = std::ftell(log);
  if (size <= 0) return "";
  long start = size > kLogTail ? size - kLogTail : 0;
  std::fseek(log, start, SEEK_SET);
  std::string text(static_cast<size_t>(size - start), '\0');
  size_t n = std::fread(text.data(), 1, text.size(), log);
  text.resize(n);
  return "\n  worker output" + std::string(start > 0 ? " (tail)" : "") + ":\n" + text;
}

// Parses the worker's frames out of `buf`, consuming complete ones.
// "S i\n" sets `current`; "R i ok len\n<msg>" stores the outcome.
void consumeFrames(std::string& buf, std::optional<size_t>& current, Clock::time_point& deadline,
                   std::chrono::milliseconds timeout, std::vector<ScenarioOutcome>& results,
                   std::vector<bool>& done) {
  while (true) {
    size_t eol = buf.find('\n');
    if (eol == std::string::npos) return;
    std::istringstream header(buf.substr(0, eol));
    char tag = 0;
    size_t index = 0;
    header >> tag >> index;
    if (tag == 'S') {
      current = index;
      deadline = Clock::now() + timeout;
      buf.erase(0, eol + 1);
      continue;
    }
    int ok = 0;
    size_t len = 0;
    header >> ok >> len;
    if (buf.size() < eol + 1 + len) return;  // the message is still coming
    if (index < results.size()) {
      results[index] = {ok == 1, buf.substr(eol + 1, len)};
      done[index] = true;
    }
    current.reset();
    // Until the next scenario starts (or the worker shuts down).
    deadline = Clock::now() + timeout + kStartupGrace;
    buf.erase(0, eol + 1 + len);
  }
}

std::vector<ScenarioOutcome> runInProcess(const std::vector<const ScenarioPlan*>& plans,
                                          const BackendFactory& factory) {
  std::vector<ScenarioOutcome> results(plans.size());
  std::unique_ptr<TckBackend> backend;
  try {
    backend = factory();
  } catch (const std::exception& e) {
    for (auto& r : results) r = {false, std::string("could not start the engine: ") + e.what()};
    return results;
  }
  for (size_t i = 0; i < plans.size(); ++i) results[i] = runOne(*plans[i], *backend);
  return results;
}

}  // namespace

std::vector<ScenarioOutcome> runPlans(const std::vector<const ScenarioPlan*>& plans,
                                      const BackendFactory& factory,
                                      std::chrono::milliseconds timeout, bool isolate) {
  if (!isolate) return runInProcess(plans, factory);
  std::vector<ScenarioOutcome> results(plans.size());
  std::vector<bool> done(plans.size(), false);
  size_t next = 0;
  while (next < plans.size()) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    std::FILE* log = std::tmpfile();
    if (log == nullptr) throw std::runtime_error(std::string("tmpfile: ") + std::strerror(errno));
    // Flush first, or the worker inherits and prints again what is buffered.
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      ::close(fds[0]);
      ::dup2(fileno(log), STDOUT_FILENO);
      ::dup2(fileno(log), STDERR_FILENO);
      workerMain(fds[1], plans, next, factory);
    }
    ::close(fds[1]);

    std::string buf;
    std::optional<size_t> current;
    bool started_any = false;
    Clock::time_point deadline = Clock::now() + timeout + kStartupGrace;
    const size_t first = next;
    // Records `why` for the scenario the worker was in; if it never got to
    // one, the engine does not start at all, and every remaining scenario
    // fails with the same reason rather than forking once per scenario.
    auto blame = [&](const std::string& why) {
      if (current) {
        results[*current] = {false, why};
        done[*current] = true;
      } else if (!started_any) {
        for (size_t i = first; i < plans.size(); ++i) {
          results[i] = {false, why};
          done[i] = true;
        }
      }
      next = first;
      while (next < plans.size() && done[next]) ++next;
    };
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fds[0], POLLIN, 0};
      int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        blame((current ? "timed out after " + std::to_string(timeout.count()) + " ms"
                       : std::string("the worker hung outside any scenario")) +
              logTail(log));
        break;
      }
      char chunk[4096];
      ssize_t n = ::read(fds[0], chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        buf.append(chunk, static_cast<size_t>(n));
        started_any = true;
        consumeFrames(buf, current, deadline, timeout, results, done);
        continue;
      }
      // End of file: the worker finished or died. (A read error is not
      // expected; kill the worker so that waiting for it cannot hang.)
      if (n < 0) ::kill(pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
      bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (!clean || current) blame("the worker died: " + describeStatus(status) + logTail(log));
      next = first;
      while (next < plans.size() && done[next]) ++next;
      if (next < plans.size() && clean && !current) {
        // Exited cleanly without running everything: never expected, but
        // the loop must advance.
        results[next] = {false, "the worker exited early" + logTail(log)};
        done[next] = true;
        ++next;
      }
      break;
    }
    ::close(fds[0]);
    std::fclose(log);
  }
  return results;
}

SuiteRunner::SuiteRunner(BackendFactory factory, NamedGraphs& graphs, SuiteOptions options)
    : factory_(std::move(factory)), graphs_(graphs), options_(std::move(options)) {}

std::vector<ScenarioRecord> SuiteRunner::run(const std::vector<Feature>& features) {
  std::vector<ScenarioRecord> all;
  for (const Feature& feature : features) {
    std::vector<ScenarioRecord> records;
    std::vector<ScenarioPlan> plans;
    std::vector<size_t> plan_record;  // plans[i] belongs to records[plan_record[i]]
    for (const Scenario& scenario : feature.scenarios) {
      if (options_.filter && !matchesFilter(feature, scenario, *options_.filter)) continue;
      ScenarioRecord record{scenario.id, feature.folder, ScenarioRecord::Status::kFailed, ""};
      ScenarioPlan plan = planScenario(scenario, graphs_, options_.plan);
      switch (plan.status) {
        case ScenarioPlan::Status::kSkip:
          record.status = ScenarioRecord::Status::kSkipped;
          record.message = plan.reason;
          break;
        case ScenarioPlan::Status::kInvalid:
          record.message = "the runner cannot read this scenario: " + plan.reason;
          break;
        case ScenarioPlan::Status::kRunnable:
          plan_record.push_back(records.size());
          plans.push_back(std::move(plan));
          break;
      }
      records.push_back(std::move(record));
    }
    std::vector<const ScenarioPlan*> runnable;
    for (const auto& p : plans) runnable.push_back(&p);
    if (!runnable.empty()) {
      auto outcomes = runPlans(runnable, factory_, options_.timeout, options_.isolate);
      for (size_t i = 0; i < outcomes.size(); ++i) {
        ScenarioRecord& r = records[plan_record[i]];
        r.status =
            outcomes[i].passed ? ScenarioRecord::Status::kPassed : ScenarioRecord::Status::kFailed;
        r.message = std::move(outcomes[i].message);
      }
    }
    for (auto& r : records) {
      if (options_.on_record) options_.on_record(r);
      all.push_back(std::move(r));
    }
  }
  return all;
}

bool matchesFilter(const Feature& feature, const Scenario& scenario, const std::regex& filter) {
  std::string stem = feature.path.substr(feature.path.rfind('/') + 1);
  if (auto dot = stem.rfind(".feature"); dot != std::string::npos) stem.erase(dot);
  std::string name =
      (feature.folder.empty() ? "" : feature.folder + "/") + stem + "/" + scenario.name;
  if (scenario.example_index) name += " #" + std::to_string(*scenario.example_index);
  return std::regex_search(name, filter) || std::regex_search(scenario.id, filter);
}

std::string summarize(const std::vector<ScenarioRecord>& records) {
  struct Counts {
    int passed = 0;
    int failed = 0;
    int skipped = 0;
  };
  std::map<std::string, Counts> folders;
  Counts total;
  for (const auto& r : records) {
    Counts& c = folders[r.folder.empty() ? "." : r.folder];
    for (Counts* x : {&c, &total}) {
      switch (r.status) {
        case ScenarioRecord::Status::kPassed:
          ++x->passed;
          break;
        case ScenarioRecord::Status::kFailed:
          ++x->failed;
          break;
        case ScenarioRecord::Status::kSkipped:
          ++x->skipped;
          break;
      }
    }
  }
  auto line = [](const std::string& name, const Counts& c) {
    return name + ": " + std::to_string(c.passed) + " passed, " + std::to_string(c.failed) +
           " failed, " + std::to_string(c.skipped) + " skipped\n";
  };
  std::string out;
  for (const auto& [folder, c] : folders) out += line(folder, c);
  out += line("tck", total);
  return out;
}

std::vector<std::string> passingIds(const std::vector<ScenarioRecord>& records) {
  std::vector<std::string> ids;
  for (const auto& r : records) {
    if (r.status == ScenarioRecord::Status::kPassed) ids.push_back(r.id);
  }
  return ids;
}

std::vector<std::string> parseIdList(const std::string& text) {
  std::vector<std::string> ids;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    if (line.empty() || line[0] == '#') continue;
    ids.push_back(line);
  }
  return ids;
}

std::vector<std::string> floorRegressions(const std::vector<ScenarioRecord>& records,
                                          const std::vector<std::string>& floor,
                                          const std::set<std::string>& all_ids) {
  std::unordered_map<std::string, const ScenarioRecord*> by_id;
  for (const auto& r : records) by_id.emplace(r.id, &r);
  std::vector<std::string> out;
  for (const auto& id : floor) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      if (all_ids.count(id) == 0) out.push_back(id + ": no such scenario");
      continue;  // exists, but the filter left it out
    }
    const ScenarioRecord& r = *it->second;
    if (r.status == ScenarioRecord::Status::kPassed) continue;
    std::string why = r.message.substr(0, r.message.find('\n'));
    out.push_back(
        id + (r.status == ScenarioRecord::Status::kSkipped ? ": skipped: " : ": failed: ") + why);
  }
  return out;
}

}  // namespace maestro::tck
