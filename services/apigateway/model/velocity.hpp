#pragma once
// The subset of the Velocity Template Language that API Gateway's mapping templates use:
// references with properties, methods and indexes ($input.path('$.a').size(), ${x}, $!quiet),
// #set (onto variables and map members, e.g. $context.responseOverride.status), #if / #elseif /
// #else, #foreach with $foreach.hasNext / index / count, #break, #stop, comments, and expressions
// (literals, lists, ranges, maps, arithmetic, comparisons, && || !). A line holding only a
// directive leaves nothing in the output. Values are JSON values; printed as Java prints them
// (a map as {a=1, b=x}). What API Gateway adds ($input, $util) comes from the Scope.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tracing/error.hpp"

namespace localray::apigateway::model {

// A value as a result: the host's and the evaluator's success path.
inline tracing::Result<nlohmann::json> ok(nlohmann::json v) {
  return tracing::Result<nlohmann::json>{boost::system::in_place_value, std::move(v)};
}

// What a template reaches besides its own variables: API Gateway's $input and $util.
class VelocityHost {
 public:
  virtual ~VelocityHost() = default;
  // `$object.method(args)` or, with `property`, `$object.name`, for an object the host owns
  // ("input", "util"); an error ends the rendering.
  virtual tracing::Result<nlohmann::json> call(const std::string& object, const std::string& method, const std::vector<nlohmann::json>& args,
                                               bool property) = 0;
  virtual bool owns(const std::string& object) const = 0;
};

struct VelocityNode;

class VelocityTemplate {
 public:
  // A syntax error names the line and column.
  static tracing::Result<VelocityTemplate> parse(std::string_view text);
  // `variables` holds the template's starting variables ($context, $stageVariables) and, after
  // rendering, what #set left in them.
  tracing::Result<std::string> render(nlohmann::json& variables, VelocityHost& host) const;

 private:
  std::shared_ptr<const std::vector<VelocityNode>> nodes_;
};

// How Velocity prints a value: strings as they are, numbers without a needless ".0", maps as
// {k=v, ...}, lists as [a, b].
std::string velocity_string(const nlohmann::json& value);

}  // namespace localray::apigateway::model
