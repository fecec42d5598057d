#pragma once
// What each function run printed (START to REPORT, the function's own lines between), kept per
// function for /_localray/logs and the console: the last kRunsPerFunction runs, each cut to its
// last kBytesPerRun bytes. Written by the Lambda runner, read by the edge; safe from any thread.
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace localray::tracing {

struct RunLog {
  std::string function_arn;
  std::string request_id;
  std::string trace_id;  // empty when the run was not traced
  double start_time = 0, end_time = 0;  // epoch seconds
  bool failed = false;
  std::string text;
};

class FunctionLogs {
 public:
  static constexpr std::size_t kRunsPerFunction = 200;
  static constexpr std::size_t kBytesPerRun = 64 * 1024;

  void add(RunLog run) {
    if (run.text.size() > kBytesPerRun) run.text.erase(0, run.text.size() - kBytesPerRun);
    std::lock_guard lock{mutex_};
    auto& runs = by_function_[run.function_arn];
    runs.push_back(std::move(run));
    if (runs.size() > kRunsPerFunction) runs.pop_front();
  }
  // Oldest first; `trace_id` / `request_id` narrow it when not empty.
  std::vector<RunLog> runs(const std::string& function_arn, const std::string& trace_id = {}, const std::string& request_id = {}) const {
    std::lock_guard lock{mutex_};
    std::vector<RunLog> out;
    auto it = by_function_.find(function_arn);
    if (it == by_function_.end()) return out;
    for (const auto& r : it->second)
      if ((trace_id.empty() || r.trace_id == trace_id) && (request_id.empty() || r.request_id == request_id)) out.push_back(r);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<RunLog>> by_function_;
};

}  // namespace localray::tracing
