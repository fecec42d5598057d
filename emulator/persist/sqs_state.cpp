#include "emulator/persist/sqs_state.hpp"

#include <cstdio>
#include <map>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "base/base64.hpp"

namespace localray::emulator::persist {

namespace asio = boost::asio;
using nlohmann::json;

std::string scope_owner(const base::Scope& scope) { return scope.account + "/" + scope.region; }

base::Scope scope_of_owner(const std::string& owner) {
  auto a = owner.find('/');
  if (a == std::string::npos) return {};
  auto r = owner.find('/', a + 1);
  return {owner.substr(0, a), owner.substr(a + 1, r == std::string::npos ? std::string::npos : r - a - 1)};
}

namespace {

std::int64_t ns(tracing::TimePoint t) { return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(); }
tracing::TimePoint time_of(std::int64_t n) {
  return tracing::TimePoint{std::chrono::duration_cast<tracing::TimePoint::duration>(std::chrono::nanoseconds{n})};
}

// Messages sort by their key as they sorted by sequence.
std::string seq_key(std::uint64_t seq) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(seq));
  return buf;
}

std::string messages_owner(const std::string& scope_owner, const sqs::model::Queue& q) {
  return scope_owner + "/" + q.name() + "/" + std::to_string(ns(q.created_at()));
}

json settings_json(const sqs::model::QueueSettings& s) {
  json j{{"visibility_timeout", s.visibility_timeout.count()},
         {"delay", s.delay.count()},
         {"retention", s.retention.count()},
         {"receive_wait", s.receive_wait.count()},
         {"maximum_message_size", s.maximum_message_size},
         {"other", s.other},
         {"tags", s.tags}};
  if (s.redrive) j["redrive"] = {{"target", s.redrive->dead_letter_target_arn}, {"max_receive_count", s.redrive->max_receive_count}};
  if (s.fifo)
    j["fifo"] = {{"content_based_deduplication", s.fifo->content_based_deduplication},
                 {"per_group_deduplication", s.fifo->deduplication_scope == sqs::model::DeduplicationScope::MessageGroup},
                 {"per_group_throughput", s.fifo->throughput_limit == sqs::model::ThroughputLimit::PerMessageGroupId}};
  return j;
}

sqs::model::QueueSettings settings_of(const json& j) {
  sqs::model::QueueSettings s;
  s.visibility_timeout = std::chrono::seconds{j.at("visibility_timeout").get<long long>()};
  s.delay = std::chrono::seconds{j.at("delay").get<long long>()};
  s.retention = std::chrono::seconds{j.at("retention").get<long long>()};
  s.receive_wait = std::chrono::seconds{j.at("receive_wait").get<long long>()};
  s.maximum_message_size = j.at("maximum_message_size").get<std::size_t>();
  s.other = j.at("other").get<std::map<std::string, std::string>>();
  if (j.contains("tags")) s.tags = j["tags"].get<std::map<std::string, std::string>>();
  if (j.contains("redrive"))
    s.redrive = sqs::model::RedrivePolicy{j["redrive"].at("target").get<std::string>(), j["redrive"].at("max_receive_count").get<int>()};
  if (j.contains("fifo")) {
    const auto& f = j["fifo"];
    s.fifo = sqs::model::FifoSettings{
        f.at("content_based_deduplication").get<bool>(),
        f.at("per_group_deduplication").get<bool>() ? sqs::model::DeduplicationScope::MessageGroup : sqs::model::DeduplicationScope::Queue,
        f.at("per_group_throughput").get<bool>() ? sqs::model::ThroughputLimit::PerMessageGroupId : sqs::model::ThroughputLimit::PerQueue};
  }
  return s;
}

bool binary(const std::string& data_type) { return data_type.starts_with("Binary"); }

std::string message_text(const sqs::model::Message& m) {
  json attributes = json::object();
  for (const auto& [name, a] : m.attributes)
    attributes[name] = {{"type", a.data_type}, {"value", binary(a.data_type) ? base::base64_encode(a.value) : a.value}};
  json j{{"id", m.id},
         {"body", m.body},
         {"attributes", std::move(attributes)},
         {"md5_of_body", m.md5_of_body},
         {"md5_of_attributes", m.md5_of_attributes},
         {"trace_header", m.trace_header},
         {"sender_id", m.sender_id},
         {"sent_at", ns(m.sent_at)},
         {"visible_at", ns(m.visible_at)},
         {"receive_count", m.receive_count},
         {"receipt_handle", m.receipt_handle}};
  if (m.first_received_at) j["first_received_at"] = ns(*m.first_received_at);
  if (!m.group_id.empty() || !m.sequence_number.empty())
    j["fifo"] = {{"group_id", m.group_id}, {"deduplication_id", m.deduplication_id}, {"sequence_number", m.sequence_number}};
  if (!m.dead_letter_source_arn.empty()) j["dead_letter_source_arn"] = m.dead_letter_source_arn;
  return j.dump();
}

