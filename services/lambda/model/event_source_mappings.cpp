#include "services/lambda/model/event_source_mappings.hpp"

#include <algorithm>
#include <map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "tracing/timestamps.hpp"

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

Result<void> validate(const MappingSettings& s, bool stream) {
  if (s.batch_size < kMinBatchSize || s.batch_size > kMaxBatchSize)
    return Error{Code::InvalidParameterValue,
                 std::string{"BatchSize must be between 1 and 10000 for "} + (stream ? "DynamoDB stream" : "SQS") + " event sources"};
  if (s.batching_window.count() < 0 || s.batching_window > kMaxBatchingWindow)
    return Error{Code::InvalidParameterValue, "MaximumBatchingWindowInSeconds must be between 0 and 300"};
  if (stream) {
    if (!s.starting_position) return Error{Code::InvalidParameterValue, "StartingPosition is required for DynamoDB stream event sources"};
    if (*s.starting_position != "TRIM_HORIZON" && *s.starting_position != "LATEST")
      return Error{Code::InvalidParameterValue, "Unsupported starting position for DynamoDB stream event sources: " + *s.starting_position};
    const int retries = s.failure.maximum_retry_attempts;
    if (retries < -1 || retries > kMaxStreamRetryAttempts) {
      return Error{Code::InvalidParameterValue, "1 validation error detected: Value '" + std::to_string(retries) +
                                                    "' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value " +
                                                    (retries < -1 ? "greater than or equal to -1" : "less than or equal to 10000")};
    }
    const int age = s.failure.maximum_record_age;
    if (age != -1 && (age < kMinRecordAge || age > kMaxRecordAge)) {
      return Error{Code::InvalidParameterValue, "MaximumRecordAgeInSeconds must be -1 or between 60 and 604800: " + std::to_string(age)};
    }
    return {};
  }
  if (s.failure != FailurePolicy{} || !s.on_failure.empty()) {
    // SQS has its own retries (the queue's redrive policy): Lambda refuses these for a queue.
    return Error{Code::InvalidParameterValue,
                 "Unsupported MaximumRetryAttempts, BisectBatchOnFunctionError, MaximumRecordAgeInSeconds or DestinationConfig for SQS "
                 "event sources: use the queue's redrive policy"};
  }
  if (s.batch_size > kMaxBatchSizeWithoutWindow && s.batching_window.count() == 0)
    return Error{Code::InvalidParameterValue, "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"};
  if (s.maximum_concurrency && (*s.maximum_concurrency < kMinMaximumConcurrency || *s.maximum_concurrency > kMaxMaximumConcurrency))
    return Error{Code::InvalidParameterValue, "ScalingConfig.MaximumConcurrency must be between 2 and 1000"};
  return {};
}

std::optional<std::vector<std::string>> batch_item_failures(const std::string& payload, const std::vector<SourceRecord>& batch) {
  std::vector<std::string> failed;
  if (payload.empty()) return failed;  // an empty response is a success
  auto response = json::parse(payload, nullptr, false);
  if (response.is_discarded()) return std::nullopt;
  if (!response.is_object()) return failed;
  auto it = response.find("batchItemFailures");
  if (it == response.end() || it->is_null()) return failed;
  if (!it->is_array()) return std::nullopt;
  for (const auto& item : *it) {
    if (!item.is_object()) return std::nullopt;
    auto id = item.find("itemIdentifier");
    if (id == item.end() || !id->is_string() || id->get_ref<const std::string&>().empty()) return std::nullopt;
    const auto& name = id->get_ref<const std::string&>();
    if (std::none_of(batch.begin(), batch.end(), [&](const SourceRecord& r) { return r.id == name; })) return std::nullopt;
    failed.push_back(name);
  }
  return failed;
}

