#pragma once
// A REST API with one stage and `{proxy+}` ANY resources whose integration calls another AWS
// service directly (no Lambda), as the pattern's API does. The stage records its segment
// (origin AWS::ApiGateway::Stage) and one `aws` subsegment for the integration call, and hands
// the integration the context whose parent is that subsegment.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tracing/trace_header.hpp"
#include "tracing/tracer.hpp"

namespace localray::apigateway::model {

// What the integration request mapping produces (the pattern's template: Message from
// $context.path, message attributes from $input.path(...)).
struct IntegrationRequest {
  std::string message;
  std::map<std::string, std::string> message_attributes;  // name -> string value; empty values omitted
};

struct IntegrationResult {
  bool ok = true;
  std::string error_message;  // when !ok
  std::string request_id;     // the called service's request id
};

// The AWS service an integration calls; implemented in the emulator's wiring.
class Integration {
 public:
  virtual ~Integration() = default;
  virtual std::string service() const = 0;    // "SNS"
  virtual std::string operation() const = 0;  // "Publish"
  virtual void describe_target(nlohmann::json& aws) const = 0;
  virtual boost::asio::awaitable<IntegrationResult> call(const IntegrationRequest& request, const tracing::TraceHeader& ctx) = 0;
};

// A value of the request mapping: `$context.path`, `$context.resourcePath`, `$context.stage`,
// `$context.httpMethod`, `$context.requestId`, `$input.body`, `$input.path('$.a.b')`, or a literal.
class MappingValue {
 public:
  static std::optional<MappingValue> parse(const std::string& expr);
  struct Input {
    const std::string& path;  // $context.path: includes the stage, e.g. /prod/hello
    const std::string& resource_path;
    const std::string& stage;
    const std::string& method;
    const std::string& request_id;
    const std::string& body;
  };
  std::string evaluate(const Input& in) const;

 private:
  enum class Kind { Literal, ContextPath, ResourcePath, Stage, Method, RequestId, Body, JsonPath } kind_ = Kind::Literal;
  std::string text_;                // literal
  std::vector<std::string> path_;   // JsonPath keys
};

struct RouteConfig {
  MappingValue message;
  std::map<std::string, MappingValue> message_attributes;
  std::shared_ptr<Integration> integration;
};

struct ApiRequest {
  std::string method;
  std::string path;  // below the stage, starting with '/'
  std::string body;
  std::string user_agent;
  std::string client_ip;
  std::string url;  // as the client called it
  std::string host;
  std::optional<tracing::TraceHeader> trace;
};

struct ApiResponse {
  unsigned status = 200;
  std::string body;
  std::string request_id;
  std::string trace_header;  // X-Amzn-Trace-Id to answer with
};

class RestApi {
 public:
  RestApi(std::string id, std::string name, std::string stage, std::string region, std::string account, RouteConfig route,
          tracing::Tracer tracer);

  boost::asio::awaitable<ApiResponse> handle(ApiRequest request);

  const std::string& id() const { return id_; }
  const std::string& name() const { return name_; }
  const std::string& stage() const { return stage_; }
  std::string stage_arn() const { return "arn:aws:apigateway:" + region_ + "::/restapis/" + id_ + "/stages/" + stage_; }

 private:
  std::string id_, name_, stage_, region_, account_;
  RouteConfig route_;
  tracing::Tracer t_;
};

// Ten lower-case alphanumerics, stable for a name: the same config gives the same invoke URL.
std::string stable_api_id(const std::string& name);

}  // namespace localray::apigateway::model
