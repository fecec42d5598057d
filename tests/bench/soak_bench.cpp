// A soak: the pattern at a fixed rate for minutes on one trace store, sampled every ten seconds
// (answers, latency, resident memory, the pipeline's backlog and lag, segments lost), then the
// completeness of the traces of requests answered in the first and the last minute. The reference
// is the same run's first minute: what the last minute costs against it shows drift.
//
//   build/tests/localray_soak_bench [--rate 640] [--seconds 600] [--db PATH] [--json PATH]
//
// 640 requests/s is 80 % of the 800/s at which the kill test still found every trace complete on
// the 2-core machine.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "tests/integration/localray_process.hpp"

namespace {

using namespace localray::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Answer {
  double at;  // seconds since the load started
  double latency_ms;
  unsigned status;  // 0: the connection failed
  std::string root;
};

struct Sample {
  double at = 0;
  std::size_t answered = 0, failed = 0;
  double p50_ms = 0, p99_ms = 0;
  double rss_mib = 0, lag_s = 0, waiting = 0, lost = 0;
};

double rss_mib(pid_t pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// The sum of a metric's samples in Prometheus text (every label set of it).
double metric(const std::string& text, const std::string& name) {
  double sum = 0;
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size() || (line[name.size()] != ' ' && line[name.size()] != '{')) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::string root_of(const HttpResult& r) {
  auto it = r.headers.find("x-amzn-trace-id");
  return it == r.headers.end() || it->second.rfind("Root=", 0) != 0 ? std::string{} : it->second.substr(5, 35);
}

// Documents stored per trace, five traces per BatchGetTraces.
std::size_t complete_traces(const LocalrayProcess& lr, const std::vector<std::string>& roots, std::size_t full) {
  std::size_t complete = 0;
  for (std::size_t i = 0; i < roots.size(); i += 5) {
    std::vector<std::string> chunk(roots.begin() + static_cast<std::ptrdiff_t>(i),
                                   roots.begin() + static_cast<std::ptrdiff_t>(std::min(roots.size(), i + 5)));
    auto got = lr.xray("/Traces", {{"TraceIds", chunk}});
    for (const auto& t : got.at("Traces")) complete += t.at("Segments").size() == full;
  }
  return complete;
}

}  // namespace

int main(int argc, char** argv) {
  int rate = 640, seconds = 600;
  std::string db, json_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rate") rate = std::stoi(argv[i + 1]);
    else if (a == "--seconds") seconds = std::stoi(argv[i + 1]);
    else if (a == "--db") db = argv[i + 1];
    else if (a == "--json") json_path = argv[i + 1];
  }
  auto dir = std::filesystem::temp_directory_path() / ("localray-soak-" + std::to_string(::getpid()));
  if (db.empty()) db = (dir / "traces.db").string();
  std::filesystem::create_directories(std::filesystem::path{db}.parent_path());

  LocalrayProcess lr{{"--db", db, "--seed", "5", "--ssl-failure-rate", "0", "--log-level", "warn"}};
  const std::string path = lr.invoke_path() + "/soak";
  // What a finished pattern trace holds, from one request let settle.
  auto first = lr.post_json(path, {{"status", "ok"}});
  std::this_thread::sleep_for(std::chrono::milliseconds{2500});  // past the pattern's 1 s SQS delay and a batch
  std::size_t full = 0;
  eventually([&] {
    std::size_t n = 0;
    auto got = lr.xray("/Traces", {{"TraceIds", json::array({root_of(first)})}});  // named: a temporary's member dies before the loop
    for (const auto& t : got.at("Traces")) n = t.at("Segments").size();
    bool stable = n > 10 && n == full;
    full = n;
    return stable;
  }, std::chrono::seconds{10});
  double idle_rss = rss_mib(lr.pid());
  std::fprintf(stderr, "soak: %d requests/s for %d s; a finished trace holds %zu documents; idle RSS %.1f MiB\n", rate, seconds, full, idle_rss);

