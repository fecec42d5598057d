#include "tracing/ids.hpp"

#include <chrono>
#include <cstdio>

namespace localray::tracing {

std::string IdGenerator::trace_id() {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  std::uint64_t a = rng_.next_u64();
  std::uint32_t b = static_cast<std::uint32_t>(rng_.next_u64());
  char buf[40];
  std::snprintf(buf, sizeof buf, "1-%08x-%016llx%08x", static_cast<unsigned>(secs), static_cast<unsigned long long>(a), b);
  return buf;
}

std::string IdGenerator::segment_id() {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng_.next_u64()));
  return buf;
}

std::string IdGenerator::uuid() {
  std::uint64_t hi = rng_.next_u64(), lo = rng_.next_u64();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xffff), static_cast<unsigned long long>(hi & 0xffff),
                static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string IdGenerator::dynamodb_request_id() {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
  std::string out;
  out.reserve(52);
  while (out.size() < 52) {
    std::uint64_t bits = rng_.next_u64();
    for (int i = 0; i < 12 && out.size() < 52; ++i, bits >>= 5) out += kDigits[bits & 31];
  }
  return out;
}

}  // namespace localray::tracing
