#pragma once
// Which AWS service an edge request is for, decided the way LocalStack decides on one port:
// X-Amz-Target prefix, then the form's Action + Version, then the SigV4 credential scope.
#include <optional>
#include <string_view>

#include "http/form.hpp"
#include "http/message.hpp"

namespace localray::emulator {

enum class Service { Unknown, DynamoDB, SqsJson, SqsQuery, Sns };

struct Routed {
  Service service = Service::Unknown;
  http::FormFields form;  // query protocols: the decoded parameters
};

Routed identify_service(const http::Request& request);
// The service name of `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request`.
std::string_view sigv4_service(std::string_view authorization);

}  // namespace localray::emulator
