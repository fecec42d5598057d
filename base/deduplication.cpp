#include "base/deduplication.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include <nettle/sha2.h>

namespace localray::base {

std::string deduplication_key(bool per_group, std::string_view group_id, std::string_view deduplication_id) {
  if (!per_group) return std::string{deduplication_id};
  // Both parts are printable ASCII, so a control character cannot be part of either.
  std::string key{group_id};
  key += '\x1f';
  key += deduplication_id;
  return key;
}

std::string content_deduplication_id(std::string_view body) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, body.size(), reinterpret_cast<const std::uint8_t*>(body.data()));
  std::uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (auto b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

bool valid_fifo_id(std::string_view id) {
  constexpr std::size_t kMaxLength = 128;
  return !id.empty() && id.size() <= kMaxLength && std::all_of(id.begin(), id.end(), [](unsigned char c) { return c >= '!' && c <= '~'; });
}

std::string sequence_number_text(std::uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(n));
  return buf;
}

std::uint64_t next_sequence(std::uint64_t last, std::chrono::nanoseconds now) {
  auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now.count()));
  return std::max(last + 1, kSequenceBase + ns);
}

}  // namespace localray::base
