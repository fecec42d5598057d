#pragma once
// What a method hands its integration, and what the integration answers. The request carries
// everything API Gateway knows of a call (the Lambda proxy event is made of it); the response is
// what the client gets, before API Gateway adds its own headers.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json_fwd.hpp>

#include "tracing/clock.hpp"
#include "tracing/trace_header.hpp"

namespace localray::apigateway::model {

using Pairs = std::vector<std::pair<std::string, std::string>>;  // in arrival order; names may repeat

// The first value of the header `name` (any case) in `headers`; empty when there is none.
std::string header(const Pairs& headers, std::string_view name);

struct IntegrationRequest {
  std::string method;
  std::string path;           // below the stage, e.g. /items/42
  std::string resource_path;  // the matched resource, e.g. /items/{id}
  std::string resource_id;
  std::map<std::string, std::string> path_parameters;
  Pairs query;
  Pairs headers;
  std::string body;
  std::string stage;
  std::map<std::string, std::string> stage_variables;
  std::string request_id;
  std::string extended_request_id;
  std::string api_id;
  std::string account_id;
  std::string source_ip;
  std::string user_agent;
  std::string domain_name;
  tracing::TimePoint request_time;
};

struct IntegrationResponse {
  unsigned status = 200;
  Pairs headers;
  std::string body;
  std::string request_id;  // of the call the integration made, for its subsegment
  // The called service failed, whatever the client is answered: the subsegment is marked so.
  bool call_failed = false;
  bool call_fault = false;  // 5xx-like: the service itself, not the request
  std::string operation;     // the operation called, when only the mapped request told it
  bool called = true;        // false when API Gateway answered before calling (415, a mapping error)
  // What only the mapped request told of the target (topic_arn, queue_url, table_name), for the
  // subsegment's aws fields and the service map.
  std::map<std::string, std::string> target;
};

// The backend of a method: a Lambda function (proxy) or an AWS service action, implemented where
// the other service is known (the emulator's wiring).
class Integration {
 public:
  virtual ~Integration() = default;
  // How the integration subsegment names the call: service ("Lambda", "SNS"), operation, aws fields.
  virtual std::string service() const = 0;
  virtual std::string operation() const = 0;
  virtual void describe_target(nlohmann::json& aws) const = 0;
  // A MOCK integration calls nothing: no subsegment is recorded for it.
  virtual bool records_call() const { return true; }
  // `ctx`: the context the call carries (Parent = the integration subsegment).
  virtual boost::asio::awaitable<IntegrationResponse> call(const IntegrationRequest& request, const tracing::TraceHeader& ctx) = 0;
};

}  // namespace localray::apigateway::model
