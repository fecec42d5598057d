#include "services/dynamodb/protocol/crc32.hpp"

#include <array>

namespace localray::dynamodb::protocol {
namespace {

// One entry per byte value: the remainder of that byte pushed through eight shift/XOR steps,
// so that the main loop handles a whole byte per lookup.
constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr auto kTable = make_table();

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFU;
  for (unsigned char b : bytes) c = kTable[(c ^ b) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

}  // namespace localray::dynamodb::protocol
