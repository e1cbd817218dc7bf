#include "server/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <random>
#include <regex>
#include <stdexcept>
#include <thread>

#include "common/error.h"
#include "common/json.h"
#include "common/log.h"
#include "platform/metrics/metrics.h"
#include "server/test_client.h"

namespace maestro::server {
namespace {

using namespace std::chrono_literals;
using test::TestClient;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Polls `condition` until it holds or `limit` passes.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds limit = 3s) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

bool isGeneratedRequestId(const std::string& id) {
  return std::regex_match(id, std::regex("[0-9a-f]{16}"));
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSink([this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_lines_.emplace_back(line);
    });
  }

  void TearDown() override {
    server_.reset();
    // Every connection a test leaves behind ends on its own within the
    // grace period; a forced shutdown means one was stranded (that once
    // happened when the io_context ran out of work during stop()).
    if (!expect_forced_shutdown_) {
      EXPECT_TRUE(logEvents("http.shutdown_forced").empty()) << allLogText();
    }
    log::setSink(nullptr);
  }

  // Small limits and short timeouts so that every test stays fast.
  static ServerOptions fastOptions() {
    ServerOptions options;
    options.threads = 4;
    options.max_header_bytes = 1024;
    options.max_body_bytes = 1024;
    options.request_timeout = 300ms;
    options.idle_timeout = 5s;
    options.write_timeout = 2s;
    options.shutdown_grace = 2s;
    return options;
  }

  Router defaultRouter() {
    Router router;
    router.add("GET", "/hello", [](const Request&) { return Response::text(200, "hello"); });
    auto echo = [](const Request& r) {
      return Response::text(200, r.body.empty() ? r.query : r.body);
    };
    router.add("GET", "/echo", echo);
    router.add("POST", "/echo", echo);
    router.add("GET", "/items", [](const Request&) { return Response::json(200, "[]"); });
    router.add("POST", "/items", [](const Request&) { return Response::json(201, "{}"); });
    router.add("GET", "/id", [](const Request& r) { return Response::text(200, r.request_id); });
    router.add("GET", "/forbidden", [](const Request&) -> Response {
      throw Error::forbidden("dataset d1 is not yours");
    });
    router.add("GET", "/boom", [](const Request&) -> Response {
      throw std::runtime_error("connection string password=hunter2");
    });
    router.add("GET", "/slow", [this](const Request&) {
      slow_entered_ = true;
      std::this_thread::sleep_for(600ms);
      slow_finished_ = true;
      return Response::text(200, "slow done");
    });
    router.add("GET", "/metrics",
               [this](const Request&) { return Response::text(200, metrics_.serialize()); });
    router.add("GET", "/nocontent", [](const Request&) { return Response::json(204, "{}"); });
    auto page = [](const Request&) { return Response::text(200, "page body"); };
    router.add("GET", "/page", page);
    router.add("HEAD", "/page", page);
    router.add("GET", "/big", [](const Request&) {
      return Response::text(200, std::string(16 * 1024 * 1024, 'z'));
    });
    router.add("GET", "/stop", [this](const Request&) {
      server_->stop();  // from a handler: must not wait for its own thread
      return Response::text(200, "stopping");
    });
    router.add("GET", "/headers", [](const Request&) {
      Response r = Response::text(200, "ok");
      r.headers = {{"X-Good", "yes"},
                   {"X-Bad", "a\r\nSet-Cookie: evil=1"},
                   {"Bad Name", "x"},
                   {"Content-Length", "999"},
                   {"connection", "close"}};
      return r;
    });
    return router;
  }

  HttpServer& start(ServerOptions options = fastOptions()) {
    server_ = std::make_unique<HttpServer>(std::move(options), defaultRouter(), metrics_);
    server_->start();
    return *server_;
  }

  uint16_t port() const { return server_->port(); }

  std::vector<Json> logEvents(std::string_view event) {
    std::lock_guard lock(log_mutex_);
    std::vector<Json> result;
    for (const auto& line : log_lines_) {
      Json j = Json::parse(line);
      if (j["event"] == event) result.push_back(std::move(j));
    }
    return result;
  }

