// A raw HTTP/1.1 client over a POSIX socket, for server tests: it sends
// exactly the bytes it is given (malformed, partial, pipelined) and parses
// what comes back. Not thread-safe; one per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace maestro::server::test {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // Value of header `name` (lower-case), or "" if absent.
  std::string header(const std::string& name) const;
};

class TestClient {
 public:
  // Connects to 127.0.0.1:port; reads give up after `read_timeout`.
  // `receive_buffer` > 0 shrinks SO_RCVBUF (to make the server's writes block).
  explicit TestClient(uint16_t port,
                      std::chrono::milliseconds read_timeout = std::chrono::seconds(5),
                      int receive_buffer = 0);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False if the connection is broken.
  bool send(std::string_view bytes);
  // Reads one response (Content-Length framed; the server always sets it
  // when there is a body). `head`: the answer to a HEAD, which has none.
  // nullopt on EOF, error or timeout.
  std::optional<HttpResponse> readResponse(bool head = false);
  // Reads exactly `n` bytes (e.g. an interim "100 Continue"), or fewer on EOF.
  std::string readBytes(size_t n);
  // True if the peer closes (EOF or reset) within `within`; data received
  // meanwhile is discarded.
  bool waitClosed(std::chrono::milliseconds within);

  // Convenience: GET `target` with keep-alive, then read the response.
  std::optional<HttpResponse> get(std::string_view target, std::string_view extra_headers = "");

 private:
  // Appends what arrives to buffer_; false on EOF, error or timeout.
  bool fill();

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace maestro::server::test
