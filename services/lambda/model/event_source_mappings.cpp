#include "services/lambda/model/event_source_mappings.hpp"

#include <algorithm>
#include <map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace localray::lambda::model {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

// A coroutine's escape is a bug, not input: logged with where it came from, never rethrown.
auto log_escape(std::shared_ptr<spdlog::logger> log, const char* what) {
  return [log = std::move(log), what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log->error("{}: {}", what, ex.what());
    }
  };
}

}  // namespace

EventSourceMapping::EventSourceMapping(std::string uuid, std::shared_ptr<EventSource> source, Runner& runner, std::string function,
                                       int batch_size, tracing::Tracer tracer, std::shared_ptr<spdlog::logger> log)
    : uuid_{std::move(uuid)}, source_{std::move(source)}, runner_{runner}, function_{std::move(function)}, batch_size_{batch_size},
      t_{tracer}, log_{std::move(log)}, created_at_{tracing::epoch_seconds(tracer.clock.now())} {}

MappingInfo EventSourceMapping::info() const {
  return {uuid_, source_->arn(), runner_.function_arn(function_), batch_size_, stopping_ ? "Deleting" : "Enabled", created_at_};
}

void EventSourceMapping::start(asio::any_io_executor ex) {
  asio::co_spawn(ex, [self = shared_from_this()] { return self->poll(); }, log_escape(log_, "event source mapping stopped"));
}

