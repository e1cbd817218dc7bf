// The only translation unit that includes Boost.Asio/Beast (build time).
#include "server/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "platform/metrics/metrics.h"

namespace maestro::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 8 * 1024;
// After answering with Connection: close, when the client may still be
// sending (an error answer before its request was read whole, or pipelined
// bytes), the server stops sending and reads (and discards) what arrives for
// a short while before closing. Closing a socket with unread input makes the
// kernel send a RST, which can destroy the answer (an error such as 413)
// before the client has read it.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr size_t kLingerMaxBytes = 1024 * 1024;
// Pause before accepting again after an accept error such as EMFILE, so
// that the error does not turn into a busy loop.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr size_t kMaxLoggedPath = 1024;
// Codes for transport-level errors that have no maestro::Code of their own
// (405, 408, 413, 431): they are all the client's doing.
constexpr std::string_view kBadInputCode = "BAD_USER_INPUT";

constexpr std::string_view kRequestsTotal = "maestro_http_requests_total";
constexpr std::string_view kRequestDuration = "maestro_http_request_duration_seconds";
constexpr std::string_view kConnectionsOpen = "maestro_http_connections_open";
constexpr std::string_view kConnectionsRejected = "maestro_http_connections_rejected_total";

// Request ids correlate log lines; they are not secrets, so a seeded PRNG
// per thread (no lock, no CSPRNG) is enough.
std::string newRequestId() {
  thread_local std::mt19937_64 rng([] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }());
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(text, 16);
}

bool isValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// Metric label for a method: bounded, whatever the client sends.
std::string_view methodLabel(std::string_view method) {
  for (std::string_view m :
       {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
    if (method == m) return m;
  }
  return "OTHER";
}

bool isTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Handlers set headers; a value with CR or LF would let them (or the user
// input they echo) inject headers, so such headers are dropped.
bool isSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), isTokenChar)) return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Framing and identity headers are the server's to set; a handler's copy
// would contradict them (two Content-Lengths are a request-smuggling
// vector for proxies in front).
bool isServerOwnedHeader(std::string_view name) {
  for (std::string_view owned : {"content-length", "transfer-encoding", "connection", "server",
                                 "x-request-id", "content-type"}) {
    if (beast::iequals(name, owned)) return true;
  }
  return false;
}

std::string truncated(std::string_view text, size_t limit) {
  return std::string(text.substr(0, limit));
}

std::string_view pathOf(std::string_view target) { return target.substr(0, target.find('?')); }

class Session;

// State shared by the server and its sessions. Sessions hold it by
// shared_ptr so that a session destroyed late (with the io_context) never
// touches a destroyed server. Immutable after start except where noted.
struct Shared {
  Shared(ServerOptions o, Router r, metrics::Registry& m)
      : options(std::move(o)), router(std::move(r)), metrics(m) {}

  const ServerOptions options;
  const Router router;
  metrics::Registry& metrics;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  // Notified when `sessions` becomes empty.
  std::condition_variable drained;
  // Live sessions, for shutdown. Guarded by `mutex`.
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;

  // Caller holds `mutex`, so that gauge updates are not reordered. Never
  // throws: it runs in a destructor and on the accept path.
  void updateOpenGauge() noexcept {
    try {
      metrics.setGauge(kConnectionsOpen, "Open HTTP connections", {},
                       static_cast<double>(sessions.size()));
    } catch (const std::exception& e) {
      log::error("http.metrics_failed", {{"error", e.what()}});
    } catch (...) {
    }
  }
};

