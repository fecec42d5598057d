#include "services/sqs/protocol/queue_attributes.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <boost/asio/awaitable.hpp>

#include "services/sqs/model/limits.hpp"
#include "services/sqs/protocol/tree.hpp"

namespace localray::sqs::protocol {

namespace asio = boost::asio;

namespace {

using namespace std::chrono;

// Kept as given and returned by name; no behaviour here.
constexpr std::array<std::string_view, 5> kStoredAsGiven = {"Policy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
                                                            "SqsManagedSseEnabled", "RedriveAllowPolicy"};
// Reported, never set.
constexpr std::array<std::string_view, 6> kReadOnly = {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                                       "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp",
                                                       "LastModifiedTimestamp", "QueueArn"};

bool contains(const auto& list, std::string_view name) { return std::find(list.begin(), list.end(), name) != list.end(); }

model::Error bad_value(std::string_view name) {
  return {model::Code::InvalidAttributeValue, "Invalid value for the parameter " + std::string{name} + "."};
}

std::optional<long long> integer(std::string_view s) {
  long long n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return n;
}

model::Result<long long> in_range(std::string_view name, std::string_view value, long long lo, long long hi) {
  auto n = integer(value);
  if (!n || *n < lo || *n > hi) return bad_value(name);
  return *n;
}

model::Result<std::optional<model::RedrivePolicy>> parse_redrive(std::string_view text, const model::Backend& backend) {
  if (text.empty()) return std::optional<model::RedrivePolicy>{};  // "" removes the policy
  auto invalid = [&](std::string_view reason) {
    return model::Error{model::Code::InvalidAttributeValue,
                        "Value " + std::string{text} + " for parameter RedrivePolicy is invalid. Reason: " + std::string{reason}};
  };
  auto j = Tree::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return invalid("Redrive policy is not a valid JSON map.");
  auto arn = j.find("deadLetterTargetArn");
  auto count = j.find("maxReceiveCount");
  if (arn == j.end() || !arn->is_string() || count == j.end())
    return invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn, maxReceiveCount.");
  std::optional<long long> n;
  if (count->is_number_integer()) n = count->get<long long>();
  else if (count->is_string()) n = integer(count->get_ref<const std::string&>());
  if (!n || *n < 1 || *n > model::kMaxMaxReceiveCount) return invalid("Invalid value for maxReceiveCount: must be between 1 and 1000.");
  auto target = arn->get<std::string>();
  if (!target.starts_with("arn:") || !backend.find(target)) return invalid("Dead-letter target does not exist.");
  return std::optional<model::RedrivePolicy>{model::RedrivePolicy{target, static_cast<int>(*n)}};
}

std::string redrive_json(const model::RedrivePolicy& r) {
  Tree j = Tree::object();
  j["deadLetterTargetArn"] = r.dead_letter_target_arn;
  j["maxReceiveCount"] = r.max_receive_count;
  return j.dump(-1, ' ', false, Tree::error_handler_t::replace);
}

std::string epoch_seconds(tracing::TimePoint t) { return std::to_string(duration_cast<seconds>(t.time_since_epoch()).count()); }

}  // namespace

namespace {

// {"redrivePermission": "allowAll"|"denyAll"|"byQueue", "sourceQueueArns": [1 to 10 ARNs, byQueue only]}.
model::Result<void> check_redrive_allow_policy(const std::string& text) {
  auto j = Tree::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](std::string_view reason) {
    return model::Error{model::Code::InvalidParameterValue, "Value " + text + " for parameter RedriveAllowPolicy is invalid. Reason: " + std::string{reason}};
  };
  auto permission = j.is_object() ? j.find("redrivePermission") : j.end();
  if (!j.is_object() || permission == j.end() || !permission->is_string() ||
      (*permission != "allowAll" && *permission != "denyAll" && *permission != "byQueue"))
    return model::Error{model::Code::InvalidParameterValue,
                        "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it's in an unsupported format."};
  auto arns = j.find("sourceQueueArns");
  if (*permission != "byQueue") {
    if (arns != j.end())
      return bad("Amazon SQS can't create the redrive allow policy. To specify one or more source queue ARNs, you must set redrivePermission to byQueue.");
    return {};
  }
  if (arns == j.end() || !arns->is_array() || arns->empty())
    return bad("Amazon SQS can't create the redrive allow policy. When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.");
  if (arns->size() > 10) return bad("Amazon SQS can't create the redrive allow policy. The maximum number of source queue ARNs you can specify is 10.");
  for (const auto& a : *arns)
    if (!a.is_string()) return bad("Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.");
  return {};
}

// Whether a queue's RedriveAllowPolicy lets `source_arn` use it as its dead-letter queue.
bool allows_source(const std::string& allow_policy, const std::string& source_arn) {
  if (allow_policy.empty()) return true;
  auto j = Tree::parse(allow_policy, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return true;
  auto permission = j.value("redrivePermission", "allowAll");
  if (permission == "denyAll") return false;
  if (permission != "byQueue") return true;
  auto arns = j.find("sourceQueueArns");
  return arns != j.end() && arns->is_array() && std::find(arns->begin(), arns->end(), Tree(source_arn)) != arns->end();
}

}  // namespace

asio::awaitable<RedriveCheck> redrive_check(model::Backend& backend, const std::map<std::string, std::string>& attributes, std::string own_arn) {
  RedriveCheck check{std::move(own_arn), {}};
  auto policy = attributes.find("RedrivePolicy");
  if (policy == attributes.end()) co_return check;
  auto j = Tree::parse(policy->second, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("deadLetterTargetArn") || !j["deadLetterTargetArn"].is_string()) co_return check;
  auto target = backend.find(j["deadLetterTargetArn"].get<std::string>());
  if (!target) co_return check;
  auto snapshot = co_await backend.describe(*target);
  if (auto allow = snapshot.settings.other.find("RedriveAllowPolicy"); allow != snapshot.settings.other.end())
    check.target_allow_policy = allow->second;
  co_return check;
}

model::Result<model::QueueSettings> apply_queue_attributes(model::QueueSettings s, const std::map<std::string, std::string>& attributes,
                                                           const model::Backend& backend, const RedriveCheck& redrive) {
  for (const auto& [name, value] : attributes) {
    if (name == "VisibilityTimeout") {
      auto n = in_range(name, value, 0, model::kMaxVisibilityTimeout.count());
      if (!n) return n.error();
      s.visibility_timeout = seconds{*n};
    } else if (name == "DelaySeconds") {
      auto n = in_range(name, value, 0, model::kMaxDelay.count());
      if (!n) return n.error();
      s.delay = seconds{*n};
    } else if (name == "ReceiveMessageWaitTimeSeconds") {
      auto n = in_range(name, value, 0, model::kMaxWait.count());
      if (!n) return n.error();
      s.receive_wait = seconds{*n};
    } else if (name == "MessageRetentionPeriod") {
      auto n = in_range(name, value, model::kMinRetention.count(), model::kMaxRetention.count());
      if (!n) return n.error();
      s.retention = seconds{*n};
    } else if (name == "MaximumMessageSize") {
      auto n = in_range(name, value, model::kMinMessageBytes, model::kMaxMessageBytes);
      if (!n) return n.error();
      s.maximum_message_size = static_cast<std::size_t>(*n);
    } else if (name == "RedrivePolicy") {
      auto r = parse_redrive(value, backend);
      if (!r) return r.error();
      if (*r) {
        auto target = backend.find((*r)->dead_letter_target_arn);
        if (target && (*target)->queue.fifo() != s.fifo.has_value())
          return model::Error{model::Code::InvalidParameterValue,
                              "Value " + value + " for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.."};
        if (!redrive.own_arn.empty() && !allows_source(redrive.target_allow_policy, redrive.own_arn))
          return model::Error{model::Code::InvalidParameterValue,
                              "Value " + value + " for parameter RedrivePolicy is invalid. Reason: The dead-letter queue's RedriveAllowPolicy does not allow " +
                                  redrive.own_arn + " as a source queue."};
      }
      s.redrive = std::move(*r);
    } else if (name == "FifoQueue") {
      // Chosen at creation (create_settings), never changed after; a standard queue has no such attribute.
      if (!s.fifo) return model::Error{model::Code::InvalidAttributeName, "Unknown Attribute FifoQueue."};
      if (value != "true")
        return model::Error{model::Code::InvalidAttributeValue, "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."};
    } else if (name == "ContentBasedDeduplication" || name == "DeduplicationScope" || name == "FifoThroughputLimit") {
      if (!s.fifo && name == "ContentBasedDeduplication")
        return model::Error{model::Code::InvalidAttributeName, "Unknown Attribute ContentBasedDeduplication."};
      if (!s.fifo)
        return model::Error{model::Code::InvalidAttributeName, "You can specify the " + name + " only when FifoQueue is set to true."};
      if (name == "ContentBasedDeduplication") {
        if (value != "true" && value != "false") return bad_value(name);
        s.fifo->content_based_deduplication = value == "true";
      } else if (name == "DeduplicationScope") {
        if (value != "messageGroup" && value != "queue") return bad_value(name);
        s.fifo->deduplication_scope = value == "queue" ? model::DeduplicationScope::Queue : model::DeduplicationScope::MessageGroup;
      } else {
        if (value != "perQueue" && value != "perMessageGroupId") return bad_value(name);
        s.fifo->throughput_limit = value == "perQueue" ? model::ThroughputLimit::PerQueue : model::ThroughputLimit::PerMessageGroupId;
      }
    } else if (name == "RedriveAllowPolicy") {
      if (value.empty()) {
        s.other.erase(name);
        continue;
      }
      if (auto v = check_redrive_allow_policy(value); !v) return v.error();
      s.other[name] = value;
    } else if (contains(kStoredAsGiven, name)) {
      s.other[name] = value;
    } else {
      return model::Error{model::Code::InvalidAttributeName, "Unknown Attribute " + name + "."};
    }
  }
  return s;
}

model::Result<model::QueueSettings> create_settings(std::string_view name, std::map<std::string, std::string> attributes,
                                                    const model::Backend& backend, const RedriveCheck& redrive) {
  model::QueueSettings s;
  // FifoQueue=false is no attribute of a standard queue: apply_queue_attributes refuses it.
  if (auto f = attributes.find("FifoQueue"); f != attributes.end() && f->second == "true") s.fifo = model::FifoSettings{};
  if (auto v = model::validate_queue_name(name, s.fifo.has_value()); !v) return v.error();
  return apply_queue_attributes(std::move(s), attributes, backend, redrive);
}

model::Result<std::vector<std::pair<std::string, std::string>>> queue_attributes(const model::QueueSnapshot& q,
                                                                                 const std::vector<std::string>& names) {
  for (const auto& n : names) {
    bool known = n == "All" || n == "VisibilityTimeout" || n == "DelaySeconds" || n == "ReceiveMessageWaitTimeSeconds" ||
                 n == "MessageRetentionPeriod" || n == "MaximumMessageSize" || n == "RedrivePolicy" || n == "FifoQueue" ||
                 n == "ContentBasedDeduplication" || n == "DeduplicationScope" || n == "FifoThroughputLimit" ||
                 contains(kStoredAsGiven, n) || contains(kReadOnly, n);
    if (!known) return model::Error{model::Code::InvalidAttributeName, "Unknown Attribute " + n + "."};
  }
  auto wanted = [&](std::string_view n) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& x) { return x == "All" || x == n; });
  };
  std::vector<std::pair<std::string, std::string>> out;
  auto put = [&](std::string_view name, std::string value) {
    if (wanted(name)) out.emplace_back(std::string{name}, std::move(value));
  };
  const auto& s = q.settings;
  put("QueueArn", q.arn);
  put("ApproximateNumberOfMessages", std::to_string(q.visible));
  put("ApproximateNumberOfMessagesNotVisible", std::to_string(q.in_flight));
  put("ApproximateNumberOfMessagesDelayed", std::to_string(q.delayed));
  put("CreatedTimestamp", epoch_seconds(q.created_at));
  put("LastModifiedTimestamp", epoch_seconds(q.last_modified_at));
  put("VisibilityTimeout", std::to_string(s.visibility_timeout.count()));
  put("MaximumMessageSize", std::to_string(s.maximum_message_size));
  put("MessageRetentionPeriod", std::to_string(s.retention.count()));
  put("DelaySeconds", std::to_string(s.delay.count()));
  put("ReceiveMessageWaitTimeSeconds", std::to_string(s.receive_wait.count()));
  if (s.redrive) put("RedrivePolicy", redrive_json(*s.redrive));
  if (s.fifo) {
    put("FifoQueue", "true");
    put("ContentBasedDeduplication", s.fifo->content_based_deduplication ? "true" : "false");
    put("DeduplicationScope", s.fifo->deduplication_scope == model::DeduplicationScope::Queue ? "queue" : "messageGroup");
    put("FifoThroughputLimit", s.fifo->throughput_limit == model::ThroughputLimit::PerQueue ? "perQueue" : "perMessageGroupId");
  }
  for (const auto& [name, value] : s.other) put(name, value);
  // SQS encrypts every new queue with its own keys unless told otherwise.
  if (!s.other.contains("SqsManagedSseEnabled") && !s.other.contains("KmsMasterKeyId")) put("SqsManagedSseEnabled", "true");
  return out;
}

}  // namespace localray::sqs::protocol
