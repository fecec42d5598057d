#include "emulator/persist/sns_state.hpp"

#include <functional>
#include <set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "services/sns/protocol/filter_policy_json.hpp"

namespace localray::emulator::persist {

namespace asio = boost::asio;
namespace model = sns::model;
using nlohmann::json;

namespace {

json topic_json(const model::Topic& t) {
  auto d = t.describe();
  std::map<std::string, std::string> attributes = d.stored_attributes;
  if (!d.display_name.empty()) attributes["DisplayName"] = d.display_name;
  if (d.tracing_config == model::TracingConfig::Active) attributes["TracingConfig"] = "Active";
  if (d.fifo) {
    attributes["FifoTopic"] = "true";
    attributes["ContentBasedDeduplication"] = d.content_based_deduplication ? "true" : "false";
    attributes["FifoThroughputScope"] = d.per_group_deduplication ? "MessageGroup" : "Topic";
  }
  json subscriptions = json::array();
  for (const auto& s : t.subscriptions()) {
    json one{{"arn", s.arn},
             {"protocol", s.protocol},
             {"endpoint", s.endpoint},
             {"raw_message_delivery", s.raw_message_delivery},
             {"dead_letter_target_arn", s.dead_letter_target_arn},
             {"stored_attributes", s.stored_attributes}};
    // An http/https subscription's handshake: written only where there is one.
    if (!s.confirmation_token.empty()) {
      one["pending_confirmation"] = s.pending_confirmation;
      one["confirmation_token"] = s.confirmation_token;
      one["confirmation_was_authenticated"] = s.confirmation_was_authenticated;
      one["authenticate_on_unsubscribe"] = s.authenticate_on_unsubscribe;
    }
    if (s.filter_policy) one["filter_policy"] = s.filter_policy->source;
    subscriptions.push_back(std::move(one));
  }
  json out{{"name", t.name()}, {"attributes", attributes}, {"tags", t.tags()}, {"subscriptions", std::move(subscriptions)}};
  if (!d.data_protection_policy.empty()) out["data_protection_policy"] = d.data_protection_policy;
  return out;
}

}  // namespace

SnsState::SnsState(tracing::StateJournal& journal, base::Scope scope) : journal_{journal}, scope_owner_{scope_owner(scope)} {}

void SnsState::topic_changed(const model::Topic& t) { journal_.put(kSnsTopicRows, scope_owner_, t.arn(), topic_json(t).dump()); }

void SnsState::topic_removed(const std::string& arn) { journal_.erase(kSnsTopicRows, scope_owner_, arn); }

PlatformState::PlatformState(tracing::StateJournal& journal, base::Scope scope) : journal_{journal}, scope_owner_{scope_owner(scope)} {}

void PlatformState::application_changed(const model::PlatformApplication& app, const std::vector<model::PlatformEndpoint>& endpoints) {
  json listed = json::array();
  for (const auto& e : endpoints) listed.push_back({{"arn", e.arn}, {"attributes", e.attributes}});
  journal_.put(kSnsPlatformRows, scope_owner_, app.arn,
               json{{"platform", app.platform}, {"attributes", app.attributes}, {"endpoints", std::move(listed)}}.dump());
}

void PlatformState::application_removed(const std::string& arn) { journal_.erase(kSnsPlatformRows, scope_owner_, arn); }

SmsState::SmsState(tracing::StateJournal& journal, base::Scope scope) : journal_{journal}, scope_owner_{scope_owner(scope)} {}

// One row per account and region: the settings are few and change seldom.
void SmsState::sms_changed(const model::SmsSettings& settings) {
  json sandbox = json::array();
  for (const auto& [number, n] : settings.sandbox_locked())
    sandbox.push_back({{"number", n.number}, {"verified", n.verified}, {"password", n.password}});
  journal_.put(kSnsSmsRows, scope_owner_, "sms",
               json{{"attributes", settings.attributes_locked()}, {"opted_out", settings.opted_out_locked()}, {"sandbox", std::move(sandbox)}}.dump());
}

namespace {

// Before the topics: an application subscription needs its endpoint.
void restore_platforms(model::PlatformApplications& platforms, const std::string& owner, const std::vector<tracing::StateRow>& rows,
                       tracing::StateJournal& journal, spdlog::logger& log, RestoreCounts& counts) {
  for (const auto& row : rows) {
    if (row.kind != kSnsPlatformRows || row.owner != owner) continue;
    auto j = json::parse(row.value, nullptr, false);
    model::PlatformApplication app{row.key, {}, {}};
    std::vector<model::PlatformEndpoint> endpoints;
    try {
      app.platform = j.at("platform").get<std::string>();
      app.attributes = j.at("attributes").get<model::StringMap>();
      for (const auto& e : j.at("endpoints"))
        endpoints.push_back({e.at("arn").get<std::string>(), app.arn, app.platform, e.at("attributes").get<model::StringMap>()});
    } catch (const json::exception&) {
      log.warn("--persist: platform application {} not restored: its row is unreadable", row.key);
      journal.erase(kSnsPlatformRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    ++counts.resources;
    counts.items += endpoints.size();
    platforms.restore(std::move(app), std::move(endpoints));
  }
}

void restore_sms(model::SmsSettings& sms, const std::string& owner, const std::vector<tracing::StateRow>& rows, tracing::StateJournal& journal,
                 spdlog::logger& log, RestoreCounts& counts) {
  for (const auto& row : rows) {
    if (row.kind != kSnsSmsRows || row.owner != owner) continue;
    auto j = json::parse(row.value, nullptr, false);
    std::map<std::string, std::string> attributes;
    std::set<std::string> opted_out;
    std::vector<model::SmsSettings::SandboxNumber> sandbox;
    try {
      attributes = j.at("attributes").get<std::map<std::string, std::string>>();
      opted_out = j.at("opted_out").get<std::set<std::string>>();
      for (const auto& n : j.at("sandbox"))
        sandbox.push_back({n.at("number").get<std::string>(), n.at("verified").get<bool>(), n.at("password").get<std::string>()});
    } catch (const json::exception&) {
      log.warn("--persist: SMS settings not restored: their row is unreadable");
      journal.erase(kSnsSmsRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    counts.items += opted_out.size() + sandbox.size();
    sms.restore(std::move(attributes), std::move(opted_out), std::move(sandbox));
  }
}

}  // namespace

asio::awaitable<RestoreCounts> restore_sns(model::Backend& backend, model::SubscriberFactory& subscribers, const base::Scope& scope,
                                           const std::vector<tracing::StateRow>& rows, tracing::StateJournal& journal,
                                           std::shared_ptr<spdlog::logger> log) {
  RestoreCounts counts;
  const std::string owner = scope_owner(scope);
  restore_sms(backend.sms(), owner, rows, journal, *log, counts);
  restore_platforms(backend.platforms(), owner, rows, journal, *log, counts);
  for (const auto& row : rows) {
    if (row.kind != kSnsTopicRows || row.owner != owner) continue;
    auto j = json::parse(row.value, nullptr, false);
    std::string name;
    std::map<std::string, std::string> attributes;
    model::Tags tags;
    bool readable = j.is_object();
    if (readable) try {
        name = j.at("name").get<std::string>();
        attributes = j.at("attributes").get<std::map<std::string, std::string>>();
        tags = j.at("tags").get<model::Tags>();
      } catch (const json::exception&) {
        readable = false;
      }
    if (!readable) {
      log->warn("--persist: topic {} not restored: its row is unreadable", row.key);
      journal.erase(kSnsTopicRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    // Named arguments: GCC 12 destroys temporaries made inside a co_await expression twice.
    std::map<std::string, std::string> later;  // set one by one below, but a FIFO topic is one from the start
    if (auto fifo = attributes.find("FifoTopic"); fifo != attributes.end()) later["FifoTopic"] = fifo->second;
    auto made = co_await backend.create_topic(name, later, tags);
    if (!made) {
      // The topology made it already, without these tags (only CreateTopic sets tags here).
      model::Tags no_tags;
      made = co_await backend.create_topic(name, later, no_tags);
    }
    if (!made) {
      log->warn("--persist: topic {} not restored: {}", row.key, made.error().message);
      journal.erase(kSnsTopicRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    ++counts.resources;
    if (auto dpp = j.find("data_protection_policy"); dpp != j.end() && dpp->is_string()) {
      std::string topic_arn = *made, policy = dpp->get<std::string>();
      std::function<model::Result<void>(model::Topic&)> put = [&policy](model::Topic& t) -> model::Result<void> {
        t.set_data_protection_policy(policy);
        return {};
      };
      (void)co_await backend.edit_topic(topic_arn, std::move(put));
    }
    // Tags and attributes set after creation: a topic the topology made keeps none of the stored ones otherwise.
    for (const auto& [k, v] : attributes) {
      if (k == "FifoTopic") continue;  // made so at creation, never set after
      std::string topic_arn = *made, key = k, value = v;
      (void)co_await backend.set_topic_attribute(topic_arn, key, value);
    }
    if (!j["subscriptions"].is_array()) continue;
    for (const auto& s : j["subscriptions"]) {
      model::Subscription sub;
      std::optional<std::string> policy;
      try {
        sub.arn = s.at("arn").get<std::string>();
        sub.topic_arn = *made;
        sub.protocol = s.at("protocol").get<std::string>();
        sub.endpoint = s.at("endpoint").get<std::string>();
        sub.raw_message_delivery = s.at("raw_message_delivery").get<bool>();
        sub.dead_letter_target_arn = s.at("dead_letter_target_arn").get<std::string>();
        sub.stored_attributes = s.at("stored_attributes").get<std::map<std::string, std::string>>();
        if (s.contains("filter_policy")) policy = s["filter_policy"].get<std::string>();
        sub.pending_confirmation = s.value("pending_confirmation", false);
        sub.confirmation_token = s.value("confirmation_token", std::string{});
        sub.confirmation_was_authenticated = s.value("confirmation_was_authenticated", false);
        sub.authenticate_on_unsubscribe = s.value("authenticate_on_unsubscribe", false);
      } catch (const json::exception&) {
        log->warn("--persist: a subscription of topic {} not restored: unreadable", row.key);
        ++counts.skipped;
        continue;
      }
      if (policy) {
        auto parsed = sns::protocol::parse_filter_policy(*policy, "", /*bare_values=*/true);
        if (!parsed) {
          log->warn("--persist: subscription {} not restored: {}", sub.arn, parsed.error().message);
          ++counts.skipped;
          continue;
        }
        sub.filter_policy = std::move(*parsed);
      }
      auto target = subscribers.make(sub.topic_arn, sub.protocol, sub.endpoint);
      if (!target) {
        log->warn("--persist: subscription {} not restored: {}", sub.arn, target.error().message);
        ++counts.skipped;
        continue;
      }
      sub.target = std::move(*target);
      auto added = co_await backend.restore_subscription(std::move(sub));
      if (added && *added) ++counts.items;
    }
  }
  co_return counts;
}

}  // namespace localray::emulator::persist
