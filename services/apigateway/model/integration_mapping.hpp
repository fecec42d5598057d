#pragma once
// The non-proxy half of an integration: the request template chosen by Content-Type (with the
// passthrough behaviour when none fits) and the request parameters; then the integration response
// chosen by selection pattern, its response parameters and template (chosen by Accept), and
// $context.responseOverride. Templates are parsed once, when the API is made.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/regex_fwd.hpp>
#include <nlohmann/json.hpp>

#include "services/apigateway/model/integration.hpp"
#include "services/apigateway/model/velocity.hpp"

namespace localray::apigateway::model {

struct ResponseSpec {
  std::string selection_pattern;  // empty: the default response
  unsigned status = 200;
  std::map<std::string, std::string> templates;   // content type -> template
  std::map<std::string, std::string> parameters;  // method.response.header.X -> 'literal' | integration.response.header.Y | ...body.Z
};

struct MappingSpec {
  std::map<std::string, std::string> request_templates;
  std::map<std::string, std::string> request_parameters;  // integration.request.{header,querystring,path}.X -> source
  std::string passthrough = "WHEN_NO_MATCH";
  std::vector<ResponseSpec> responses;
};

struct MappedRequest {
  bool unsupported_media_type = false;  // no template for the Content-Type and passthrough refused
  std::string body;
  Pairs headers;
  Pairs query;
  std::map<std::string, std::string> path;
};

class IntegrationMapping {
 public:
  // Errors name the template that does not parse ("request template application/json: ...").
  static tracing::Result<IntegrationMapping> make(const MappingSpec& spec);

  tracing::Result<MappedRequest> request(const IntegrationRequest& request) const;
  // `selection` is what selection patterns are matched against (a status code, a Lambda
  // errorMessage); nullopt takes the default response. `headers` and `body` are the integration's.
  IntegrationResponse response(const IntegrationRequest& request, const std::optional<std::string>& selection, const Pairs& headers,
                               const std::string& body) const;

 private:
  struct Response {
    ResponseSpec spec;
    std::map<std::string, VelocityTemplate> templates;
    std::shared_ptr<const boost::regex> selection;  // compiled once; null: the default response
  };
  std::map<std::string, VelocityTemplate> request_templates_;
  std::map<std::string, std::string> request_parameters_;
  std::string passthrough_;
  std::vector<Response> responses_;
};

// $context as templates see it, for a request.
nlohmann::json mapping_context(const IntegrationRequest& request);

}  // namespace localray::apigateway::model
