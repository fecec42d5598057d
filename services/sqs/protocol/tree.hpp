#pragma once
// The protocol-neutral form of an operation's input and output: the JSON protocol's shapes
// (member names and nesting as in botocore's SQS JSON model, binary values as base64 text).
// The JSON codec reads and writes it as it is; the query codec maps flattened form fields and
// XML elements to and from it. Operations see only this, never the wire.
#include <nlohmann/json.hpp>

namespace localray::sqs::protocol {

using Tree = nlohmann::ordered_json;  // ordered: XML elements come out in the order written

}  // namespace localray::sqs::protocol
