#include "common/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"

namespace maestro::log {
namespace {

// Captures every line written while it is installed; restores the stderr
// sink and the default level afterwards so tests do not leak into others.
// True for "YYYY-MM-DDTHH:MM:SS.mmmZ".
bool looksLikeRfc3339Millis(std::string_view ts) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (ts.size() != kShape.size()) return false;
  for (size_t i = 0; i < ts.size(); ++i) {
    bool ok = kShape[i] == 'd' ? (ts[i] >= '0' && ts[i] <= '9') : ts[i] == kShape[i];
    if (!ok) return false;
  }
  return true;
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setLevel(Level::kDebug);
    setSink([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    });
  }
  void TearDown() override {
    setSink(nullptr);
    setLevel(Level::kInfo);
  }

  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  // The single line written so far, parsed.
  Json onlyLine() {
    auto all = lines();
    EXPECT_EQ(all.size(), 1u);
    if (all.empty()) return Json::object();
    return Json::parse(all.front());
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

TEST_F(LogTest, LineIsJsonWithTsLevelEventAndFields) {
  info("http.request", {{"request_id", "r-1"}, {"status", 200}, {"ok", true}});
  auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].find('\n'), std::string::npos);  // one line per event
  Json line = Json::parse(all[0]);
  ASSERT_TRUE(line.is_object());
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["event"], "http.request");
  EXPECT_EQ(line["request_id"], "r-1");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["ok"], true);
  ASSERT_TRUE(line["ts"].is_string());
  EXPECT_TRUE(looksLikeRfc3339Millis(line["ts"].get<std::string>())) << line["ts"];
}

TEST_F(LogTest, EachLevelIsNamed) {
  debug("e");
  info("e");
  warn("e");
  error("e");
  auto all = lines();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(Json::parse(all[0])["level"], "debug");
  EXPECT_EQ(Json::parse(all[1])["level"], "info");
  EXPECT_EQ(Json::parse(all[2])["level"], "warn");
  EXPECT_EQ(Json::parse(all[3])["level"], "error");
}

TEST_F(LogTest, NonObjectFieldsAreWrapped) {
  info("e", Json::array({1, 2}));
  Json line = onlyLine();
  EXPECT_EQ(line["value"], Json::array({1, 2}));
  EXPECT_EQ(line["event"], "e");
}

TEST_F(LogTest, SecretFieldsAreRedacted) {
  info("auth", {{"token", "eyJhbGciOi"},
                {"authorization", "Bearer abc"},
                {"password", "hunter2"},
                {"Authorization", "Bearer def"},
                {"refresh_token", "r"},
                {"client_secret", "s"},
                {"user", "alice"}});
  Json line = onlyLine();
  for (const char* key :
       {"token", "authorization", "password", "Authorization", "refresh_token", "client_secret"}) {
    EXPECT_EQ(line[key], "[redacted]") << key;
  }
  EXPECT_EQ(line["user"], "alice");
  EXPECT_EQ(lines()[0].find("hunter2"), std::string::npos);
  EXPECT_EQ(lines()[0].find("Bearer"), std::string::npos);
}

TEST_F(LogTest, NestedSecretFieldsAreRedacted) {
  info("upstream", {{"request",
                     {{"headers", {{"authorization", "Bearer abc"}, {"accept", "*/*"}}},
                      {"password", "hunter2"}}}});
  Json line = onlyLine();
  EXPECT_EQ(line["request"]["headers"]["authorization"], "[redacted]");
  EXPECT_EQ(line["request"]["headers"]["accept"], "*/*");
  EXPECT_EQ(line["request"]["password"], "[redacted]");
  EXPECT_EQ(lines()[0].find("hunter2"), std::string::npos);
}

TEST_F(LogTest, SecretFieldsInsideArraysAreRedacted) {
  info("batch", {{"items", Json::array({{{"token", "abc"}}, {{"name", "n"}}})}});
  Json line = onlyLine();
  EXPECT_EQ(line["items"][0]["token"], "[redacted]");
  EXPECT_EQ(line["items"][1]["name"], "n");
}

TEST_F(LogTest, FieldsCannotOverwriteTheLinesOwnKeys) {
  info("real.event", {{"event", "forged"}, {"level", "debug"}, {"ts", "0"}});
  Json line = onlyLine();
  EXPECT_EQ(line["event"], "real.event");
  EXPECT_EQ(line["level"], "info");
  EXPECT_NE(line["ts"], "0");
}

TEST_F(LogTest, SecretObjectIsRedactedWhole) {
  info("e", {{"token", {{"value", "abc"}}}});
  EXPECT_EQ(onlyLine()["token"], "[redacted]");
}

TEST_F(LogTest, SetLevelFilters) {
  setLevel(Level::kWarn);
  debug("dropped");
  info("dropped");
  warn("kept.warn");
  error("kept.error");
  auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(Json::parse(all[0])["event"], "kept.warn");
  EXPECT_EQ(Json::parse(all[1])["event"], "kept.error");

  setLevel(Level::kError);
  warn("dropped");
  EXPECT_EQ(lines().size(), 2u);
}

TEST_F(LogTest, InvalidUtf8IsReplacedNotThrown) {
  info("e", {{"name", std::string("a\xff")}});
  Json line = onlyLine();
  EXPECT_TRUE(line["name"].is_string());
}

TEST(ParseLevelTest, KnownNames) {
  EXPECT_EQ(parseLevel("debug"), Level::kDebug);
  EXPECT_EQ(parseLevel("info"), Level::kInfo);
  EXPECT_EQ(parseLevel("warn"), Level::kWarn);
  EXPECT_EQ(parseLevel("error"), Level::kError);
}

TEST(ParseLevelTest, RejectsUnknownNames) {
  for (std::string_view bad : {"", "verbose", "INFO", "warning", " info"}) {
    try {
      parseLevel(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kBadInput);
      EXPECT_THAT(e.message(), ::testing::HasSubstr("'" + std::string(bad) + "'"));
    }
  }
}

}  // namespace
}  // namespace maestro::log
