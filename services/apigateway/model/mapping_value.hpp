#pragma once
// A value of a request mapping template, as the pattern's API uses them: `$context.path`,
// `$context.resourcePath`, `$context.stage`, `$context.httpMethod`, `$context.requestId`,
// `$input.body`, `$input.path('$.a.b')`, or a literal.
#include <optional>
#include <string>
#include <vector>

namespace localray::apigateway::model {

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
  std::string text_;               // literal
  std::vector<std::string> path_;  // JsonPath keys
};

}  // namespace localray::apigateway::model
