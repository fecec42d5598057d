#pragma once
// The Invocation subsegments of function runs in progress, by id. A call arriving with one of them
// as its trace header's Parent comes straight from a function's code, with no SDK subsegment of
// its own in between.
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace localray::tracing {

class OpenInvocations {
 public:
  struct Run {
    std::string function_name;
    std::string region;
  };
  void open(const std::string& invocation_id, Run run) {
    std::lock_guard lock{mutex_};
    runs_[invocation_id] = std::move(run);
  }
  void close(const std::string& invocation_id) {
    std::lock_guard lock{mutex_};
    runs_.erase(invocation_id);
  }
  std::optional<Run> find(const std::string& invocation_id) const {
    std::lock_guard lock{mutex_};
    auto it = runs_.find(invocation_id);
    if (it == runs_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Run> runs_;
};

}  // namespace localray::tracing
