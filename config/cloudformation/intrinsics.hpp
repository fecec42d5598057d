#pragma once
// CloudFormation's intrinsic functions and conditions, evaluated over a template's JSON tree.
// What names mean (parameters, pseudo parameters, resources, exports) is asked of a Resolver, so
// one evaluator serves a stack being compiled and a template being validated.
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "config/cloudformation/json_result.hpp"
#include "tracing/error.hpp"

namespace localray::config::cloudformation {

class Resolver {
 public:
  virtual ~Resolver() = default;
  // A parameter's value (a list for list types), a pseudo parameter, or a resource's Ref value.
  virtual tracing::Result<nlohmann::json> ref(const std::string& name) const = 0;
  virtual tracing::Result<nlohmann::json> get_att(const std::string& logical_id, const std::string& attribute) const = 0;
  virtual tracing::Result<bool> condition(const std::string& name) const = 0;
  virtual tracing::Result<nlohmann::json> import_value(const std::string& export_name) const = 0;
  virtual const nlohmann::json& mappings() const = 0;
  virtual const std::string& region() const = 0;
};

// The value with every intrinsic replaced. `{"Ref": "AWS::NoValue"}` removes the member or list
// element holding it; a value that is itself NoValue comes back as a discarded json. Errors start
// with `path` ("Resources.Api.Properties.Name: Fn::Join needs ...").
tracing::Result<nlohmann::json> evaluate(const nlohmann::json& value, const Resolver& resolver, const std::string& path);
// A condition: Fn::Equals, Fn::And, Fn::Or, Fn::Not or {"Condition": name}.
tracing::Result<bool> evaluate_condition(const nlohmann::json& value, const Resolver& resolver, const std::string& path);

// The logical ids and parameters a value names through Ref, Fn::GetAtt and Fn::Sub; pseudo
// parameters (AWS::...) are left out. The stack's dependency order is made of these.
void collect_references(const nlohmann::json& value, std::set<std::string>& out);

// A scalar as CloudFormation turns it into a string: numbers and booleans are accepted.
tracing::Result<std::string> scalar_string(const nlohmann::json& value, const std::string& path);

}  // namespace localray::config::cloudformation
