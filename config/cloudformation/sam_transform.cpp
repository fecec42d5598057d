#include "config/cloudformation/sam_transform.hpp"

#include "config/cloudformation/json_result.hpp"
#include "config/cloudformation/template_document.hpp"
#include "base/fnv1a.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;
using tracing::Error;

namespace {

constexpr const char* kTransform = "AWS::Serverless-2016-10-31";
constexpr const char* kImplicitApi = "ServerlessRestApi";

// Globals: the resource's own scalar wins, maps merge, lists concatenate with the globals first.
json merge_globals(const json& global, const json& own) {
  if (global.is_object() && own.is_object()) {
    json out = global;
    for (const auto& [k, v] : own.items()) out[k] = out.contains(k) ? merge_globals(out[k], v) : v;
    return out;
  }
  if (global.is_array() && own.is_array()) {
    json out = global;
    for (const auto& v : own) out.push_back(v);
    return out;
  }
  return own;
}

std::string hex10(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  auto h = base::fnv1a(s);
  std::string out;
  for (int i = 0; i < 10; ++i, h >>= 4) out += digits[h & 15];
  return out;
}

json permission(const std::string& function, const char* principal) {
  json props = json::object();
  props["Action"] = "lambda:InvokeFunction";
  props["FunctionName"] = json{{"Ref", function}};
  props["Principal"] = principal;
  return json{{"Type", "AWS::Lambda::Permission"}, {"Properties", props}};
}

struct Expander {
  json& body;
  const std::string& file;
  const std::filesystem::path& base_dir;
  json& resources;
  json added = json::object();
  std::map<std::string, json> api_paths;  // API logical id -> paths added by events

  Error error(const std::string& id, const std::string& property, const std::string& what) const {
    return Error{file + ": Resources." + id + (property.empty() ? "" : ".Properties." + property) + ": " + what};
  }

  void add(const std::string& id, json resource) { added[id] = std::move(resource); }