asio::awaitable<void> EventSourceMapping::poll() {
  auto ex = co_await asio::this_coro::executor;
  while (!stopping_) {
    auto got = co_await source_->poll(batch_size_, kPollWait);
    if (!got) {
      log_->error("event source mapping {}: polling {} failed: {}", uuid_, source_->arn(), got.error().message);
      asio::steady_timer pause{ex, kPollFailurePause};
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    if (got->empty()) continue;
    // Group by trace so that every request's consumer run stays in that request's trace.
    std::vector<std::vector<SourceRecord>> groups;
    std::map<std::string, std::size_t> by_root;
    for (auto& r : *got) {
      std::string root = r.trace ? r.trace->root : "";
      auto [it, fresh] = by_root.try_emplace(root, groups.size());
      if (fresh) groups.emplace_back();
      groups[it->second].push_back(std::move(r));
    }
    // A delivery owns the mapping too: a deleted mapping lives until its deliveries finish.
    for (auto& g : groups)
      asio::co_spawn(ex, [self = shared_from_this(), g = std::move(g)]() mutable { return self->deliver(std::move(g)); },
                     log_escape(log_, "event source mapping delivery failed"));
  }
}

asio::awaitable<void> EventSourceMapping::deliver(std::vector<SourceRecord> batch) {
  auto self = shared_from_this();
  auto now = t_.clock.now();
  std::optional<tracing::TraceHeader> ctx;
  json links = json::array();
  std::optional<tracing::TraceHeader> producer;
  for (const auto& r : batch) {
    const auto& h = r.trace;
    if (!h) continue;
    if (!producer) producer = h;
    if (!h->parent.empty() && links.size() < kMaxLinksPerSegment)
      links.push_back({{"trace_id", h->root}, {"id", h->parent}, {"attributes", {{"aws.xray.reserved.reference_type", "parent"}}}});
  }
  SourceNode node = source_->node();
  if (producer && producer->sampled != tracing::Sampled::Yes && producer->sampled != tracing::Sampled::No) {
    // The producer left the decision open: the source decides, as the hop the trace reaches next.
    tracing::SamplingRequest sampling;
    sampling.service_name = node.name;
    sampling.service_type = node.origin;
    sampling.resource_arn = node.arn;
    producer = t_.sampler.enter(producer, sampling);
  }
  if (producer && !producer->is_sampled()) {
    ctx = producer;  // unsampled, not absent: the consumer must not start a sampled trace of its own
  } else if (producer) {
    // The source's own segment: from the first record's arrival to the hand-over, in the producer's trace.
    tracing::Segment seg;
    seg.name = node.name;
    seg.id = t_.ids.segment_id();
    seg.trace_id = producer->root;
    seg.parent_id = producer->parent;
    seg.origin = node.origin;
    seg.resource_arn = node.arn;
    auto first_sent = batch.front().sent_at;
    for (const auto& r : batch) first_sent = std::min(first_sent, r.sent_at);
    seg.start_time = tracing::epoch_seconds(first_sent);
    seg.end_time = tracing::epoch_seconds(now);
    seg.aws = node.aws;
    seg.aws["message_count"] = batch.size();
    ctx = tracing::TraceHeader{producer->root, seg.id, tracing::Sampled::Yes, {}};
    (void)t_.sink.record(std::move(seg));  // a full pipeline counts the loss; the delivery goes on
  }
  auto event = source_->event(batch);
  if (links.empty()) links = nullptr;
  auto result = co_await runner_.invoke(function_, event, ctx, links);
  auto backoff = kFirstBackoff;
  while (!result && result.error().code == Code::TooManyRequests && !stopping_) {
    asio::steady_timer pause{co_await asio::this_coro::executor, backoff};
    co_await pause.async_wait(asio::use_awaitable);
    backoff = std::min(backoff * 2, kMaxBackoff);
    result = co_await runner_.invoke(function_, event, ctx, links);
  }
  if (result && !result->error) {
    co_await source_->acknowledge(std::move(batch));
  } else {
    log_->warn("[{}] event source mapping {}: {} record(s) not processed by {}: {}", ctx ? ctx->root : "-", uuid_, batch.size(), function_,
               result ? result->error->message : result.error().message);
  }
}

EventSourceMappings::EventSourceMappings(asio::any_io_executor ex, Runner& runner, EventSourceResolver& sources, tracing::Tracer tracer,
                                         std::shared_ptr<spdlog::logger> log)
    : ex_{std::move(ex)}, runner_{runner}, sources_{sources}, t_{tracer}, log_{std::move(log)} {}

Result<MappingInfo> EventSourceMappings::create(const std::string& event_source_arn, const std::string& function, int batch_size) {
  if (batch_size < kMinBatchSize || batch_size > kMaxBatchSize)
    return Error{Code::InvalidParameterValue, "BatchSize must be between 1 and 10 for SQS event sources"};
  auto source = sources_.find(event_source_arn);
  if (!source) return source.error();
  auto fn = runner_.find(function);
  if (!fn) return fn.error();
  auto m = std::make_shared<EventSourceMapping>(t_.ids.uuid(), std::move(*source), runner_, (*fn)->config().name, batch_size, t_, log_);
  m->start(ex_);
  std::lock_guard lock{mutex_};
  mappings_.push_back(m);
  return m->info();
}

std::vector<MappingInfo> EventSourceMappings::list() const {
  std::lock_guard lock{mutex_};
  std::vector<MappingInfo> out;
  for (const auto& m : mappings_) out.push_back(m->info());
  return out;
}

Result<MappingInfo> EventSourceMappings::get(const std::string& uuid) const {
  std::lock_guard lock{mutex_};
  for (const auto& m : mappings_)
    if (m->info().uuid == uuid) return m->info();
  return Error{Code::ResourceNotFound, "The resource you requested does not exist."};
}

Result<MappingInfo> EventSourceMappings::remove(const std::string& uuid) {
  std::lock_guard lock{mutex_};
  for (auto it = mappings_.begin(); it != mappings_.end(); ++it) {
    if ((*it)->info().uuid != uuid) continue;
    (*it)->stop();
    auto info = (*it)->info();
    mappings_.erase(it);
    return info;
  }
  return Error{Code::ResourceNotFound, "The resource you requested does not exist."};
}

void EventSourceMappings::stop_all() {
  std::lock_guard lock{mutex_};
  for (auto& m : mappings_) m->stop();
}

}  // namespace localray::lambda::model
