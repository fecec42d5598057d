// X-Ray queries over a real store: paging, time range types, sampling, graphs over windows.
#include "services/xray/model/backend.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/system_executor.hpp>

#include <filesystem>
#include <random>
#include <set>
#include <unistd.h>

#include "tests/support/graph_shape.hpp"
#include "tests/tracing/queries/pattern_trace.hpp"
#include "tracing/trace_digest.hpp"

namespace localray::xray::model {
namespace {

using tracing::testing::kBase;

// Takes the first `room` segments, then refuses, as a full pipeline does.
struct DiscardSink final : tracing::SegmentSink {
  std::size_t room = SIZE_MAX;
  bool record(tracing::Segment) override {
    if (room == 0) return false;
    --room;
    return true;
  }
};

// A pattern trace `n` whose every time is moved by `by` seconds; its id time stays kBase's.
tracing::Trace trace_at(int n, double by, bool fails = false) {
  tracing::Trace t = tracing::testing::pattern_trace(n, fails);
  std::function<void(tracing::Segment&)> shift = [&](tracing::Segment& s) {
    s.start_time += by;
    s.end_time += by;
    for (auto& c : s.subsegments) shift(c);
  };
  for (auto& s : t.segments) shift(s);
  return t;
}

class BackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("localray-backend-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store_ = std::move(*tracing::Store::open((dir_ / "traces.db").string()));
    readers_ = std::make_unique<tracing::ReaderPool>(store_->uri());
    settings_ = std::move(*tracing::SettingsStore::open(store_->uri()));
    groups_ = std::move(*Groups::load(*settings_, base::Scope{"000000000000", "us-east-1"}, ids_));
    rules_ = std::move(*SamplingRules::load(*settings_, base::Scope{"000000000000", "us-east-1"}, clock_, sampler_));
    backend_ = std::make_unique<Backend>(*readers_, sink_, *groups_, *rules_, boost::asio::system_executor{});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void add(const tracing::Trace& t) { ASSERT_TRUE(store_->write(t.segments)); }
  SummaryPage page(SummaryQuery q) {
    auto p = backend_->trace_summaries(q);
    EXPECT_TRUE(p) << (p ? "" : p.error().message);
    return p ? *p : SummaryPage{};
  }
  static SummaryQuery window(double start, double end, tracing::TimeRange range = tracing::TimeRange::Event) {
    SummaryQuery q;
    q.window = {start, end, range};
    return q;
  }

  std::filesystem::path dir_;
  std::unique_ptr<tracing::Store> store_;
  std::unique_ptr<tracing::ReaderPool> readers_;
  tracing::ManualClock clock_;
  tracing::IdGenerator ids_{clock_, tracing::Rng{4}};
  tracing::Sampler sampler_{clock_, ids_, tracing::Rng{5}};
  std::unique_ptr<tracing::SettingsStore> settings_;
  std::unique_ptr<Groups> groups_;
  std::unique_ptr<SamplingRules> rules_;
  DiscardSink sink_;
  std::unique_ptr<Backend> backend_;
};

TEST_F(BackendTest, SegmentsTheSinkRefusesAreReportedUnprocessed) {
  sink_.room = 1;
  auto doc = [](const char* id) {
    return std::string{R"({"name":"svc","id":")"} + id + R"(","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":1,"end_time":2})";
  };
  boost::asio::io_context io;
  std::vector<Unprocessed> unprocessed;
  std::vector<std::string> documents{doc("70de5b6f19ff9a0a"), doc("70de5b6f19ff9a0b"), "not json"};
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        auto sent = std::move(documents);
        unprocessed = co_await backend_->put_trace_segments(std::move(sent));
      },
      boost::asio::detached);
  io.run();
  ASSERT_EQ(unprocessed.size(), 2u);
  EXPECT_EQ(unprocessed[0].error_code, "InvalidSegment");
  EXPECT_EQ(unprocessed[1].id, "70de5b6f19ff9a0b");
  EXPECT_EQ(unprocessed[1].error_code, "ThrottledException");
}

TEST_F(BackendTest, PagesAreNewestFirstWithoutGapsOrRepeatsWhileTracesArrive) {
  for (int i = 0; i < 250; ++i) add(trace_at(i + 1, i));
  auto q = window(kBase - 10, kBase + 1000);
  std::vector<std::string> seen;
  auto first = page(q);
  ASSERT_EQ(first.summaries.size(), kSummaryPageSize);
  ASSERT_TRUE(first.next_token);
  for (const auto& s : first.summaries) seen.push_back(s.id);
  EXPECT_EQ(seen.front(), tracing::testing::make_trace_id(250)) << "newest first";
  // Newer traces arriving between calls must not shift the pages already handed out.
  for (int i = 250; i < 260; ++i) add(trace_at(i + 1, i));
  q.next_token = first.next_token;
  for (;;) {
    auto p = page(q);
    for (const auto& s : p.summaries) seen.push_back(s.id);
    if (!p.next_token) break;
    q.next_token = p.next_token;
  }
  ASSERT_EQ(seen.size(), 250u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 250u);
  EXPECT_EQ(seen.back(), tracing::testing::make_trace_id(1));
}

TEST_F(BackendTest, FilteredPagesFollowTheSameOrder) {
  for (int i = 0; i < 300; ++i) add(trace_at(i + 1, i, i % 3 == 0));
  auto q = window(kBase - 10, kBase + 1000);
  q.selection.filter_expression = R"(service("http") { fault })";
  std::size_t total = 0;
  for (;;) {
    auto p = page(q);
    total += p.summaries.size();
    for (const auto& s : p.summaries) EXPECT_TRUE(s.has_fault);
    if (!p.next_token) break;
    q.next_token = p.next_token;
  }
  EXPECT_EQ(total, 100u);
}

TEST_F(BackendTest, MalformedNextTokenIsRefused) {
  auto q = window(kBase, kBase + 10);
  q.next_token = "not a token";
  EXPECT_FALSE(backend_->trace_summaries(q));
}

TEST_F(BackendTest, TraceIdRangeReadsTheIdsTimeAndEventRangeTheSegments) {
  // The id says 2023-11-14 (kBase's second); the segments happened a day later.
  add(trace_at(1, 86400));
  EXPECT_EQ(page(window(kBase + 86400 - 5, kBase + 86400 + 5, tracing::TimeRange::Event)).summaries.size(), 1u);
  EXPECT_EQ(page(window(kBase + 86400 - 5, kBase + 86400 + 5, tracing::TimeRange::TraceId)).summaries.size(), 0u);
  double id_time = tracing::trace_id_time(tracing::testing::make_trace_id(1));
  EXPECT_EQ(page(window(id_time - 1, id_time + 1, tracing::TimeRange::TraceId)).summaries.size(), 1u);
}

TEST_F(BackendTest, SamplingKeepsTheSameShareOnEveryCall) {
  for (int i = 0; i < 200; ++i) add(trace_at(i + 1, i));
  auto q = window(kBase - 10, kBase + 1000);
  q.sample_rate = 0.25;
  std::set<std::string> a, b;
  for (const auto& s : page(q).summaries) a.insert(s.id);
  for (const auto& s : page(q).summaries) b.insert(s.id);
  EXPECT_EQ(a, b);
  EXPECT_GT(a.size(), 25u);
  EXPECT_LT(a.size(), 75u);
}

// The graph of any window, read from the writer's buckets, is the graph of the traces starting
// in it, whatever the window's alignment.
TEST_F(BackendTest, GraphOfAnyWindowIsTheGraphOfTheTracesStartingInIt) {
  std::vector<tracing::Trace> all;
  std::mt19937 rng{7};
  for (int i = 0; i < 120; ++i) {
    all.push_back(trace_at(i + 1, i * 7.3, i % 4 == 0));
    add(all.back());
  }
  auto shape = [](const tracing::ServiceGraph& g) { return localray::testing::graph_shape(g); };
  std::uniform_real_distribution<double> at(-30, 900);
  for (int round = 0; round < 25; ++round) {
    double a = kBase + at(rng), b = kBase + at(rng);
    if (b < a) std::swap(a, b);
    std::vector<tracing::Trace> inside;
    for (const auto& t : all)
      if (t.segments.front().start_time >= a && t.segments.front().start_time <= b) inside.push_back(t);
    auto graph = backend_->service_graph(a, b, {});
    ASSERT_TRUE(graph);
    EXPECT_EQ(shape(*graph), shape(tracing::build_service_graph(inside))) << "window " << a - kBase << " .. " << b - kBase;
  }
}

TEST_F(BackendTest, GroupGraphCountsOnlyTheGroupsTraces) {
  for (int i = 0; i < 20; ++i) add(trace_at(i + 1, i, i % 2 == 0));
  ASSERT_TRUE(groups_->create({"faults", "", "fault OR service(\"http\") { fault }", false, false}));
  TraceSelection sel;
  sel.group = "faults";
  auto graph = backend_->service_graph(kBase - 1, kBase + 100, sel);
  ASSERT_TRUE(graph);
  auto http = std::find_if(graph->services.begin(), graph->services.end(),
                           [](const auto& n) { return n.name == "http" && n.type == "AWS::Lambda::Function"; });
  ASSERT_NE(http, graph->services.end());
  EXPECT_EQ(http->summary.total_count, 10);
  EXPECT_EQ(http->summary.fault.total_count, 10);
  sel.group = "nope";
  EXPECT_FALSE(backend_->service_graph(kBase - 1, kBase + 100, sel));
}

}  // namespace
}  // namespace localray::xray::model
