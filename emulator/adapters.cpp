#include "emulator/adapters.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "emulator/event_shapes.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using nlohmann::json;

void LambdaSubscriber::deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) {
  auto r = runner_.invoke_async(function_, sns_lambda_event(n, s), ctx);
  if (!r) log_->error("[{}] SNS delivery to function {} failed: {}", ctx.root, function_, r.error().message);
}

void LambdaSubscriber::describe_target(json& aws) const {
  aws["function_name"] = function_;
  aws["resource_names"] = {function_};
}

void SqsSubscriber::deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) {
  sqs::model::OutgoingMessage m;
  if (s.raw_message_delivery) {
    m.body = n.message;
    for (const auto& [name, a] : n.attributes) m.attributes[name] = {a.data_type, a.value};
  } else {
    m.body = sns_sqs_envelope(n, s, endpoint_);
  }
  m.trace_header = ctx.to_string();
  m.sender_id = "AIDAIT2UOQQY3AUEKVGXU";
  // Captures what the send needs, not `this`: an Unsubscribe may drop this subscriber meanwhile.
  asio::co_spawn(ex_, [&sqs = sqs_, log = log_, m = std::move(m), root = ctx.root, q = queue_]() mutable -> asio::awaitable<void> {
    auto r = co_await sqs.send(q, std::move(m));
    if (!r) log->error("[{}] SNS delivery to queue {} failed: {}", root, q->queue.name(), r.error().message);
  }, asio::detached);
}

void SqsSubscriber::describe_target(json& aws) const {
  aws["queue_url"] = queue_->queue.url();
  aws["resource_names"] = {queue_->queue.url()};
}

sns::model::Result<std::shared_ptr<sns::model::Subscriber>> WireSubscriberFactory::make(const std::string& protocol,
                                                                                     const std::string& endpoint) {
  using sns::model::Code;
  if (protocol == "lambda") {
    auto fn = runner_.find(endpoint);
    if (!fn) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Endpoint: no function " + endpoint};
    return std::shared_ptr<sns::model::Subscriber>{std::make_shared<LambdaSubscriber>(runner_, (*fn)->config().name, log_)};
  }
  if (protocol == "sqs") {
    auto q = sqs_.find(endpoint);
    if (!q) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: SQS endpoint ARN"};
    return std::shared_ptr<sns::model::Subscriber>{std::make_shared<SqsSubscriber>(ex_, sqs_, *q, endpoint_, log_)};
  }
  return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Amazon SNS does not support this protocol string: " + protocol};
}

void SnsIntegration::describe_target(json& aws) const {
  aws["topic_arn"] = topic_arn_;
  aws["resource_names"] = {topic_arn_};
}

asio::awaitable<apigateway::model::IntegrationResult> SnsIntegration::call(const apigateway::model::IntegrationRequest& request,
                                                                          const tracing::TraceHeader& ctx) {
  sns::model::PublishRequest p{topic_arn_, request.message, std::nullopt, {}};
  for (const auto& [k, v] : request.message_attributes) p.attributes[k] = {"String", v};
  auto r = co_await sns_.publish(std::move(p), ctx);
  if (!r) co_return apigateway::model::IntegrationResult{false, r.error().message, {}};
  co_return apigateway::model::IntegrationResult{true, {}, r->message_id};
}

EventSourceMapping::EventSourceMapping(std::string uuid, sqs::model::Backend& sqs, std::shared_ptr<sqs::model::QueueHandle> queue,
                                       lambda::model::Runner& runner, std::string function, int batch_size, const tracing::Clock& clock,
                                       tracing::IdGenerator& ids, tracing::SegmentSink& sink, std::string region,
                                       std::shared_ptr<spdlog::logger> log)
    : uuid_{std::move(uuid)}, sqs_{sqs}, queue_{std::move(queue)}, runner_{runner}, function_{std::move(function)}, batch_size_{batch_size},
      clock_{clock}, ids_{ids}, sink_{sink}, region_{std::move(region)}, log_{std::move(log)} {}

void EventSourceMapping::start(asio::any_io_executor ex) {
  asio::co_spawn(ex, [self = shared_from_this()] { return self->poll(); }, [log = log_](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log->error("event source mapping stopped: {}", ex.what());
    }
  });
}

asio::awaitable<void> EventSourceMapping::poll() {
  auto ex = co_await asio::this_coro::executor;
  while (!stopping_) {
    sqs::model::ReceiveOptions options{batch_size_, std::nullopt, std::chrono::seconds{20}};
    auto got = co_await sqs_.receive(queue_, options);
    if (!got) {
      log_->error("event source mapping {}: receive failed: {}", uuid_, got.error().message);
      asio::steady_timer pause{ex, std::chrono::seconds{1}};
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    if (got->empty()) continue;
    // Group by trace so that every request's consumer run stays in that request's trace.
    std::vector<std::vector<sqs::model::Message>> groups;
    std::map<std::string, std::size_t> by_root;
    for (auto& m : *got) {
      auto header = tracing::TraceHeader::parse(m.trace_header);
      std::string root = header ? header->root : "";
      auto [it, fresh] = by_root.try_emplace(root, groups.size());
      if (fresh) groups.emplace_back();
      groups[it->second].push_back(std::move(m));
    }
    for (auto& g : groups) {
      // The spawned delivery owns the mapping too: a deleted mapping lives until it finishes.
      asio::co_spawn(ex, [self = shared_from_this(), g = std::move(g)]() mutable { return self->deliver(std::move(g)); },
                     [log = log_](std::exception_ptr e) {
                       if (!e) return;
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         log->error("event source mapping delivery failed: {}", ex.what());
                       }
                     });
    }
  }
}

