#pragma once
// Seedable randomness. Every random choice (ids, fault injection) draws from an Rng so that
// `--seed N` makes a run reproducible; independent streams are forked by name so that the
// order in which threads draw ids cannot change, say, which invocation fails.
#include <cstdint>
#include <mutex>
#include <random>
#include <string_view>

namespace localray::tracing {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : seed_{seed}, engine_{seed} {}

  std::uint64_t next_u64() {
    std::lock_guard lock{mutex_};
    return engine_();
  }
  // Uniform in [0, 1).
  double next_unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  bool bernoulli(double p) { return next_unit() < p; }

  // An independent stream whose sequence depends only on this Rng's seed and the name.
  Rng fork(std::string_view name) const {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
    return Rng{seed_ ^ (h * 0x9E3779B97F4A7C15ULL)};
  }
  std::uint64_t seed() const { return seed_; }

  Rng(const Rng& other) : seed_{other.seed_} {
    std::lock_guard lock{other.mutex_};
    engine_ = other.engine_;
  }
  Rng& operator=(const Rng&) = delete;

 private:
  std::uint64_t seed_;
  mutable std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace localray::tracing
