// A real kill -9 under load: what localray answered before the kill is in the store after it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

#include "tests/integration/localray_process.hpp"
#include "tests/integration/nodejs_pattern.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Requests per second through the pattern, and for how long: well under what the store takes on
// a loaded two-core machine, so that the store keeps up and a kill finds it at most one commit
// behind. LOCALRAY_KILL_RATE sets another rate for a run on purpose (the figure in the note).
// The stop waits --stop-timeout for runs in progress, then makes the store's last commit and ends
// the workers. What is checked is that nothing answered is cut when the stop has the time its runs
// need: built-in handlers drain well within the default 5 s; Node.js workers queued behind one
// another on a loaded two-core machine (CI cut 3 runs at 5 s under ASan, and 26 beside the Node.js
// pattern test in a plain build) get 20 s. Under a sanitizer everything takes longer, and the
// process's own exit (leak check included) takes seconds more.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LOCALRAY_DURABILITY_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LOCALRAY_DURABILITY_SANITIZED 1
#endif
#endif
#ifdef LOCALRAY_DURABILITY_SANITIZED
constexpr int kBuiltInStopTimeout = 20, kUserCodeStopTimeout = 30;
constexpr auto kExitAllowance = std::chrono::seconds{10};
#else
constexpr int kBuiltInStopTimeout = 5, kUserCodeStopTimeout = 20;
constexpr auto kExitAllowance = std::chrono::seconds{3};
#endif

const int kRate = std::getenv("LOCALRAY_KILL_RATE") ? std::atoi(std::getenv("LOCALRAY_KILL_RATE")) : 120;
constexpr auto kLoad = 4s;
// A pattern trace is finished about a second after its answer (the pattern sends its SQS message
// with DelaySeconds 1); the store's promise is one batch interval (at most 1 s) past that.
constexpr auto kSettled = 2500ms;

struct Answered {
  Clock::time_point at;
  std::string root;
};

std::string root_of(const HttpResult& r) {
  auto it = r.headers.find("x-amzn-trace-id");
  if (it == r.headers.end() || it->second.rfind("Root=", 0) != 0) return {};
  return it->second.substr(5, 35);
}

std::size_t documents_of(const json& traces, std::map<std::string, std::size_t>& out) {
  std::size_t n = 0;
  for (const auto& t : traces.at("Traces")) {
    out[t.at("Id")] = t.at("Segments").size();
    n += t.at("Segments").size();
  }
  return n;
}

// Segment documents per trace, five traces per BatchGetTraces as X-Ray allows.
std::map<std::string, std::size_t> documents(const LocalrayProcess& lr, const std::vector<std::string>& ids) {
  std::map<std::string, std::size_t> out;
  for (std::size_t i = 0; i < ids.size(); i += 5) {
    std::vector<std::string> chunk(ids.begin() + static_cast<std::ptrdiff_t>(i), ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + 5)));
    documents_of(lr.xray("/Traces", {{"TraceIds", chunk}}), out);
  }
  return out;
}

std::string integrity(const std::string& db) {
  sqlite3* conn = nullptr;
  std::string result = "not opened";
  if (sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(conn, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
  }
  sqlite3_close(conn);
  return result;
}

// Posts to the pattern's `path` at `rate` requests/s from several threads until `stop`; each
// answer (or nullptr when the connection failed) goes to `seen`, under one lock.
std::vector<std::thread> send_at_rate(const LocalrayProcess& lr, const std::string& path, int rate, const std::atomic<bool>& stop, std::mutex& mutex,
                                      std::function<void(const HttpResult*)> seen) {
  std::vector<std::thread> senders;
  auto start = Clock::now();
  // Each sender waits for its answer, so a sender keeps its share of the rate only while answers
  // take less than n / rate; sanitizer builds answer in 50-100 ms, so the load is spread thin.
  const int n = std::max(6, rate / 8);
  for (int k = 0; k < n; ++k)
    senders.emplace_back([&lr, path, rate, n, k, start, &stop, &mutex, seen] {
      auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(double(n) / rate));
      auto next = start + interval * k / n;
      while (!stop) {
        std::this_thread::sleep_until(next);
        next += interval;
        try {
          auto r = http_request(lr.port(), "POST", path, R"({"status":"ok"})", {{"Content-Type", "application/json"}});
          std::lock_guard lock{mutex};
          seen(&r);
        } catch (const std::exception&) {
          std::lock_guard lock{mutex};
          seen(nullptr);
        }
      }
    });
  return senders;
}

