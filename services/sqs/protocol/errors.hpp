#pragma once
// The wire shape of every SQS error, for both protocols, from one model error code.
#include <string_view>

#include "services/sqs/model/error.hpp"

namespace localray::sqs::protocol {

struct WireError {
  std::string_view query_code;  // query <Code>, JSON x-amzn-query-error, batch entry Code
  std::string_view json_type;   // JSON __type
  unsigned status = 400;
  std::string_view query_message = {};  // when the query protocol words the message differently
  bool sender_fault = true;             // <Type>Sender</Type>, ";Sender"
};

const WireError& wire_error(model::Code code);

}  // namespace localray::sqs::protocol
