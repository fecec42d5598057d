#include "emulator/async_destinations.hpp"
#include "emulator/wiring.hpp"

#include "emulator/persist/resource_state.hpp"

#include <map>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "functions/builtin_handlers.hpp"
#include "functions/runtime/runtimes.hpp"
#include "emulator/function_code.hpp"
#include "emulator/topology_resources.hpp"
#include "services/dynamodb/model/shortcuts.hpp"
#include "services/sns/model/delivery_policy.hpp"
#include "services/sns/protocol/filter_policy_json.hpp"

namespace localray::emulator {

using tracing::Error;

namespace {

constexpr std::size_t kPipelineCapacity = 100'000;
// Threads for X-Ray queries and settings writes: two, so that the console's map and list load
// side by side; more would only queue for the same two cores.
constexpr unsigned kBlockingThreads = 2;

// ${http_target}, ${ssl_failure_rate}, ${endpoint}, ${topic:NAME}, ${queue:NAME}, ${table:NAME}, ${function:NAME}
tracing::Result<std::string> resolve(const std::string& value, Services& s, const std::string& http_target, double ssl_failure_rate) {
  Region& home = s.home_region();
  std::string out;
  std::size_t pos = 0;
  while (pos < value.size()) {
    auto start = value.find("${", pos);
    if (start == std::string::npos) {
      out += value.substr(pos);
      break;
    }
    out += value.substr(pos, start - pos);
    auto end = value.find('}', start);
    if (end == std::string::npos) return Error{"unterminated ${ in '" + value + "'"};
    std::string key = value.substr(start + 2, end - start - 2);
    auto colon = key.find(':');
    std::string kind = key.substr(0, colon), name = colon == std::string::npos ? "" : key.substr(colon + 1);
    if (key == "http_target") out += http_target;
    else if (key == "ssl_failure_rate") out += std::to_string(ssl_failure_rate);
    else if (key == "endpoint") out += s.edge_url;
    else if (kind == "topic") out += home.sns->topic_arn(name);
    else if (kind == "queue") out += home.sqs->queue_url(name);
    else if (kind == "table") out += name;
    else if (kind == "function") out += home.lambda->function_arn(name);
    else return Error{"unknown placeholder ${" + key + "}"};
    pos = end + 1;
  }
  return tracing::success(std::move(out));
}

// Each service serves once the topology is in; before, it is still being made. The store is
// judged by its writer.
void add_health_probes(Services& s) {
  // Counted over every scope; each serves once the topology is in.
  auto counted = [&s](auto count, const char* what) {
    return [&s, count, what] {
      std::size_t n = 0;
      for (auto* r : s.regions.all()) n += count(*r);
      return tracing::ComponentStatus{s.ready.load(), s.ready ? std::to_string(n) + " " + what : "applying the topology"};
    };
  };
  s.health.add("store", [&s] {
    auto st = s.pipeline->status();
    std::string detail = std::to_string(st.written) + " segments stored, " + std::to_string(st.waiting) + " waiting, " +
                         std::to_string(st.refused) + " refused when full";
    if (!st.writing) return tracing::ComponentStatus{false, "the writer has stopped; " + detail};
    if (!st.last_error.empty()) return tracing::ComponentStatus{false, "the last batch failed: " + st.last_error + "; " + detail};
    return tracing::ComponentStatus{true, detail};
  });
  s.health.add("apigateway", counted([](Region& r) { return r.apis->list().size(); }, "REST APIs"));
  s.health.add("sns", counted([](Region& r) { return r.sns->topic_arns().size(); }, "topics"));
  s.health.add("sqs", counted([](Region& r) { return r.sqs->queues().size(); }, "queues"));
  s.health.add("dynamodb", counted([](Region& r) {
    std::size_t n = 0;
    for (std::optional<std::string> after;;) {
      auto page = r.dynamodb->list_tables(after, std::nullopt);
      if (!page) break;
      n += page->names.size();
      if (!page->last_evaluated_table_name) break;
      after = page->last_evaluated_table_name;
    }
    return n;
  }, "tables"));
  s.health.add("lambda", counted([](Region& r) { return r.lambda->functions().size(); }, "functions"));
  s.health.add("event_source_mappings", counted([](Region& r) { return r.mappings->list().size(); }, "mappings"));
  s.health.add("xray", counted([](Region& r) { return r.xray_groups->list().size() - 1 + r.xray_rules->list().size() - 1; },
                               "groups and sampling rules besides the defaults"));
  s.health.add("regions", counted([](Region&) { return std::size_t{1}; }, "account and region scopes"));
}

// The X-Ray settings of a scope read at start: its sampler comes with them, since loading the rules
// hands them to it.
struct StoredSettings {
  std::unique_ptr<tracing::Sampler> sampler;
  std::unique_ptr<xray::model::Groups> groups;
  std::unique_ptr<xray::model::SamplingRules> rules;
};

WorkerSettings worker_settings(Services& s, boost::asio::any_io_executor ex, std::shared_ptr<spdlog::logger> log) {
  return WorkerSettings{std::move(ex), functions::runtime::discover_runtime_host(s.edge_url, s.xray_daemon), &s.clock, std::move(log),
                        s.code_watcher.get()};
}

std::unique_ptr<tracing::Sampler> make_sampler(Services& s, const base::Scope& scope) {
  return std::make_unique<tracing::Sampler>(s.clock, s.ids, s.rng.fork("sampling:" + scope.account + ":" + scope.region));
}

std::unique_ptr<Region> make_region(Services& s, const base::Scope& scope, StoredSettings settings, boost::asio::any_io_executor ex,
                                    std::shared_ptr<spdlog::logger> log) {
  auto r = std::make_unique<Region>();
  r->scope = scope;
  r->sampler = settings.sampler ? std::move(settings.sampler) : make_sampler(s, scope);
  r->xray_groups = settings.groups ? std::move(settings.groups) : xray::model::Groups::fresh(*s.settings, scope, s.ids);
  r->xray_rules = settings.rules ? std::move(settings.rules) : xray::model::SamplingRules::fresh(*s.settings, scope, s.clock, *r->sampler);
  r->xray = std::make_unique<xray::model::Backend>(*s.readers, *s.pipeline, *r->xray_groups, *r->xray_rules, s.blocking->executor());
  const tracing::Tracer tracer{s.clock, s.ids, *r->sampler, *s.pipeline};
  r->sns = std::make_unique<sns::model::Backend>(ex, tracer, scope.region, scope.account);
  r->sqs = std::make_unique<sqs::model::Backend>(ex, s.clock, s.ids, scope.region, scope.account, s.edge_url);
  r->dynamodb = std::make_unique<dynamodb::model::Backend>(ex, scope.region, scope.account);
  r->dynamodb->set_item_budget(s.dynamodb_budget);
  r->dynamodb->set_lifecycle(s.dynamodb_creating, s.dynamodb_deleting);
  r->dynamodb->start_expiry(std::chrono::seconds{1});
  r->lambda = std::make_unique<lambda::model::Runner>(ex, tracer, log, scope.region, scope.account);
  r->lambda->set_open_invocations(&s.open_invocations);
  r->lambda->set_run_logs(&s.function_logs);
  r->code_runners = std::make_unique<WorkerCodeRunners>(worker_settings(s, ex, log), s.code_root, scope, s.journal != nullptr);
  r->lambda->set_code_runners(r->code_runners.get());
  r->destinations = std::make_unique<AsyncDestinations>(s.regions, log);
  r->lambda->set_destinations(r->destinations.get());
  r->event_sources = std::make_unique<SqsEventSources>(*r->sqs, *r->dynamodb, scope.region, s.clock);
  r->mappings = std::make_unique<lambda::model::EventSourceMappings>(ex, *r->lambda, *r->event_sources, tracer, log);
  r->apis = std::make_unique<apigateway::model::Backend>(scope.region, scope.account);
  if (s.journal) persist::record_changes(*r, *s.journal);
  return r;
}

}  // namespace

tracing::Result<void> open_trace_store(Services& s, const Options& options, std::shared_ptr<spdlog::logger> log) {
  const std::string& db = options.db;
  s.db_path = db;
  auto store = tracing::Store::open(db, tracing::Retention{options.retention_traces, options.retention_hours * 3600});
  if (!store) return Error{"trace store " + db + ": " + store.error().message};
  s.store = std::move(*store);
  s.pipeline = std::make_unique<tracing::Pipeline>(*s.store, kPipelineCapacity, std::move(log));
  s.readers = std::make_unique<tracing::ReaderPool>(s.store->uri());
  s.pipeline->on_commit([live = s.live](const std::vector<std::string>& ids) { live->publish(ids); });
  return {};
}

tracing::Result<void> build_services(Services& s, boost::asio::any_io_executor ex, const Options& options, const config::Topology& t,
                                     const std::string& edge_url, std::shared_ptr<spdlog::logger> log) {
  s.home = {t.account, t.region};
  s.edge_url = edge_url;
  s.code_root = code_root_for(options.db);
  s.dynamodb_budget = std::make_shared<dynamodb::model::ItemBudget>(options.dynamodb_max_mb << 20);
  s.dynamodb_creating = options.dynamodb_create_ms;
  s.dynamodb_deleting = options.dynamodb_delete_ms;
  if (options.watch) {
    s.code_watcher = std::make_unique<functions::runtime::CodeWatcher>(ex, log);
    if (auto r = s.code_watcher->start(); !r) return r.error();
  }
  auto settings = tracing::SettingsStore::open(s.store->uri());
  if (!settings) return Error{"X-Ray groups and sampling rules: " + settings.error().message};
  s.settings = std::move(*settings);
  s.blocking = std::make_unique<BlockingPool>(kBlockingThreads);
  // Scopes with stored settings are read now, so that a scope first addressed later reads nothing.
  auto stored = s.settings->scopes();
  if (!stored) return Error{"X-Ray groups and sampling rules: " + stored.error().message};
  std::map<base::Scope, StoredSettings> loaded;
  for (const auto& scope : *stored) {
    StoredSettings one;
    one.sampler = make_sampler(s, scope);
    auto groups = xray::model::Groups::load(*s.settings, scope, s.ids);
    if (!groups) return Error{"X-Ray groups: " + groups.error().message};
    auto rules = xray::model::SamplingRules::load(*s.settings, scope, s.clock, *one.sampler);
    if (!rules) return Error{"X-Ray sampling rules: " + rules.error().message};
    one.groups = std::move(*groups);
    one.rules = std::move(*rules);
    loaded.emplace(scope, std::move(one));
  }
  for (auto& [scope, one] : loaded) s.regions.add(make_region(s, scope, std::move(one), ex, log));
  s.regions.set_factory([&s, ex, log](const base::Scope& scope) { return make_region(s, scope, {}, ex, log); });
  Region& home = s.home_region();
  s.sns_client = std::make_unique<SnsPublisher>(*home.sns, s.ids);
  s.sqs_client = std::make_unique<SqsSender>(*home.sqs, s.ids);
  s.dynamodb_client = std::make_unique<DynamoDbUpdater>(*home.dynamodb, s.ids);
  s.aws_clients = std::make_unique<functions::AwsClients>(
      functions::ServiceClients{*s.sns_client, *s.sqs_client, *s.dynamodb_client, t.region, t.account});
  s.sns_redelivery = std::make_unique<SnsRedelivery>(ex, s.regions, sns::model::RetrySchedule::managed(),
                                                     tracing::Tracer{s.clock, s.ids, *home.sampler, *s.pipeline}, log);
  s.subscriber_factory = std::make_unique<WireSubscriberFactory>(ex, s.blocking->executor(), s.regions, *s.sns_redelivery, edge_url,
                                                                 s.sns_signing_key, s.ids, log);
  add_health_probes(s);
  return {};
}

boost::asio::awaitable<tracing::Result<void>> apply_topology(Services& s, boost::asio::any_io_executor ex, const Options& options,
                                                             const config::Topology& t, std::shared_ptr<spdlog::logger> log, AppliedResources& made) {
  const std::string& edge_url = s.edge_url;
  Region& home = s.home_region();
  const tracing::Tracer tracer{s.clock, s.ids, *home.sampler, *s.pipeline};
  for (const auto& topic : t.topics) {
    // Named arguments: GCC 12 destroys temporaries made inside a co_await expression twice.
    std::map<std::string, std::string> attributes;
    if (topic.fifo) attributes = {{"FifoTopic", "true"}, {"ContentBasedDeduplication", topic.content_based_deduplication ? "true" : "false"}};
    if (!topic.delivery_policy.empty()) attributes["DeliveryPolicy"] = topic.delivery_policy;
    sns::model::Tags no_tags;
    if (auto r = co_await home.sns->create_topic(topic.name, attributes, no_tags); !r)
      co_return Error{"topic " + topic.name + ": " + r.error().message};
    made.topics.push_back(home.sns->topic_arn(topic.name));
  }
  for (const auto& q : t.queues) {
    sqs::model::QueueSettings settings;
    settings.visibility_timeout = std::chrono::seconds{q.visibility_timeout};
    settings.delay = std::chrono::seconds{q.delay_seconds};
    settings.receive_wait = std::chrono::seconds{q.receive_wait};
    settings.retention = std::chrono::seconds{q.retention};
    settings.maximum_message_size = static_cast<std::size_t>(q.maximum_message_size);
    settings.other = q.other_attributes;
    if (q.fifo)
      settings.fifo = sqs::model::FifoSettings{
          q.content_based_deduplication,
          q.deduplication_scope == "messageGroup" ? sqs::model::DeduplicationScope::MessageGroup : sqs::model::DeduplicationScope::Queue,
          q.fifo_throughput_limit == "perMessageGroupId" ? sqs::model::ThroughputLimit::PerMessageGroupId : sqs::model::ThroughputLimit::PerQueue};
    if (q.dead_letter_queue) settings.redrive = sqs::model::RedrivePolicy{home.sqs->queue_arn(*q.dead_letter_queue), q.max_receive_count};
    if (auto r = home.sqs->create_queue(q.name, settings); !r) co_return Error{"queue " + q.name + ": " + r.error().message};
    made.queues.push_back(q.name);
  }
  for (const auto& tb : t.tables) {
    auto r = home.dynamodb->create_table(table_definition(tb));
    if (!r) co_return Error{"table " + tb.name + ": " + r.error().message};
    made.tables.push_back(tb.name);
  }

  std::string http_target = options.http_target.value_or(edge_url + "/_localray/stand-in/todos/1");
  // A topology file may name a queue of its own where an ARN goes (dead letters, destinations).
  auto queue_arn_of = [&home](const std::string& target) { return target.empty() || target.rfind("arn:", 0) == 0 ? target : home.sqs->queue_arn(target); };
  const WorkerSettings workers = worker_settings(s, ex, log);
  // Code folders are named relative to the topology file.
  std::filesystem::path base = options.config_file ? std::filesystem::absolute(*options.config_file).parent_path() : std::filesystem::current_path();
  // Layers first: functions name them.
  std::map<std::string, lambda::model::LayerVersion> published;
  for (const auto& l : t.layers) {
    auto v = publish_layer(home, l);
    if (!v) co_return Error{"layer " + l.name + ": " + v.error().message};
    published[l.name] = std::move(*v);
  }
  for (const auto& f : t.functions) {
    if (!f.code.empty() || !f.inline_code.empty()) {
      lambda::model::FunctionConfig fc;
      fc.name = f.name;
      fc.runtime = f.runtime;
      fc.handler = f.handler;
      fc.timeout = std::chrono::seconds{f.timeout};
      fc.concurrency = f.concurrency;
      fc.memory_mb = f.memory;
      fc.tracing_mode = f.tracing_mode;
      fc.reserved_concurrency = f.reserved_concurrency;
      fc.description = f.description;
      fc.dead_letter_target = queue_arn_of(f.dead_letter_target);
      auto code = function_code(f, base, s.code_root);
      if (!code) co_return Error{"function " + f.name + ": " + code.error().message};
      if (code->extension() == ".zip" && std::filesystem::is_regular_file(*code)) {
        // A package is unpacked as CreateFunction's ZipFile is, into a folder localray owns.
        std::ifstream in{*code, std::ios::binary};
        lambda::model::CodeSource package;
        package.zip.assign(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
        auto deployed = home.code_runners->deploy(fc, package);
        if (!deployed) co_return Error{"function " + f.name + ": code " + code->string() + ": " + deployed.error().message};
        fc.code_location = deployed->location;
        fc.code_sha256 = deployed->sha256;
        fc.code_size = deployed->size;
      } else if (std::filesystem::is_directory(*code)) {
        fc.code_location = code->string();
      } else {
        co_return Error{"function " + f.name + ": code: no folder or .zip file " + code->string()};
      }
      for (const auto& [k, v] : f.environment) {
        // A template's values are final; a topology file's may hold placeholders.
        auto resolved = f.from_template ? tracing::success(std::string{v}) : resolve(v, s, http_target, options.ssl_failure_rate);
        if (!resolved) co_return Error{"function " + f.name + ": environment " + k + ": " + resolved.error().message};
        fc.environment[k] = *resolved;
      }
      for (const auto& layer : f.layers) {
        auto v = function_layer(home, published, layer);
        if (!v) co_return Error{"function " + f.name + ": layer " + layer + ": " + v.error().message};
        fc.layers.push_back(std::move(*v));
      }
      auto pool = worker_handler(workers, fc, home.scope);
      if (!pool) co_return Error{"function " + f.name + ": " + pool.error().message};
      if (auto r = home.lambda->add_function(fc, *pool); !r) co_return Error{"function " + f.name + ": " + r.error().message};
      made.functions.push_back(f.name);
      continue;
    }
    functions::HandlerSettings hs{f.handler, {}, options.ssl_failure_rate};
    for (const auto& [k, v] : f.environment) {
      auto resolved = resolve(v, s, http_target, options.ssl_failure_rate);
      if (!resolved) co_return Error{"function " + f.name + ": environment " + k + ": " + resolved.error().message};
      hs.env[k] = *resolved;
    }
    // Each function draws from its own stream: which run fails depends on the seed and the
    // order of that function's runs, not on what other functions did meanwhile.
    auto handler = functions::make_builtin_handler(hs, *s.aws_clients, s.rng.fork("function:" + f.name));
    if (!handler) co_return Error{"function " + f.name + ": " + handler.error().message};
    lambda::model::FunctionConfig fc;
    fc.name = f.name;
    fc.handler = f.handler;
    fc.timeout = std::chrono::seconds{f.timeout};
    fc.concurrency = f.concurrency;
    fc.memory_mb = f.memory;
    fc.dead_letter_target = queue_arn_of(f.dead_letter_target);
    if (auto r = home.lambda->add_function(fc, *handler); !r) co_return Error{"function " + f.name + ": " + r.error().message};
    made.functions.push_back(f.name);
  }
  for (const auto& f : t.functions) {
    if (!f.event_invoke) continue;
    lambda::model::EventInvokeConfig e;
    e.maximum_retry_attempts = f.event_invoke->maximum_retry_attempts;
    e.maximum_event_age = std::chrono::seconds{f.event_invoke->maximum_event_age_seconds};
    e.on_success = queue_arn_of(f.event_invoke->on_success);
    e.on_failure = queue_arn_of(f.event_invoke->on_failure);
    if (auto r = home.lambda->put_event_invoke_config(f.name, e); !r) co_return Error{"function " + f.name + ": event_invoke: " + r.error().message};
  }

  for (const auto& sub : t.subscriptions) {
    std::shared_ptr<sns::model::Subscriber> target;
    std::string endpoint;
    if (sub.protocol == "lambda") {
      target = std::make_shared<LambdaSubscriber>(*home.lambda, sub.endpoint, *s.sns_redelivery, edge_url, s.ids);
      endpoint = home.lambda->function_arn(sub.endpoint);
    } else if (sub.protocol != "sqs") {
      // Endpoints outside the topology (a URL, an address, a phone number) confirm as on SNS.
      auto made_target = s.subscriber_factory->make(home.sns->topic_arn(sub.topic), sub.protocol, sub.endpoint);
      if (!made_target) co_return Error{"subscription " + sub.topic + " -> " + sub.endpoint + ": " + made_target.error().message};
      target = std::move(*made_target);
      endpoint = sub.endpoint;
    } else {
      auto q = home.sqs->find(sub.endpoint);
      if (!q) co_return Error{"subscription to queue " + sub.endpoint + ": " + q.error().message};
      target = std::make_shared<SqsSubscriber>(ex, *home.sqs, (*q)->queue.arn(), (*q)->queue.url(), *s.sns_redelivery, edge_url, s.ids);
      endpoint = (*q)->queue.arn();
    }
    std::optional<sns::model::FilterPolicy> filter;
    if (!sub.filter_policy.empty()) {
      auto parsed = sns::protocol::parse_filter_policy(sub.filter_policy, "FilterPolicy: ", /*bare_values=*/true);
      if (!parsed) co_return Error{"subscription " + sub.topic + " -> " + sub.endpoint + ": " + parsed.error().message};
      filter = std::move(*parsed);
    }
    sns::model::SubscribeRequest request{home.sns->topic_arn(sub.topic), sub.protocol, endpoint, sub.raw_message_delivery, std::move(filter), {}};
    if (sub.filter_body) request.stored_attributes["FilterPolicyScope"] = "MessageBody";
    if (!sub.delivery_policy.empty()) {
      auto policy = sns::model::normalise_subscription_delivery_policy(sub.delivery_policy, "");
      if (!policy) co_return Error{"subscription " + sub.topic + " -> " + sub.endpoint + ": " + policy.error().message};
      request.stored_attributes["DeliveryPolicy"] = std::move(*policy);
    }
    if (!sub.dead_letter_queue.empty()) {
      request.dead_letter_target_arn = queue_arn_of(sub.dead_letter_queue);
      request.stored_attributes["RedrivePolicy"] = nlohmann::json{{"deadLetterTargetArn", *request.dead_letter_target_arn}}.dump();
    }
    auto r = co_await home.sns->subscribe(std::move(request), std::move(target));
    if (!r) co_return Error{"subscription " + sub.topic + " -> " + sub.endpoint + ": " + r.error().message};
    made.subscriptions[subscription_key(sub)] = *r;
  }

  for (const auto& m : t.event_source_mappings) {
    lambda::model::MappingSettings settings;
    settings.batch_size = m.batch_size;
    settings.batching_window = std::chrono::seconds{m.batching_window_seconds};
    settings.report_batch_item_failures = m.report_batch_item_failures;
    settings.maximum_concurrency = m.maximum_concurrency;
    std::string source = m.queue.empty() ? home.dynamodb->stream_arn_of(m.table) : home.sqs->queue_arn(m.queue);
    if (!m.starting_position.empty()) settings.starting_position = m.starting_position;
    settings.failure = {m.maximum_retry_attempts, m.bisect_batch_on_function_error, m.maximum_record_age_seconds};
    settings.on_failure = m.on_failure;
    auto r = home.mappings->create(source, m.function, settings);
    if (!r) co_return Error{"event source mapping " + (m.queue.empty() ? m.table : m.queue) + " -> " + m.function + ": " + r.error().message};
    made.mappings[mapping_key(m)] = r->uuid;
  }

  for (const auto& a : t.apis) {
    std::vector<apigateway::model::Stage> stages;
    for (const auto& name : a.stages) {
      auto variables = a.stage_variables.find(name);
      stages.push_back({name, variables == a.stage_variables.end() ? std::map<std::string, std::string>{} : variables->second});
    }
    // Without an id of its own, it comes from the name and first stage: the pattern's invoke URL
    // stays what it always was.
    std::string id = !a.id.empty() ? a.id : apigateway::model::stable_api_id(a.name + "/" + a.stages.front());
    auto api = std::make_shared<apigateway::model::RestApi>(id, a.name, std::move(stages), t.region, t.account, tracer);
    for (const auto& route : a.routes) {
      std::shared_ptr<apigateway::model::Integration> integration;
      const auto& i = route.integration;
      if (i.type == "lambda_proxy") {
        integration = std::make_shared<LambdaProxyIntegration>(*home.lambda, i.function, log);
      } else if (i.type == "unsupported") {
        log->warn("api {}: {} {}: {}; the method answers 500", a.name, route.method, route.path, i.unsupported);
        integration = std::make_shared<UnsupportedIntegration>(i.unsupported);
      } else if (i.type == "aws" || i.type == "mock") {
        auto mapped = mapped_integration(s, i, home.scope);
        if (!mapped) co_return Error{"api " + a.name + ": " + route.method + " " + route.path + ": " + mapped.error().message};
        integration = std::move(*mapped);
      } else {
        auto message = apigateway::model::MappingValue::parse(i.message);
        if (!message) co_return Error{"api " + a.name + ": unsupported mapping '" + i.message + "'"};
        std::map<std::string, apigateway::model::MappingValue> attributes;
        for (const auto& [name, expr] : i.message_attributes) {
          auto v = apigateway::model::MappingValue::parse(expr);
          if (!v) co_return Error{"api " + a.name + ": unsupported mapping '" + expr + "'"};
          attributes.emplace(name, *v);
        }
        auto publisher = std::make_shared<SnsTopicPublisher>(*home.sns, home.sns->topic_arn(i.topic), s.ids);
        integration = std::make_shared<apigateway::model::SnsPublishIntegration>(*message, std::move(attributes), std::move(publisher));
      }
      if (auto r = api->add_method(route.path, route.method, std::move(integration)); !r)
        co_return Error{"api " + a.name + ": " + r.error().message};
    }
    if (auto r = home.apis->add(std::move(api)); !r) co_return Error{"api " + a.name + ": " + r.error().message};
    made.apis.push_back(id);
  }
  {
    std::lock_guard lock{s.stacks_mutex};
    s.stacks.insert(s.stacks.end(), t.stacks.begin(), t.stacks.end());
  }
  co_return tracing::Result<void>{};
}

boost::asio::awaitable<void> remove_resources(Services& s, AppliedResources made) {
  Region& home = s.home_region();
  // The reverse of creation: what points at a resource goes before it.
  for (const auto& [key, uuid] : made.mappings) (void)home.mappings->remove(uuid);
  for (const auto& [key, arn] : made.subscriptions) {
    std::string subscription = arn;
    auto r = co_await home.sns->unsubscribe(subscription);
    (void)r;
  }
  for (const auto& id : made.apis) home.apis->remove(id);
  for (const auto& name : made.functions) (void)home.lambda->delete_function(name);
  for (const auto& name : made.tables) (void)home.dynamodb->delete_table(name);
  for (const auto& name : made.queues) (void)home.sqs->delete_queue(name);
  for (const auto& arn : made.topics) {
    std::string topic = arn;
    auto r = co_await home.sns->delete_topic(topic);
    (void)r;
  }
}

}  // namespace localray::emulator
