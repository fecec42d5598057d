#pragma once
// The pattern's six functions as built-in C++ handlers. Each does what the seed's Node.js
// handler does, with the same custom subsegment names, annotations and metadata.
#include <map>
#include <memory>
#include <string>

#include "functions/aws_clients.hpp"
#include "services/lambda/model/handler.hpp"
#include "tracing/rng.hpp"

namespace localray::functions {

struct HandlerSettings {
  std::string id;                           // http, dynamo, sns_publish, sns_subscribe, sqs, sqs_subscribe
  std::map<std::string, std::string> env;   // the function's environment from the config
  double ssl_failure_rate = 0.4;            // http only
};

std::vector<std::string> builtin_handler_ids();
// nullopt-like error for an unknown id or a missing environment variable.
Result<std::shared_ptr<lambda::model::Handler>> make_builtin_handler(const HandlerSettings& settings, AwsClients& aws, tracing::Rng rng);

}  // namespace localray::functions