TEST(DurabilityTest, AKillUnderLoadLosesNothingAcknowledgedAndNoTraceOfASettledRequest) {
  auto dir = std::filesystem::temp_directory_path() / ("localray-kill-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto db = (dir / "traces.db").string();

  std::vector<Answered> answered;
  std::set<std::string> acknowledged_traces;  // PutTraceSegments documents acknowledged, by trace
  std::size_t acknowledged = 0, cut = 0;
  std::size_t full_trace = 0;
  Clock::time_point killed_at;
  Clock::duration loaded_for{};
  {
    LocalrayProcess lr{{"--db", db, "--seed", "5", "--ssl-failure-rate", "0", "--log-level", "warn"}};
    auto path = lr.invoke_path() + "/durable";
    // What a settled pattern trace holds, from one request let finish.
    auto first = lr.post_json(path, {{"status", "ok"}});
    ASSERT_EQ(first.status, 200u);
    auto first_root = root_of(first);
    ASSERT_TRUE(eventually([&] {
      auto n = documents(lr, {first_root})[first_root];
      bool stable = n > 0 && n == full_trace;
      full_trace = n;
      return stable;
    }, 10s));
    std::this_thread::sleep_for(1500ms);
    full_trace = documents(lr, {first_root})[first_root];
    ASSERT_GT(full_trace, 10u);

    std::mutex mutex;
    std::atomic<bool> stop{false};
    auto start = Clock::now();
    auto senders = send_at_rate(lr, path, kRate, stop, mutex, [&](const HttpResult* r) {
      if (!r) ++cut;  // cut by the kill: never answered
      else if (r->status == 200) answered.push_back({Clock::now(), root_of(*r)});
    });
    // A client of the X-Ray API alongside: each acknowledged document must survive.
    std::thread xray([&] {
      for (int batch = 0; !stop; ++batch) {
        json docs = json::array();
        char trace[40];
        std::snprintf(trace, sizeof trace, "1-%08lx-%024d", static_cast<unsigned long>(std::time(nullptr)), batch);
        for (int i = 0; i < 4; ++i) {
          char id[17];
          std::snprintf(id, sizeof id, "%016x", batch * 4 + i + 1);
          double now = static_cast<double>(std::time(nullptr));
          docs.push_back(json{{"name", "durable-client"}, {"id", id}, {"trace_id", trace}, {"start_time", now}, {"end_time", now + 0.01}}.dump());
        }
        try {
          auto r = http_request(lr.port(), "POST", "/TraceSegments", json{{"TraceSegmentDocuments", docs}}.dump(), {{"Content-Type", "application/json"}});
          if (r.status == 200 && json::parse(r.body).at("UnprocessedTraceSegments").empty()) {
            std::lock_guard lock{mutex};
            acknowledged += 4;
            acknowledged_traces.insert(trace);
          }
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(20ms);
      }
    });
    std::this_thread::sleep_until(start + kLoad);
    // A slow build (a sanitizer, another test beside it) answers fewer in that time: the load goes
    // on until more than a second's worth of requests has settled, for at most 30 s more.
    auto settled_now = [&] {
      std::lock_guard lock{mutex};
      auto now = Clock::now();
      return static_cast<std::size_t>(std::count_if(answered.begin(), answered.end(), [&](const Answered& a) { return now - a.at > kSettled; }));
    };
    for (auto until = Clock::now() + 30s; Clock::now() < until && settled_now() <= static_cast<std::size_t>(kRate);)
      std::this_thread::sleep_for(100ms);
    lr.kill_hard();  // under load: requests are in flight
    killed_at = Clock::now();
    loaded_for = killed_at - start;
    stop = true;
    for (auto& t : senders) t.join();
    xray.join();
  }

  EXPECT_EQ(integrity(db), "ok");
  LocalrayProcess lr{{"--db", db, "--seed", "6", "--log-level", "warn"}};
  std::vector<std::string> settled;
  for (const auto& a : answered)
    if (killed_at - a.at > kSettled) settled.push_back(a.root);
  ASSERT_GT(settled.size(), static_cast<std::size_t>(kRate));
  auto stored = documents(lr, settled);
  std::size_t complete = 0;
  for (const auto& root : settled) {
    auto it = stored.find(root);
    std::size_t n = it == stored.end() ? 0 : it->second;
    complete += n == full_trace;
    EXPECT_EQ(n, full_trace) << "trace " << root << " of a request answered more than 2.5 s before the kill";
  }
  std::vector<std::string> client_traces(acknowledged_traces.begin(), acknowledged_traces.end());
  auto client = documents(lr, client_traces);
  std::size_t client_stored = 0;
  for (const auto& [id, n] : client) client_stored += n;
  EXPECT_EQ(client_stored, acknowledged) << "every document PutTraceSegments acknowledged";
  std::fprintf(stderr, "kill -9 after %lld ms of %d requests/s: %zu answered (%zu cut by the kill), %zu answered > 2.5 s before it, "
                       "%zu of them complete (%zu documents each); PutTraceSegments: %zu acknowledged, %zu stored\n",
               static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(loaded_for).count()), kRate, answered.size(), cut,
               settled.size(), complete, full_trace, acknowledged, client_stored);
  lr.stop();
  std::filesystem::remove_all(dir);
}

bool failed_anywhere(const json& segment) {
  if (segment.value("fault", false) || segment.value("error", false) || segment.value("throttle", false)) return true;
  if (auto subs = segment.find("subsegments"); subs != segment.end())
    for (const auto& sub : *subs)
      if (failed_anywhere(sub)) return true;
  return false;
}

// Segment names of each stored trace, to tell which parts of a trace are there; " (failed)" marks
// a document with a fault or error anywhere in it.
std::map<std::string, std::multiset<std::string>> segment_names(const LocalrayProcess& lr, const std::vector<std::string>& ids) {
  std::map<std::string, std::multiset<std::string>> out;
  for (std::size_t i = 0; i < ids.size(); i += 5) {
    std::vector<std::string> chunk(ids.begin() + static_cast<std::ptrdiff_t>(i), ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + 5)));
    auto got = lr.xray("/Traces", {{"TraceIds", chunk}});
    for (const auto& t : got.at("Traces"))
      for (const auto& seg : t.at("Segments")) {
        auto doc = json::parse(seg.at("Document").get<std::string>());
        out[t.at("Id").get<std::string>()].insert(doc.at("name").get<std::string>() + (failed_anywhere(doc) ? " (failed)" : ""));
      }
  }
  return out;
}

