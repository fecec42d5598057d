// Traces survive a clean stop: a restart on the same --db serves them.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <set>
#include <unistd.h>

#include "tests/integration/localray_process.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::set<std::string> trace_ids(const LocalrayProcess& lr) {
  double now = static_cast<double>(std::time(nullptr));
  auto r = lr.xray("/TraceSummaries", {{"StartTime", now - 600}, {"EndTime", now + 60}});
  std::set<std::string> ids;
  for (const auto& s : r.at("TraceSummaries")) ids.insert(s.at("Id"));
  return ids;
}

TEST(RestartTest, TracesRecordedBeforeAStopAreServedAfterARestart) {
  auto dir = std::filesystem::temp_directory_path() / ("localray-restart-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto db = (dir / "traces.db").string();

  std::set<std::string> before;
  std::size_t segments_before = 0;
  {
    LocalrayProcess lr{{"--db", db, "--seed", "7"}};
    for (int i = 0; i < 3; ++i) ASSERT_EQ(lr.post_json(lr.invoke_path() + "/restart/" + std::to_string(i), {{"status", "ok"}}).status, 200u);
    ASSERT_TRUE(eventually([&] { return trace_ids(lr).size() == 3; }, 10s));
    before = trace_ids(lr);
    auto docs = lr.xray("/Traces", {{"TraceIds", std::vector<std::string>(before.begin(), before.end())}});
    for (const auto& t : docs.at("Traces")) segments_before += t.at("Segments").size();
    EXPECT_EQ(lr.stop(), 0) << "a clean stop exits 0";
  }
  ASSERT_TRUE(std::filesystem::exists(db));
  {
    LocalrayProcess lr{{"--db", db, "--seed", "8"}};
    EXPECT_EQ(trace_ids(lr), before);
    auto docs = lr.xray("/Traces", {{"TraceIds", std::vector<std::string>(before.begin(), before.end())}});
    std::size_t segments_after = 0;
    for (const auto& t : docs.at("Traces")) segments_after += t.at("Segments").size();
    EXPECT_GE(segments_after, segments_before) << "everything recorded before the stop is still there";
    EXPECT_GT(segments_after, 3u * 10u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace localray::testing
