#pragma once
// Requests the edge answered, by service and operation: counts by status class and a latency
// histogram, as /_localray/metrics exposes them. Label sets are bounded (kMaxSeries): operation
// names come from requests, and a client must not be able to grow this without end.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace localray::emulator {

class RequestMetrics {
 public:
  static constexpr std::array<double, 14> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  static constexpr std::size_t kMaxSeries = 2000;

  void observe(const std::string& service, const std::string& operation, unsigned status, double seconds);

  struct Series {
    std::array<std::uint64_t, 5> by_class{};  // 1xx..5xx
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  using Key = std::pair<std::string, std::string>;  // service, operation
  std::map<Key, Series> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<Key, Series> series_;
};

// Prometheus text exposition (format 0.0.4): families with HELP and TYPE, label values escaped.
class PrometheusText {
 public:
  void family(const std::string& name, const char* type, const std::string& help);
  void sample(const std::string& name, const std::map<std::string, std::string>& labels, double value);
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

}  // namespace localray::emulator