  std::string allLogText() {
    std::lock_guard lock(log_mutex_);
    std::string text;
    for (const auto& line : log_lines_) text += line + "\n";
    return text;
  }

  metrics::Registry metrics_;
  std::unique_ptr<HttpServer> server_;
  bool expect_forced_shutdown_ = false;
  std::atomic<bool> slow_entered_{false};
  std::atomic<bool> slow_finished_{false};
  std::mutex log_mutex_;
  std::vector<std::string> log_lines_;
};

TEST_F(HttpServerTest, GetIsAnswered) {
  start();
  ASSERT_NE(port(), 0);
  TestClient client(port());
  auto r = client.get("/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->header("server"), "maestro");
  EXPECT_EQ(r->header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->header("content-length"), "5");
  EXPECT_TRUE(isGeneratedRequestId(r->header("x-request-id"))) << r->header("x-request-id");
}

TEST_F(HttpServerTest, TwoRequestsOnOneKeepAliveConnection) {
  start();
  TestClient client(port());
  auto first = client.get("/echo?n=1");
  auto second = client.get("/echo?n=2");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "n=1");
  EXPECT_EQ(second->body, "n=2");
  EXPECT_NE(first->header("connection"), "close");
  EXPECT_NE(first->header("x-request-id"), second->header("x-request-id"));
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  TestClient client(port());
  std::string requests;
  for (int i = 1; i <= 3; ++i) {
    requests += "GET /echo?n=" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n";
  }
  requests += "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody";
  ASSERT_TRUE(client.send(requests));
  for (int i = 1; i <= 3; ++i) {
    auto r = client.readResponse();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "n=" + std::to_string(i));
  }
  auto r = client.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "body");
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  start();
  TestClient client(port());
  auto r = client.get("/hello", "Connection: close\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(client.waitClosed(2s));
}

