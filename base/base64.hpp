#pragma once
// Standard base64 (RFC 4648, "+/" alphabet): binary attributes of SNS, SQS and DynamoDB,
// Lambda's log tails and the Lambda and SNS events all carry bytes this way.
#include <optional>
#include <string>
#include <string_view>

namespace localray::base {

enum class Padding { Optional, Required };

std::string base64_encode(std::string_view bytes);
// Nothing when `text` is not base64 (whitespace is not allowed).
std::optional<std::string> base64_decode(std::string_view text, Padding padding = Padding::Optional);

}  // namespace localray::base
