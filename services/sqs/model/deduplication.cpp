#include "services/sqs/model/deduplication.hpp"

#include <nettle/sha2.h>

namespace localray::sqs::model {

std::optional<Deduplicated> DeduplicationWindow::find(const std::string& key, tracing::TimePoint now) {
  forget_expired(now);
  auto it = sent_.find(key);
  if (it == sent_.end()) return std::nullopt;
  return it->second.sent;
}

void DeduplicationWindow::remember(const std::string& key, Deduplicated sent, tracing::TimePoint now) {
  forget_expired(now);
  sent_.insert_or_assign(key, Entry{std::move(sent), now});
  order_.emplace_back(now, key);
}

void DeduplicationWindow::forget_expired(tracing::TimePoint now) {
  while (!order_.empty() && order_.front().first + kDeduplicationWindow <= now) {
    // A key remembered again later keeps its newer entry.
    if (auto it = sent_.find(order_.front().second); it != sent_.end() && it->second.at == order_.front().first) sent_.erase(it);
    order_.pop_front();
  }
}

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

}  // namespace localray::sqs::model
