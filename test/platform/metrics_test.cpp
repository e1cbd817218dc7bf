#include "platform/metrics/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "common/error.h"

namespace maestro::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, EmptyRegistrySerializesToNothing) {
  Registry registry;
  EXPECT_EQ(registry.serialize(), "");
}

TEST(MetricsTest, CounterSerializesWithHelpTypeAndSortedLabels) {
  Registry registry;
  registry.increment("jobs_total", "Jobs run", {{"queue", "a"}, {"kind", "x"}});
  registry.increment("jobs_total", "Jobs run", {{"queue", "a"}, {"kind", "x"}}, 2);
  registry.increment("jobs_total", "Jobs run", {{"queue", "b"}, {"kind", "x"}});
  EXPECT_EQ(registry.serialize(),
            "# HELP jobs_total Jobs run\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{kind=\"x\",queue=\"a\"} 3\n"
            "jobs_total{kind=\"x\",queue=\"b\"} 1\n");
}

TEST(MetricsTest, GaugeKeepsTheLastValue) {
  Registry registry;
  registry.setGauge("open", "Open things", {}, 5);
  registry.setGauge("open", "Open things", {}, 2);
  EXPECT_EQ(registry.serialize(),
            "# HELP open Open things\n"
            "# TYPE open gauge\n"
            "open 2\n");
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Registry registry;
  registry.increment("q_total", "h", {{"v", "a\"b\\c\nd"}});
  EXPECT_THAT(registry.serialize(), HasSubstr(R"(q_total{v="a\"b\\c\nd"} 1)"));
}

TEST(MetricsTest, HistogramHasBucketsSumAndCount) {
  Registry registry;
  registry.observe("lat_seconds", "Latency", {{"route", "/x"}}, 0.003, {0.001, 0.01, 0.1});
  registry.observe("lat_seconds", "Latency", {{"route", "/x"}}, 0.05, {0.001, 0.01, 0.1});
  registry.observe("lat_seconds", "Latency", {{"route", "/x"}}, 7, {0.001, 0.01, 0.1});
  std::string text = registry.serialize();
  EXPECT_THAT(text, HasSubstr("# TYPE lat_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{route=\"/x\",le=\"0.001\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{route=\"/x\",le=\"0.01\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_count{route=\"/x\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("lat_seconds_sum{route=\"/x\"} 7.053\n"));
}

TEST(MetricsTest, BucketsAreFixedByTheFirstObserve) {
  Registry registry;
  registry.observe("h_seconds", "h", {{"a", "1"}}, 0.5, {1, 2});
  // Later calls, and new label sets, keep the first call's buckets.
  registry.observe("h_seconds", "h", {{"a", "1"}}, 0.5, {0.1, 0.2, 0.3});
  registry.observe("h_seconds", "h", {{"a", "2"}}, 0.5, {0.1});
  std::string text = registry.serialize();
  EXPECT_THAT(text, HasSubstr("h_seconds_bucket{a=\"1\",le=\"1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("h_seconds_bucket{a=\"2\",le=\"2\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("le=\"0.1\"")));
  EXPECT_THAT(text, Not(HasSubstr("le=\"0.3\"")));
}

TEST(MetricsTest, LatencyBucketsSpanHalfAMillisecondToTenSeconds) {
  const auto& b = Registry::latencyBuckets();
  ASSERT_EQ(b.size(), 14u);
  EXPECT_DOUBLE_EQ(b.front(), 0.0005);
  EXPECT_DOUBLE_EQ(b.back(), 10);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  Registry registry;
  registry.observe("d_seconds", "d", {}, 0.0001, b);
  std::string text = registry.serialize();
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{le=\"0.0005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{le=\"2.5\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{le=\"10\"} 1\n"));
}

TEST(MetricsTest, UnsortedBucketsAreRejectedWithoutLeavingAFamily) {
  Registry registry;
  EXPECT_THROW(registry.observe("bad_seconds", "h", {}, 1, {2, 1}), Error);
  EXPECT_EQ(registry.serialize(), "");
  registry.observe("bad_seconds", "h", {}, 1, {1, 2});
  EXPECT_THAT(registry.serialize(), HasSubstr("bad_seconds_bucket{le=\"1\"} 1"));
}

TEST(MetricsTest, SameNameWithAnotherTypeIsAnError) {
  Registry registry;
  registry.increment("thing", "h", {});
  try {
    registry.setGauge("thing", "h", {}, 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInternal);
    EXPECT_THAT(e.message(), HasSubstr("thing is a counter, not a gauge"));
  }
}

TEST(MetricsTest, InvalidNamesAreErrorsNamingTheMetric) {
  Registry registry;
  EXPECT_THROW(registry.increment("bad name", "h", {}), Error);
  try {
    registry.increment("ok_total", "h", {{"__reserved", "x"}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.message(), HasSubstr("ok_total"));
  }
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&registry, t] {
      for (int i = 0; i < 1000; ++i) {
        registry.increment("c_total", "h", {{"shard", std::to_string(i % 4)}});
        registry.observe("o_seconds", "h", {{"t", std::to_string(t % 2)}}, 0.01,
                         Registry::latencyBuckets());
        if (i % 100 == 0) (void)registry.serialize();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = registry.serialize();
  for (int s = 0; s < 4; ++s) {
    EXPECT_THAT(text, HasSubstr("c_total{shard=\"" + std::to_string(s) + "\"} 2000\n"));
  }
  EXPECT_THAT(text, HasSubstr("o_seconds_count{t=\"0\"} 4000\n"));
  EXPECT_THAT(text, HasSubstr("o_seconds_count{t=\"1\"} 4000\n"));
}

}  // namespace
}  // namespace maestro::metrics
