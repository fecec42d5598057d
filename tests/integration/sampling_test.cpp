// Sampling rules created over the X-Ray API decide which requests localray itself traces.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "tests/integration/localray_process.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::size_t stored_traces(const LocalrayProcess& lr) {
  double now = static_cast<double>(std::time(nullptr));
  return lr.xray("/TraceSummaries", {{"StartTime", now - 600}, {"EndTime", now + 60}}).at("TraceSummaries").size();
}

json rule(const std::string& name, const std::string& service, double rate, int reservoir) {
  return {{"SamplingRule",
           {{"RuleName", name}, {"ResourceARN", "*"}, {"Priority", 1}, {"FixedRate", rate}, {"ReservoirSize", reservoir},
            {"ServiceName", service}, {"ServiceType", "*"}, {"Host", "*"}, {"HTTPMethod", "*"}, {"URLPath", "*"}, {"Version", 1}}}};
}

TEST(SamplingTest, ARuleThatSamplesNothingKeepsTheApisRequestsOutOfTheStore) {
  LocalrayProcess lr{{"--db", ":memory:", "--seed", "5"}};
  lr.xray("/CreateSamplingRule", rule("quiet-api", "xrayTracerAPI/prod", 0.0, 0));
  for (int i = 0; i < 5; ++i) {
    auto r = lr.post_json(lr.invoke_path() + "/quiet/" + std::to_string(i), {{"status", "ok"}});
    ASSERT_EQ(r.status, 200u) << "an unsampled request is still served";
    EXPECT_NE(r.headers["x-amzn-trace-id"].find("Sampled=0"), std::string::npos) << r.headers["x-amzn-trace-id"];
  }
  // The fan-out ran too (SNS, four functions, the queue): give it time to record, if it would.
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(stored_traces(lr), 0u);

  // A request that asks for a trace still gets one: the caller's decision stands.
  char root[40];
  std::snprintf(root, sizeof root, "1-%08x-bd862e3fe1be46a994272793", static_cast<unsigned>(std::time(nullptr)));
  auto traced = http_request(lr.port(), "POST", lr.invoke_path() + "/asked", R"({"status":"ok"})",
                             {{"Content-Type", "application/json"}, {"X-Amzn-Trace-Id", std::string{"Root="} + root + ";Sampled=1"}});
  ASSERT_EQ(traced.status, 200u);
  EXPECT_TRUE(eventually([&] { return stored_traces(lr) == 1; }, 10s));

  lr.xray("/DeleteSamplingRule", {{"RuleName", "quiet-api"}});
  ASSERT_EQ(lr.post_json(lr.invoke_path() + "/loud", {{"status", "ok"}}).status, 200u);
  EXPECT_TRUE(eventually([&] { return stored_traces(lr) == 2; }, 10s)) << "the Default rule samples every request again";
}

TEST(SamplingTest, TheReservoirTracesTheFirstRequestsOfEachSecond) {
  LocalrayProcess lr{{"--db", ":memory:", "--seed", "6"}};
  lr.xray("/CreateSamplingRule", rule("two-a-second", "xrayTracerAPI/prod", 0.0, 2));
  // Ten requests well inside one second.
  int sampled = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = lr.post_json(lr.invoke_path() + "/burst/" + std::to_string(i), {{"status", "ok"}});
    sampled += r.headers["x-amzn-trace-id"].find("Sampled=1") != std::string::npos;
  }
  // The burst may straddle a second boundary: then the reservoir refills once.
  EXPECT_GE(sampled, 2);
  EXPECT_LE(sampled, 4);
  EXPECT_TRUE(eventually([&] { return stored_traces(lr) == static_cast<std::size_t>(sampled); }, 10s));
}

}  // namespace
}  // namespace localray::testing