EventSourceMapping::EventSourceMapping(std::string uuid, std::shared_ptr<EventSource> source, Runner& runner, std::string function,
                                       MappingSettings settings, tracing::Tracer tracer, std::shared_ptr<spdlog::logger> log)
    : uuid_{std::move(uuid)}, source_{std::move(source)}, runner_{runner}, function_{std::move(function)}, t_{tracer}, log_{std::move(log)},
      settings_{std::move(settings)}, last_modified_{tracing::epoch_seconds(tracer.clock.now())} {
  source_->set_failure_policy(settings_.failure);
}

MappingSettings EventSourceMapping::settings() const {
  std::lock_guard lock{mutex_};
  return settings_;
}

MappingInfo EventSourceMapping::info() const {
  std::lock_guard lock{mutex_};
  std::string state = stopping_ ? "Deleting" : settings_.enabled ? "Enabled" : "Disabled";
  return {uuid_, source_->arn(), runner_.function_arn(function_), settings_, state, last_modified_, pollers_.load()};
}

void EventSourceMapping::start(asio::any_io_executor ex) {
  ex_ = asio::make_strand(std::move(ex));
  auto s = settings();
  if (!s.enabled) return;
  for (int i = 0, n = std::min(kInitialPollers, poller_limit(s)); i < n; ++i) spawn_poller();
}

void EventSourceMapping::stop() {
  stopping_ = true;
  if (ex_) asio::post(ex_, [self = shared_from_this()] {
    for (auto* t : self->slot_waiters_) t->cancel();
  });
}

asio::awaitable<bool> EventSourceMapping::acquire_slot() {
  while (!stopping_ && in_flight_ >= poller_limit(settings())) {
    asio::steady_timer wait{ex_, asio::steady_timer::time_point::max()};
    auto it = slot_waiters_.insert(slot_waiters_.end(), &wait);
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
    slot_waiters_.erase(it);
  }
  if (stopping_) co_return false;
  ++in_flight_;
  co_return true;
}

void EventSourceMapping::release_slot() {
  --in_flight_;
  if (!slot_waiters_.empty()) slot_waiters_.front()->cancel();
}

void EventSourceMapping::update(MappingSettings settings) {
  bool start_pollers;
  {
    std::lock_guard lock{mutex_};
    start_pollers = settings.enabled && !settings_.enabled;
    source_->set_failure_policy(settings.failure);
    settings_ = std::move(settings);
    last_modified_ = tracing::epoch_seconds(t_.clock.now());
  }
  if (start_pollers)
    for (int n = std::min(kInitialPollers, poller_limit(this->settings())); pollers_.load() < n;) spawn_poller();
}

int EventSourceMapping::poller_limit(const MappingSettings& settings) const {
  // A stream shard is read by one batch at a time, in order (ParallelizationFactor 1): more
  // pollers would only poll it idle.
  if (source_->is_stream()) return 1;
  int limit = std::min(kMaxPollers, settings.maximum_concurrency.value_or(kMaxPollers));
  if (auto fn = runner_.find(function_)) limit = std::min(limit, (*fn)->config().concurrency);
  return std::max(1, limit);
}

bool EventSourceMapping::retire_above(int keep) {
  for (int n = pollers_.load(); n > keep;)
    if (pollers_.compare_exchange_weak(n, n - 1)) return true;
  return false;
}

void EventSourceMapping::spawn_poller() {
  ++pollers_;
  asio::co_spawn(ex_, [self = shared_from_this()] { return self->poller(); }, [self = shared_from_this()](std::exception_ptr e, bool retired) {
    if (!retired) --self->pollers_;
    log_escape(self->log_, "event source mapping poller stopped")(e);
  });
}

void EventSourceMapping::maybe_scale_up(const MappingSettings& settings) {
  int limit = poller_limit(settings);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock{mutex_};
    if (pollers_.load() >= limit || in_flight_ >= limit || now - last_scale_up_ < kScaleUpInterval) return;
    last_scale_up_ = now;
  }
  spawn_poller();
}

