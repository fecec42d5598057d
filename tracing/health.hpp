#pragma once
// Readiness, as /_localray/health reports it: each part of the process registers a probe that
// says whether it serves, and in a few words what it holds or why it does not. Probes run on the
// caller's thread and must be quick and thread-safe.
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace localray::tracing {

struct ComponentStatus {
  bool ready = false;
  std::string detail;
};

class Health {
 public:
  using Probe = std::function<ComponentStatus()>;
  // Probes are reported in the order they were added.
  void add(std::string component, Probe probe) {
    std::lock_guard lock{mutex_};
    probes_.emplace_back(std::move(component), std::move(probe));
  }

  struct Report {
    bool ready = true;  // every component is
    std::vector<std::pair<std::string, ComponentStatus>> components;
  };
  Report check() const {
    std::vector<std::pair<std::string, Probe>> probes;
    {
      std::lock_guard lock{mutex_};
      probes = probes_;
    }
    Report out;
    for (const auto& [name, probe] : probes) {
      auto status = probe();
      out.ready = out.ready && status.ready;
      out.components.emplace_back(name, std::move(status));
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, Probe>> probes_;
};

}  // namespace localray::tracing
