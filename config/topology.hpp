#pragma once
// A topology file: the resources of one app and how they are wired. The default is the seed's
// pattern (default_pattern.json, embedded in the binary).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tracing/error.hpp"

namespace localray::config {

struct Topic { std::string name; };
struct Queue {
  std::string name;
  int visibility_timeout = 30;
  int delay_seconds = 0;
  int receive_wait = 0;
  std::optional<std::string> dead_letter_queue;
  int max_receive_count = 0;
};
struct KeyAttribute { std::string name, type; };
struct Table {
  std::string name;
  KeyAttribute hash_key;
  std::optional<KeyAttribute> range_key;
};
struct Function {
  std::string name;
  // With `code`: the user's own function, run by `runtime` (AWS's name) from `code`, a folder or
  // a .zip package (relative to the topology file), `handler` in AWS's form ("index.handler").
  // Without: a built-in handler's id.
  std::string handler;
  std::string runtime;
  std::string code;
  int timeout = 3;      // seconds
  int concurrency = 10;
  int memory = 128;
  std::map<std::string, std::string> environment;  // placeholders not yet resolved
};
struct Subscription {
  std::string topic, protocol, endpoint;
  bool raw_message_delivery = false;
};
struct EventSourceMapping {
  std::string queue, function;
  int batch_size = 10;
};
// What a method calls: an SNS topic (an AWS service integration publishing the mapped message)
// or a Lambda function (proxy).
struct ApiIntegration {
  std::string type;  // "sns" or "lambda_proxy"
  std::string topic;  // sns: the topic, its message and attributes as mapping expressions
  std::string message;
  std::map<std::string, std::string> message_attributes;
  std::string function;  // lambda_proxy
};
struct ApiRoute {
  std::string path = "/{proxy+}";
  std::string method = "ANY";
  ApiIntegration integration;
};
// A REST API. `"stage"` and one `"integration"` are the short form of the pattern's API: ANY on
// `/` and on `/{proxy+}`.
struct Api {
  std::string name;
  std::vector<std::string> stages;
  std::vector<ApiRoute> routes;
};

struct Topology {
  std::string description;
  std::string region = "us-east-1";
  std::string account = "000000000000";
  std::vector<Topic> topics;
  std::vector<Queue> queues;
  std::vector<Table> tables;
  std::vector<Function> functions;
  std::vector<Subscription> subscriptions;
  std::vector<EventSourceMapping> event_source_mappings;
  std::vector<Api> apis;
};

// Parses and cross-checks a topology (every reference names a declared resource). The error
// names the offending field, e.g. "subscriptions[2].endpoint: no function named 'foo'".
tracing::Result<Topology> parse_topology(std::string_view json_text);
std::string_view default_topology_json();

}  // namespace localray::config
