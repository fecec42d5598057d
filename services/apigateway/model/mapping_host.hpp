#pragma once
// API Gateway's $input and $util for mapping templates: the payload as text ($input.body), as
// JSON text ($input.json('$.a')) or as an object ($input.path('$.a')), the request's parameters
// ($input.params()), and $util's escaping, encoding and JSON parsing.
#include <map>
#include <string>

#include "services/apigateway/model/velocity.hpp"

namespace localray::apigateway::model {

struct MappingInput {
  std::string body;
  // $input.params(): "path", "querystring", "header", each name -> value.
  std::map<std::string, std::map<std::string, std::string>> params;
};

class MappingHost final : public VelocityHost {
 public:
  explicit MappingHost(const MappingInput& input) : input_{input} {}
  tracing::Result<nlohmann::json> call(const std::string& object, const std::string& method, const std::vector<nlohmann::json>& args,
                                       bool property) override;
  bool owns(const std::string& object) const override { return object == "input" || object == "util"; }

 private:
  const MappingInput& input_;
};

// The subset of JSONPath mapping templates use: $, .name, ['name'], [index], [*] is not.
tracing::Result<nlohmann::json> json_path(const nlohmann::json& document, const std::string& path);

// Java's StringEscapeUtils.escapeJavaScript, as $util.escapeJavaScript: quotes (both), backslash,
// slash and control characters escaped, non-ASCII as \uXXXX.
std::string escape_javascript(const std::string& s);

}  // namespace localray::apigateway::model
