#pragma once
// localray's bound on the memory DynamoDB items take, over every table of the process (AWS has
// none: it is this process's RAM). Counted in the bytes DynamoDB bills (item_size); a write that
// would take the total past the bound is refused with LimitExceededException, deletes give back.
#include <atomic>
#include <cstddef>

namespace localray::dynamodb::model {

class ItemBudget {
 public:
  explicit ItemBudget(std::size_t limit_bytes) : limit_{limit_bytes} {}  // 0: no bound

  // Takes `bytes` if the total stays within the bound; false (nothing taken) otherwise.
  bool try_take(std::size_t bytes) {
    auto now = used_.load(std::memory_order_relaxed);
    do {
      if (limit_ != 0 && now + bytes > limit_) return false;
    } while (!used_.compare_exchange_weak(now, now + bytes, std::memory_order_relaxed));
    return true;
  }
  // Items put back from a copy (--persist) are taken whatever the bound.
  void take(std::size_t bytes) { used_.fetch_add(bytes, std::memory_order_relaxed); }
  void give(std::size_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  std::size_t used() const { return used_.load(std::memory_order_relaxed); }
  std::size_t limit() const { return limit_; }

 private:
  std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

}  // namespace localray::dynamodb::model
