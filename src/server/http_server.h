// HttpServer — HTTP/1.1 on Boost.Beast.
//
// One io_context run by `threads` threads (default: one per core); each
// connection reads requests with limits on header size, body size and time,
// keeps alive when the client asks, and answers through the Router. Handlers
// run on the I/O threads and may block briefly (database calls). A handler
// that throws maestro::Error answers with the code's status; anything else
// is a 500 and is logged with the request id. Every request is counted in
// `maestro_http_requests_total` and `maestro_http_request_duration_seconds`
// by route, method and status, and logged as one JSON line (path without
// query string, never headers or bodies).
//
// start() binds and returns; stop() stops accepting, lets in-flight requests
// finish within the grace period, closes idle connections and joins the
// threads. Thread-safe: stop() may be called from any thread, any number of
// times; called from a handler it begins the shutdown and returns without
// joining (the owner's stop() or the destructor joins). A handler that never
// returns keeps stop() waiting: force-closing a connection cannot interrupt
// a handler.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "server/http.h"

namespace maestro::metrics {
class Registry;
}

namespace maestro::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port; see HttpServer::port()
  int threads = 0;    // 0: std::thread::hardware_concurrency()
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 4 * 1024 * 1024;
  // A started request must arrive whole within this time (slow clients).
  std::chrono::milliseconds request_timeout{10'000};
  // A keep-alive connection with no request in flight is closed after this.
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  size_t max_connections = 10'000;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Router router, metrics::Registry& metrics);
  ~HttpServer();  // stops if running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. Throws Error::unavailable if the address
  // cannot be bound, Error::badInput if the host is not an IP address.
  void start();
  uint16_t port() const;
  void stop();
  // Blocks until SIGTERM or SIGINT arrives (or stop() is called), then stops.
  void waitForShutdownSignal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maestro::server