TEST_F(HttpServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  start();
  TestClient once(port());
  ASSERT_TRUE(once.send("GET /hello HTTP/1.0\r\n\r\n"));
  auto r = once.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(once.waitClosed(2s));

  TestClient kept(port());
  ASSERT_TRUE(kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ASSERT_TRUE(kept.readResponse());
  ASSERT_TRUE(kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto again = kept.readResponse();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  start();
  TestClient client(port());
  auto r = client.get("/nope?x=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->header("content-type"), "application/json");
  auto body = Json::parse(r->body);
  EXPECT_EQ(body["error"]["code"], "NOT_FOUND");
  EXPECT_EQ(body["error"]["message"], "no route for /nope");
  // Not an error of the connection: it stays usable.
  auto next = client.get("/hello");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  start();
  TestClient client(port());
  ASSERT_TRUE(client.send("DELETE /items HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = client.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow"), "GET, POST");
  auto body = Json::parse(r->body);
  EXPECT_EQ(body["error"]["code"], "BAD_USER_INPUT");
  EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("DELETE"));
}

TEST_F(HttpServerTest, MalformedRequestIs400AndTheServerKeepsServing) {
  start();
  {
    TestClient client(port());
    ASSERT_TRUE(client.send("THIS IS NOT HTTP\r\n\r\n"));
    auto r = client.readResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    auto body = Json::parse(r->body);
    EXPECT_EQ(body["error"]["code"], "BAD_USER_INPUT");
    EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("malformed HTTP request"));
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(client.waitClosed(2s));
  }
  {
    TestClient client(port());
    ASSERT_TRUE(client.send("GET /hello HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n"));
    auto r = client.readResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  TestClient client(port());
  auto r = client.get("/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, HeadersOverTheLimitAre431) {
  start();
  TestClient client(port());
  auto r = client.get("/hello", "X-Big: " + std::string(2000, 'a') + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_THAT(r->body, HasSubstr("1024 bytes"));
  EXPECT_TRUE(client.waitClosed(2s));
}

TEST_F(HttpServerTest, BodyOverTheLimitByContentLengthIs413) {
  start();
  TestClient client(port());
  // Answered as soon as the header is read: the body is never waited for.
  ASSERT_TRUE(client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" +
                          std::string(100, 'x')));
  auto r = client.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  auto body = Json::parse(r->body);
  EXPECT_EQ(body["error"]["code"], "BAD_USER_INPUT");
  EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("1024 bytes"));
  EXPECT_TRUE(client.waitClosed(2s));
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  start();
  TestClient client(port());
  std::string request = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) request += "200\r\n" + std::string(512, 'x') + "\r\n";
  request += "0\r\n\r\n";
  ASSERT_TRUE(client.send(request));
  auto r = client.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(client.waitClosed(2s));
}

TEST_F(HttpServerTest, BodiesWithinTheLimitArriveWhole) {
  start();
  TestClient client(port());
  std::string body(1024, 'b');
  ASSERT_TRUE(client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n" + body));
  auto r = client.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, body);
  ASSERT_TRUE(
      client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"));
  r = client.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "abcdefg");
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimAnswer) {
  start();
  TestClient client(port());
  ASSERT_TRUE(client.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(client.readBytes(25), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(client.send("hello"));
  auto r = client.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
}

TEST_F(HttpServerTest, SlowClientIsCutOffWhileOthersAreServed) {
  start();
  auto t0 = Clock::now();
  TestClient slow(port());
  ASSERT_TRUE(slow.send("GET /hello HTTP/1.1\r\nHost: t\r\n"));  // header unfinished

  TestClient other(port());
  auto served = other.get("/hello");
  auto served_at = since(t0);
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);

  auto r = slow.readResponse();
  auto cut_at = since(t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(Json::parse(r->body)["error"]["code"], "BAD_USER_INPUT");
  EXPECT_GE(cut_at, 250ms);
  EXPECT_LT(cut_at, 3s);
  EXPECT_LT(served_at, cut_at);
  EXPECT_TRUE(slow.waitClosed(2s));
}

TEST_F(HttpServerTest, TricklingClientIsCutOffByTheWholeRequestDeadline) {
  start();
  TestClient slow(port());
  std::atomic<bool> done{false};
  auto t0 = Clock::now();
  // One byte every 50 ms: each read is quick, the request never ends.
  std::thread trickle([&] {
    std::string request = "GET /hello HTTP/1.1\r\nX-Long: " + std::string(500, 'a');
    for (char c : request) {
      if (done || !slow.send(std::string_view(&c, 1))) return;
      std::this_thread::sleep_for(50ms);
    }
  });
  auto r = slow.readResponse();
  auto cut_at = since(t0);
  done = true;
  trickle.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_GE(cut_at, 250ms);
  EXPECT_LT(cut_at, 3s);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  auto options = fastOptions();
  options.idle_timeout = 300ms;
  start(options);
  TestClient client(port());
  ASSERT_TRUE(client.get("/hello"));
  auto t0 = Clock::now();
  EXPECT_TRUE(client.waitClosed(3s));
  EXPECT_GE(since(t0), 200ms);

  // A connection that never sends anything is idle from the start.
  TestClient silent(port());
  t0 = Clock::now();
  EXPECT_TRUE(silent.waitClosed(3s));
  EXPECT_GE(since(t0), 200ms);
}

TEST_F(HttpServerTest, HandlerErrorAnswersWithItsCodeAndKeepsTheConnection) {
  start();
  TestClient client(port());
  auto r = client.get("/forbidden");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->body, R"({"error":{"code":"FORBIDDEN","message":"dataset d1 is not yours"}})");
  EXPECT_NE(r->header("connection"), "close");
  auto next = client.get("/hello");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, OtherExceptionIs500WithRequestIdAndNoDetails) {
  start();
  TestClient client(port());
  auto r = client.get("/boom", "X-Request-Id: req-500\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(
      r->body,
      R"j({"error":{"code":"INTERNAL_SERVER_ERROR","message":"internal error (request req-500)"}})j");
  EXPECT_THAT(r->body, Not(HasSubstr("hunter2")));
  auto failures = logEvents("http.handler_failed");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]["request_id"], "req-500");
  EXPECT_EQ(failures[0]["route"], "/boom");
  EXPECT_THAT(failures[0]["error"].get<std::string>(), HasSubstr("hunter2"));
  EXPECT_EQ(failures[0]["level"], "error");
}

