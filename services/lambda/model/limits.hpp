#pragma once
#include <chrono>
#include <cstddef>

namespace localray::lambda::model {
constexpr std::size_t kMaxSyncPayloadBytes = 6 * 1024 * 1024;  // Lambda quota, RequestResponse
constexpr std::size_t kMaxAsyncPayloadBytes = 1024 * 1024;     // Lambda quota, Event (formerly 256 KB)
constexpr int kAsyncAttempts = 3;                              // the first try and two retries
}  // namespace localray::lambda::model
