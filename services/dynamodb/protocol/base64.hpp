#pragma once
// Standard base64 (RFC 4648, "+/" alphabet), as DynamoDB's JSON carries B and BS values.
#include <optional>
#include <string>
#include <string_view>

namespace localray::dynamodb::protocol {

std::string base64_encode(std::string_view bytes);

// Nothing when `text` is not base64; padding is optional, whitespace is not allowed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace localray::dynamodb::protocol
