#pragma once
// The SAM transform (Transform: AWS::Serverless-2016-10-31), done as AWS's translator does it,
// on the template before anything is evaluated: AWS::Serverless::Function, Api and SimpleTable
// become the CloudFormation resources SAM makes (the function's Api events an OpenAPI Body, its
// SNS events subscriptions, its SQS events event source mappings), with Globals merged in.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tracing/error.hpp"

namespace localray::config::cloudformation {

// Does nothing to a template without the transform.
// `base_dir` is where relative paths (DefinitionUri) are taken from.
tracing::Result<void> expand_serverless(nlohmann::json& body, const std::string& file, const std::filesystem::path& base_dir);

}  // namespace localray::config::cloudformation
