#include "services/sns/model/backend.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "services/sns/model/limits.hpp"

namespace localray::sns::model {
namespace {

namespace asio = boost::asio;

std::size_t arn_elements(std::string_view arn) { return static_cast<std::size_t>(std::count(arn.begin(), arn.end(), ':')) + 1; }

// SNS's checks before a lookup: an ARN has at least six elements; a topic ARN exactly six, a
// subscription ARN seven (topic ARN + ":" + id).
Result<void> check_arn(std::string_view arn, std::string_view parameter, std::size_t elements) {
  std::size_t n = arn_elements(arn);
  if (arn.rfind("arn:", 0) != 0 || n < 6)
    return Error{Code::InvalidParameter, "Invalid parameter: " + std::string{parameter} +
                                             " Reason: An ARN must have at least 6 elements, not " + std::to_string(n)};
  if (n != elements)
    return Error{Code::InvalidParameter,
                 elements == 7 ? std::string{"Invalid parameter: SubscriptionId"} : "Invalid parameter: " + std::string{parameter}};
  return {};
}

// A topic called without a trace decision decides as the topic's own node.
tracing::SamplingRequest sampling_request(const Topic& topic) {
  tracing::SamplingRequest r;
  r.service_name = topic.name();
  r.service_type = "AWS::SNS::Topic";
  r.resource_arn = topic.arn();
  return r;
}

// Every statement after this runs on the topic's strand.
asio::awaitable<void> enter(const std::shared_ptr<TopicHandle>& h) { co_await asio::dispatch(asio::bind_executor(h->strand, asio::use_awaitable)); }

}  // namespace

Backend::Backend(asio::any_io_executor ex, tracing::Tracer tracer, std::string region, std::string account)
    : ex_{std::move(ex)}, t_{tracer}, region_{std::move(region)}, account_{std::move(account)}, platforms_{region_, account_} {}

Result<std::shared_ptr<TopicHandle>> Backend::find_topic(const std::string& topic_arn) const {
  if (auto ok = check_arn(topic_arn, "TopicArn", 6); !ok) return ok.error();
  std::shared_lock lock{mutex_};
  auto it = topics_.find(topic_arn);
  if (it == topics_.end()) return Error{Code::NotFound, "Topic does not exist"};
  return it->second;
}

Result<std::shared_ptr<TopicHandle>> Backend::find_topic_of_subscription(const std::string& subscription_arn) const {
  if (auto ok = check_arn(subscription_arn, "SubscriptionArn", 7); !ok) return ok.error();
  std::shared_lock lock{mutex_};
  auto it = topics_.find(subscription_arn.substr(0, subscription_arn.rfind(':')));
  if (it == topics_.end()) return Error{Code::NotFound, "Subscription does not exist"};
  return it->second;
}

asio::awaitable<Result<std::string>> Backend::create_topic(std::string name, std::map<std::string, std::string> attributes, Tags tags) {
  // A FIFO topic's name is a standard one's with `.fifo` after it; SNS names no rule in its answer.
  auto fifo = attributes.find("FifoTopic");
  bool is_fifo = fifo != attributes.end() && (fifo->second == "true" || fifo->second == "True");
  std::string_view stem = name;
  if (is_fifo) stem = name.ends_with(".fifo") ? stem.substr(0, stem.size() - 5) : std::string_view{};
  bool valid = !stem.empty() && stem.size() <= kMaxTopicNameChars &&
               std::all_of(stem.begin(), stem.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
  if (!valid) co_return Error{Code::InvalidParameter, "Invalid parameter: Topic Name"};
  std::string arn = topic_arn(name);
  auto made = Topic::make(name, arn, account_, attributes, tags);
  if (!made) co_return made.error();
  std::shared_ptr<TopicHandle> existing;
  {
    std::unique_lock lock{mutex_};
    auto [it, fresh] = topics_.try_emplace(arn);
    if (fresh) {
      it->second = std::make_shared<TopicHandle>(ex_, std::move(*made));
      if (changes_) changes_->topic_changed(it->second->topic);
      co_return arn;
    }
    existing = it->second;
  }
  co_await enter(existing);
  if (auto same = existing->topic.check_same(attributes, tags); !same) co_return same.error();
  co_return arn;
}

asio::awaitable<Result<void>> Backend::delete_topic(std::string topic_arn) {
  if (auto ok = check_arn(topic_arn, "TopicArn", 6); !ok) co_return ok.error();
  std::unique_lock lock{mutex_};
  // Under the lock, as creation and every change are reported (report()).
  if (topics_.erase(topic_arn) > 0 && changes_) changes_->topic_removed(topic_arn);
  co_return Result<void>{};
}

asio::awaitable<Result<TopicDescription>> Backend::get_topic_attributes(std::string topic_arn) {
  auto h = find_topic(topic_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  co_return (*h)->topic.describe();
}

asio::awaitable<Result<void>> Backend::set_topic_attribute(std::string topic_arn, std::string name, std::string value) {
  auto h = find_topic(topic_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  auto r = (*h)->topic.set_attribute(name, value);
  if (r) report(*h);
  co_return r;
}

asio::awaitable<Result<void>> Backend::edit_topic(std::string topic_arn, std::function<Result<void>(Topic&)> edit) {
  auto h = find_topic(topic_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  auto r = edit((*h)->topic);
  if (r) report(*h);
  co_return r;
}

asio::awaitable<Result<std::string>> Backend::confirm_subscription(std::string topic_arn, std::string token, bool authenticated,
                                                                   bool authenticate_on_unsubscribe) {
  auto h = find_topic(topic_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  auto r = (*h)->topic.confirm(token, authenticated, authenticate_on_unsubscribe, t_.ids);
  if (r) report(*h);
  co_return r;
}

asio::awaitable<Result<std::string>> Backend::subscribe(SubscribeRequest request, std::shared_ptr<Subscriber> target) {
  auto h = find_topic(request.topic_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  auto r = (*h)->topic.subscribe(std::move(request), std::move(target), t_.ids, t_.clock.now());
  if (r) report(*h);
  co_return r;
}

asio::awaitable<Result<bool>> Backend::restore_subscription(Subscription s) {
  auto h = find_topic(s.topic_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  bool added = (*h)->topic.restore_subscription(std::move(s));
  if (added) report(*h);
  co_return added;
}

void Backend::report(const std::shared_ptr<TopicHandle>& h) const {
  if (!changes_) return;
  // Held while reporting: a deletion (under the unique lock) comes wholly before or after.
  std::shared_lock lock{mutex_};
  auto it = topics_.find(h->topic.arn());
  if (it == topics_.end() || it->second != h) return;
  changes_->topic_changed(h->topic);
}

asio::awaitable<Result<void>> Backend::unsubscribe(std::string subscription_arn, bool tell_endpoint) {
  auto h = find_topic_of_subscription(subscription_arn);
  if (!h) co_return h.error().code == Code::NotFound ? Result<void>{} : Result<void>{h.error()};
  co_await enter(*h);
  auto r = (*h)->topic.unsubscribe(subscription_arn, tell_endpoint, t_.ids, t_.clock.now());
  if (r) report(*h);
  co_return r;
}

asio::awaitable<Result<Subscription>> Backend::get_subscription(std::string subscription_arn) {
  auto h = find_topic_of_subscription(subscription_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  co_return (*h)->topic.subscription(subscription_arn);
}

asio::awaitable<Result<void>> Backend::change_subscription(std::string subscription_arn, SubscriptionChange change) {
  auto h = find_topic_of_subscription(subscription_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  auto r = (*h)->topic.change(subscription_arn, change);
  if (r) report(*h);
  co_return r;
}

asio::awaitable<Result<PublishReceipt>> Backend::publish(PublishRequest request, std::optional<tracing::TraceHeader> ctx,
                                                         std::string request_id) {
  if (auto v = validate_publish(request); !v) co_return v.error();
  auto h = find_topic(request.topic_arn);
  if (!h) co_return h.error();
  std::string message_id = t_.ids.uuid();
  co_await enter(*h);
  Topic& topic = (*h)->topic;
  auto admitted = topic.admit(request, std::move(message_id), t_.clock.now());
  if (!admitted) co_return admitted.error();
  // A repeat within the deduplication window is acknowledged as the first was, and not delivered.
  if (!admitted->duplicate) topic.deliver(request, admitted->receipt, request_id, t_.sampler.enter(ctx, sampling_request(topic)), t_);
  co_return admitted->receipt;
}

asio::awaitable<Result<PublishReceipt>> Backend::publish_sms(PublishRequest request, std::string phone_number) {
  if (!valid_phone_number(phone_number))
    co_return Error{Code::InvalidParameter, "Invalid parameter: PhoneNumber Reason: " + phone_number + " is not valid to publish to"};
  if (auto v = validate_publish(request); !v) co_return v.error();
  PublishReceipt receipt{t_.ids.uuid()};
  // A number that opted out gets nothing; the publish still succeeds, as on SNS.
  if (!sms_.opted_out(phone_number)) {
    auto own = request.protocol_messages.find("sms");
    sent_.add({"sms", phone_number, "", "", "Notification", receipt.message_id, request.subject,
               own != request.protocol_messages.end() ? own->second : request.message, request.attributes, t_.clock.now()});
  }
  co_return receipt;
}

Result<void> Backend::add_sandbox_number(const std::string& number) {
  // Six digits from a fresh id: the password a test reads back from the recorded text.
  auto id = t_.ids.uuid();
  std::string password = std::to_string(100000 + std::stoul(id.substr(0, 8), nullptr, 16) % 900000);
  auto added = sms_.add_sandbox_number(number, password);
  if (!added) return added.error();
  if (*added)
    sent_.add({"sms", number, "", "", "Notification", t_.ids.uuid(), std::nullopt, "localray SMS sandbox: your verification code is " + password, {},
               t_.clock.now()});
  return {};
}

asio::awaitable<Result<PublishReceipt>> Backend::publish_to_endpoint(PublishRequest request, std::string endpoint_arn) {
  auto endpoint = platforms_.endpoint(endpoint_arn);
  if (!endpoint) co_return Error{Code::InvalidParameter, "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified"};
  if (!endpoint->enabled()) co_return Error{Code::EndpointDisabled, "Endpoint is disabled"};
  if (auto v = validate_publish(request); !v) co_return v.error();
  PublishReceipt receipt{t_.ids.uuid()};
  auto own = request.protocol_messages.find(endpoint->platform);
  sent_.add({"application", endpoint_arn, "", "", "Notification", receipt.message_id, request.subject,
             own != request.protocol_messages.end() ? own->second : request.message, request.attributes, t_.clock.now()});
  co_return receipt;
}

asio::awaitable<Result<PublishBatchReceipt>> Backend::publish_batch(std::string topic_arn, std::vector<PublishBatchEntry> entries,
                                                                    std::optional<tracing::TraceHeader> ctx, std::string request_id) {
  if (auto ok = validate_batch_count(entries); !ok) co_return ok.error();
  auto h = find_topic(topic_arn);
  if (!h) co_return h.error();
  if (auto ok = validate_batch_ids(entries); !ok) co_return ok.error();

  PublishBatchReceipt receipt;
  std::vector<std::pair<const PublishBatchEntry*, PublishRequest>> accepted;
  std::size_t total = 0;
  for (const auto& e : entries) {
    PublishRequest r = e.request;
    r.topic_arn = topic_arn;
    if (auto v = validate_publish(r); !v) {
      receipt.failed.push_back({e.id, v.error(), true});
      continue;
    }
    total += publish_size(r);
    accepted.emplace_back(&e, std::move(r));
  }
  if (total > kMaxMessageBytes)
    co_return Error{Code::BatchRequestTooLong, "The length of all the messages put together is more than the limit."};
  co_await enter(*h);
  Topic& topic = (*h)->topic;
  // A FIFO entry without its group or deduplication id fails the whole batch, as on SNS.
  for (const auto& [e, r] : accepted)
    if (auto v = topic.check_fifo(r); !v) co_return v.error();
  const auto sampling = sampling_request(topic);
  // A caller's trace is decided once for the whole call; without a caller each message starts
  // (and decides) a trace of its own, as a Publish would.
  if (ctx) ctx = t_.sampler.enter(ctx, sampling);
  for (auto& [e, r] : accepted) {
    auto admitted = topic.admit(r, t_.ids.uuid(), t_.clock.now());
    if (!admitted) {
      receipt.failed.push_back({e->id, admitted.error(), true});
      continue;
    }
    if (!admitted->duplicate) topic.deliver(r, admitted->receipt, request_id, t_.sampler.enter(ctx, sampling), t_);
    receipt.successful.push_back({e->id, admitted->receipt.message_id, admitted->receipt.sequence_number});
  }
  co_return receipt;
}

std::vector<std::string> Backend::topic_arns() const {
  std::shared_lock lock{mutex_};
  std::vector<std::string> out;
  for (const auto& [arn, t] : topics_) out.push_back(arn);
  return out;
}

asio::awaitable<std::vector<Subscription>> Backend::list_subscriptions() {
  std::vector<std::shared_ptr<TopicHandle>> handles;
  {
    std::shared_lock lock{mutex_};
    for (const auto& [arn, h] : topics_) handles.push_back(h);
  }
  std::vector<Subscription> out;
  for (const auto& h : handles) {
    co_await enter(h);
    const auto& subs = h->topic.subscriptions();
    out.insert(out.end(), subs.begin(), subs.end());
  }
  co_return out;
}

asio::awaitable<Result<std::vector<Subscription>>> Backend::list_subscriptions_by_topic(std::string topic_arn) {
  auto h = find_topic(topic_arn);
  if (!h) co_return h.error();
  co_await enter(*h);
  co_return (*h)->topic.subscriptions();
}

}  // namespace localray::sns::model