  std::mutex mutex;
  std::vector<Answer> answers;
  std::atomic<bool> stop{false};
  auto start = Clock::now();
  auto since = [&start](Clock::time_point t) { return std::chrono::duration<double>(t - start).count(); };
  const int senders_n = std::max(8, rate / 15);
  std::vector<std::thread> senders;
  for (int k = 0; k < senders_n; ++k)
    senders.emplace_back([&, k] {
      auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(double(senders_n) / rate));
      auto next = start + interval * k / senders_n;
      while (!stop) {
        std::this_thread::sleep_until(next);
        next += interval;
        auto sent = Clock::now();
        Answer a{since(sent), 0, 0, {}};
        try {
          auto r = http_request(lr.port(), "POST", path, R"({"status":"ok"})", {{"Content-Type", "application/json"}});
          a.status = r.status;
          a.root = root_of(r);
        } catch (const std::exception&) {
        }
        a.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        std::lock_guard lock{mutex};
        answers.push_back(std::move(a));
      }
    });

  std::vector<Sample> samples;
  std::size_t seen = 0;
  // The first minute's traces are checked ten seconds after it, while the run goes on: by the end,
  // retention (100,000 traces by default) may have removed them.
  std::vector<std::string> first_minute;
  std::size_t first_complete = 0;
  bool first_checked = false;
  auto check_first_minute = [&] {
    {
      std::lock_guard lock{mutex};
      for (std::size_t i = 0; i < answers.size(); i += 10)
        if (answers[i].status == 200 && answers[i].at < 60) first_minute.push_back(answers[i].root);
    }
    first_complete = complete_traces(lr, first_minute, full);
    first_checked = true;
  };
  for (int t = 10; t <= seconds; t += 10) {
    std::this_thread::sleep_until(start + std::chrono::seconds{t});
    Sample s;
    s.at = t;
    std::vector<double> latencies;
    {
      std::lock_guard lock{mutex};
      for (; seen < answers.size(); ++seen) {
        const auto& a = answers[seen];
        (a.status == 200 ? s.answered : s.failed) += 1;
        latencies.push_back(a.latency_ms);
      }
    }
    s.p50_ms = percentile(latencies, 0.50);
    s.p99_ms = percentile(latencies, 0.99);
    s.rss_mib = rss_mib(lr.pid());
    auto text = http_request(lr.port(), "GET", "/_localray/metrics").body;
    s.lag_s = metric(text, "localray_trace_pipeline_lag_seconds");
    s.waiting = metric(text, "localray_trace_pipeline_waiting");
    s.lost = metric(text, "localray_trace_segments_lost_total");
    samples.push_back(s);
    if (t == 70) check_first_minute();
    std::fprintf(stderr, "%4.0f s: %6zu answered, %4zu failed, p50 %6.2f ms, p99 %7.2f ms, RSS %6.1f MiB, lag %5.2f s, waiting %6.0f, lost %.0f\n",
                 s.at, s.answered, s.failed, s.p50_ms, s.p99_ms, s.rss_mib, s.lag_s, s.waiting, s.lost);
  }
  stop = true;
  for (auto& t : senders) t.join();
  auto stopped = since(Clock::now());
  std::this_thread::sleep_for(std::chrono::seconds{5});  // the last traces settle (the pattern's SQS hop waits 1 s)
  double after_rss = rss_mib(lr.pid());

  if (!first_checked) check_first_minute();
  // Completeness of the last minute's traces (every tenth request).
  std::vector<std::string> last_minute;
  std::size_t answered = 0, failed = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const auto& a = answers[i];
    (a.status == 200 ? answered : failed) += 1;
    if (a.status == 200 && i % 10 == 0 && a.at >= std::max(60.0, stopped - 60)) last_minute.push_back(a.root);
  }
  auto last_complete = complete_traces(lr, last_minute, full);

  // The same run's first minute is the reference for its last.
  auto minute = [&samples](bool last) {
    Sample m;
    std::size_t n = std::min<std::size_t>(6, samples.size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto& s = last ? samples[samples.size() - 1 - i] : samples[i];
      m.answered += s.answered;
      m.failed += s.failed;
      m.p99_ms = std::max(m.p99_ms, s.p99_ms);
      m.rss_mib = std::max(m.rss_mib, s.rss_mib);
      m.lag_s = std::max(m.lag_s, s.lag_s);
    }
    return m;
  };
  auto f = minute(false), l = minute(true);
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  std::printf("| measure | last minute | first minute (reference) | ratio |\n|---|---|---|---|\n");
  std::printf("| requests answered 200 | %zu | %zu | %.2f |\n", l.answered, f.answered, ratio(double(l.answered), double(f.answered)));
  std::printf("| worst 10 s p99 | %.2f ms | %.2f ms | %.2f |\n", l.p99_ms, f.p99_ms, ratio(l.p99_ms, f.p99_ms));
  std::printf("| highest RSS | %.1f MiB | %.1f MiB | %.2f |\n", l.rss_mib, f.rss_mib, ratio(l.rss_mib, f.rss_mib));
  std::printf("| highest pipeline lag | %.2f s | %.2f s | |\n", l.lag_s, f.lag_s);
  std::printf("| traces complete (every 10th) | %zu of %zu | %zu of %zu | |\n", last_complete, last_minute.size(), first_complete,
              first_minute.size());
  std::printf("\n%zu answered 200, %zu failed, %.0f segments lost; RSS idle %.1f MiB, 5 s after the load %.1f MiB\n", answered, failed,
              samples.empty() ? 0.0 : samples.back().lost, idle_rss, after_rss);
  if (!json_path.empty()) {
    json out{{"rate", rate}, {"seconds", seconds}, {"documents_per_trace", full}, {"answered", answered}, {"failed", failed},
             {"rss_idle_mib", idle_rss}, {"rss_after_mib", after_rss}, {"first_minute_complete", {first_complete, first_minute.size()}},
             {"last_minute_complete", {last_complete, last_minute.size()}}, {"samples", json::array()}};
    for (const auto& s : samples)
      out["samples"].push_back({{"at", s.at}, {"answered", s.answered}, {"failed", s.failed}, {"p50_ms", s.p50_ms}, {"p99_ms", s.p99_ms},
                                {"rss_mib", s.rss_mib}, {"lag_s", s.lag_s}, {"waiting", s.waiting}, {"lost", s.lost}});
    std::ofstream{json_path} << out.dump(2) << "\n";
  }
  lr.stop();
  std::filesystem::remove_all(dir);
  bool ok = failed == 0 && last_complete == last_minute.size() && first_complete == first_minute.size();
  return ok ? 0 : 1;
}
