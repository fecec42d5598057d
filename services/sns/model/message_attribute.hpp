#pragma once
#include <map>
#include <optional>
#include <string_view>
#include <string>

namespace localray::sns::model {

struct MessageAttribute {
  std::string data_type;  // String, String.Array, Number, Binary (optionally with a custom suffix: Number.float)
  std::string value;      // string value, or the raw bytes of a binary value
};
using MessageAttributes = std::map<std::string, MessageAttribute>;

// A Number attribute's value (or a number in a String.Array) as SNS reads it: a decimal, an
// optional sign; nothing when it is no number.
std::optional<double> attribute_number(std::string_view text);

}  // namespace localray::sns::model