// One accepted connection, alive while an asynchronous operation or a
// pending handler holds it (shared_from_this). Everything runs on the
// connection's strand, so members need no lock; start(), shutdown() and
// forceClose() may be called from any thread and post onto the strand.
//
// Reading: a connection without a request in flight waits for the first
// byte under `idle_timeout` (the tcp_stream's timer, which closes the
// socket: nothing to answer). From the first byte, `deadline_` bounds the
// whole request; on expiry it only cancels the pending read, so that the
// socket stays open for a 408. The parse loop is written out (rather than
// http::async_read) so that the deadline is checked before every read: a
// composed read could otherwise start a new read after the cancel.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Shared> shared, tcp::socket socket)
      : shared_(std::move(shared)),
        executor_(socket.get_executor()),
        stream_(std::move(socket)),
        deadline_(executor_) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "unknown" : endpoint.address().to_string();
    // Small answers on keep-alive connections must not wait for Nagle.
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  ~Session() {
    std::lock_guard lock(shared_->mutex);
    shared_->sessions.erase(this);
    shared_->updateOpenGauge();
    if (shared_->sessions.empty()) shared_->drained.notify_all();
  }

  void start() {
    asio::dispatch(executor_, [self = shared_from_this()] { self->readNext(); });
  }

  // The server is stopping: an idle connection closes now, one with a
  // request in flight after answering it (with Connection: close). One
  // that is already lingering finishes that (at most kLingerTime).
  void shutdown() {
    asio::post(executor_, [self = shared_from_this()] {
      self->close_requested_ = true;
      if (self->phase_ == Phase::kIdle) self->close();
    });
  }

  // The grace period is over. A handler still running finishes first (the
  // strand is busy); its answer then fails to write.
  void forceClose() {
    asio::post(executor_, [self = shared_from_this()] { self->close(); });
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  // What the log line and the metrics say about the current exchange.
  struct Exchange {
    std::string request_id;
    std::string method = "OTHER";  // label, see methodLabel()
    std::string route = "unmatched";
    std::string path;
    int status = 0;
    SteadyClock::time_point start;
  };

  void readNext() {
    if (phase_ == Phase::kClosed) return;
    if (close_requested_ || shared_->stopping) return close();
    parser_.emplace();
    parser_->header_limit(
        static_cast<uint32_t>(std::min<size_t>(shared_->options.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(static_cast<uint64_t>(shared_->options.max_body_bytes));
    continue_checked_ = false;
    // A pipelined request may already be buffered.
    if (buffer_.size() > 0) return beginRequest();
    phase_ = Phase::kIdle;
    stream_.expires_after(shared_->options.idle_timeout);
    read();
  }

  // Every read and every write completes through one handler type (onRead,
  // onWrite) that dispatches on the phase: each distinct handler type
  // instantiates Beast's composed operations again, and that code
  // generation is most of this file's compile time.
  void read() {
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::onRead, shared_from_this()));
  }

  void onRead(beast::error_code ec, size_t bytes) {
    switch (phase_) {
      case Phase::kIdle:
        return onIdleRead(ec, bytes);
      case Phase::kReading:
        return onRequestRead(ec, bytes);
      case Phase::kLingering:
        return onLingerRead(ec, bytes);
      case Phase::kClosed:
        return;
      case Phase::kHandling:
      case Phase::kWriting:
        return close();  // no read is started in these
    }
  }

  void onIdleRead(beast::error_code ec, size_t bytes) {
    // Idle timeout, the peer closing, or shutdown: nobody awaits an answer.
    if (ec) return close();
    buffer_.commit(bytes);
    beginRequest();
  }

  void beginRequest() {
    phase_ = Phase::kReading;
    exchange_ = Exchange{};
    exchange_.start = SteadyClock::now();
    stream_.expires_never();
    request_timed_out_ = false;
    ++generation_;
    deadline_.expires_after(shared_->options.request_timeout);
    deadline_.async_wait(
        [self = shared_from_this(), generation = generation_](beast::error_code ec) {
          // A stale wait (its request already read) may still complete without
          // error if it fired just before being cancelled: hence the generation.
          if (ec || generation != self->generation_ || self->phase_ != Phase::kReading) return;
          self->request_timed_out_ = true;
          beast::error_code ignored;
          self->stream_.socket().cancel(ignored);
        });
    parse();
  }

  void parse() {
    while (!parser_->is_done()) {
      if (buffer_.size() == 0) return readMore();
      beast::error_code ec;
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) return readMore();
      if (ec) return answerParseError(ec);
      if (parser_->is_header_done() && !continue_checked_) {
        continue_checked_ = true;
        if (!parser_->is_done() && expectsContinue()) return sendContinue();
      }
      if (used == 0 && !parser_->is_done()) return readMore();
    }
    handleRequest();
  }

  bool expectsContinue() const {
    const auto& req = parser_->get();
    if (req.version() < 11) return false;
    auto expect = req[http::field::expect];
    return beast::iequals(expect, "100-continue");
  }

  // curl and others wait (about a second) for this before sending a body.
  // Still in kReading: the request deadline covers this write too.
  void sendContinue() {
    out_head_ = "HTTP/1.1 100 Continue\r\n\r\n";
    out_body_.clear();
    out_written_ = 0;
    interim_response_ = true;
    write();
  }

  void readMore() {
    if (request_timed_out_) return answerTimeout();
    read();
  }

  void onRequestRead(beast::error_code ec, size_t bytes) {
    buffer_.commit(bytes);
    if (ec == asio::error::eof) {
      // The client stopped sending mid-request. It may still read (a half
      // close), so say what was wrong.
      beast::error_code eof_ec = http::error::partial_message;
      if (parser_->got_some()) parser_->put_eof(eof_ec);
      if (eof_ec) return answerParseError(eof_ec);
      return handleRequest();
    }
    if (ec) return request_timed_out_ ? answerTimeout() : close();
    parse();
  }

  // Fills the exchange from whatever part of the request was parsed.
  void describePartialRequest() {
    exchange_.request_id = newRequestId();
    if (!parser_ || !parser_->is_header_done()) return;
    const auto& req = parser_->get();
    std::string_view method(req.method_string().data(), req.method_string().size());
    std::string_view target(req.target().data(), req.target().size());
    exchange_.method = std::string(methodLabel(method));
    exchange_.path = std::string(pathOf(target));
    exchange_.route = shared_->router.match(method, exchange_.path).route;
    auto id = req["x-request-id"];
    if (isValidRequestId(std::string_view(id.data(), id.size()))) {
      exchange_.request_id = std::string(id.data(), id.size());
    }
  }

  void answerParseError(beast::error_code ec) {
    describePartialRequest();
    const auto& options = shared_->options;
    Response response;
    if (ec == http::error::header_limit) {
      response = Response::error(431, kBadInputCode,
                                 "request headers exceed the limit of " +
                                     std::to_string(options.max_header_bytes) + " bytes");
    } else if (ec == http::error::body_limit) {
      response = Response::error(
          413, kBadInputCode,
          "request body exceeds the limit of " + std::to_string(options.max_body_bytes) + " bytes");
    } else {
      response = Response::error(400, kBadInputCode, "malformed HTTP request: " + ec.message());
    }
    respond(std::move(response), /*keep_alive=*/false, /*head=*/false, 11);
  }

  void answerTimeout() {
    describePartialRequest();
    respond(Response::error(408, kBadInputCode,
                            "request not received in full within " +
                                std::to_string(shared_->options.request_timeout.count()) + " ms"),
            /*keep_alive=*/false, /*head=*/false, 11);
  }

  void handleRequest() {
    phase_ = Phase::kHandling;
    ++generation_;
    deadline_.cancel();

    auto& req = parser_->get();
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    for (const auto& field : req) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(req.body());
    request.remote_address = remote_;
    auto id = request.header("x-request-id");
    request.request_id = id && isValidRequestId(*id) ? std::string(*id) : newRequestId();

    exchange_.request_id = request.request_id;
    exchange_.method = std::string(methodLabel(request.method));
    exchange_.path = request.path;

    Router::Match match = shared_->router.match(request.method, request.path);
    exchange_.route = match.route;
    Response response = dispatch(match, request);
    // Read after the handler: a stop() while it ran must close the connection.
    bool keep_alive = req.keep_alive() && !close_requested_ && !shared_->stopping;
    respond(std::move(response), keep_alive, req.method() == http::verb::head, req.version());
  }

  Response dispatch(const Router::Match& match, const Request& request) {
    if (!match.handler) {
      std::string path = truncated(request.path, 200);
      if (match.allowed.empty()) {
        return Response::error(404, codeName(Code::kNotFound), "no route for " + path);
      }
      std::string allow;
      for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
      Response response =
          Response::error(405, kBadInputCode,
                          "method " + truncated(request.method, 32) + " is not allowed on " + path +
                              " (allowed: " + allow + ")");
      response.headers.emplace_back("Allow", allow);
      return response;
    }
    try {
      return (*match.handler)(request);
    } catch (const Error& e) {
      return Response::error(httpStatus(e.code()), codeName(e.code()), e.message());
    } catch (const std::exception& e) {
      return internalError(e.what());
    } catch (...) {
      return internalError("unknown exception");
    }
  }

  // The exception's text may hold anything (SQL, paths, user data): it goes
  // to the log, the client gets the request id to quote.
  Response internalError(std::string_view what) {
    log::error("http.handler_failed", {{"request_id", exchange_.request_id},
                                       {"route", exchange_.route},
                                       {"error", std::string(what)}});
    return Response::error(500, codeName(Code::kInternal),
                           "internal error (request " + exchange_.request_id + ")");
  }

  // The answer is formatted here rather than by Beast's serializer: it is a
  // few lines, it gives full control over the framing headers, and Beast's
  // serializer is the largest part of this file's compile time. (Beast's
  // prepare_payload also throws on a 204 with a body, which would have
  // dropped the connection without an answer.)
  void respond(Response response, bool keep_alive, bool head, unsigned version) {
    if (response.status < 100 || response.status > 599) {
      response =
          internalError("handler answered with HTTP status " + std::to_string(response.status));
    }
    const int status = response.status;
    exchange_.status = status;
    // RFC 9110: no content in 1xx, 204 and 304 answers.
    const bool bodiless = status < 200 || status == 204 || status == 304;
    if (bodiless && !response.body.empty()) {
      log::warn(
          "http.body_dropped",
          {{"request_id", exchange_.request_id}, {"route", exchange_.route}, {"status", status}});
      response.body.clear();
    }

    std::string& out = out_head_;
    out.clear();
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    // An unlisted code (a handler's 299) gets an empty reason, not Beast's
    // "<unknown-status>".
    auto known = http::int_to_status(static_cast<unsigned>(status));
    if (known != http::status::unknown) {
      auto reason = http::obsolete_reason(known);
      out.append(reason.data(), reason.size());
    }
    out += "\r\n";
    auto add = [&out](std::string_view name, std::string_view value) {
      out.append(name).append(": ").append(value).append("\r\n");
    };
    add("Server", "maestro");
    if (!response.content_type.empty() && isSafeHeader("Content-Type", response.content_type)) {
      add("Content-Type", response.content_type);
    }
    add("X-Request-Id", exchange_.request_id);
    for (const auto& [name, value] : response.headers) {
      if (isSafeHeader(name, value) && !isServerOwnedHeader(name)) {
        add(name, value);
      } else {
        log::warn("http.header_dropped", {{"request_id", exchange_.request_id},
                                          {"route", exchange_.route},
                                          {"header", truncated(name, 64)}});
      }
    }
    // HEAD: the headers of the GET answer (Content-Length included), no body.
    if (!bodiless) add("Content-Length", std::to_string(response.body.size()));
    if (version >= 11 && !keep_alive) add("Connection", "close");
    if (version == 10 && keep_alive) add("Connection", "keep-alive");
    out += "\r\n";
    out_body_ = head ? std::string() : std::move(response.body);
    out_written_ = 0;

    phase_ = Phase::kWriting;
    keep_alive_ = keep_alive;
    stream_.expires_after(shared_->options.write_timeout);
    write();
  }

  // Writes what is left of out_head_ and out_body_ (without copying the body).
  void write() {
    std::array<asio::const_buffer, 2> buffers;
    if (out_written_ < out_head_.size()) {
      buffers = {asio::buffer(out_head_) + out_written_, asio::buffer(out_body_)};
    } else {
      buffers = {asio::const_buffer(), asio::buffer(out_body_) + (out_written_ - out_head_.size())};
    }
    stream_.async_write_some(buffers,
                             beast::bind_front_handler(&Session::onWrite, shared_from_this()));
  }

  void onWrite(beast::error_code ec, size_t bytes) {
    out_written_ += bytes;
    if (!ec && phase_ != Phase::kClosed && out_written_ < out_head_.size() + out_body_.size()) {
      return write();
    }
    out_head_.clear();
    std::string().swap(out_body_);  // a large body's memory goes now, not at the next answer
    if (interim_response_) {
      interim_response_ = false;
      if (phase_ == Phase::kClosed) return;
      if (ec) return request_timed_out_ ? answerTimeout() : close();
      return parse();
    }
    record();
    if (phase_ == Phase::kClosed) return;
    stream_.expires_never();
    if (ec) return close();
    if (!keep_alive_ || close_requested_ || shared_->stopping) return lingeringClose();
    readNext();
  }

  void record() {
    double seconds = std::chrono::duration<double>(SteadyClock::now() - exchange_.start).count();
    metrics::Labels labels = {{"route", exchange_.route},
                              {"method", exchange_.method},
                              {"status", std::to_string(exchange_.status)}};
    try {
      shared_->metrics.increment(kRequestsTotal, "HTTP requests answered, by route and status",
                                 labels);
      shared_->metrics.observe(kRequestDuration,
                               "Time from a request's first byte to its answer sent", labels,
                               seconds, metrics::Registry::latencyBuckets());
    } catch (const std::exception& e) {
      log::error("http.metrics_failed", {{"error", e.what()}});
    }
    log::info("http.request", {{"request_id", exchange_.request_id},
                               {"method", exchange_.method},
                               {"route", exchange_.route},
                               {"path", truncated(exchange_.path, kMaxLoggedPath)},
                               {"status", exchange_.status},
                               {"duration_ms", seconds * 1000.0},
                               {"remote", remote_}});
  }

  void lingeringClose() {
    phase_ = Phase::kLingering;
    beast::error_code ec;
    // Nothing unread and nothing more expected: a plain close cannot RST.
    bool request_read_whole = parser_ && parser_->is_done();
    size_t unread = stream_.socket().available(ec);
    if (ec || (request_read_whole && unread == 0 && buffer_.size() == 0)) return close();
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    buffer_.consume(buffer_.size());
    lingered_bytes_ = 0;
    stream_.expires_after(kLingerTime);
    read();
  }

  // Discards what arrives; the stream's timer ends the lingering.
  void onLingerRead(beast::error_code ec, size_t bytes) {
    lingered_bytes_ += bytes;
    if (ec || lingered_bytes_ > kLingerMaxBytes) return close();
    read();
  }

  void close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    deadline_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  const std::shared_ptr<Shared> shared_;
  const tcp::socket::executor_type executor_;  // the connection's strand
  beast::tcp_stream stream_;
  asio::steady_timer deadline_;  // bounds reading one request
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string out_head_;  // the answer being written: status line and headers
  std::string out_body_;  // … and its body
  size_t out_written_ = 0;
  std::string remote_;
  Phase phase_ = Phase::kIdle;
  Exchange exchange_;
  uint64_t generation_ = 0;  // numbers requests, to recognise stale timer waits
  bool request_timed_out_ = false;
  bool continue_checked_ = false;
  bool interim_response_ = false;  // the write in progress is "100 Continue"
  bool keep_alive_ = false;        // of the answer being written
  bool close_requested_ = false;
  size_t lingered_bytes_ = 0;
};