TEST_F(HttpServerTest, RequestIdFromTheClientIsKeptWhenValid) {
  start();
  TestClient client(port());
  auto r = client.get("/id", "X-Request-Id: abc.DEF_123-x\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "abc.DEF_123-x");
  EXPECT_EQ(r->header("x-request-id"), "abc.DEF_123-x");

  std::string longest(64, 'a');
  r = client.get("/id", "X-Request-Id: " + longest + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("x-request-id"), longest);

  for (std::string bad : {std::string("has space"), std::string("semi;colon"), std::string(65, 'a'),
                          std::string("quote\"")}) {
    r = client.get("/id", "X-Request-Id: " + bad + "\r\n");
    ASSERT_TRUE(r) << bad;
    EXPECT_TRUE(isGeneratedRequestId(r->body)) << bad << " -> " << r->body;
    EXPECT_EQ(r->header("x-request-id"), r->body);
  }
}

TEST_F(HttpServerTest, UnsafeAndFramingHandlerHeadersAreDropped) {
  start();
  TestClient client(port());
  auto r = client.get("/headers");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("x-good"), "yes");
  EXPECT_EQ(r->header("x-bad"), "");
  EXPECT_EQ(r->header("set-cookie"), "");
  EXPECT_EQ(r->header("content-length"), "2");
  EXPECT_EQ(r->header("connection"), "");
  EXPECT_EQ(logEvents("http.header_dropped").size(), 4u);
  // The framing was the server's: the connection is still in step.
  auto next = client.get("/hello");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
}

TEST_F(HttpServerTest, NoContentAnswerCarriesNoBody) {
  start();
  TestClient client(port());
  auto r = client.get("/nocontent");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->header("content-length"), "");
  EXPECT_EQ(r->body, "");
  auto next = client.get("/hello");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
}

TEST_F(HttpServerTest, HeadAnswerHasTheLengthButNoBody) {
  start();
  TestClient client(port());
  ASSERT_TRUE(client.send("HEAD /page HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = client.readResponse(/*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-length"), "9");
  auto next = client.get("/page");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "page body");
}

