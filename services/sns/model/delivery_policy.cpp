#include "services/sns/model/delivery_policy.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

namespace localray::sns::model {

namespace {

using nlohmann::ordered_json;

// The limits SNS documents for http/https delivery policies.
constexpr int kMaxRetries = 100;
constexpr int kMaxDelaySeconds = 3600;
// Well past any endpoint's pace; it keeps the pacing arithmetic in whole microseconds.
constexpr long long kMaxReceivesPerSecond = 1'000'000;
constexpr std::array<std::string_view, 4> kBackoffFunctions = {"arithmetic", "exponential", "geometric", "linear"};

ordered_json default_retry_policy() {
  return {{"minDelayTarget", 20},    {"maxDelayTarget", 20},   {"numRetries", 3},
          {"numMaxDelayRetries", 0}, {"numNoDelayRetries", 0}, {"numMinDelayRetries", 0},
          {"backoffFunction", "linear"}};
}

ordered_json default_request_policy() { return {{"headerContentType", "text/plain; charset=UTF-8"}}; }

Error invalid(std::string_view prefix, const std::string& what) { return {Code::InvalidParameter, std::string{prefix} + "DeliveryPolicy: " + what}; }

// A retry policy with every member, checked against SNS's limits; `path` names it in messages.
// (Results carry no JSON: a json converts to too much for result<json> to be unambiguous.)
Result<void> normalise_retry_policy(const ordered_json& given, const std::string& path, std::string_view prefix, ordered_json& out) {
  if (!given.is_object()) return invalid(prefix, path + " must be an object");
  auto policy = default_retry_policy();
  for (const auto& [name, value] : given.items()) {
    if (!policy.contains(name)) return invalid(prefix, path + "." + name + " is not a member of a retry policy");
    if (name == "backoffFunction") {
      if (!value.is_string() || std::find(kBackoffFunctions.begin(), kBackoffFunctions.end(), value.get<std::string>()) == kBackoffFunctions.end())
        return invalid(prefix, path + ".backoffFunction must be one of arithmetic, exponential, geometric, linear");
    } else if (!value.is_number_integer() || value.get<long long>() < 0) {
      return invalid(prefix, path + "." + name + " must be a whole number, 0 or more");
    }
    policy[name] = value;
  }
  auto n = [&](const char* name) { return policy[name].get<long long>(); };
  if (n("numRetries") > kMaxRetries) return invalid(prefix, path + ".numRetries must be at most 100");
  if (n("minDelayTarget") < 1 || n("minDelayTarget") > n("maxDelayTarget"))
    return invalid(prefix, path + ".minDelayTarget must be from 1 to maxDelayTarget");
  if (n("maxDelayTarget") > kMaxDelaySeconds) return invalid(prefix, path + ".maxDelayTarget must be at most 3600");
  if (n("numNoDelayRetries") + n("numMinDelayRetries") + n("numMaxDelayRetries") > n("numRetries"))
    return invalid(prefix, path + ": numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries together must be at most numRetries");
  out = std::move(policy);
  return {};
}

Result<void> checked_object(const ordered_json& given, const std::string& path, std::string_view prefix, ordered_json& out) {
  if (!given.is_object()) return invalid(prefix, path + " must be an object");
  out = given;
  return {};
}

Result<void> check_throttle_policy(const ordered_json& policy, const std::string& path, std::string_view prefix) {
  if (!policy.is_object() || !policy.contains("maxReceivesPerSecond")) return {};
  const auto& rate = policy["maxReceivesPerSecond"];
  if (!rate.is_number_integer() || rate.get<long long>() < 1 || rate.get<long long>() > kMaxReceivesPerSecond)
    return invalid(prefix, path + ".maxReceivesPerSecond must be a whole number from 1 to " + std::to_string(kMaxReceivesPerSecond));
  return {};
}

Result<void> parse(std::string_view policy, std::string_view prefix, ordered_json& out) {
  out = ordered_json::parse(policy, nullptr, /*allow_exceptions=*/false);
  if (!out.is_object()) return invalid(prefix, "must be a JSON object");
  return {};
}

// A stored (normalised) policy, or an empty object when none is set or it cannot be read.
ordered_json read(const std::string& policy) {
  auto parsed = ordered_json::parse(policy, nullptr, /*allow_exceptions=*/false);
  return parsed.is_object() ? parsed : ordered_json::object();
}

ordered_json member_or(const ordered_json& object, const char* name, ordered_json fallback) {
  auto it = object.find(name);
  return it != object.end() && !it->is_null() ? *it : fallback;
}

}  // namespace

Result<std::string> normalise_subscription_delivery_policy(std::string_view policy, std::string_view prefix) {
  ordered_json given;
  if (auto ok = parse(policy, prefix, given); !ok) return ok.error();
  ordered_json out = {{"healthyRetryPolicy", nullptr}, {"sicklyRetryPolicy", nullptr}, {"throttlePolicy", nullptr},
                      {"requestPolicy", nullptr},      {"guaranteed", false}};
  for (const auto& [name, value] : given.items()) {
    if (!out.contains(name)) return invalid(prefix, name + " is not a member of a subscription's delivery policy");
    if (value.is_null()) continue;
    Result<void> ok;
    if (name == "healthyRetryPolicy" || name == "sicklyRetryPolicy") ok = normalise_retry_policy(value, name, prefix, out[name]);
    else if (name != "guaranteed") ok = checked_object(value, name, prefix, out[name]);
    else if (value.is_boolean()) out[name] = value;
    else ok = invalid(prefix, "guaranteed must be true or false");
    if (!ok) return ok.error();
  }
  if (auto ok = check_throttle_policy(out["throttlePolicy"], "throttlePolicy", prefix); !ok) return ok.error();
  return out.dump();
}

Result<std::string> normalise_topic_delivery_policy(std::string_view policy, std::string_view prefix) {
  ordered_json given;
  if (auto ok = parse(policy, prefix, given); !ok) return ok.error();
  ordered_json out = given;
  if (auto http = given.find("http"); http != given.end()) {
    if (!http->is_object()) return invalid(prefix, "http must be an object");
    ordered_json normal = ordered_json::object();
    for (const char* name : {"defaultHealthyRetryPolicy", "defaultSicklyRetryPolicy"})
      if (auto it = http->find(name); it != http->end() && !it->is_null())
        if (auto ok = normalise_retry_policy(*it, std::string{"http."} + name, prefix, normal[name]); !ok) return ok.error();
    if (auto it = http->find("defaultThrottlePolicy"); it != http->end() && !it->is_null()) {
      if (auto ok = checked_object(*it, "http.defaultThrottlePolicy", prefix, normal["defaultThrottlePolicy"]); !ok) return ok.error();
      if (auto ok = check_throttle_policy(normal["defaultThrottlePolicy"], "http.defaultThrottlePolicy", prefix); !ok) return ok.error();
    }
    auto disable = http->find("disableSubscriptionOverrides");
    if (disable != http->end() && !disable->is_boolean()) return invalid(prefix, "http.disableSubscriptionOverrides must be true or false");
    normal["disableSubscriptionOverrides"] = disable != http->end() && disable->get<bool>();
    if (auto it = http->find("defaultRequestPolicy"); it != http->end() && !it->is_null())
      if (auto ok = checked_object(*it, "http.defaultRequestPolicy", prefix, normal["defaultRequestPolicy"]); !ok) return ok.error();
    for (const auto& [name, value] : http->items())
      if (!normal.contains(name)) return invalid(prefix, "http." + name + " is not a member of a topic's delivery policy");
    out["http"] = std::move(normal);
  }
  return out.dump();
}

std::string effective_topic_delivery_policy(const std::string& topic_policy) {
  auto http = member_or(read(topic_policy), "http", ordered_json::object());
  ordered_json out = {{"defaultHealthyRetryPolicy", member_or(http, "defaultHealthyRetryPolicy", default_retry_policy())}};
  for (const char* name : {"defaultSicklyRetryPolicy", "defaultThrottlePolicy"})
    if (auto it = http.find(name); it != http.end()) out[name] = *it;
  out["disableSubscriptionOverrides"] = member_or(http, "disableSubscriptionOverrides", false);
  out["defaultRequestPolicy"] = member_or(http, "defaultRequestPolicy", default_request_policy());
  return ordered_json{{"http", std::move(out)}}.dump();
}

std::string effective_subscription_delivery_policy(const std::string& topic_policy, const std::string& subscription_policy) {
  auto topic = read(effective_topic_delivery_policy(topic_policy))["http"];
  auto own = read(subscription_policy);
  bool overrides = !topic["disableSubscriptionOverrides"].get<bool>();
  auto pick = [&](const char* member, const char* topic_member, ordered_json fallback) {
    if (overrides) return member_or(own, member, member_or(topic, topic_member, std::move(fallback)));
    return member_or(topic, topic_member, std::move(fallback));
  };
  return ordered_json{{"healthyRetryPolicy", pick("healthyRetryPolicy", "defaultHealthyRetryPolicy", nullptr)},
                      {"sicklyRetryPolicy", pick("sicklyRetryPolicy", "defaultSicklyRetryPolicy", nullptr)},
                      {"throttlePolicy", pick("throttlePolicy", "defaultThrottlePolicy", nullptr)},
                      {"requestPolicy", member_or(own, "requestPolicy", topic["defaultRequestPolicy"])},
                      {"guaranteed", member_or(own, "guaranteed", false)}}
      .dump();
}

std::optional<int> max_receives_per_second(const std::string& topic_policy, const std::string& subscription_policy) {
  auto throttle = read(effective_subscription_delivery_policy(topic_policy, subscription_policy))["throttlePolicy"];
  if (!throttle.is_object()) return std::nullopt;
  auto rate = throttle.find("maxReceivesPerSecond");
  if (rate == throttle.end() || !rate->is_number_integer() || rate->get<long long>() < 1) return std::nullopt;
  return static_cast<int>(std::min<long long>(rate->get<long long>(), kMaxReceivesPerSecond));
}

}  // namespace localray::sns::model
