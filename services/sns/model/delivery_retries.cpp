#include "services/sns/model/delivery_retries.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace localray::sns::model {

std::optional<std::chrono::milliseconds> RetrySchedule::delay_before(int retry) const {
  if (retry < 1) return std::chrono::milliseconds{0};
  if (retry <= immediate) return std::chrono::milliseconds{0};
  retry -= immediate;
  if (retry <= pre_backoff) return pre_backoff_delay;
  retry -= pre_backoff;
  if (retry <= backoff) {
    if (backoff == 1) return min_delay;
    // Exponential from min_delay (the first backoff retry) to max_delay (the last).
    double step = static_cast<double>(retry - 1) / static_cast<double>(backoff - 1);
    auto lo = static_cast<double>(min_delay.count()), hi = static_cast<double>(max_delay.count());
    double delay = backoff_function == Backoff::linear || lo <= 0 ? lo + (hi - lo) * step : lo * std::pow(hi / lo, step);
    return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(delay))};
  }
  retry -= backoff;
  if (retry <= post_backoff) return max_delay;
  return std::nullopt;
}

namespace {

// A healthyRetryPolicy object as AWS documents it; members left out take AWS's defaults.
RetrySchedule from_retry_policy(const nlohmann::json& p) {
  auto number = [&](const char* key, int fallback) {
    auto it = p.find(key);
    return it != p.end() && it->is_number_integer() ? std::clamp(it->get<int>(), 0, 100000) : fallback;
  };
  RetrySchedule r;
  int min_delay = std::max(number("minDelayTarget", 20), 0);
  int max_delay = std::max(number("maxDelayTarget", 20), min_delay);
  int total = number("numRetries", 3);
  r.immediate = std::min(number("numNoDelayRetries", 0), total);
  r.pre_backoff = std::min(number("numMinDelayRetries", 0), total - r.immediate);
  r.post_backoff = std::min(number("numMaxDelayRetries", 0), total - r.immediate - r.pre_backoff);
  r.backoff = total - r.immediate - r.pre_backoff - r.post_backoff;
  r.min_delay = r.pre_backoff_delay = std::chrono::seconds{min_delay};
  r.max_delay = std::chrono::seconds{max_delay};
  // Members of the wrong type count as left out: a policy kept by an older --persist file was not
  // validated when it was set.
  auto backoff_member = p.find("backoffFunction");
  std::string fn = backoff_member != p.end() && backoff_member->is_string() ? backoff_member->get<std::string>() : "linear";
  r.backoff_function = fn == "exponential" || fn == "geometric" ? RetrySchedule::Backoff::exponential : RetrySchedule::Backoff::linear;
  return r;
}

nlohmann::json parse_policy(const std::string& text) {
  if (text.empty()) return nullptr;
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json{};
}

}  // namespace

RetrySchedule RetrySchedule::http(const std::string& topic_policy, const std::string& subscription_policy) {
  auto topic = parse_policy(topic_policy);
  auto sub = parse_policy(subscription_policy);
  const nlohmann::json* topic_http = topic.is_object() && topic.contains("http") && topic["http"].is_object() ? &topic["http"] : nullptr;
  auto locked = topic_http ? topic_http->find("disableSubscriptionOverrides") : nlohmann::json::const_iterator{};
  bool overrides = !(topic_http && locked != topic_http->end() && locked->is_boolean() && locked->get<bool>());
  if (overrides && sub.is_object() && sub.contains("healthyRetryPolicy") && sub["healthyRetryPolicy"].is_object())
    return from_retry_policy(sub["healthyRetryPolicy"]);
  if (topic_http && topic_http->contains("defaultHealthyRetryPolicy") && (*topic_http)["defaultHealthyRetryPolicy"].is_object())
    return from_retry_policy((*topic_http)["defaultHealthyRetryPolicy"]);
  return from_retry_policy(nlohmann::json::object());
}

std::string http_content_type(const std::string& topic_policy, const std::string& subscription_policy) {
  auto read = [](const nlohmann::json& holder, const char* policy) -> std::string {
    if (!holder.is_object() || !holder.contains(policy) || !holder[policy].is_object()) return {};
    const auto& p = holder[policy];
    auto it = p.find("headerContentType");
    return it != p.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  if (auto own = read(parse_policy(subscription_policy), "requestPolicy"); !own.empty()) return own;
  auto topic = parse_policy(topic_policy);
  if (topic.is_object() && topic.contains("http"))
    if (auto t = read(topic["http"], "defaultRequestPolicy"); !t.empty()) return t;
  return "text/plain; charset=UTF-8";
}

}  // namespace localray::sns::model
