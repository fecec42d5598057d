#include "services/sns/protocol/topic_policy.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

namespace localray::sns::protocol {

using model::Code;
using model::Error;
using nlohmann::ordered_json;

namespace {

// The actions a topic policy may name (and the default statement grants, but for Receive).
constexpr std::array<std::string_view, 9> kPolicyActions = {"GetTopicAttributes", "SetTopicAttributes",       "AddPermission",
                                                           "RemovePermission",   "DeleteTopic",              "Subscribe",
                                                           "ListSubscriptionsByTopic", "Publish", "Receive"};

ordered_json one_or_many(const std::vector<std::string>& values) {
  if (values.size() == 1) return values.front();
  return ordered_json(values);
}

// The policy as stored, or the default; a stored policy that is not a JSON object starts afresh.
ordered_json current_policy(const std::string& current, const std::string& topic_arn, const std::string& owner) {
  auto doc = ordered_json::parse(current.empty() ? default_topic_policy(topic_arn, owner) : current, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) doc = ordered_json::parse(default_topic_policy(topic_arn, owner));
  if (!doc.contains("Statement") || !doc["Statement"].is_array()) doc["Statement"] = ordered_json::array();
  return doc;
}

}  // namespace

std::string default_topic_policy(const std::string& topic_arn, const std::string& owner) {
  ordered_json statement = {
      {"Sid", "__default_statement_ID"},
      {"Effect", "Allow"},
      {"Principal", {{"AWS", "*"}}},
      {"Action",
       {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic",
        "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"}},
      {"Resource", topic_arn},
      {"Condition", {{"StringEquals", {{"AWS:SourceOwner", owner}}}}}};
  return ordered_json{{"Version", "2008-10-17"}, {"Id", "__default_policy_ID"}, {"Statement", ordered_json::array({statement})}}.dump();
}

model::Result<std::string> policy_with_permission(const std::string& current, const std::string& topic_arn, const std::string& owner,
                                                  const std::string& label, const std::vector<std::string>& accounts,
                                                  const std::vector<std::string>& actions) {
  auto doc = current_policy(current, topic_arn, owner);
  for (const auto& s : doc["Statement"])
    if (s.is_object() && s.value("Sid", std::string{}) == label) return Error{Code::InvalidParameter, "Invalid parameter: Statement already exists"};
  std::vector<std::string> principals, granted;
  for (const auto& action : actions) {
    // SNS keeps the caller's spelling after its prefix; the check ignores case, as IAM does.
    bool known = std::any_of(kPolicyActions.begin(), kPolicyActions.end(), [&](std::string_view a) {
      return a.size() == action.size() && std::equal(a.begin(), a.end(), action.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
             });
    });
    if (!known) return Error{Code::InvalidParameter, "Invalid parameter: Policy statement action out of service scope!"};
    granted.push_back("SNS:" + action);
  }
  for (const auto& account : accounts) principals.push_back("arn:aws:iam::" + account + ":root");
  doc["Statement"].push_back(ordered_json{{"Sid", label},
                                          {"Effect", "Allow"},
                                          {"Principal", {{"AWS", one_or_many(principals)}}},
                                          {"Action", one_or_many(granted)},
                                          {"Resource", topic_arn}});
  return doc.dump();
}

std::string policy_without_permission(const std::string& current, const std::string& topic_arn, const std::string& owner,
                                      const std::string& label) {
  auto doc = current_policy(current, topic_arn, owner);
  auto& statements = doc["Statement"];
  ordered_json kept = ordered_json::array();
  for (auto& s : statements)
    if (!s.is_object() || s.value("Sid", std::string{}) != label) kept.push_back(std::move(s));
  statements = std::move(kept);
  return doc.dump();
}

}  // namespace localray::sns::protocol