asio::awaitable<void> EventSourceMapping::deliver(std::vector<sqs::model::Message> batch) {
  auto self = shared_from_this();
  auto now = clock_.now();
  std::optional<tracing::TraceHeader> ctx;
  json links = json::array();
  std::optional<tracing::TraceHeader> producer;
  for (const auto& m : batch) {
    auto h = tracing::TraceHeader::parse(m.trace_header);
    if (!h) continue;
    if (!producer) producer = h;
    if (!h->parent.empty() && links.size() < 20)
      links.push_back({{"trace_id", h->root}, {"id", h->parent}, {"attributes", {{"aws.xray.reserved.reference_type", "parent"}}}});
  }
  if (producer && !producer->is_sampled()) {
    ctx = producer;  // unsampled, not absent: the consumer must not start a sampled trace of its own
  } else if (producer) {
    // The queue's own segment: from the first send to the hand-over, in the producer's trace.
    tracing::Segment seg;
    seg.name = queue_->queue.name();
    seg.id = ids_.segment_id();
    seg.trace_id = producer->root;
    seg.parent_id = producer->parent;
    seg.origin = "AWS::SQS::Queue";
    seg.resource_arn = queue_->queue.arn();
    auto first_sent = batch.front().sent_at;
    for (const auto& m : batch) first_sent = std::min(first_sent, m.sent_at);
    seg.start_time = tracing::epoch_seconds(first_sent);
    seg.end_time = tracing::epoch_seconds(now);
    seg.aws = {{"operation", "ReceiveMessage"}, {"queue_url", queue_->queue.url()}, {"message_count", batch.size()}};
    ctx = tracing::TraceHeader{producer->root, seg.id, tracing::Sampled::Yes, {}};
    sink_.record(std::move(seg));
  }
  auto event = sqs_lambda_event(batch, queue_->queue.arn(), region_);
  if (links.empty()) links = nullptr;
  // A throttled invocation is retried with backoff while the messages stay in flight, as the
  // Lambda poller does; only the function's own failures leave them to the visibility timeout.
  auto result = co_await runner_.invoke(function_, event, ctx, links);
  auto backoff = std::chrono::milliseconds{50};
  while (!result && result.error().code == lambda::model::Code::TooManyRequests && !stopping_) {
    asio::steady_timer pause{co_await asio::this_coro::executor, backoff};
    co_await pause.async_wait(asio::use_awaitable);
    backoff = std::min(backoff * 2, std::chrono::milliseconds{2000});
    result = co_await runner_.invoke(function_, event, ctx, links);
  }
  if (result && !result->error) {
    for (const auto& m : batch) {
      auto d = co_await sqs_.delete_message(queue_, m.receipt_handle);
      if (!d) log_->warn("event source mapping {}: delete failed: {}", uuid_, d.error().message);
    }
  } else {
    // Left in flight: the messages reappear after the visibility timeout and are retried, then
    // dead-lettered by the queue's redrive policy.
    log_->warn("[{}] event source mapping {}: {} message(s) not processed by {}: {}", ctx ? ctx->root : "-", uuid_, batch.size(), function_,
               result ? result->error->message : result.error().message);
  }
}

lambda::model::Result<lambda::model::MappingInfo> MappingRegistry::create(const std::string& event_source_arn, const std::string& function,
                                                                          int batch_size) {
  using lambda::model::Code;
  if (batch_size < 1 || batch_size > 10)
    return lambda::model::Error{Code::InvalidParameterValue, "BatchSize must be between 1 and 10 for SQS event sources"};
  auto q = sqs_.find(event_source_arn);
  if (!q) return lambda::model::Error{Code::InvalidParameterValue, "Invalid event source: " + event_source_arn};
  auto fn = runner_.find(function);
  if (!fn) return fn.error();
  auto m = std::make_shared<EventSourceMapping>(ids_.uuid(), sqs_, *q, runner_, (*fn)->config().name, batch_size, clock_, ids_, sink_,
                                                region_, log_);
  m->created_at = tracing::epoch_seconds(clock_.now());
  m->start(ex_);
  std::lock_guard lock{mutex_};
  mappings_.push_back(m);
  return info(*m);
}

std::vector<lambda::model::MappingInfo> MappingRegistry::list() const {
  std::lock_guard lock{mutex_};
  std::vector<lambda::model::MappingInfo> out;
  for (const auto& m : mappings_) out.push_back(info(*m));
  return out;
}

lambda::model::Result<lambda::model::MappingInfo> MappingRegistry::remove(const std::string& uuid) {
  std::lock_guard lock{mutex_};
  for (auto it = mappings_.begin(); it != mappings_.end(); ++it) {
    if ((*it)->uuid() != uuid) continue;
    (*it)->stop();
    auto i = info(**it);
    i.state = "Deleting";
    mappings_.erase(it);
    return i;
  }
  return lambda::model::Error{lambda::model::Code::ResourceNotFound, "The resource you requested does not exist."};
}

void MappingRegistry::stop_all() {
  std::lock_guard lock{mutex_};
  for (auto& m : mappings_) m->stop();
}

lambda::model::MappingInfo MappingRegistry::info(const EventSourceMapping& m) const {
  return {m.uuid(), m.queue()->queue.arn(), runner_.function_arn(m.function()), m.batch_size(), "Enabled", m.created_at};
}

}  // namespace localray::emulator