std::optional<sqs::model::Message> message_of(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    sqs::model::Message m;
    m.id = j.at("id").get<std::string>();
    m.body = j.at("body").get<std::string>();
    for (const auto& [name, a] : j.at("attributes").items()) {
      sqs::model::MessageAttribute attribute{a.at("type").get<std::string>(), a.at("value").get<std::string>()};
      if (binary(attribute.data_type)) {
        auto bytes = base::base64_decode(attribute.value);
        if (!bytes) return std::nullopt;
        attribute.value = std::move(*bytes);
      }
      m.attributes.emplace(name, std::move(attribute));
    }
    m.md5_of_body = j.at("md5_of_body").get<std::string>();
    m.md5_of_attributes = j.at("md5_of_attributes").get<std::string>();
    m.trace_header = j.at("trace_header").get<std::string>();
    m.sender_id = j.at("sender_id").get<std::string>();
    m.sent_at = time_of(j.at("sent_at").get<std::int64_t>());
    m.visible_at = time_of(j.at("visible_at").get<std::int64_t>());
    if (j.contains("first_received_at")) m.first_received_at = time_of(j["first_received_at"].get<std::int64_t>());
    m.receive_count = j.at("receive_count").get<int>();
    m.receipt_handle = j.at("receipt_handle").get<std::string>();
    if (j.contains("fifo")) {
      m.group_id = j["fifo"].at("group_id").get<std::string>();
      m.deduplication_id = j["fifo"].at("deduplication_id").get<std::string>();
      m.sequence_number = j["fifo"].at("sequence_number").get<std::string>();
    }
    if (j.contains("dead_letter_source_arn")) m.dead_letter_source_arn = j["dead_letter_source_arn"].get<std::string>();
    return m;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

SqsState::SqsState(tracing::StateJournal& journal, base::Scope scope) : journal_{journal}, scope_owner_{scope_owner(scope)} {}

void SqsState::queue_changed(const sqs::model::Queue& q) {
  json j{{"settings", settings_json(q.settings())}, {"created_at", ns(q.created_at())}, {"last_modified_at", ns(q.last_modified_at())}};
  journal_.put(kSqsQueueRows, scope_owner_, q.name(), j.dump());
}

void SqsState::queue_removed(const sqs::model::Queue& q) {
  journal_.erase(kSqsQueueRows, scope_owner_, q.name());
  journal_.erase_owner(kSqsMessageRows, messages_owner(scope_owner_, q));
}

void SqsState::message_changed(const sqs::model::Queue& q, std::uint64_t seq, const sqs::model::Message& m) {
  journal_.put(kSqsMessageRows, messages_owner(scope_owner_, q), seq_key(seq), message_text(m));
}

void SqsState::message_removed(const sqs::model::Queue& q, std::uint64_t seq) {
  journal_.erase(kSqsMessageRows, messages_owner(scope_owner_, q), seq_key(seq));
}

void SqsState::messages_cleared(const sqs::model::Queue& q) { journal_.erase_owner(kSqsMessageRows, messages_owner(scope_owner_, q)); }

asio::awaitable<RestoreCounts> restore_sqs(sqs::model::Backend& backend, const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                                           tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log) {
  RestoreCounts counts;
  const std::string owner = scope_owner(scope);
  // Each queue's message rows, by the owner they are filed under.
  std::map<std::string, std::vector<const tracing::StateRow*>> messages;
  for (const auto& row : rows)
    if (row.kind == kSqsMessageRows && row.owner.starts_with(owner + "/")) messages[row.owner].push_back(&row);
  for (const auto& row : rows) {
    if (row.kind != kSqsQueueRows || row.owner != owner) continue;
    auto j = json::parse(row.value, nullptr, false);
    std::optional<sqs::model::QueueSettings> settings;
    tracing::TimePoint created, modified;
    if (j.is_object()) try {
        settings = settings_of(j.at("settings"));
        created = time_of(j.at("created_at").get<std::int64_t>());
        modified = time_of(j.at("last_modified_at").get<std::int64_t>());
      } catch (const json::exception&) {
      }
    auto made = settings ? backend.create_queue(row.key, *settings) : sqs::model::Result<std::shared_ptr<sqs::model::QueueHandle>>{
                                                                           sqs::model::Error{sqs::model::Code::InvalidParameterValue, "unreadable"}};
    if (!made) {
      log->warn("--persist: queue {} in {} not restored: {}", row.key, owner, made.error().message);
      journal.erase(kSqsQueueRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    auto q = *made;
    co_await asio::dispatch(asio::bind_executor(q->strand, asio::use_awaitable));
    auto* changes = backend.changes().get();
    q->queue.set_changes(nullptr);
    q->queue.set_settings(*settings);
    q->queue.restore_times(created, modified);
    const std::string filed_under = messages_owner(owner, q->queue);
    if (auto it = messages.find(filed_under); it != messages.end()) {
      for (const auto* m : it->second) {
        char* end = nullptr;
        auto seq = std::strtoull(m->key.c_str(), &end, 16);
        auto message = message_of(m->value);
        if (!message || end == m->key.c_str() || *end != '\0') {
          log->warn("--persist: a message of queue {} in {} not restored: its row is unreadable", row.key, owner);
          journal.erase(kSqsMessageRows, m->owner, m->key);
          ++counts.skipped;
          continue;
        }
        q->queue.restore(seq, std::move(*message));
        ++counts.items;
      }
      messages.erase(it);
    }
    q->queue.set_changes(changes);
    if (changes) changes->queue_changed(q->queue);
    // Long polls already waiting (the topology's event source mappings start before this) wake
    // to the messages put back, as they would to a send.
    for (auto* waiter : q->waiters) waiter->cancel();
    ++counts.resources;
  }
  // Messages of queues deleted (or created again) before the rows caught up.
  for (const auto& [stale, list] : messages) {
    journal.erase_owner(kSqsMessageRows, stale);
    counts.skipped += list.size();
  }
  co_return counts;
}

}  // namespace localray::emulator::persist
