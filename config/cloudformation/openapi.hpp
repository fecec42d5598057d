#pragma once
// API Gateway's integrations as templates declare them: a Method's `Integration`, and the
// `x-amazon-apigateway-integration` of each operation of an OpenAPI (or Swagger 2.0) Body, which
// is what SAM's implicit API and the CDK's SpecRestApi produce.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/topology.hpp"
#include "tracing/error.hpp"

namespace localray::config::cloudformation {

// Makes the error for a member below the part being read (at: ".Uri", ".paths./items.get...").
using ErrorAt = std::function<tracing::Error(const std::string& at, const std::string& what)>;

// A Method's Integration (Type, Uri, IntegrationHttpMethod, RequestTemplates, RequestParameters,
// PassthroughBehavior, IntegrationResponses). Functions and topics it names must be in `topology`.
tracing::Result<ApiIntegration> method_integration(const nlohmann::json& integration, const Topology& topology, const ErrorAt& error);

// Every operation of an OpenAPI document as a route.
tracing::Result<std::vector<ApiRoute>> openapi_routes(const nlohmann::json& body, const Topology& topology, const ErrorAt& error);

}  // namespace localray::config::cloudformation
