#include "emulator/request_log.hpp"

#include <spdlog/spdlog.h>

namespace localray::emulator {

RequestLog::RequestLog(std::shared_ptr<spdlog::logger> log, std::uint32_t lines_per_second)
    : log_{std::move(log)}, lines_per_second_{lines_per_second} {}

void RequestLog::answered(std::string_view trace, std::string_view method, std::string_view target, unsigned status, double ms) {
  if (!log_->should_log(spdlog::level::info)) return;
  std::uint64_t told[3] = {0, 0, 0};
  bool line = status >= 500;
  {
    std::lock_guard lock{mutex_};
    auto now = std::chrono::steady_clock::now();
    if (now - second_ >= std::chrono::seconds{1}) {
      for (int i = 0; i < 3; ++i) told[i] = untold_[i];
      untold_[0] = untold_[1] = untold_[2] = 0;
      second_ = now;
      lines_ = 0;
    }
    if (!line && lines_ < lines_per_second_) line = true;
    if (line) ++lines_;
    else ++untold_[status >= 500 ? 2 : status >= 400 ? 1 : 0];
  }
  if (auto n = told[0] + told[1] + told[2]; n > 0)
    log_->info("{} requests answered without a line of their own (over {} a second): {} below 400, {} 4xx, {} 5xx", n, lines_per_second_, told[0],
               told[1], told[2]);
  if (line) log_->info("[{}] {} {} -> {} ({:.1f} ms)", trace.empty() ? "-" : trace, method, target, status, ms);
}

}  // namespace localray::emulator
