#include "tracing/store.hpp"
#include "tracing/store_reader.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tracing/pipeline.hpp"

namespace localray::tracing {
namespace {

Segment make(const std::string& trace, const std::string& id, double start, double end, const std::string& parent = "") {
  Segment s;
  s.name = "svc";
  s.id = id;
  s.trace_id = trace;
  s.parent_id = parent;
  s.start_time = start;
  s.end_time = end;
  return s;
}

const std::string kTrace = "1-581cf771-a006649127e371903a2de979";

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("localray-store-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "nested" / "traces.db").string(); }
  std::filesystem::path dir_;
};

TEST_F(StoreTest, LaterDocumentWithTheSameIdReplacesAnInProgressOne) {
  auto store = Store::open(path());
  ASSERT_TRUE(store) << store.error().message;
  Segment open = make(kTrace, "70de5b6f19ff9a0a", 10, 0);
  open.in_progress = true;
  ASSERT_TRUE((*store)->write({open}));
  ASSERT_TRUE((*store)->write({make(kTrace, "70de5b6f19ff9a0a", 10, 12)}));
  ReaderPool pool{(*store)->uri()};
  auto reader = pool.acquire();
  ASSERT_TRUE(reader);
  auto segs = (*reader)->trace_segments(kTrace);
  ASSERT_TRUE(segs);
  ASSERT_EQ(segs->size(), 1u);
  EXPECT_FALSE(segs->front().in_progress);
  EXPECT_EQ(segs->front().end_time, 12);
  auto traces = (*reader)->traces_between(0, 100, 10);
  ASSERT_TRUE(traces);
  ASSERT_EQ(traces->size(), 1u);
  EXPECT_EQ(traces->front().start_time, 10);
  EXPECT_EQ(traces->front().end_time, 12);
}

TEST_F(StoreTest, StandaloneSubsegmentsAreMergedIntoTheirParent) {
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  Segment parent = make(kTrace, "70de5b6f19ff9a0a", 10, 12);
  parent.add_subsegment("inner", "1111111111111111", 10.5).end_time = 11;
  Segment loose = make(kTrace, "2222222222222222", 10.6, 10.9, "1111111111111111");
  loose.type = "subsegment";
  loose.name = "late";
  ASSERT_TRUE((*store)->write({loose, parent}));
  ReaderPool pool{(*store)->uri()};
  auto segs = (*pool.acquire())->trace_segments(kTrace);
  ASSERT_TRUE(segs);
  ASSERT_EQ(segs->size(), 1u);
  const auto& inner = segs->front().subsegments.front();
  ASSERT_EQ(inner.subsegments.size(), 1u);
  EXPECT_EQ(inner.subsegments.front().name, "late");
  EXPECT_TRUE(inner.subsegments.front().type.empty());
}

TEST_F(StoreTest, PipelineFlushMakesEverySegmentVisibleAndSurvivesReopen) {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  {
    auto store = Store::open(path());
    ASSERT_TRUE(store);
    Pipeline pipeline{**store, 16, log};
    for (int i = 0; i < 100; ++i) {
      char id[17];
      std::snprintf(id, sizeof id, "%016x", i + 1);
      while (pipeline.room() == 0) std::this_thread::yield();
      ASSERT_TRUE(pipeline.record(make(kTrace, id, 10 + i, 11 + i)));
    }
    pipeline.flush();
    EXPECT_EQ(pipeline.written(), 100u);
    pipeline.stop();
  }
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  ReaderPool pool{(*store)->uri()};
  auto segs = (*pool.acquire())->trace_segments(kTrace);
  ASSERT_TRUE(segs);
  EXPECT_EQ(segs->size(), 100u);
}

TEST_F(StoreTest, PipelineRefusesWhatDoesNotFitInsteadOfWaitingAndStoresWhatItTook) {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  Pipeline pipeline{**store, 16, log};
  pipeline.hold_writer_for_test(true);
  // With the writer held, at most the queue and the preparer's few batches take segments: the
  // rest must be refused at once (this loop would hang if recording waited for room).
  std::uint64_t accepted = 0;
  const int offered = 2000;
  for (int i = 0; i < offered; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016x", i + 1);
    accepted += pipeline.record(make(kTrace, id, 10 + i, 11 + i));
  }
  EXPECT_GT(accepted, 0u);
  EXPECT_LT(accepted, static_cast<std::uint64_t>(offered));
  EXPECT_EQ(pipeline.refused(), offered - accepted);
  pipeline.hold_writer_for_test(false);
  pipeline.flush();
  EXPECT_EQ(pipeline.written(), accepted);
  ReaderPool pool{(*store)->uri()};
  auto segs = (*pool.acquire())->trace_segments(kTrace);
  ASSERT_TRUE(segs);
  EXPECT_EQ(segs->size(), accepted);
}

TEST_F(StoreTest, PipelineStatusSaysWhenItsLastBatchFailedAndWhenItRecovered) {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  Pipeline pipeline{**store, 16, log};
  EXPECT_TRUE(pipeline.status().writing);
  EXPECT_TRUE(pipeline.status().last_error.empty());
  {
    // Someone takes the segments table away underneath the writer.
    auto other = Connection::open((*store)->uri(), false);
    ASSERT_TRUE(other);
    ASSERT_TRUE((*other)->exec("ALTER TABLE segments RENAME TO gone"));
  }
  ASSERT_TRUE(pipeline.record(make(kTrace, "70de5b6f19ff9a0a", 10, 12)));
  pipeline.flush();
  auto failed = pipeline.status();
  EXPECT_EQ(failed.failed, 1u);
  EXPECT_FALSE(failed.last_error.empty());
  {
    auto other = Connection::open((*store)->uri(), false);
    ASSERT_TRUE((*other)->exec("ALTER TABLE gone RENAME TO segments"));
  }
  ASSERT_TRUE(pipeline.record(make(kTrace, "70de5b6f19ff9a0b", 10, 12)));
  pipeline.flush();
  EXPECT_TRUE(pipeline.status().last_error.empty()) << "a batch committed again";
  pipeline.stop();
  EXPECT_FALSE(pipeline.status().writing);
}

// What record_all() settles, and when: collected under a lock, since the writer thread settles.
struct Settlements {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::vector<bool>> calls;
  SegmentSink::Settled callback() {
    return [this](std::vector<bool> stored) {
      std::lock_guard lock{mutex};
      calls.push_back(std::move(stored));
      changed.notify_all();
    };
  }
  std::vector<bool> wait() {
    std::unique_lock lock{mutex};
    changed.wait_for(lock, std::chrono::seconds{10}, [&] { return !calls.empty(); });
    return calls.empty() ? std::vector<bool>{} : calls.front();
  }
  std::size_t count() {
    std::lock_guard lock{mutex};
    return calls.size();
  }
};

TEST_F(StoreTest, RecordAllSettlesOnlyOnceItsSegmentsAreCommitted) {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  Pipeline pipeline{**store, 16, log};
  pipeline.hold_writer_for_test(true);
  Settlements settled;
  pipeline.record_all({make(kTrace, "70de5b6f19ff9a0a", 10, 12), make(kTrace, "70de5b6f19ff9a0b", 10, 12)}, settled.callback());
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  EXPECT_EQ(settled.count(), 0u) << "settled while the writer had committed nothing";
  pipeline.hold_writer_for_test(false);
  EXPECT_EQ(settled.wait(), (std::vector<bool>{true, true}));
  ReaderPool pool{(*store)->uri()};
  auto segs = (*pool.acquire())->trace_segments(kTrace);
  ASSERT_TRUE(segs);
  EXPECT_EQ(segs->size(), 2u) << "both readable when the caller is told";
}

TEST_F(StoreTest, SegmentsRecordedWithinTheGatheringWindowAreCommittedTogether) {
  // A request's hops record their segments milliseconds apart: one batch, so the writer digests
  // the trace once. Without the window each record would wake the preparer and make a batch.
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  Pipeline pipeline{**store, 16, log};
  std::atomic<int> commits{0};
  pipeline.on_commit([&](const std::vector<std::string>&) { ++commits; });
  for (const char* id : {"70de5b6f19ff9a0a", "70de5b6f19ff9a0b", "70de5b6f19ff9a0c", "70de5b6f19ff9a0d"}) {
    ASSERT_TRUE(pipeline.record(make(kTrace, id, 10, 12)));
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  for (int i = 0; i < 200 && pipeline.written() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  EXPECT_EQ(pipeline.written(), 4u);
  EXPECT_EQ(commits.load(), 1);
}

TEST_F(StoreTest, RecordAllIsCommittedWithoutWaitingOutTheGatheringWindow) {
  // Its caller (PutTraceSegments, OTLP) answers once the segments are stored: no batch wait.
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  Pipeline pipeline{**store, 16, log};
  ASSERT_TRUE(pipeline.record(make(kTrace, "70de5b6f19ff9a0a", 10, 12)));  // the preparer is gathering
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", 0x70de5b6f19ff9b00ULL + static_cast<unsigned>(i));
    Settlements settled;
    pipeline.record_all({make(kTrace, id, 10, 12)}, settled.callback());
    EXPECT_EQ(settled.wait(), (std::vector<bool>{true}));
  }
  // Five calls in a row would take half a second if each waited out the 100 ms window.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds{400});
}

TEST_F(StoreTest, StatusTellsHowLongTheOldestUncommittedSegmentHasWaited) {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  Pipeline pipeline{**store, 16, log};
  EXPECT_EQ(pipeline.status().lag_seconds, 0);
  pipeline.hold_writer_for_test(true);
  ASSERT_TRUE(pipeline.record(make(kTrace, "70de5b6f19ff9a0a", 10, 12)));
  std::this_thread::sleep_for(std::chrono::milliseconds{60});
  EXPECT_GE(pipeline.status().lag_seconds, 0.05);
  pipeline.hold_writer_for_test(false);
  pipeline.flush();
  EXPECT_EQ(pipeline.status().lag_seconds, 0) << "nothing waits once it is committed";
}

TEST_F(StoreTest, RecordAllReportsWhatDidNotFitAndWhatFailedToCommitAsNotStored) {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto store = Store::open(path());
  ASSERT_TRUE(store);
  Pipeline pipeline{**store, 2, log};
  pipeline.hold_writer_for_test(true);
  Settlements settled;
  pipeline.record_all({make(kTrace, "70de5b6f19ff9a0a", 10, 12), make(kTrace, "70de5b6f19ff9a0b", 10, 12), make(kTrace, "70de5b6f19ff9a0c", 10, 12)},
                      settled.callback());
  pipeline.hold_writer_for_test(false);
  EXPECT_EQ(settled.wait(), (std::vector<bool>{true, true, false})) << "the third did not fit a queue of two";
  EXPECT_EQ(pipeline.refused(), 1u);

  {
    auto other = Connection::open((*store)->uri(), false);
    ASSERT_TRUE(other);
    ASSERT_TRUE((*other)->exec("ALTER TABLE segments RENAME TO gone"));
  }
  Settlements failed;
  pipeline.record_all({make(kTrace, "70de5b6f19ff9a0d", 10, 12)}, failed.callback());
  EXPECT_EQ(failed.wait(), (std::vector<bool>{false})) << "a batch that failed to commit stored nothing";
}

TEST_F(StoreTest, InMemoryDatabaseIsSharedWithReaders) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->write({make(kTrace, "70de5b6f19ff9a0a", 10, 12)}));
  ReaderPool pool{(*store)->uri()};
  auto segs = (*pool.acquire())->trace_segments(kTrace);
  ASSERT_TRUE(segs) << segs.error().message;
  EXPECT_EQ(segs->size(), 1u);
}

}  // namespace
}  // namespace localray::tracing
