#include "services/sqs/protocol/queue_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "services/sqs/protocol/tree.hpp"

namespace localray::sqs::protocol {
namespace {

// The actions a permission may grant (batch actions are covered by their single forms).
constexpr std::array<std::string_view, 9> kGrantable = {"*",          "ChangeMessageVisibility", "DeleteMessage",
                                                        "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues",
                                                        "PurgeQueue", "ReceiveMessage",  "SendMessage"};
constexpr std::size_t kMaxActions = 7;  // SQS: actions per statement

model::Error bad_label(const std::string& label, std::string_view reason) {
  return {model::Code::InvalidParameterValue, "Value " + label + " for parameter Label is invalid. Reason: " + std::string{reason}};
}

Tree one_or_many(const std::vector<std::string>& values) {
  if (values.size() == 1) return values.front();
  return Tree(values);
}

Tree parsed_policy(const std::string& current) {
  if (current.empty()) return Tree{};
  auto j = Tree::parse(current, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Tree{};
}

bool has_statement(const Tree& policy, const std::string& sid) {
  auto st = policy.find("Statement");
  if (st == policy.end() || !st->is_array()) return false;
  return std::any_of(st->begin(), st->end(), [&](const Tree& s) { return s.is_object() && s.value("Sid", "") == sid; });
}

std::string policy_text(const Tree& j) { return j.dump(-1, ' ', false, Tree::error_handler_t::replace); }

}  // namespace

model::Result<std::string> policy_with_permission(const std::string& current, const std::string& queue_arn, const std::string& label,
                                          const std::vector<std::string>& account_ids, const std::vector<std::string>& actions) {
  bool label_ok = !label.empty() && label.size() <= 80 &&
                  std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
  if (!label_ok) return bad_label(label, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  if (account_ids.empty()) return model::Error{model::Code::MissingParameter, "The request must contain the parameter AWSAccountIds."};
  if (actions.empty()) return model::Error{model::Code::MissingParameter, "The request must contain the parameter Actions."};
  if (actions.size() > kMaxActions)
    return model::Error{model::Code::OverLimit, std::to_string(actions.size()) + " Actions were found, maximum allowed is 7."};
  std::vector<std::string> granted, principals;
  for (const auto& a : actions) {
    if (std::find(kGrantable.begin(), kGrantable.end(), a) == kGrantable.end())
      return model::Error{model::Code::InvalidParameterValue,
                          "Value SQS:" + a + " for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions."};
    granted.push_back("SQS:" + a);
  }
  for (const auto& id : account_ids) {
    bool account = id.size() == 12 && std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!account) return model::Error{model::Code::InvalidParameterValue, "Value [" + id + "] for parameter PrincipalId is invalid. Reason: Unable to verify principal."};
    principals.push_back("arn:aws:iam::" + id + ":root");
  }
  Tree policy = parsed_policy(current);
  if (policy.is_null()) policy = Tree{{"Version", "2008-10-17"}, {"Id", queue_arn + "/SQSDefaultPolicy"}, {"Statement", Tree::array()}};
  if (has_statement(policy, label)) return bad_label(label, "Already exists.");
  if (!policy.contains("Statement") || !policy["Statement"].is_array()) policy["Statement"] = Tree::array();
  Tree principal = Tree::object();
  principal["AWS"] = one_or_many(principals);
  Tree statement = Tree::object();
  statement["Sid"] = label;
  statement["Effect"] = "Allow";
  statement["Principal"] = std::move(principal);
  statement["Action"] = one_or_many(granted);
  statement["Resource"] = queue_arn;
  policy["Statement"].push_back(std::move(statement));
  return policy_text(policy);
}

model::Result<std::optional<std::string>> policy_without_permission(const std::string& current, const std::string& label) {
  Tree policy = parsed_policy(current);
  if (policy.is_null() || !has_statement(policy, label)) return bad_label(label, "can't find label.");
  auto& statements = policy["Statement"];
  Tree kept = Tree::array();
  for (auto& s : statements)
    if (!(s.is_object() && s.value("Sid", "") == label)) kept.push_back(std::move(s));
  if (kept.empty()) return std::optional<std::string>{};
  statements = std::move(kept);
  return std::optional<std::string>{policy_text(policy)};
}

}  // namespace localray::sqs::protocol
