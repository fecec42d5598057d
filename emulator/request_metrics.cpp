#include "emulator/request_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace localray::emulator {

void RequestMetrics::observe(const std::string& service, const std::string& operation, unsigned status, double seconds) {
  std::lock_guard lock{mutex_};
  Key key{service, operation};
  auto it = series_.find(key);
  if (it == series_.end()) {
    if (series_.size() >= kMaxSeries) key.second = "other";
    it = series_.try_emplace(std::move(key)).first;
  }
  auto& s = it->second;
  if (status >= 100 && status < 600) ++s.by_class[status / 100 - 1];
  auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
  if (bucket != kBuckets.end()) ++s.buckets[static_cast<std::size_t>(bucket - kBuckets.begin())];
  ++s.count;
  s.sum += seconds;
}

std::map<RequestMetrics::Key, RequestMetrics::Series> RequestMetrics::snapshot() const {
  std::lock_guard lock{mutex_};
  return series_;
}

void PrometheusText::family(const std::string& name, const char* type, const std::string& help) {
  out_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void PrometheusText::sample(const std::string& name, const std::map<std::string, std::string>& labels, double value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += k + "=\"";
      for (char c : v) {
        if (c == '\\') out_ += "\\\\";
        else if (c == '"') out_ += "\\\"";
        else if (c == '\n') out_ += "\\n";
        else out_ += c;
      }
      out_ += '"';
    }
    out_ += '}';
  }
  char number[64];
  if (std::isinf(value)) std::snprintf(number, sizeof number, value > 0 ? "+Inf" : "-Inf");
  else if (value == std::floor(value) && std::fabs(value) < 1e15) std::snprintf(number, sizeof number, "%.0f", value);
  else std::snprintf(number, sizeof number, "%.9g", value);
  out_ += ' ';
  out_ += number;
  out_ += '\n';
}

}  // namespace localray::emulator
