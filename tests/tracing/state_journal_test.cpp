#include "tracing/state_journal.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace localray::tracing {
namespace {

using namespace std::chrono_literals;

class StateJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("localray-journal-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<StateJournal> open(std::chrono::milliseconds interval = 10ms) {
    auto j = StateJournal::open((dir_ / "state.db").string(), interval, log_);
    EXPECT_TRUE(j) << (j ? "" : j.error().message);
    return std::move(*j);
  }
  std::vector<std::string> reopened_rows() {
    auto j = open();
    std::vector<std::string> out;
    for (const auto& r : j->take_loaded()) out.push_back(r.kind + "|" + r.owner + "|" + r.key + "=" + r.value);
    return out;
  }

  std::filesystem::path dir_;
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
};

TEST_F(StateJournalTest, RowsWrittenAreReadBackInOrderOnTheNextOpen) {
  {
    auto j = open();
    EXPECT_TRUE(j->take_loaded().empty());
    j->put("q", "acct/us", "b", "2");
    j->put("q", "acct/us", "a", std::string{"\0\xff bytes", 8});
    j->put("t", "acct/eu", "x", "3");
    j->stop();
    EXPECT_EQ(j->committed(), 3u);
  }
  EXPECT_EQ(reopened_rows(), (std::vector<std::string>{"q|acct/us|a=" + std::string{"\0\xff bytes", 8}, "q|acct/us|b=2", "t|acct/eu|x=3"}));
}

TEST_F(StateJournalTest, LaterChangesToARowWinAndEraseRemovesIt) {
  {
    // A long interval: every change below is pending together and coalesces.
    auto j = open(10s);
    j->put("q", "o", "k", "1");
    j->put("q", "o", "k", "2");
    j->put("q", "o", "gone", "1");
    j->erase("q", "o", "gone");
    j->put("q", "o", "back", "1");
    j->erase("q", "o", "back");
    j->put("q", "o", "back", "again");
    j->flush();
    EXPECT_EQ(j->committed(), 3u) << "one write per row";
  }
  EXPECT_EQ(reopened_rows(), (std::vector<std::string>{"q|o|back=again", "q|o|k=2"}));
}

TEST_F(StateJournalTest, EraseOwnerRemovesEveryRowOfItsOwnerButNotLaterOnes) {
  {
    auto j = open(10s);
    j->put("m", "queue/1", "a", "old");
    j->put("m", "queue/1", "b", "old");
    j->put("m", "queue/2", "a", "other owner");
    j->put("m", "queue/10", "a", "longer owner name");
    j->flush();
    j->put("m", "queue/1", "c", "old, pending");
    j->erase_owner("m", "queue/1");
    j->put("m", "queue/1", "a", "new");
    j->stop();
  }
  EXPECT_EQ(reopened_rows(), (std::vector<std::string>{"m|queue/1|a=new", "m|queue/10|a=longer owner name", "m|queue/2|a=other owner"}));
}

TEST_F(StateJournalTest, ChangesAreCommittedWithinTheIntervalWithoutAFlush) {
  auto j = open(20ms);
  j->put("q", "o", "k", "v");
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (j->committed() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(j->committed(), 1u);
  // Read by a second connection while the first is open: it is in the file, not only in memory.
  auto other = StateJournal::open((dir_ / "state.db").string(), 10s, log_);
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)->take_loaded().size(), 1u);
}

// Writers on four threads while the writer commits and a fifth thread flushes: under
// ThreadSanitizer (scripts/tsan.sh) a race fails it; here the file ends holding exactly the rows
// last put and not erased.
TEST_F(StateJournalTest, WritersOnManyThreadsWhileItCommitsAndFlushes) {
  constexpr int kThreads = 4, kRows = 2000;
  {
    auto j = open(1ms);
    std::atomic<bool> done{false};
    std::thread flusher{[&] {
      while (!done) j->flush();
    }};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t)
      writers.emplace_back([&, t] {
        std::string owner = "owner" + std::to_string(t);
        for (int i = 0; i < kRows; ++i) {
          j->put("k", owner, std::to_string(i), "v" + std::to_string(i));
          if (i % 2 == 1) j->erase("k", owner, std::to_string(i));
          if (i == kRows / 2) j->erase_owner("k", owner);  // the rows put so far go; later ones stay
        }
      });
    for (auto& w : writers) w.join();
    done = true;
    flusher.join();
    j->stop();
    EXPECT_EQ(j->failed(), 0u);
  }
  auto j = open();
  auto rows = j->take_loaded();
  std::size_t expected = 0;  // even numbers after the erasure of the owner, per thread
  for (int i = kRows / 2 + 1; i < kRows; ++i) expected += i % 2 == 0 ? kThreads : 0;
  EXPECT_EQ(rows.size(), expected);
  for (const auto& r : rows) {
    int i = std::stoi(r.key);
    EXPECT_GT(i, kRows / 2);
    EXPECT_EQ(i % 2, 0);
    EXPECT_EQ(r.value, "v" + r.key);
  }
}

TEST_F(StateJournalTest, ChangesAfterStopAreCountedAsFailed) {
  auto j = open();
  j->stop();
  j->put("q", "o", "k", "v");
  j->flush();  // returns at once
  EXPECT_EQ(j->failed(), 1u);
  EXPECT_EQ(j->committed(), 0u);
}

TEST_F(StateJournalTest, StatePathSitsBesideTheTraceStore) {
  EXPECT_EQ(state_path_for("./.localray/traces.db"), "./.localray/traces.resources.db");
  EXPECT_EQ(state_path_for("/tmp/x"), "/tmp/x.resources.db");
}

TEST_F(StateJournalTest, AnUnwritableFileIsAnError) {
  auto j = StateJournal::open((dir_ / "missing-folder" / "state.db").string(), 10ms, log_);
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("missing-folder"), std::string::npos);
}

}  // namespace
}  // namespace localray::tracing