asio::awaitable<bool> EventSourceMapping::poller() {
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    auto settings = this->settings();
    // What the last batch or poll gave up on (a stream's retries ran out, its records aged).
    co_await report_discarded(settings);
    if (stopping_ || !settings.enabled) co_return false;
    // Fewer than before when the limit came down (UpdateEventSourceMapping, the function's concurrency).
    if (retire_above(poller_limit(settings))) co_return true;
    auto got = co_await gather(settings);
    if (!got) {
      log_->error("event source mapping {}: polling {} failed: {}", uuid_, source_->arn(), got.error().message);
      asio::steady_timer pause{ex, kPollFailurePause};
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    if (got->empty()) {
      // Idle: shrink back to the first few.
      if (retire_above(std::min(kInitialPollers, poller_limit(settings)))) co_return true;
      continue;
    }
    ++busy_;
    if (stopping_) {
      // Taken as the mapping stopped: back to the source, for whoever polls it next.
      co_await source_->release(std::move(*got));
      --busy_;
      co_return false;
    }
    if (static_cast<int>(got->size()) >= settings.batch_size) maybe_scale_up(settings);
    co_await deliver_all(std::move(*got), settings);
    --busy_;
  }
}

asio::awaitable<void> EventSourceMapping::report_discarded(MappingSettings settings) {
  for (auto& d : source_->take_discarded()) {
    log_->warn("event source mapping {}: {} gave up on a batch from {} after {} invocation(s) ({}); {}", uuid_, function_, source_->arn(),
               d.attempts, d.condition, settings.on_failure.empty() ? "no on-failure destination" : "reported to " + settings.on_failure);
    auto* destinations = runner_.destinations();
    if (settings.on_failure.empty() || destinations == nullptr) continue;
    json record{{"requestContext",
                 {{"requestId", t_.ids.uuid()},
                  {"functionArn", runner_.function_arn(function_)},
                  {"condition", d.condition},
                  {"approximateInvokeCount", d.attempts}}},
                {"responseContext", {{"statusCode", 200}, {"executedVersion", "$LATEST"}, {"functionError", "Unhandled"}}},
                {"version", "1.0"},
                {"timestamp", tracing::iso8601_millis(t_.clock.now())},
                {d.info_member, std::move(d.info)}};
    AsyncDelivery delivery{settings.on_failure, record.dump(), {}, {}};
    auto sent = co_await destinations->deliver(std::move(delivery));
    if (!sent) log_->error("event source mapping {}: reporting to {} failed: {}", uuid_, settings.on_failure, sent.error().message);
  }
}

asio::awaitable<Result<std::vector<SourceRecord>>> EventSourceMapping::gather(MappingSettings settings) {
  const int per_poll = source_->max_per_poll();
  int first_take = std::min(settings.batch_size, per_poll);
  auto got = co_await source_->poll(first_take, kPollWait);
  if (!got || got->empty() || settings.batching_window.count() == 0) co_return got;
  std::vector<SourceRecord> batch = std::move(*got);
  std::size_t bytes = 0;
  for (const auto& r : batch) bytes += r.rendered.size();
  auto deadline = std::chrono::steady_clock::now() + settings.batching_window;
  while (static_cast<int>(batch.size()) < settings.batch_size && !stopping_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    // Room for a full poll of the largest messages, so the batch never outgrows an invocation.
    constexpr std::size_t kLargestRecord = 256 * 1024 + 8 * 1024;
    int room = static_cast<int>(std::min<std::size_t>((kMaxPayload - std::min(kMaxPayload, bytes)) / kLargestRecord, per_poll));
    int take = std::min(room, settings.batch_size - static_cast<int>(batch.size()));
    if (take <= 0) break;
    auto more = co_await source_->poll(take, left);
    if (!more) break;  // what was gathered goes; the next poll reports the failure
    for (auto& r : *more) {
      bytes += r.rendered.size();
      batch.push_back(std::move(r));
    }
  }
  co_return batch;
}