// Which server, if any, the current thread runs for: stop() cannot join the
// thread it runs on.
thread_local const void* t_io_thread_of = nullptr;

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, Router router, metrics::Registry& metrics)
      : shared(std::make_shared<Shared>(std::move(options), std::move(router), metrics)),
        acceptor(asio::make_strand(ioc)),
        accept_retry(acceptor.get_executor()) {}

  std::shared_ptr<Shared> shared;
  // Declared before everything that uses it: destroyed last, after the
  // sockets and timers that belong to it.
  asio::io_context ioc;
  tcp::acceptor acceptor;           // on its own strand
  asio::steady_timer accept_retry;  // same strand as the acceptor
  // Keeps the threads in run() until stop() lets them go. Without it, the
  // io_context could run out of work between the acceptor closing and the
  // last connection ending, stop for good, and strand what stop() posts
  // afterwards (shutdown, force close): those connections would then never
  // end. Guarded by stop_mutex once started.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::atomic<bool> started{false};
  std::atomic<uint16_t> bound_port{0};
  std::vector<std::thread> threads;

  std::mutex stop_mutex;  // serialises the joining part of stop()
  bool joined = false;    // guarded by stop_mutex

  std::mutex signal_mutex;
  std::condition_variable signal_cv;
  std::optional<asio::signal_set> signals;  // guarded by signal_mutex
  bool signalled = false;                   // guarded by signal_mutex

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      onAccept(ec, std::move(socket));
    });
  }

  void onAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      log::warn("http.accept_failed", {{"error", ec.message()}});
      accept_retry.expires_after(kAcceptRetryDelay);
      accept_retry.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) accept();
      });
      return;
    }
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(shared->mutex);
      if (shared->sessions.size() < shared->options.max_connections) {
        session = std::make_shared<Session>(shared, std::move(socket));
        shared->sessions.emplace(session.get(), session);
        shared->updateOpenGauge();
      }
    }
    if (session) {
      session->start();
    } else {
      try {
        shared->metrics.increment(kConnectionsRejected,
                                  "HTTP connections closed at once: max_connections reached", {});
      } catch (const std::exception& e) {
        log::error("http.metrics_failed", {{"error", e.what()}});
      }
      beast::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    }
    accept();
  }

  void run() {
    t_io_thread_of = this;
    // Handlers are written not to throw; if one does anyway, the thread
    // logs it and keeps serving rather than taking the process down.
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        log::error("http.io_thread_exception", {{"error", e.what()}});
      } catch (...) {
        log::error("http.io_thread_exception", {{"error", "unknown exception"}});
      }
    }
  }

  // Idempotent, non-blocking, callable from any thread (an I/O thread too).
  void beginShutdown() {
    if (shared->stopping.exchange(true)) return;
    asio::post(acceptor.get_executor(), [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      accept_retry.cancel();
    });
    std::vector<std::shared_ptr<Session>> sessions = liveSessions();
    for (auto& s : sessions) s->shutdown();
    {
      std::lock_guard lock(signal_mutex);
      if (signals) {
        asio::post(signals->get_executor(), [this] { signals->cancel(); });
      }
    }
    signal_cv.notify_all();
  }

  std::vector<std::shared_ptr<Session>> liveSessions() {
    std::vector<std::shared_ptr<Session>> result;
    std::lock_guard lock(shared->mutex);
    // Reserved first: a reallocation failing mid-loop would drop a reference
    // under the lock, and a session's destructor takes that lock.
    result.reserve(shared->sessions.size());
    for (auto& [ptr, weak] : shared->sessions) {
      if (auto s = weak.lock()) result.push_back(std::move(s));
    }
    return result;
  }
};

