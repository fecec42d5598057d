#include "emulator/request_metrics.hpp"

#include <gtest/gtest.h>

namespace localray::emulator {
namespace {

TEST(RequestMetrics, CountsByStatusClassAndBucketsLatencies) {
  RequestMetrics m;
  m.observe("sqs", "SendMessage", 200, 0.0004);
  m.observe("sqs", "SendMessage", 400, 0.003);
  m.observe("sqs", "SendMessage", 500, 20);
  auto s = m.snapshot().at({"sqs", "SendMessage"});
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.by_class[1], 1u);
  EXPECT_EQ(s.by_class[3], 1u);
  EXPECT_EQ(s.by_class[4], 1u);
  EXPECT_EQ(s.buckets[0], 1u) << "0.4 ms falls in le=0.0005";
  EXPECT_EQ(s.buckets[3], 1u) << "3 ms falls in le=0.005";
  std::uint64_t in_buckets = 0;
  for (auto b : s.buckets) in_buckets += b;
  EXPECT_EQ(in_buckets, 2u) << "20 s is only in +Inf";
  EXPECT_DOUBLE_EQ(s.sum, 20.0034);
}

TEST(RequestMetrics, OperationNamesFromClientsCannotGrowTheSeriesWithoutBound) {
  RequestMetrics m;
  for (std::size_t i = 0; i < RequestMetrics::kMaxSeries + 500; ++i) m.observe("sqs", "Op" + std::to_string(i), 400, 0.001);
  auto snap = m.snapshot();
  EXPECT_EQ(snap.size(), RequestMetrics::kMaxSeries + 1);
  EXPECT_EQ(snap.at({"sqs", "other"}).count, 500u);
}

TEST(PrometheusText, EscapesLabelValuesAndWritesIntegersPlainly) {
  PrometheusText t;
  t.family("x_total", "counter", "Things.");
  t.sample("x_total", {{"name", "a\"b\\c\nd"}}, 3);
  t.sample("x_seconds", {}, 0.25);
  EXPECT_EQ(t.text(), "# HELP x_total Things.\n# TYPE x_total counter\nx_total{name=\"a\\\"b\\\\c\\nd\"} 3\nx_seconds 0.25\n");
}

}  // namespace
}  // namespace localray::emulator