TEST_F(HttpServerTest, MetricsCountRequestsByRouteMethodAndStatus) {
  start();
  TestClient client(port());
  ASSERT_TRUE(client.get("/hello"));
  ASSERT_TRUE(client.get("/hello?q=1"));
  ASSERT_TRUE(client.get("/missing"));
  ASSERT_TRUE(client.send("BREW /items HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(client.readResponse());
  // Same connection: the previous requests are recorded before this one is read.
  auto r = client.get("/metrics");
  ASSERT_TRUE(r);
  const std::string& text = r->body;
  EXPECT_THAT(text, HasSubstr("# TYPE maestro_http_requests_total counter\n"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(maestro_http_requests_total{method="GET",route="/hello",status="200"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(maestro_http_requests_total{method="GET",route="unmatched",status="404"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(maestro_http_requests_total{method="OTHER",route="/items",status="405"} 1)"));
  EXPECT_THAT(text, HasSubstr("# TYPE maestro_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(maestro_http_request_duration_seconds_bucket{method="GET",route="/hello",status="200",le="0.0005"})"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(maestro_http_request_duration_seconds_bucket{method="GET",route="/hello",status="200",le="10"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(maestro_http_request_duration_seconds_bucket{method="GET",route="/hello",status="200",le="+Inf"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(maestro_http_request_duration_seconds_count{method="GET",route="/hello",status="200"} 2)"));
  EXPECT_THAT(text, HasSubstr("maestro_http_connections_open 1\n"));
}

TEST_F(HttpServerTest, LogLineHasTheFieldsButNoHeadersBodiesOrQuery) {
  start();
  TestClient client(port());
  ASSERT_TRUE(client.send(
      "POST /echo?token=querysecret HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer headersecret\r\n"
      "X-Request-Id: log-1\r\nContent-Length: 10\r\n\r\nbodysecret"));
  auto r = client.readResponse();
  ASSERT_TRUE(r);
  ASSERT_TRUE(eventually([&] { return !logEvents("http.request").empty(); }));
  auto line = logEvents("http.request").at(0);
  EXPECT_EQ(line["request_id"], "log-1");
  EXPECT_EQ(line["method"], "POST");
  EXPECT_EQ(line["route"], "/echo");
  EXPECT_EQ(line["path"], "/echo");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["remote"], "127.0.0.1");
  EXPECT_TRUE(line["duration_ms"].is_number());
  std::string text = allLogText();
  EXPECT_THAT(text, Not(HasSubstr("headersecret")));
  EXPECT_THAT(text, Not(HasSubstr("bodysecret")));
  EXPECT_THAT(text, Not(HasSubstr("querysecret")));
}

TEST_F(HttpServerTest, ManyConcurrentClientsAreAllAnswered) {
  start();
  constexpr int kClients = 50;
  constexpr int kRequests = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      TestClient client(port());
      for (int i = 0; i < kRequests; ++i) {
        std::string query = "c=" + std::to_string(c) + "&i=" + std::to_string(i);
        auto r = client.get("/echo?" + query);
        if (r && r->status == 200 && r->body == query) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
}

TEST_F(HttpServerTest, StopLetsARunningHandlerFinishAndClosesIdleConnections) {
  auto& server = start();
  TestClient idle(port());
  ASSERT_TRUE(idle.get("/hello"));
  TestClient slow(port());
  ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return slow_entered_.load(); }));

  std::thread stopper([&] { server.stop(); });
  EXPECT_TRUE(idle.waitClosed(2s));
  EXPECT_FALSE(slow_finished_.load()) << "the idle connection should close at once";

  auto r = slow.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow done");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(slow.waitClosed(2s));
  stopper.join();

  TestClient late(port());
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServerTest, StopForceClosesWhatRemainsAfterTheGracePeriod) {
  auto options = fastOptions();
  options.shutdown_grace = 200ms;
  expect_forced_shutdown_ = true;
  auto& server = start(options);
  TestClient slow(port());
  ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return slow_entered_.load(); }));
  auto t0 = Clock::now();
  server.stop();  // the handler runs 600 ms: longer than the grace period
  EXPECT_GE(since(t0), 150ms);
  EXPECT_LT(since(t0), 3s);
  auto forced = logEvents("http.shutdown_forced");
  ASSERT_EQ(forced.size(), 1u);
  EXPECT_EQ(forced[0]["connections"], 1);
  EXPECT_TRUE(slow.waitClosed(1s));
}

TEST_F(HttpServerTest, StopFromAHandlerDoesNotDeadlock) {
  start();
  uint16_t bound = port();
  TestClient client(bound);
  auto r = client.get("/stop");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "stopping");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(eventually([&] { return !TestClient(bound).connected(); }));
  server_.reset();  // joins from this thread
}

TEST_F(HttpServerTest, WritesAreBoundedByWriteTimeout) {
  auto options = fastOptions();
  options.write_timeout = 300ms;
  start(options);
  // A client that asks for 16 MiB and never reads: the server's write stalls.
  TestClient client(port(), 5s, 4096);
  auto t0 = Clock::now();
  ASSERT_TRUE(client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return !logEvents("http.request").empty(); }, 5s));
  EXPECT_GE(since(t0), 250ms);
  EXPECT_TRUE(eventually([&] {
    return metrics_.serialize().find("maestro_http_connections_open 0") != std::string::npos;
  }));
}

TEST_F(HttpServerTest, StopTwiceAndFromTwoThreadsIsFine) {
  auto& server = start();
  TestClient client(port());
  ASSERT_TRUE(client.get("/hello"));
  std::thread a([&] { server.stop(); });
  std::thread b([&] { server.stop(); });
  a.join();
  b.join();
  server.stop();
  EXPECT_TRUE(client.waitClosed(1s));
}

TEST_F(HttpServerTest, StopBeforeStartAndDestroyWithoutStopAreFine) {
  {
    HttpServer never(fastOptions(), defaultRouter(), metrics_);
    never.stop();
  }
  {
    HttpServer running(fastOptions(), defaultRouter(), metrics_);
    running.start();
    TestClient client(running.port());
    ASSERT_TRUE(client.get("/hello"));
  }  // the destructor stops and joins
}

TEST_F(HttpServerTest, ConnectionsBeyondTheMaximumAreClosed) {
  auto options = fastOptions();
  options.max_connections = 2;
  start(options);
  auto a = std::make_unique<TestClient>(port());
  TestClient b(port());
  ASSERT_TRUE(a->get("/hello"));
  ASSERT_TRUE(b.get("/hello"));

  TestClient c(port());
  EXPECT_TRUE(c.waitClosed(2s));
  EXPECT_THAT(metrics_.serialize(), HasSubstr("maestro_http_connections_rejected_total 1\n"));

  // A freed slot is usable again.
  a.reset();
  EXPECT_TRUE(eventually([&] {
    TestClient d(port());
    auto r = d.get("/hello");
    return r && r->status == 200;
  }));
}

TEST_F(HttpServerTest, HostMustBeAnIpAddress) {
  auto options = fastOptions();
  options.host = "localhost";
  HttpServer server(options, defaultRouter(), metrics_);
  try {
    server.start();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kBadInput);
    EXPECT_THAT(e.message(), HasSubstr("'localhost'"));
  }
}

TEST_F(HttpServerTest, BindFailureIsUnavailableNamingTheAddress) {
  start();
  auto options = fastOptions();
  options.port = port();
  HttpServer second(options, defaultRouter(), metrics_);
  try {
    second.start();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kUnavailable);
    EXPECT_THAT(e.message(), HasSubstr("127.0.0.1:" + std::to_string(port())));
    EXPECT_THAT(e.message(), HasSubstr("in use"));
  }
}

TEST_F(HttpServerTest, WaitForShutdownSignalReturnsWhenStopped) {
  auto& server = start();
  std::thread waiter([&] { server.waitForShutdownSignal(); });
  std::this_thread::sleep_for(20ms);
  server.stop();
  waiter.join();
}

bool sigtermHandled() {
  struct sigaction current {};
  ::sigaction(SIGTERM, nullptr, &current);
  return current.sa_handler != SIG_DFL;
}

TEST_F(HttpServerTest, WaitForShutdownSignalStopsOnSigterm) {
  auto& server = start();
  uint16_t bound = port();
  std::thread waiter([&] { server.waitForShutdownSignal(); });
  // Only once the handler is installed: the default action would end the test.
  ASSERT_TRUE(eventually([] { return sigtermHandled(); }));
  ::kill(::getpid(), SIGTERM);
  waiter.join();
  TestClient late(bound);
  EXPECT_FALSE(late.connected());
  EXPECT_FALSE(sigtermHandled()) << "the default action should be restored";
}

TEST_F(HttpServerTest, RandomBytesNeverBreakTheServer) {
  start();
  std::mt19937 rng(20240611);
  const std::string valid =
      "POST /echo?a=b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
  for (int i = 0; i < 150; ++i) {
    std::string bytes = valid;
    if (i % 3 == 0) {
      bytes.assign(1 + rng() % 600, '\0');
      for (auto& c : bytes) c = static_cast<char>(rng());
    } else {
      for (int flips = 0; flips < 1 + i % 4; ++flips) {
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
      }
    }
    TestClient client(port(), 2s);
    ASSERT_TRUE(client.connected());
    client.send(bytes);
    // Whatever the answer (or a close, or a 408 for a request that looks
    // unfinished), the connection ends and the server lives on.
    if (auto r = client.readResponse()) {
      EXPECT_GE(r->status, 200) << i;
      EXPECT_LT(r->status, 500) << i;
    }
  }
  TestClient client(port());
  auto r = client.get("/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace maestro::server
