#pragma once
#include <map>
#include <string>

namespace localray::sns::model {

struct MessageAttribute {
  std::string data_type;  // String, String.Array, Number, Binary (optionally with a custom suffix: Number.float)
  std::string value;      // string value, or the raw bytes of a binary value
};
using MessageAttributes = std::map<std::string, MessageAttribute>;

}  // namespace localray::sns::model