asio::awaitable<void> EventSourceMapping::deliver_all(std::vector<SourceRecord> batch, MappingSettings settings) {
  // Group by trace so that every request's consumer run stays in that request's trace.
  std::vector<std::vector<SourceRecord>> groups;
  std::map<std::string, std::size_t> by_root;
  for (auto& r : batch) {
    std::string root = r.trace ? r.trace->root : "";
    auto [it, fresh] = by_root.try_emplace(root, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(std::move(r));
  }
  if (groups.size() == 1) {
    auto only = std::move(groups.front());
    co_await deliver(std::move(only), settings);
    co_return;
  }
  auto ex = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(ex, deliver({}, settings), asio::deferred));
  std::vector<Op> ops;
  for (auto& g : groups) ops.push_back(asio::co_spawn(ex, deliver(std::move(g), settings), asio::deferred));
  auto group = asio::experimental::make_parallel_group(std::move(ops));
  auto done = co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (const auto& e : std::get<1>(done)) log_escape(log_, "event source mapping delivery failed")(e);
}

asio::awaitable<void> EventSourceMapping::deliver(std::vector<SourceRecord> batch, MappingSettings settings) {
  auto self = shared_from_this();
  // A slot first: the source's segment says when the records were handed over, and a stop while
  // waiting hands them back untraced, so a later delivery is the only one recorded.
  if (!co_await acquire_slot()) {
    co_await source_->release(std::move(batch));
    co_return;
  }
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
  // Throttled retries stop before the first record would be handed out again: past that, the
  // source owns it (and a second consumer could be running it).
  std::optional<tracing::TimePoint> hidden_until;
  for (const auto& r : batch)
    if (r.hidden_until && (!hidden_until || *r.hidden_until < *hidden_until)) hidden_until = r.hidden_until;
  auto event = source_->event(batch);
  if (links.empty()) links = nullptr;
  auto result = co_await runner_.invoke(function_, event, ctx, links);
  auto backoff = kFirstBackoff;
  while (!result && result.error().code == Code::TooManyRequests && !stopping_ &&
         (!hidden_until || t_.clock.now() + backoff < *hidden_until)) {
    asio::steady_timer pause{co_await asio::this_coro::executor, backoff};
    co_await pause.async_wait(asio::use_awaitable);
    backoff = std::min(backoff * 2, kMaxBackoff);
    result = co_await runner_.invoke(function_, event, ctx, links);
  }
  release_slot();
  if (!result && result.error().code == Code::TooManyRequests && stopping_) {
    // Throttled until the stop: never run, so back to the source at once.
    co_await source_->release(std::move(batch));
    co_return;
  }
  std::string trace = ctx ? ctx->root : "-";
  if (!result || result->error) {
    log_->warn("[{}] event source mapping {}: {} record(s) not processed by {}: {}", trace, uuid_, batch.size(), function_,
               result ? result->error->message : result.error().message);
    co_await source_->failed(std::move(batch));
    co_return;
  }
  if (settings.report_batch_item_failures) {
    auto failed = batch_item_failures(result->payload, batch);
    if (!failed) {
      log_->warn("[{}] event source mapping {}: {}'s batchItemFailures names no record of the batch: all {} left to the source", trace, uuid_,
                 function_, batch.size());
      co_await source_->failed(std::move(batch));
      co_return;
    }
    if (!failed->empty()) {
      log_->info("[{}] event source mapping {}: {} of {} record(s) reported failed by {}", trace, uuid_, failed->size(), batch.size(), function_);
      std::erase_if(batch, [&](const SourceRecord& r) { return std::find(failed->begin(), failed->end(), r.id) != failed->end(); });
    }
  }
  co_await source_->acknowledge(std::move(batch));
}

EventSourceMappings::EventSourceMappings(asio::any_io_executor ex, Runner& runner, EventSourceResolver& sources, tracing::Tracer tracer,
                                         std::shared_ptr<spdlog::logger> log)
    : ex_{std::move(ex)}, runner_{runner}, sources_{sources}, t_{tracer}, log_{std::move(log)} {}

