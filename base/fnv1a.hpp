#pragma once
// FNV-1a, 64 bits: the stable hash that names, ids and seeds are derived from (the same in every
// run and on every platform, unlike std::hash).
#include <cstdint>
#include <string_view>

namespace localray::base {

constexpr std::uint64_t kFnv1aOffset = 1469598103934665603ULL;

constexpr std::uint64_t fnv1a(std::string_view s, std::uint64_t h = kFnv1aOffset) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace localray::base
