// AWS::Lambda::Function and AWS::Lambda::EventSourceMapping.
#include <algorithm>
#include <filesystem>

#include "config/cloudformation/compile_context.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;

namespace {

// Where the function's code is: inline, a CDK asset, or a local path as `aws cloudformation
// package` and SAM's CodeUri take it (relative to the template's folder).
tracing::Result<void> read_code(const CompileContext& ctx, const Properties& p, const json& code, Function& f, const std::string& property) {
  namespace fs = std::filesystem;
  if (code.is_string()) {
    std::string given = code.get<std::string>();
    if (given.rfind("s3://", 0) == 0) {
      auto slash = given.find('/', 5);
      if (slash == std::string::npos) return p.error(property, "'" + given + "' is not s3://bucket/key");
      json s3{{"S3Bucket", given.substr(5, slash - 5)}, {"S3Key", given.substr(slash + 1)}};
      return read_code(ctx, p, s3, f, property);
    }
    fs::path path = fs::path{given}.is_absolute() ? fs::path{given} : ctx.input.base_dir / given;
    path = path.lexically_normal();
    if (!fs::exists(path)) return p.error(property, "no folder or .zip file " + path.string());
    f.code = path.string();
    return {};
  }
  if (!code.is_object()) return p.error(property, "must hold ZipFile, or S3Bucket and S3Key, or be a local path");
  if (auto zip = code.find("ZipFile"); zip != code.end()) {
    if (!zip->is_string()) return p.error(property + ".ZipFile", "must be a string");
    f.inline_code = zip->get<std::string>();
    return {};
  }
  if (code.contains("ImageUri")) return p.error(property + ".ImageUri", "container images are not emulated");
  auto bucket = code.find("S3Bucket"), key = code.find("S3Key");
  if (bucket == code.end() || key == code.end() || !bucket->is_string() || !key->is_string())
    return p.error(property, "must hold ZipFile, or S3Bucket and S3Key, or be a local path");
  std::optional<fs::path> local;
  if (ctx.input.assets) local = ctx.input.assets(bucket->get<std::string>(), key->get<std::string>());
  if (!local) {
    return p.error(property + ".S3Key", "s3://" + bucket->get<std::string>() + "/" + key->get<std::string>() +
                                     " is not an asset of this cloud assembly; S3 is not emulated, so give the code as a local path");
  }
  if (!fs::exists(*local)) return p.error(property + ".S3Key", "the asset's file " + local->string() + " is missing (run cdk synth again)");
  f.code = local->string();
  return {};
}

tracing::Result<ResourceValues> function(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  if (auto type = p.optional_string("PackageType"); type && *type && **type == "Image")
    return p.error("PackageType", "container images are not emulated");
  auto name = p.optional_string("FunctionName");
  if (!name) return name.error();
  Function f;
  f.from_template = true;
  f.name = name->value_or(ctx.physical_name(id, 64));
  auto runtime = p.string("Runtime");
  if (!runtime) return runtime.error();
  auto handler = p.string("Handler");
  if (!handler) return handler.error();
  f.runtime = *runtime;
  f.handler = *handler;
  const json* code = p.find("Code");
  if (!code) return p.error("Code", "is required");
  if (auto r = read_code(ctx, p, *code, f, "Code"); !r) return r.error();
  auto timeout = p.integer("Timeout", 1, 900);
  if (!timeout) return timeout.error();
  f.timeout = static_cast<int>(timeout->value_or(3));
  auto memory = p.integer("MemorySize", 128, 10240);
  if (!memory) return memory.error();
  f.memory = static_cast<int>(memory->value_or(128));
  auto reserved = p.integer("ReservedConcurrentExecutions", 0, 1000);
  if (!reserved) return reserved.error();
  if (*reserved) {
    f.reserved_concurrency = static_cast<int>(**reserved);
    f.concurrency = std::max(1, f.reserved_concurrency.value());
  }
  auto description = p.optional_string("Description");
  if (!description) return description.error();
  f.description = description->value_or("");
  if (const json* env = p.find("Environment")) {
    if (!env->is_object()) return p.error("Environment", "must be a mapping with Variables");
    auto vars = p.string_map(env->contains("Variables") ? &(*env)["Variables"] : nullptr, "Environment.Variables");
    if (!vars) return vars.error();
    f.environment = std::move(*vars);
  }
  f.tracing_mode = "PassThrough";
  if (const json* tracing = p.find("TracingConfig")) {
    std::string mode = tracing->is_object() ? tracing->value("Mode", "PassThrough") : "";
    if (mode != "Active" && mode != "PassThrough") return p.error("TracingConfig.Mode", "must be Active or PassThrough");
    f.tracing_mode = mode;
  }
  if (const json* layers = p.find("Layers")) {
    if (!layers->is_array() || layers->size() > 5) return p.error("Layers", "must be a list of at most 5 layer version ARNs");
    for (std::size_t i = 0; i < layers->size(); ++i) {
      const json& arn = (*layers)[i];
      std::string at = "Layers[" + std::to_string(i) + "]";
      if (!arn.is_string()) return p.error(at, "must be a layer version ARN");
      // arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION
      std::string text = arn.get<std::string>();
      auto layer = text.find(":layer:");
      if (layer == std::string::npos) return p.error(at, "'" + text + "' is not a layer version ARN");
      std::string name = text.substr(layer + 7, text.find(':', layer + 7) - layer - 7);
      bool ours = std::any_of(ctx.topology.layers.begin(), ctx.topology.layers.end(), [&](const Layer& l) { return l.name == name; });
      f.layers.push_back(ours ? name : text);
    }
  }
  if (const json* dlq = p.find("DeadLetterConfig")) {
    std::string target = dlq->is_object() ? dlq->value("TargetArn", "") : "";
    if (target.rfind("arn:aws:sqs:", 0) != 0 && target.rfind("arn:aws:sns:", 0) != 0)
      return p.error("DeadLetterConfig.TargetArn", "must be an SQS queue or SNS topic ARN");
    f.dead_letter_target = target;
  }
  std::string arn = ctx.arn("lambda", "function:" + f.name);
  ResourceValues v{"AWS::Lambda::Function", f.name, {{"Arn", arn}}};
  ctx.topology.functions.push_back(std::move(f));
  return v;
}

// A layer's content, found as a function's code is (a local path, or a cloud assembly's asset).
tracing::Result<ResourceValues> layer_version(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto name = p.optional_string("LayerName");
  if (!name) return name.error();
  Layer layer;
  layer.name = name->value_or(ctx.physical_name(id, 140));
  const json* content = p.find("Content");
  if (!content) return p.error("Content", "is required");
  json code = *content;
  if (content->is_object() && content->contains("S3Bucket")) code = {{"S3Bucket", (*content)["S3Bucket"]}, {"S3Key", content->value("S3Key", json(""))}};
  Function holder;
  if (auto r = read_code(ctx, p, code, holder, "Content"); !r) return r.error();
  if (holder.code.empty()) return p.error("Content", "must be a local path or a cloud assembly's asset");
  layer.content = holder.code;
  auto description = p.optional_string("Description");
  if (!description) return description.error();
  layer.description = description->value_or("");
  if (const json* runtimes = p.find("CompatibleRuntimes"); runtimes && runtimes->is_array())
    for (const auto& r : *runtimes)
      if (r.is_string()) layer.compatible_runtimes.push_back(r.get<std::string>());
  // The version the first publish gets; a function names the layer by its name in any case.
  std::string arn = ctx.arn("lambda", "layer:" + layer.name + ":1");
  ctx.topology.layers.push_back(std::move(layer));
  return ResourceValues{"AWS::Lambda::LayerVersion", arn, {{"LayerVersionArn", arn}}};
}

// FunctionResponseTypes, of a queue's or a stream's mapping: whether the function reports failed items.
tracing::Result<bool> reports_batch_item_failures(const Properties& p) {
  const auto* types = p.find("FunctionResponseTypes");
  if (types == nullptr) return tracing::success(false);
  if (!types->is_array()) return p.error("FunctionResponseTypes", "must be a list");
  bool reports = false;
  for (const auto& t : *types) {
    if (t != "ReportBatchItemFailures") return p.error("FunctionResponseTypes", "the only response type is ReportBatchItemFailures");
    reports = true;
  }
  return tracing::success(reports);
}

tracing::Result<ResourceValues> event_source_mapping(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto source = p.string("EventSourceArn");
  if (!source) return source.error();
  auto function_name = p.string("FunctionName");
  if (!function_name) return function_name.error();
  std::string fn = *function_name;
  if (auto at = fn.find(":function:"); at != std::string::npos) fn = fn.substr(at + 10);
  else if (auto colon = fn.rfind("function:"); colon == 0) fn = fn.substr(9);
  fn = fn.substr(0, fn.find(':'));
  bool known_function = false;
  for (const auto& f : ctx.topology.functions) known_function = known_function || f.name == fn;
  if (!known_function) return p.error("FunctionName", "'" + *function_name + "' is not a function of these templates");
  std::string uuid = ctx.short_id(id + "/1") + ctx.short_id(id + "/2") + ctx.short_id(id + "/3") + "00";
  for (auto& c : uuid)
    if (c > 'f' && !std::isdigit(static_cast<unsigned char>(c))) c = static_cast<char>('a' + (c - 'a') % 6);
  uuid = uuid.substr(0, 8) + "-" + uuid.substr(8, 4) + "-" + uuid.substr(12, 4) + "-" + uuid.substr(16, 4) + "-" + uuid.substr(20, 12);
  ResourceValues v{"AWS::Lambda::EventSourceMapping", uuid, {{"Id", uuid}}};
  if (source->rfind("arn:aws:dynamodb:", 0) == 0 && source->find("/stream/") != std::string::npos) {
    auto from = source->find(":table/") + 7;
    std::string table = source->substr(from, source->find("/stream/") - from);
    auto t = std::find_if(ctx.topology.tables.begin(), ctx.topology.tables.end(), [&](const Table& x) { return x.name == table; });
    if (t == ctx.topology.tables.end() || t->stream_view.empty())
      return p.error("EventSourceArn", "'" + *source + "' is not the stream of a table of these templates");
    EventSourceMapping mapping{"", fn};
    mapping.table = table;
    auto position = p.string("StartingPosition");
    if (!position) return position.error();
    if (*position != "TRIM_HORIZON" && *position != "LATEST") return p.error("StartingPosition", "must be TRIM_HORIZON or LATEST for a DynamoDB stream");
    mapping.starting_position = *position;
    auto batch = p.integer("BatchSize", 1, 10000);
    if (!batch) return batch.error();
    mapping.batch_size = static_cast<int>(batch->value_or(100));
    auto reports = reports_batch_item_failures(p);
    if (!reports) return reports.error();
    mapping.report_batch_item_failures = *reports;
    auto retries = p.integer("MaximumRetryAttempts", -1, 10000);
    if (!retries) return retries.error();
    mapping.maximum_retry_attempts = static_cast<int>(retries->value_or(-1));
    auto age = p.integer("MaximumRecordAgeInSeconds", -1, 604800);
    if (!age) return age.error();
    mapping.maximum_record_age_seconds = static_cast<int>(age->value_or(-1));
    if (mapping.maximum_record_age_seconds >= 0 && mapping.maximum_record_age_seconds < 60)
      return p.error("MaximumRecordAgeInSeconds", "must be -1 or from 60 to 604800");
    auto bisect = p.boolean("BisectBatchOnFunctionError");
    if (!bisect) return bisect.error();
    mapping.bisect_batch_on_function_error = bisect->value_or(false);
    if (const auto* config = p.find("DestinationConfig")) {
      const nlohmann::json* destination = nullptr;
      if (config->is_object() && config->contains("OnFailure") && (*config)["OnFailure"].is_object())
        if (auto d = (*config)["OnFailure"].find("Destination"); d != (*config)["OnFailure"].end()) destination = &*d;
      if (destination == nullptr || !destination->is_string())
        return p.error("DestinationConfig", "must be {OnFailure: {Destination: <queue or topic ARN>}}");
      mapping.on_failure = destination->get<std::string>();
    }
    auto enabled = p.boolean("Enabled");
    if (!enabled) return enabled.error();
    if (!enabled->value_or(true)) {
      v.not_emulated = "Enabled is false: the stream is not read";
      return v;
    }
    ctx.topology.event_source_mappings.push_back(std::move(mapping));
    return v;
  }
  if (source->rfind("arn:aws:sqs:", 0) != 0) {
    v.not_emulated = "event source " + *source + " is not emulated: SQS queues and DynamoDB table streams are polled";
    return v;
  }
  std::string queue = arn_name(*source);
  bool known_queue = false;
  for (const auto& q : ctx.topology.queues) known_queue = known_queue || q.name == queue;
  if (!known_queue) return p.error("EventSourceArn", "'" + *source + "' is not a queue of these templates");
  EventSourceMapping mapping{queue, fn};
  auto window = p.integer("MaximumBatchingWindowInSeconds", 0, 300);
  if (!window) return window.error();
  mapping.batching_window_seconds = static_cast<int>(window->value_or(0));
  auto batch = p.integer("BatchSize", 1, mapping.batching_window_seconds > 0 ? 10000 : 10);
  if (!batch) return batch.error();
  mapping.batch_size = static_cast<int>(batch->value_or(10));
  auto reports = reports_batch_item_failures(p);
  if (!reports) return reports.error();
  mapping.report_batch_item_failures = *reports;
  if (const auto* scaling = p.find("ScalingConfig"); scaling && scaling->is_object() && scaling->contains("MaximumConcurrency")) {
    const auto& max = (*scaling)["MaximumConcurrency"];
    if (!max.is_number_integer() || max.get<long long>() < 2 || max.get<long long>() > 1000)
      return p.error("ScalingConfig.MaximumConcurrency", "must be an integer from 2 to 1000");
    mapping.maximum_concurrency = max.get<int>();
  }
  auto enabled = p.boolean("Enabled");
  if (!enabled) return enabled.error();
  if (!enabled->value_or(true)) {
    v.not_emulated = "Enabled is false: the queue is not polled";
    return v;
  }
  ctx.topology.event_source_mappings.push_back(std::move(mapping));
  return v;
}

// Applies to a function of these templates: the settings of its asynchronous invocations.
tracing::Result<ResourceValues> event_invoke_config(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto name = p.string("FunctionName");
  if (!name) return name.error();
  std::string fn = arn_name(*name);
  auto target = std::find_if(ctx.topology.functions.begin(), ctx.topology.functions.end(), [&](const Function& f) { return f.name == fn; });
  if (target == ctx.topology.functions.end()) return p.error("FunctionName", "'" + *name + "' is not a function of these templates");
  auto qualifier = p.string("Qualifier");
  if (!qualifier) return qualifier.error();
  if (*qualifier != "$LATEST") return p.error("Qualifier", "only $LATEST is served (localray publishes no versions or aliases)");
  Function::EventInvoke e;
  auto retries = p.integer("MaximumRetryAttempts", 0, 2);
  if (!retries) return retries.error();
  e.maximum_retry_attempts = static_cast<int>(retries->value_or(2));
  auto age = p.integer("MaximumEventAgeInSeconds", 60, 21600);
  if (!age) return age.error();
  e.maximum_event_age_seconds = static_cast<int>(age->value_or(21600));
  if (const json* dc = p.find("DestinationConfig")) {
    for (auto [key, out] : {std::pair{"OnSuccess", &e.on_success}, std::pair{"OnFailure", &e.on_failure}}) {
      if (!dc->is_object() || !dc->contains(key)) continue;
      const json& d = (*dc)[key];
      std::string arn = d.is_object() ? d.value("Destination", "") : "";
      std::string service = arn.rfind("arn:aws:", 0) == 0 ? arn.substr(8, arn.find(':', 8) - 8) : "";
      if (service != "sqs" && service != "sns" && service != "lambda")
        return p.error(std::string{"DestinationConfig."} + key + ".Destination", "'" + arn + "' is not an SQS queue, SNS topic or Lambda function ARN");
      *out = arn;
    }
  }
  target->event_invoke = e;
  return ResourceValues{"AWS::Lambda::EventInvokeConfig", fn + "-" + *qualifier, {}};
}

}  // namespace

const std::vector<ResourceType>& lambda_types() {
  static const std::vector<ResourceType> types{
      {"AWS::Lambda::Function", "emulated", function},
      {"AWS::Lambda::EventSourceMapping", "emulated", event_source_mapping},
      {"AWS::Lambda::LayerVersion", "emulated", layer_version},
      {"AWS::Lambda::EventInvokeConfig", "emulated", event_invoke_config},
  };
  return types;
}

}  // namespace localray::config::cloudformation
