#pragma once
// What the resource types share while one stack compiles: the stack's identity, the resources
// made so far (their Ref and Fn::GetAtt values), and the topology being filled.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/cloudformation/stack_compiler.hpp"

namespace localray::config::cloudformation {

struct ResourceValues {
  std::string type;
  nlohmann::json ref;
  std::map<std::string, nlohmann::json> attributes;
  std::string not_emulated = {};  // why this resource of an emulated type does nothing here, if it does not
};

// A REST API's resource (its id names a path) while its methods arrive.
struct ApiPath {
  std::size_t api = 0;  // index in topology.apis
  std::string path;
};

struct CompileContext {
  const StackInput& input;
  const Environment& env;
  Topology& topology;
  Stack& stack;
  std::map<std::string, ResourceValues> resources;  // by logical id, once made
  std::map<std::string, ApiPath> api_paths;          // by API Gateway resource id

  // "file: Resources.Id.Properties.Name: what"
  tracing::Error error(const std::string& logical_id, const std::string& property, const std::string& what) const;
  // CloudFormation's `<stack>-<LogicalId>-<13 random>` within `max_length`, seeded.
  std::string physical_name(const std::string& logical_id, std::size_t max_length) const;
  // A ten-character id (REST APIs, their resources), stable for the stack and `key`.
  std::string short_id(const std::string& key) const;
  std::string arn(const std::string& service, const std::string& resource) const {
    return "arn:aws:" + service + ":" + env.region + ":" + env.account + ":" + resource;
  }
  std::optional<std::size_t> api_index(const std::string& api_id) const;
};

// Reads one resource's evaluated Properties, naming the property at fault.
class Properties {
 public:
  Properties(const CompileContext& ctx, const std::string& logical_id, const nlohmann::json& props)
      : ctx_{ctx}, id_{logical_id}, props_{props} {}
  const nlohmann::json* find(const char* name) const;
  tracing::Result<std::string> string(const char* name) const;  // required
  tracing::Result<std::optional<std::string>> optional_string(const char* name) const;
  tracing::Result<std::optional<long long>> integer(const char* name, long long min, long long max) const;
  tracing::Result<std::optional<bool>> boolean(const char* name) const;
  // A map of strings (Environment.Variables, Tags as a map): numbers and booleans become strings.
  tracing::Result<std::map<std::string, std::string>> string_map(const nlohmann::json* value, const std::string& property) const;
  tracing::Error error(const std::string& property, const std::string& what) const { return ctx_.error(id_, property, what); }
  const std::string& logical_id() const { return id_; }

 private:
  const CompileContext& ctx_;
  const std::string& id_;
  const nlohmann::json& props_;
};

// One resource type: how it is named and what it adds to the topology.
struct ResourceType {
  const char* type;
  // "emulated", or "accepted" (it has no local behaviour to emulate, e.g. IAM or permissions).
  const char* status;
  tracing::Result<ResourceValues> (*compile)(CompileContext& ctx, const std::string& logical_id, const nlohmann::json& properties);
};

// The types of each service, in their own files.
const std::vector<ResourceType>& messaging_types();   // SNS, SQS
const std::vector<ResourceType>& lambda_types();      // Lambda
const std::vector<ResourceType>& dynamodb_types();    // DynamoDB
const std::vector<ResourceType>& apigateway_types();  // API Gateway REST APIs
const std::vector<ResourceType>& accepted_types();    // IAM, permissions, policies, CDK metadata

// The part of an ARN after its last ':' or '/' (a function's, a topic's, a queue's name).
std::string arn_name(const std::string& arn, char separator = ':');

}  // namespace localray::config::cloudformation
