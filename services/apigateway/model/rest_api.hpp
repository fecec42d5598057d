#pragma once
// A REST API: its resources and methods, the integration behind each method, and its stages. A
// stage records its segment for every request (origin AWS::ApiGateway::Stage) and one `aws`
// subsegment for the integration call, and hands the integration the context whose parent is that
// subsegment. An API is built (stages, methods), then served; it does not change while it serves.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "services/apigateway/model/integration.hpp"
#include "services/apigateway/model/resources.hpp"
#include "tracing/trace_header.hpp"
#include "tracing/tracer.hpp"

namespace localray::apigateway::model {

struct Stage {
  std::string name;
  std::map<std::string, std::string> variables;
};

struct ApiRequest {
  std::string method;
  std::string path;                     // below the stage, percent-decoded, starting with '/'
  std::vector<std::string> path_parts;  // the same path's parts, each decoded on its own
  std::string stage;
  Pairs query;
  Pairs headers;
  std::string body;
  std::string client_ip;
  std::string url;  // as the client called it
  std::optional<tracing::TraceHeader> trace;
};

struct ApiResponse {
  unsigned status = 200;
  Pairs headers;
  std::string body;
  std::string error_type;  // API Gateway's own errors: x-amzn-ErrorType
  std::string request_id;
  std::string trace_header;  // X-Amzn-Trace-Id to answer with
};

class RestApi {
 public:
  RestApi(std::string id, std::string name, std::vector<Stage> stages, std::string region, std::string account, tracing::Tracer tracer);

  tracing::Result<void> add_method(const std::string& path, const std::string& http_method, std::shared_ptr<Integration> integration);
  const Stage* stage(const std::string& name) const;

  // `request.stage` names one of the API's stages.
  boost::asio::awaitable<ApiResponse> handle(ApiRequest request) const;

  const std::string& id() const { return id_; }
  const std::string& name() const { return name_; }
  const std::vector<Stage>& stages() const { return stages_; }
  const Resources& resources() const { return resources_; }
  std::string stage_arn(const std::string& stage) const {
    return "arn:aws:apigateway:" + region_ + "::/restapis/" + id_ + "/stages/" + stage;
  }

 private:
  std::string id_, name_;
  std::vector<Stage> stages_;
  std::string region_, account_;
  Resources resources_;
  tracing::Tracer t_;
};

// Ten lower-case alphanumerics, stable for a name: the same config gives the same invoke URL.
std::string stable_api_id(const std::string& name);

}  // namespace localray::apigateway::model