// A clean stop under load: requests that arrive while it stops are refused (503), runs in progress
// and queued asynchronous events finish, with the edge still serving the functions' own calls, and
// the store commits everything before the process exits. Only what waits in an SQS queue (the
// pattern's one-second delayed message) is not run: queues start fresh on the next start, unless
// `persist`: then the restart finds the messages and runs their consumers, completing every trace.
void stop_under_load(std::vector<std::string> args, int rate, const std::string& what, int stop_timeout, bool persist = false,
                     bool settle_checked = true) {
  const auto stop_bound = std::chrono::seconds{stop_timeout} + kExitAllowance;
  auto dir = std::filesystem::temp_directory_path() / ("localray-stop-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto db = (dir / "traces.db").string();
  std::vector<Answered> answered;
  std::multiset<std::string> full;
  Clock::time_point stopped_at;
  Clock::duration loaded_for{};
  std::atomic<std::size_t> refused{0};
  {
    std::vector<std::string> all{"--db", db, "--seed", "5", "--ssl-failure-rate", "0", "--log-level", "warn", "--stop-timeout",
                                 std::to_string(stop_timeout)};
    all.insert(all.end(), args.begin(), args.end());
    if (persist) all.push_back("--persist");
    LocalrayProcess lr{all};
    auto path = lr.invoke_path() + "/drained";
    auto first = lr.post_json(path, {{"status", "ok"}});
    ASSERT_EQ(first.status, 200u);
    auto first_root = root_of(first);
    ASSERT_TRUE(eventually([&] {
      auto names = segment_names(lr, {first_root})[first_root];
      bool stable = !names.empty() && names == full;
      full = names;
      return stable && names.count("sqs_subscribe") > 0;
    }, 20s)) << [&] {
      std::string seen;
      for (const auto& n : full) seen += n + ", ";
      return "the first trace holds: " + seen;
    }();

    std::mutex mutex;
    std::atomic<bool> stop{false};
    auto start = Clock::now();
    auto senders = send_at_rate(lr, path, rate, stop, mutex, [&](const HttpResult* r) {
      if (r && r->status == 200) answered.push_back({Clock::now(), root_of(*r)});
      else if (r && r->status == 503) ++refused;
    });
    std::this_thread::sleep_until(start + 3s);
    // A slow build answers fewer in that time: the load goes on until two seconds' worth is answered,
    // for at most 30 s more.
    auto answered_now = [&] {
      std::lock_guard lock{mutex};
      return answered.size();
    };
    for (auto until = Clock::now() + 30s; Clock::now() < until && answered_now() < static_cast<std::size_t>(2 * rate);)
      std::this_thread::sleep_for(100ms);
    // Under load: requests are in flight when the signal arrives, and keep coming while it stops.
    stopped_at = Clock::now();
    loaded_for = stopped_at - start;
    auto code = lr.stop(stop_bound + 5s);  // killed only well past the bound asserted below
    auto took = Clock::now() - stopped_at;
    stop = true;
    for (auto& t : senders) t.join();
    EXPECT_EQ(code, 0) << "a clean stop exits 0";
    EXPECT_LT(took, stop_bound) << "the drain is bounded (--stop-timeout for runs in progress)";
  }

  EXPECT_EQ(integrity(db), "ok");
  std::vector<std::string> again{"--db", db, "--seed", "6", "--log-level", "warn"};
  if (persist) again.push_back("--persist");
  LocalrayProcess lr{again};
  ASSERT_GE(answered.size(), static_cast<std::size_t>(2 * rate));
  std::vector<std::string> roots;
  for (const auto& a : answered) roots.push_back(a.root);
  if (persist) {
    // The messages waiting in the queue at the stop are consumed now, in their own traces.
    std::size_t complete_now = 0;
    auto waited_from = Clock::now();
    eventually([&] {
      auto now = segment_names(lr, roots);
      complete_now = 0;
      for (const auto& a : answered) complete_now += now[a.root] == full;
      return complete_now == answered.size();
    }, 45s);  // a message received in the very instant the process stopped stays hidden for the queue's 30 s
    EXPECT_EQ(complete_now, answered.size()) << "every trace answered before the stop is complete once the restart ran its queued messages";
    std::fprintf(stderr, "%s with --persist: %zu answered before the stop, %zu complete %.1f s after the restart\n", what.c_str(), answered.size(),
                 complete_now, std::chrono::duration<double>(Clock::now() - waited_from).count());
  }
  auto stored = segment_names(lr, roots);
  // Everything of a trace but its SQS consumer, which runs only once the delayed message is due.
  std::multiset<std::string> up_to_the_queue;
  for (const auto& n : full)
    if (n != "sqs_subscribe") up_to_the_queue.insert(n);
  std::size_t finished = 0, complete = 0;
  for (const auto& a : answered) {
    auto& names = stored[a.root];
    std::multiset<std::string> without_consumer;
    for (const auto& n : names)
      if (n != "sqs_subscribe") without_consumer.insert(n);
    finished += without_consumer == up_to_the_queue;
    complete += names == full;
    EXPECT_EQ(without_consumer, up_to_the_queue) << "trace " << a.root << " of a request answered before the stop, failed or cut short";
    // Built-in handlers finish a trace, its delayed SQS consumer included, within kSettled of the
    // answer; Node.js workers on a loaded machine take as long as the load makes them (their
    // consumer may still wait in the queue at the stop, which only --persist keeps).
    if (settle_checked && stopped_at - a.at > kSettled) {
      EXPECT_EQ(names, full) << "trace " << a.root << " answered more than 2.5 s before the stop";
    }
  }
  std::fprintf(stderr, "%s: clean stop after %.1f s of %d requests/s: %zu answered, %zu finished up to the queue, %zu complete (%zu documents each); "
                       "%zu refused while stopping\n",
               what.c_str(), std::chrono::duration<double>(loaded_for).count(), rate, answered.size(), finished, complete, full.size(), refused.load());
  lr.stop();
  std::filesystem::remove_all(dir);
}

TEST(DurabilityTest, ACleanStopUnderLoadFinishesWhatWasAnsweredAndStoresIt) {
  stop_under_load({}, kRate, "built-in handlers", kBuiltInStopTimeout);
}

// With --persist, the messages the stop left in the queue are delivered after the restart.
TEST(DurabilityTest, WithPersistACleanStopAndARestartCompleteEveryTrace) {
  stop_under_load({}, kRate, "built-in handlers", kBuiltInStopTimeout, true);
}

// The same with the pattern's functions as Node.js code in worker processes: their runs outlast
// the signal, and their SDK calls and X-Ray segments go through the edge and the daemon port.
TEST(DurabilityTest, ACleanStopFinishesTheRunsOfUserCode) {
  auto dir = std::filesystem::temp_directory_path() / ("localray-node-durability-" + std::to_string(::getpid()));
  stop_under_load({"--config", nodejs_pattern_config(dir, 30s)}, 10, "Node.js handlers", kUserCodeStopTimeout, /*persist=*/false,
                  /*settle_checked=*/false);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace localray::testing