HttpServer::HttpServer(ServerOptions options, Router router, metrics::Registry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), metrics)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  auto& impl = *impl_;
  const auto& options = impl.shared->options;
  if (impl.started.load() || impl.shared->stopping.load()) {
    throw Error::internal("HttpServer::start() may be called once");
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) {
    throw Error::badInput("server host must be an IP address, got '" + options.host + "'", "host");
  }
  tcp::endpoint endpoint(address, options.port);
  std::string where = (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) +
                      ":" + std::to_string(options.port);
  auto fail = [&](std::string_view step) {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    return Error::unavailable("cannot " + std::string(step) + " " + where + ": " + ec.message());
  };
  impl.acceptor.open(endpoint.protocol(), ec);
  if (ec) throw fail("open a socket for");
  // A restarted server must not wait for the previous one's TIME_WAITs.
  impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) throw fail("set SO_REUSEADDR on");
  impl.acceptor.bind(endpoint, ec);
  if (ec) throw fail("bind");
  impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw fail("listen on");
  impl.bound_port = impl.acceptor.local_endpoint(ec).port();

  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  impl.started = true;
  impl.work.emplace(impl.ioc.get_executor());
  impl.accept();  // no thread runs the io_context yet: no strand needed
  for (int i = 0; i < threads; ++i) impl.threads.emplace_back([&impl] { impl.run(); });
  log::info("http.listening",
            {{"host", options.host}, {"port", impl.bound_port.load()}, {"threads", threads}});
}

