#pragma once
// CRC-32 as zlib computes it (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF).
// DynamoDB sends it in `x-amz-crc32`; botocore and the JS SDK v2 retry when it does not match.
#include <cstdint>
#include <string_view>

namespace localray::dynamodb::protocol {

std::uint32_t crc32(std::string_view bytes);

}  // namespace localray::dynamodb::protocol
