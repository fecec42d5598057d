#pragma once
// One log line per answered request, as long as that stays readable and cheap: beyond a number of
// lines a second, the rest of that second's requests are counted and told in one line with the
// first request of a later second (a terminal cannot show 40,000 lines a second, and writing them
// took a fifth of the edge's throughput). Server faults (5xx) are always logged one by one.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include <spdlog/fwd.h>

namespace localray::emulator {

class RequestLog {
 public:
  explicit RequestLog(std::shared_ptr<spdlog::logger> log, std::uint32_t lines_per_second = 100);
  void answered(std::string_view trace, std::string_view method, std::string_view target, unsigned status, double ms);

 private:
  std::shared_ptr<spdlog::logger> log_;
  std::uint32_t lines_per_second_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point second_{};
  std::uint32_t lines_ = 0;
  std::uint64_t untold_[3] = {0, 0, 0};  // 1xx-3xx, 4xx, 5xx answered this second beyond the lines
};

}  // namespace localray::emulator
