#pragma once
// Standard base64 (RFC 4648, "+/" alphabet): SQS carries BinaryValue attributes as base64 in
// both protocols.
#include <optional>
#include <string>
#include <string_view>

namespace localray::sqs::protocol {

std::string base64_encode(std::string_view bytes);
// Nothing when `text` is not base64; padding is optional.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace localray::sqs::protocol