Result<MappingInfo> EventSourceMappings::create(const std::string& event_source_arn, const std::string& function, MappingSettings settings) {
  return make(t_.ids.uuid(), event_source_arn, function, std::move(settings));
}

Result<MappingInfo> EventSourceMappings::restore(const std::string& uuid, const std::string& event_source_arn, const std::string& function,
                                                 MappingSettings settings) {
  auto fn = runner_.find(function);
  if (!fn) return fn.error();
  for (const auto& info : list())
    if (info.uuid == uuid || (info.event_source_arn == event_source_arn && info.function_arn == (*fn)->arn()))
      return Error{Code::ResourceConflict, "An event source mapping with event source (" + event_source_arn + ") and function (" +
                                               (*fn)->config().name + ") already exists. Please update or delete the existing mapping with UUID " +
                                               info.uuid};
  return make(uuid, event_source_arn, function, std::move(settings));
}

Result<void> EventSourceMappings::check_destination(const MappingSettings& settings) const {
  if (settings.on_failure.empty()) return {};
  // A stream mapping reports to a queue or a topic; a function is no on-failure destination here.
  if (settings.on_failure.rfind("arn:aws:sqs:", 0) != 0 && settings.on_failure.rfind("arn:aws:sns:", 0) != 0) {
    return Error{Code::InvalidParameterValue,
                 "The on-failure destination of a DynamoDB stream event source must be an SQS queue or SNS topic ARN: " + settings.on_failure};
  }
  auto* destinations = runner_.destinations();
  if (destinations == nullptr) return Error{Code::InvalidParameterValue, "This localray has no destinations to deliver to"};
  return destinations->check(settings.on_failure);
}

Result<MappingInfo> EventSourceMappings::make(std::string uuid, const std::string& event_source_arn, const std::string& function,
                                              MappingSettings settings) {
  auto source = sources_.find(event_source_arn, settings.starting_position);
  if (!source) return source.error();
  if (auto valid = validate(settings, (*source)->is_stream()); !valid) return valid.error();
  if (auto valid = check_destination(settings); !valid) return valid.error();
  auto fn = runner_.find(function);
  if (!fn) return fn.error();
  auto m = std::make_shared<EventSourceMapping>(std::move(uuid), std::move(*source), runner_, (*fn)->config().name, std::move(settings), t_, log_);
  m->start(ex_);
  std::lock_guard lock{mutex_};
  mappings_.push_back(m);
  auto info = m->info();
  if (changes_) changes_->mapping_changed(info);
  return info;
}

std::shared_ptr<EventSourceMapping> EventSourceMappings::find(const std::string& uuid) const {
  std::lock_guard lock{mutex_};
  for (const auto& m : mappings_)
    if (m->info().uuid == uuid) return m;
  return nullptr;
}

Result<MappingInfo> EventSourceMappings::update(const std::string& uuid, MappingSettings settings) {
  auto m = find(uuid);
  if (!m) return Error{Code::ResourceNotFound, "The resource you requested does not exist."};
  if (auto valid = validate(settings, m->reads_stream()); !valid) return valid.error();
  if (auto valid = check_destination(settings); !valid) return valid.error();
  m->update(std::move(settings));
  auto info = m->info();
  if (changes_) changes_->mapping_changed(info);
  return info;
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
    if (changes_) changes_->mapping_removed(info.uuid);
    return info;
  }
  return Error{Code::ResourceNotFound, "The resource you requested does not exist."};
}

int EventSourceMappings::busy() const {
  std::lock_guard lock{mutex_};
  int n = 0;
  for (const auto& m : mappings_) n += m->busy();
  return n;
}

void EventSourceMappings::stop_all() {
  std::lock_guard lock{mutex_};
  for (auto& m : mappings_) m->stop();
}

}  // namespace localray::lambda::model
