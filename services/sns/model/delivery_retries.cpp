#include "services/sns/model/delivery_retries.hpp"

#include <cmath>

namespace localray::sns::model {

std::optional<std::chrono::milliseconds> RetrySchedule::delay_before(int retry) const {
  if (retry < 1) return std::chrono::milliseconds{0};
  if (retry <= immediate) return std::chrono::milliseconds{0};
  retry -= immediate;
  if (retry <= pre_backoff) return pre_backoff_delay;
  retry -= pre_backoff;
  if (retry <= backoff) {
    if (backoff == 1) return min_delay;
    // Exponential from min_delay (the first backoff retry) to max_delay (the last).
    double ratio = static_cast<double>(max_delay.count()) / static_cast<double>(min_delay.count());
    double step = static_cast<double>(retry - 1) / static_cast<double>(backoff - 1);
    return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(static_cast<double>(min_delay.count()) * std::pow(ratio, step)))};
  }
  retry -= backoff;
  if (retry <= post_backoff) return max_delay;
  return std::nullopt;
}

}  // namespace localray::sns::model