uint16_t HttpServer::port() const { return impl_->bound_port.load(); }

void HttpServer::stop() {
  auto& impl = *impl_;
  if (!impl.started.load()) return;
  impl.beginShutdown();
  // Called from a handler: the joining is left to the owner's stop() or
  // destructor, which run on another thread.
  if (t_io_thread_of == &impl) return;

  std::lock_guard stop_lock(impl.stop_mutex);
  if (impl.joined) return;
  const auto& options = impl.shared->options;
  {
    std::unique_lock lock(impl.shared->mutex);
    if (!impl.shared->drained.wait_for(lock, options.shutdown_grace,
                                       [&] { return impl.shared->sessions.empty(); })) {
      log::warn("http.shutdown_forced", {{"connections", impl.shared->sessions.size()}});
    }
  }
  for (auto& s : impl.liveSessions()) s->forceClose();
  // Once the acceptor and every connection are closed the io_context runs
  // out of work and the threads return.
  impl.work.reset();
  for (auto& t : impl.threads) t.join();
  impl.threads.clear();
  impl.joined = true;
  log::info("http.stopped", {{"port", impl.bound_port.load()}});
}

void HttpServer::waitForShutdownSignal() {
  auto& impl = *impl_;
  if (!impl.started.load())
    throw Error::internal("HttpServer::waitForShutdownSignal() before start()");
  {
    std::unique_lock lock(impl.signal_mutex);
    // A second waiter shares the first one's set.
    if (!impl.signals && !impl.shared->stopping.load()) {
      impl.signals.emplace(asio::make_strand(impl.ioc), SIGINT, SIGTERM);
      impl.signals->async_wait([&impl](beast::error_code ec, int signal) {
        if (!ec) log::info("http.signal", {{"signal", signal}});
        {
          std::lock_guard lock(impl.signal_mutex);
          impl.signalled = true;
        }
        impl.signal_cv.notify_all();
      });
    }
    impl.signal_cv.wait(lock, [&] { return impl.signalled || impl.shared->stopping.load(); });
  }
  stop();
  // The threads are joined: no handler can touch the set any more. Dropping
  // it gives SIGINT and SIGTERM back their default actions.
  std::lock_guard lock(impl.signal_mutex);
  impl.signals.reset();
}

}  // namespace maestro::server
