#pragma once
// Which AWS service an edge request is for, decided the way LocalStack decides on one port:
// X-Amz-Target prefix, then the form's Action + Version, then the SigV4 credential scope.
#include <optional>
#include <string>
#include <string_view>

#include "http/call_context.hpp"
#include "http/form.hpp"
#include "http/message.hpp"
#include "tracing/ids.hpp"

namespace localray::emulator {

enum class Service { Unknown, DynamoDB, DynamoDBStreams, SqsJson, SqsQuery, Sns, CloudFormation };

struct Routed {
  Service service = Service::Unknown;
  http::FormFields form;  // query protocols: the decoded parameters
  // A query-protocol call (by its signature) whose form does not decode: answered
  // MalformedQueryString, as the service would, not passed to its codec.
  bool malformed_form = false;
};

Routed identify_service(const http::Request& request);

// The credential scope a request was signed with: `Authorization: AWS4-HMAC-SHA256
// Credential=AKID/date/region/service/aws4_request, ...`, or a presigned URL's X-Amz-Credential.
struct SigV4Scope {
  std::string access_key_id, date, region, service;
};
std::optional<SigV4Scope> sigv4_scope(const http::Request& request);
std::optional<SigV4Scope> sigv4_scope(std::string_view authorization);

// The edge's reading of a call: the trace header parsed once, the region of the credential scope
// (`default_region` when unsigned), and the account: an access key id of twelve digits names one,
// as with LocalStack, any other key is `default_account`'s.
// A new x-amzn-RequestId in the shape the request's service gives it: DynamoDB's 52-character
// form for DynamoDB and DynamoDB Streams, a UUID for the others.
std::string new_request_id(const http::Request& request, tracing::IdGenerator& ids);

http::CallContext call_context(const http::Request& request, std::string request_id, const std::string& default_region,
                               const std::string& default_account);

}  // namespace localray::emulator