  tracing::Result<void> function(const std::string& id, const json& props, const json& resource) {
    json fn = json::object();
    for (const char* key : {"FunctionName", "Handler", "Runtime", "Timeout", "MemorySize", "Description", "ReservedConcurrentExecutions",
                            "Layers", "PackageType", "Environment", "Architectures", "KmsKeyArn", "VpcConfig", "EphemeralStorage"})
      if (props.contains(key)) fn[key] = props[key];
    if (props.contains("InlineCode")) {
      fn["Code"] = {{"ZipFile", props["InlineCode"]}};
    } else if (props.contains("ImageUri")) {
      fn["Code"] = {{"ImageUri", props["ImageUri"]}};
    } else {
      json uri = props.value("CodeUri", json("."));
      if (uri.is_object() && uri.contains("Bucket")) fn["Code"] = {{"S3Bucket", uri["Bucket"]}, {"S3Key", uri.value("Key", json(""))}};
      else fn["Code"] = uri;  // a local path (as `sam build` and `aws cloudformation package` take it) or s3://
    }
    if (props.contains("Tracing")) fn["TracingConfig"] = {{"Mode", props["Tracing"]}};
    if (props.contains("DeadLetterQueue")) {
      const json& dlq = props["DeadLetterQueue"];
      if (!dlq.is_object() || !dlq.contains("TargetArn")) return error(id, "DeadLetterQueue", "needs Type and TargetArn");
      fn["DeadLetterConfig"] = {{"TargetArn", dlq["TargetArn"]}};
    }
    if (props.contains("EventInvokeConfig")) {
      const json& e = props["EventInvokeConfig"];
      if (!e.is_object()) return error(id, "EventInvokeConfig", "must be a mapping");
      json config{{"FunctionName", {{"Ref", id}}}, {"Qualifier", "$LATEST"}};
      for (const char* key : {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"})
        if (e.contains(key)) config[key] = e[key];
      if (e.contains("DestinationConfig") && e["DestinationConfig"].is_object()) {
        json destinations = json::object();
        for (const auto& [key, d] : e["DestinationConfig"].items())
          if (d.is_object() && d.contains("Destination")) destinations[key] = {{"Destination", d["Destination"]}};
        config["DestinationConfig"] = destinations;
      }
      add(id + "EventInvokeConfig", {{"Type", "AWS::Lambda::EventInvokeConfig"}, {"Properties", config}});
    }
    if (props.contains("Role")) {
      fn["Role"] = props["Role"];
    } else {
      add(id + "Role", {{"Type", "AWS::IAM::Role"},
                        {"Properties", {{"ManagedPolicyArns", {"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}}}}});
      fn["Role"] = {{"Fn::GetAtt", {id + "Role", "Arn"}}};
    }
    json out{{"Type", "AWS::Lambda::Function"}, {"Properties", fn}};
    for (const char* key : {"DependsOn", "Condition", "Metadata", "DeletionPolicy"})
      if (resource.contains(key)) out[key] = resource[key];
    add(id, out);

    const json events = props.value("Events", json::object());
    if (!events.is_object()) return error(id, "Events", "must be a mapping of events");
    for (const auto& [name, event] : events.items()) {
      std::string type = event.value("Type", "");
      json ep = event.value("Properties", json::object());
      std::string at = "Events." + name;
      if (type == "Api") {
        if (!ep.contains("Path") || !ep.contains("Method")) return error(id, at + ".Properties", "an Api event needs Path and Method");
        std::string api = kImplicitApi;
        if (ep.contains("RestApiId")) {
          const json& r = ep["RestApiId"];
          if (r.is_object() && r.contains("Ref") && r["Ref"].is_string()) api = r["Ref"].get<std::string>();
          else if (r.is_string()) api = r.get<std::string>();
          else return error(id, at + ".Properties.RestApiId", "must be a Ref to an AWS::Serverless::Api");
          if (!resources.contains(api) || resources[api].value("Type", "") != "AWS::Serverless::Api")
            return error(id, at + ".Properties.RestApiId", "'" + api + "' is not an AWS::Serverless::Api of this template");
        }
        std::string method = ep["Method"].is_string() ? ep["Method"].get<std::string>() : "";
        std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
        if (method == "any") method = "x-amazon-apigateway-any-method";
        json integration{{"type", "aws_proxy"},
                         {"httpMethod", "POST"},
                         {"uri", {{"Fn::Sub", "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${" + id + ".Arn}/invocations"}}}};
        api_paths[api][ep["Path"].get<std::string>()][method] = {{"x-amazon-apigateway-integration", integration}, {"responses", json::object()}};
        add(id + name + "Permission" + (api == kImplicitApi ? "Prod" : ""), permission(id, "apigateway.amazonaws.com"));
      } else if (type == "SNS") {
        if (!ep.contains("Topic")) return error(id, at + ".Properties.Topic", "is required");
        json sub{{"Protocol", "lambda"}, {"Endpoint", {{"Fn::GetAtt", {id, "Arn"}}}}, {"TopicArn", ep["Topic"]}};
        if (ep.contains("FilterPolicy")) sub["FilterPolicy"] = ep["FilterPolicy"];
        add(id + name, {{"Type", "AWS::SNS::Subscription"}, {"Properties", sub}});
        add(id + name + "Permission", permission(id, "sns.amazonaws.com"));
      } else if (type == "SQS" || type == "DynamoDB" || type == "Kinesis") {
        const char* source = type == "SQS" ? "Queue" : "Stream";
        if (!ep.contains(source)) return error(id, at + ".Properties." + source, "is required");
        json m{{"EventSourceArn", ep[source]}, {"FunctionName", {{"Ref", id}}}};
        for (const char* key : {"BatchSize", "Enabled", "StartingPosition", "MaximumBatchingWindowInSeconds", "FunctionResponseTypes",
                                "MaximumRetryAttempts", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds", "DestinationConfig"})
          if (ep.contains(key)) m[key] = ep[key];
        add(id + name, {{"Type", "AWS::Lambda::EventSourceMapping"}, {"Properties", m}});
      } else if (type == "Schedule" || type == "ScheduleV2" || type == "CloudWatchEvent" || type == "EventBridgeRule") {
        add(id + name, {{"Type", "AWS::Events::Rule"}, {"Properties", {{"Targets", json::array()}}}});
      } else {
        return error(id, at + ".Type", "event type '" + type + "' is not supported (Api, SNS, SQS and DynamoDB are; Kinesis and schedules are listed, not run)");
      }
    }
    return {};
  }

  tracing::Result<json> definition(const std::string& id, const json& props) {
    if (props.contains("DefinitionBody")) return ok(props["DefinitionBody"]);
    if (props.contains("DefinitionUri")) {
      const json& uri = props["DefinitionUri"];
      if (!uri.is_string() || uri.get<std::string>().rfind("s3://", 0) == 0)
        return error(id, "DefinitionUri", "S3 is not emulated: give a local file, or DefinitionBody");
      auto doc = read_template((base_dir / uri.get<std::string>()).string());
      if (!doc) return error(id, "DefinitionUri", doc.error().message);
      return ok(*doc);
    }
    return ok(json{{"swagger", "2.0"}, {"info", {{"version", "1.0"}, {"title", {{"Ref", "AWS::StackName"}}}}}, {"paths", json::object()}});
  }

  // Cors: an OPTIONS method answered by a MOCK integration with the CORS headers, on every path,
  // as SAM adds them. A string is the allowed origin; values are header values, quoted ("'*'").
  tracing::Result<void> cors(const std::string& id, const json& cors, json& doc) {
    json settings = cors.is_object() && !cors.contains("Fn::Sub") && !cors.contains("Ref") ? cors : json{{"AllowOrigin", cors}};
    if (!settings.contains("AllowOrigin")) return error(id, "Cors.AllowOrigin", "is required");
    if (!doc.contains("paths") || !doc["paths"].is_object()) return {};
    for (auto& [path, operations] : doc["paths"].items()) {
      if (!operations.is_object() || operations.contains("options")) continue;
      json parameters = {{"method.response.header.Access-Control-Allow-Origin", settings["AllowOrigin"]}};
      if (settings.contains("AllowMethods")) {
        parameters["method.response.header.Access-Control-Allow-Methods"] = settings["AllowMethods"];
      } else {
        // The path's own methods, as SAM lists them.
        std::string methods;
        for (const auto& [m, op] : operations.items())
          methods += (methods.empty() ? "" : ",") + std::string{m == "x-amazon-apigateway-any-method" ? "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT" : m};
        std::transform(methods.begin(), methods.end(), methods.begin(), [](unsigned char c) { return std::toupper(c); });
        if (methods.find("OPTIONS") == std::string::npos) methods += ",OPTIONS";
        parameters["method.response.header.Access-Control-Allow-Methods"] = "'" + methods + "'";
      }
      if (settings.contains("AllowHeaders")) parameters["method.response.header.Access-Control-Allow-Headers"] = settings["AllowHeaders"];
      if (settings.contains("MaxAge")) parameters["method.response.header.Access-Control-Max-Age"] = settings["MaxAge"];
      if (settings.value("AllowCredentials", false) == true) parameters["method.response.header.Access-Control-Allow-Credentials"] = "'true'";
      operations["options"] = {{"x-amazon-apigateway-integration",
                                {{"type", "mock"},
                                 {"requestTemplates", {{"application/json", "{\n  \"statusCode\" : 200\n}\n"}}},
                                 {"passthroughBehavior", "when_no_match"},
                                 {"responses", {{"default", {{"statusCode", "200"}, {"responseParameters", parameters}, {"responseTemplates", {{"application/json", "{}\n"}}}}}}}}},
                               {"responses", {{"200", {{"description", "Default response for CORS method"}}}}}};
    }
    return {};
  }

  // An explicit or the implicit API, with its deployment and stage as SAM names them.
  tracing::Result<void> api(const std::string& id, const json& props, bool implicit) {
    auto doc = definition(id, props);
    if (!doc) return doc.error();
    if (auto paths = api_paths.find(id); paths != api_paths.end()) {
      if (!(*doc).contains("paths") || !(*doc)["paths"].is_object()) (*doc)["paths"] = json::object();
      for (const auto& [path, methods] : paths->second.items())
        for (const auto& [method, op] : methods.items()) (*doc)["paths"][path][method] = op;
    }
    if (props.contains("Cors")) {
      if (auto added = cors(id, props["Cors"], *doc); !added) return added;
    }
    json api_props{{"Body", *doc}};
    if (props.contains("Name")) api_props["Name"] = props["Name"];
    add(id, {{"Type", "AWS::ApiGateway::RestApi"}, {"Properties", api_props}});
    std::string deployment = id + "Deployment" + hex10(doc->dump());
    json dp{{"RestApiId", {{"Ref", id}}}};
    // The implicit API's deployment also makes the stage named "Stage", as SAM's does.
    if (implicit || !props.contains("OpenApiVersion")) dp["StageName"] = "Stage";
    add(deployment, {{"Type", "AWS::ApiGateway::Deployment"}, {"Properties", dp}});
    json stage_name = implicit ? json("Prod") : props.value("StageName", json());
    if (stage_name.is_null()) return error(id, "StageName", "is required");
    std::string stage_id = id + (stage_name.is_string() ? stage_name.get<std::string>() : std::string{"Prod"}) + "Stage";
    json sp{{"RestApiId", {{"Ref", id}}}, {"StageName", stage_name}, {"DeploymentId", {{"Ref", deployment}}}};
    if (props.contains("Variables")) sp["Variables"] = props["Variables"];
    add(stage_id, {{"Type", "AWS::ApiGateway::Stage"}, {"Properties", sp}});
    return {};
  }

  tracing::Result<void> simple_table(const std::string& id, const json& props) {
    json key = props.value("PrimaryKey", json{{"Name", "id"}, {"Type", "String"}});
    std::string name = key.value("Name", "id"), type = key.value("Type", "String");
    std::string short_type = type == "String" ? "S" : type == "Number" ? "N" : type == "Binary" ? "B" : "";
    if (short_type.empty()) return error(id, "PrimaryKey.Type", "must be String, Number or Binary");
    json tp{{"KeySchema", {{{"AttributeName", name}, {"KeyType", "HASH"}}}},
            {"AttributeDefinitions", {{{"AttributeName", name}, {"AttributeType", short_type}}}}};
    if (props.contains("TableName")) tp["TableName"] = props["TableName"];
    if (props.contains("ProvisionedThroughput")) tp["ProvisionedThroughput"] = props["ProvisionedThroughput"];
    else tp["BillingMode"] = "PAY_PER_REQUEST";
    if (props.contains("SSESpecification")) tp["SSESpecification"] = props["SSESpecification"];
    add(id, {{"Type", "AWS::DynamoDB::Table"}, {"Properties", tp}});
    return {};
  }
};

bool has_transform(const json& body) {
  auto t = body.find("Transform");
  if (t == body.end()) return false;
  if (t->is_string()) return *t == kTransform;
  if (t->is_array())
    for (const auto& x : *t)
      if (x == kTransform) return true;
  return false;
}

}  // namespace

tracing::Result<void> expand_serverless(json& body, const std::string& file, const std::filesystem::path& base_dir) {
  if (auto t = body.find("Transform"); t != body.end()) {
    json list = t->is_array() ? *t : json::array({*t});
    for (const auto& x : list)
      if (x != kTransform) return Error{file + ": Transform: " + x.dump() + " is not supported (only " + kTransform + " is)"};
  }
  if (!has_transform(body)) {
    if (body.contains("Globals")) return Error{file + ": Globals: only SAM templates (Transform: " + std::string{kTransform} + ") have them"};
    return {};
  }
  if (!body.contains("Resources") || !body["Resources"].is_object()) return Error{file + ": Resources is required"};
  json& resources = body["Resources"];
  json globals = body.value("Globals", json::object());
  Expander x{body, file, base_dir, resources};
  // Functions first: their Api events fill the APIs' definitions.
  bool implicit = false;
  for (const auto& [id, r] : resources.items()) {
    if (r.value("Type", "") != "AWS::Serverless::Function") continue;
    json props = merge_globals(globals.value("Function", json::object()), r.value("Properties", json::object()));
    if (auto done = x.function(id, props, r); !done) return done.error();
  }
  for (const auto& [api, paths] : x.api_paths) implicit = implicit || api == kImplicitApi;
  if (implicit) {
    if (resources.contains(kImplicitApi)) return Error{file + ": Resources." + kImplicitApi + ": the name is SAM's implicit API's"};
    if (auto done = x.api(kImplicitApi, globals.value("Api", json::object()), true); !done) return done.error();
  }
  for (const auto& [id, r] : resources.items()) {
    std::string type = r.value("Type", "");
    if (type == "AWS::Serverless::Api") {
      json props = merge_globals(globals.value("Api", json::object()), r.value("Properties", json::object()));
      if (auto done = x.api(id, props, false); !done) return done.error();
    } else if (type == "AWS::Serverless::LayerVersion") {
      json props = r.value("Properties", json::object());
      json lp = json::object();
      json uri = props.value("ContentUri", json("."));
      lp["Content"] = uri.is_object() && uri.contains("Bucket") ? json{{"S3Bucket", uri["Bucket"]}, {"S3Key", uri.value("Key", json(""))}} : uri;
      for (const char* key : {"LayerName", "Description", "CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo"})
        if (props.contains(key)) lp[key] = props[key];
      x.add(id, {{"Type", "AWS::Lambda::LayerVersion"}, {"Properties", lp}});
    } else if (type == "AWS::Serverless::SimpleTable") {
      json props = merge_globals(globals.value("SimpleTable", json::object()), r.value("Properties", json::object()));
      if (auto done = x.simple_table(id, props); !done) return done.error();
    }
  }
  for (auto& [id, r] : x.added.items()) resources[id] = r;
  body.erase("Transform");
  body.erase("Globals");
  return {};
}

}  // namespace localray::config::cloudformation
