#pragma once
// A topology file: the resources of one app and how they are wired. The default is the seed's
// pattern (default_pattern.json, embedded in the binary).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tracing/error.hpp"

namespace localray::config {

struct Topic {
  std::string name;
  bool fifo = false;  // a FIFO topic: its name ends in `.fifo`
  bool content_based_deduplication = false;
  std::string delivery_policy = {};  // DeliveryPolicy, JSON text (its `http` retry defaults), or empty
  friend bool operator==(const Topic&, const Topic&) = default;
};
struct Queue {
  std::string name;
  int visibility_timeout = 30;
  int delay_seconds = 0;
  int receive_wait = 0;
  std::optional<std::string> dead_letter_queue;
  int max_receive_count = 0;
  int retention = 345600;  // seconds
  int maximum_message_size = 1048576;
  bool fifo = false;  // a FIFO queue: its name ends in `.fifo`
  bool content_based_deduplication = false;
  std::string deduplication_scope = "queue";    // or messageGroup
  std::string fifo_throughput_limit = "perQueue";  // or perMessageGroupId
  // Attributes kept and returned as given (KmsMasterKeyId, SqsManagedSseEnabled, RedriveAllowPolicy, ...).
  std::map<std::string, std::string> other_attributes = {};
  friend bool operator==(const Queue&, const Queue&) = default;
};
struct KeyAttribute {
  std::string name, type;
  friend bool operator==(const KeyAttribute&, const KeyAttribute&) = default;
};
struct SecondaryIndex {
  std::string name;
  KeyAttribute hash_key;
  std::optional<KeyAttribute> range_key;
  std::string projection = "ALL";  // ALL, KEYS_ONLY or INCLUDE
  std::vector<std::string> non_key_attributes;
  bool global = true;
  friend bool operator==(const SecondaryIndex&, const SecondaryIndex&) = default;
};
struct Table {
  std::string name;
  KeyAttribute hash_key;
  std::optional<KeyAttribute> range_key;
  std::vector<KeyAttribute> other_attributes;  // declared for indexes only
  std::vector<SecondaryIndex> indexes;
  bool provisioned = false;  // else billed on demand
  long long read_capacity = 0, write_capacity = 0;
  std::string stream_view;  // StreamSpecification.StreamViewType; empty: no stream
  friend bool operator==(const Table&, const Table&) = default;
};
// A Lambda layer of a template: its content a folder or a .zip package on this machine.
struct Layer {
  std::string name, content, description;
  std::vector<std::string> compatible_runtimes;
  friend bool operator==(const Layer&, const Layer&) = default;
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
  // Compiled from a template: `code` is absolute, `environment` holds final values (a `${` in them
  // is the user's), and `inline_code` is CloudFormation's ZipFile, written as the runtime's index file.
  bool from_template = false;
  std::string inline_code;
  std::string tracing_mode = "Active";
  std::optional<int> reserved_concurrency;
  std::string description;
  // Layers in order: a layer of the topology by name, or a published version's ARN.
  std::vector<std::string> layers = {};
  std::string dead_letter_target = {};  // DeadLetterConfig: a queue or topic ARN
  // PutFunctionEventInvokeConfig's settings; destinations are ARNs.
  struct EventInvoke {
    int maximum_retry_attempts = 2;
    int maximum_event_age_seconds = 21600;
    std::string on_success, on_failure;
    friend bool operator==(const EventInvoke&, const EventInvoke&) = default;
  };
  std::optional<EventInvoke> event_invoke = {};
  friend bool operator==(const Function&, const Function&) = default;
};
struct Subscription {
  std::string topic, protocol, endpoint;
  bool raw_message_delivery = false;
  std::string filter_policy = {};  // JSON text, or empty
  bool filter_body = false;        // FilterPolicyScope MessageBody (else MessageAttributes)
  std::string dead_letter_queue = {};  // RedrivePolicy's queue (name or ARN), or empty
  std::string delivery_policy = {};    // DeliveryPolicy, JSON text (how http/https deliveries retry), or empty
  friend bool operator==(const Subscription&, const Subscription&) = default;
};
struct EventSourceMapping {
  std::string queue, function;
  int batch_size = 10;
  int batching_window_seconds = 0;          // MaximumBatchingWindowInSeconds
  bool report_batch_item_failures = false;  // FunctionResponseTypes: [ReportBatchItemFailures]
  std::optional<int> maximum_concurrency{};  // ScalingConfig.MaximumConcurrency
  std::string table{};              // a table's stream instead of a queue (templates); queue empty then
  std::string starting_position{};  // streams: TRIM_HORIZON or LATEST
  // Streams: MaximumRetryAttempts, BisectBatchOnFunctionError, MaximumRecordAgeInSeconds (-1: none)
  // and DestinationConfig.OnFailure.Destination (a queue or topic ARN, or empty).
  int maximum_retry_attempts = -1;
  bool bisect_batch_on_function_error = false;
  int maximum_record_age_seconds = -1;
  std::string on_failure{};
  friend bool operator==(const EventSourceMapping&, const EventSourceMapping&) = default;
};
// How an AWS (non-proxy) integration answers: the first whose selection pattern matches the
// status the service answered (or the default, with no pattern).
struct IntegrationResponseSpec {
  std::string selection_pattern;
  unsigned status = 200;
  std::map<std::string, std::string> templates;   // content type -> Velocity template
  std::map<std::string, std::string> parameters;  // method.response.header.X -> 'value' or integration.response...
  friend bool operator==(const IntegrationResponseSpec&, const IntegrationResponseSpec&) = default;
};
// What a method calls: an SNS topic (an AWS service integration publishing the mapped message)
// or a Lambda function (proxy).
struct ApiIntegration {
  std::string type;  // "sns", "lambda_proxy", "aws", "mock", or "unsupported" (answers 500 saying `unsupported`)
  std::string unsupported = {};
  std::string topic;  // sns: the topic, its message and attributes as mapping expressions
  std::string message;
  std::map<std::string, std::string> message_attributes;
  std::string function;  // lambda_proxy
  // mock: answered from the integration responses alone. aws: an AWS service called with the request its templates make, as API Gateway's AWS
  // integration does (Uri arn:aws:apigateway:REGION:SERVICE:path/... or :action/NAME).
  std::string service;
  std::string action;  // from action/NAME, or empty for path/...
  std::string service_path;
  std::string http_method = "POST";
  std::map<std::string, std::string> request_templates;   // content type -> Velocity template
  std::map<std::string, std::string> request_parameters;  // integration.request.header.X -> source
  std::string passthrough = "WHEN_NO_MATCH";
  std::vector<IntegrationResponseSpec> responses;
  friend bool operator==(const ApiIntegration&, const ApiIntegration&) = default;
};
struct ApiRoute {
  std::string path = "/{proxy+}";
  std::string method = "ANY";
  ApiIntegration integration;
  friend bool operator==(const ApiRoute&, const ApiRoute&) = default;
};
// A REST API. `"stage"` and one `"integration"` are the short form of the pattern's API: ANY on
// `/` and on `/{proxy+}`.
struct Api {
  std::string id;  // from a template; else derived from the name and first stage
  std::string name;
  std::vector<std::string> stages;
  std::map<std::string, std::map<std::string, std::string>> stage_variables;  // by stage
  std::vector<ApiRoute> routes;
  friend bool operator==(const Api&, const Api&) = default;
};

// A CloudFormation stack the topology was compiled from: what /_localray/resources and the
// CloudFormation API show of it.
struct StackResource {
  std::string logical_id, type, physical_id, arn;
  std::string status;  // "emulated", "accepted" (no behaviour here, e.g. IAM) or "not emulated"
  std::string note;
};
struct StackOutput {
  std::string key, value, description, export_name;
};
struct Stack {
  std::string name, id, description, file;
  std::map<std::string, std::string> parameters;
  std::vector<StackOutput> outputs;
  std::vector<StackResource> resources;
};

struct Topology {
  std::string description;
  std::string region = "us-east-1";
  std::string account = "000000000000";
  std::vector<Topic> topics;
  std::vector<Queue> queues;
  std::vector<Table> tables;
  std::vector<Layer> layers;
  std::vector<Function> functions;
  std::vector<Subscription> subscriptions;
  std::vector<EventSourceMapping> event_source_mappings;
  std::vector<Api> apis;
  std::vector<Stack> stacks;
};

// Parses and cross-checks a topology (every reference names a declared resource). The error
// names the offending field, e.g. "subscriptions[2].endpoint: no function named 'foo'".
tracing::Result<Topology> parse_topology(std::string_view json_text);
std::string_view default_topology_json();

}  // namespace localray::config
