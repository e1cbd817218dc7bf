// Limits: each one refuses with LIMIT_EXCEEDED and names the limit; deep,
// wide and fragment-bomb documents cost linear time.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "graphql/test_schema.h"

namespace maestro::graphql {
namespace {

class GraphqlLimits : public ::testing::Test {
 protected:
  testing::TestState state_;
  std::shared_ptr<const ExecutableSchema> schema_ = testing::testSchema(&state_);

  Response exec(std::string_view q, Limits limits = {}) {
    Request req;
    req.query = q;
    req.limits = limits;
    return execute(*schema_, req);
  }
  void expectLimit(const Response& r, std::string_view message, std::string_view limit) {
    EXPECT_EQ(r.outcome, Response::Outcome::kRequestError);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors[0].code, "LIMIT_EXCEEDED");
    EXPECT_EQ(r.errors[0].message, message);
    EXPECT_EQ(r.errors[0].extensions["limit"], limit);
    EXPECT_FALSE(r.toJson().contains("data"));
  }
};

std::string nestedFriends(int depth) {
  std::string q = "{ user(id: 1) { ";
  for (int i = 2; i < depth; ++i) q += "friends { ";
  q += "name";
  for (int i = 0; i < depth - 1; ++i) q += " }";
  return q + " }";
}

TEST_F(GraphqlLimits, DocumentBytes) {
  Limits l;
  l.max_document_bytes = 10;
  expectLimit(exec("{ hello hello }", l), "document size 15 bytes exceeds the limit of 10 bytes (max_document_bytes)",
              "max_document_bytes");
}

TEST_F(GraphqlLimits, Tokens) {
  Limits l;
  l.max_tokens = 4;
  Response r = exec("{ hello hello hello }", l);
  EXPECT_EQ(r.errors.at(0).code, "LIMIT_EXCEEDED");
  EXPECT_NE(r.errors[0].message.find("max_tokens"), std::string::npos);
  // A cached document is held to the request's limit too.
  EXPECT_EQ(exec("{ hello hello hello }").outcome, Response::Outcome::kExecuted);
  expectLimit(exec("{ hello hello hello }", l), "document exceeds the limit of 4 tokens (max_tokens)",
              "max_tokens");
}

TEST_F(GraphqlLimits, Depth) {
  EXPECT_EQ(exec(nestedFriends(12)).outcome, Response::Outcome::kExecuted);
  expectLimit(exec(nestedFriends(14)), "query depth 14 exceeds the limit of 12 (max_depth)", "max_depth");
  // Fragments count where they are spread.
  expectLimit(exec("{ user(id: 1) { ...F } } fragment F on User { friends { friends { name } } }",
                   Limits{.max_depth = 3}),
              "query depth 4 exceeds the limit of 3 (max_depth)", "max_depth");
}

TEST_F(GraphqlLimits, FieldsIncludingAliases) {
  std::string q = "{";
  for (int i = 0; i < 1001; ++i) q += " a" + std::to_string(i) + ": hello";
  q += " }";
  expectLimit(exec(q), "query field count 1001 exceeds the limit of 1000 (max_fields)", "max_fields");
}

TEST_F(GraphqlLimits, FragmentBombIsCaughtQuickly) {
  // 2^40 fields once expanded.
  std::string q = "{ ...F0 }\nfragment F40 on Query { hello }\n";
  for (int i = 39; i >= 0; --i) {
    q += "fragment F" + std::to_string(i) + " on Query { ...F" + std::to_string(i + 1) + " a: __typename ...F" +
         std::to_string(i + 1) + " }\n";
  }
  auto start = std::chrono::steady_clock::now();
  Response r = exec(q, Limits{.max_fields = 1000000});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(r.errors.at(0).code, "LIMIT_EXCEEDED");
  EXPECT_NE(r.errors[0].message.find("max_fields"), std::string::npos);
}

TEST_F(GraphqlLimits, WideRepeatedFieldsStayBounded) {
  // Within the field limit but quadratic for field merging: refused or
  // accepted, never slow.
  std::string q = "{";
  for (int i = 0; i < 999; ++i) q += " user(id: 1) { name }";
  q += " }";
  auto start = std::chrono::steady_clock::now();
  Response r = exec(q, Limits{.max_fields = 5000});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  if (r.outcome == Response::Outcome::kRequestError) {
    EXPECT_EQ(r.errors.at(0).code, "LIMIT_EXCEEDED");
  } else {
    EXPECT_EQ(r.data["user"]["name"], "Ann");
  }
}

TEST_F(GraphqlLimits, ListItems) {
  Limits l;
  l.max_list_items = 5;
  Response r = exec("{ a: items(n: 5) b: items(n: 6) }", l);
  EXPECT_EQ(r.outcome, Response::Outcome::kExecuted);
  EXPECT_EQ(r.data["a"].size(), 5u);
  EXPECT_EQ(r.data["b"], nullptr);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "LIMIT_EXCEEDED");
  EXPECT_EQ(r.errors[0].message, "list of 6 items exceeds the limit of 5 (max_list_items)");
  EXPECT_EQ(r.toJson()["errors"][0]["path"].dump(), R"(["b"])");
}

TEST_F(GraphqlLimits, Timeout) {
  Limits l;
  l.timeout = std::chrono::milliseconds(20);
  Response r = exec("{ a: slow(ms: 40) b: user(id: 1) { name } c: old }", l);
  EXPECT_EQ(r.outcome, Response::Outcome::kExecuted);
  EXPECT_EQ(r.data.dump(), R"({"a":"slept","b":null,"c":null})");
  ASSERT_EQ(r.errors.size(), 1u);  // reported once
  EXPECT_EQ(r.errors[0].code, "LIMIT_EXCEEDED");
  EXPECT_EQ(r.errors[0].message, "request exceeded the timeout of 20 ms (timeout)");
}

TEST_F(GraphqlLimits, LongFragmentChainsAreFine) {
  std::string q = "{ ...F0 }\n";
  for (int i = 0; i < 2000; ++i) {
    q += "fragment F" + std::to_string(i) + " on Query { ...F" + std::to_string(i + 1) + " }\n";
  }
  q += "fragment F2000 on Query { hello }";
  Response r = exec(q, Limits{.max_document_bytes = 1 << 20, .max_tokens = 100000});
  ASSERT_EQ(r.outcome, Response::Outcome::kExecuted) << r.toJson().dump();
  EXPECT_EQ(r.data["hello"], "hello world");
}

TEST_F(GraphqlLimits, ConcurrentRequestsShareTheCache) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        Request req;
        std::string q = "{ user(id: " + std::to_string(1 + (i + t) % 3) + ") { id } n" + std::to_string(i % 300) + ": hello }";
        req.query = q;
        Response r = execute(*schema_, req);
        if (r.outcome == Response::Outcome::kExecuted && r.data["user"]["id"] == std::to_string(1 + (i + t) % 3)) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1200);
}

TEST_F(GraphqlLimits, HostileDocumentsNeverThrow) {
  std::vector<std::string> docs = {
      std::string(100000, '['), std::string(5000, '{'), "{ a(x: \"\\u", "query($", "{ ...on }", "\xFF\xFE",
      "fragment F on Query { ...F } { ...F }", std::string("{ hello }\0", 10)};
  for (const auto& d : docs) {
    Response r = exec(d);
    EXPECT_EQ(r.outcome, Response::Outcome::kRequestError) << d.substr(0, 20);
  }
}

}  // namespace
}  // namespace maestro::graphql
