#pragma once
// SNS topics kept across restarts (--persist): each topic as one row holding its attributes, tags
// and subscriptions, written whenever one of them changes; each platform application likewise, with
// its endpoints; and the account's SMS settings, opt-outs and sandbox numbers as one row.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/scope.hpp"
#include "emulator/persist/sqs_state.hpp"
#include "services/sns/model/backend.hpp"
#include "tracing/state_journal.hpp"

namespace localray::emulator::persist {

class SnsState final : public sns::model::TopicChanges {
 public:
  SnsState(tracing::StateJournal& journal, base::Scope scope);
  void topic_changed(const sns::model::Topic& t) override;
  void topic_removed(const std::string& arn) override;

 private:
  tracing::StateJournal& journal_;
  std::string scope_owner_;
};

class PlatformState final : public sns::model::PlatformChanges {
 public:
  PlatformState(tracing::StateJournal& journal, base::Scope scope);
  void application_changed(const sns::model::PlatformApplication& app, const std::vector<sns::model::PlatformEndpoint>& endpoints) override;
  void application_removed(const std::string& arn) override;

 private:
  tracing::StateJournal& journal_;
  std::string scope_owner_;
};

class SmsState final : public sns::model::SmsChanges {
 public:
  SmsState(tracing::StateJournal& journal, base::Scope scope);
  void sms_changed(const sns::model::SmsSettings& settings) override;

 private:
  tracing::StateJournal& journal_;
  std::string scope_owner_;
};

inline constexpr const char* kSnsTopicRows = "sns.topic";
inline constexpr const char* kSnsSmsRows = "sns.sms";
inline constexpr const char* kSnsPlatformRows = "sns.platform_application";

// Puts back the SMS settings of `scope`, its platform applications with their endpoints, then its topics and their
// subscriptions, each subscription under its ARN and
// delivering through `subscribers` (so its queue or function must exist by then: restore queues
// first). A subscription the topology already made (same protocol and endpoint) stays as it is.
boost::asio::awaitable<RestoreCounts> restore_sns(sns::model::Backend& backend, sns::model::SubscriberFactory& subscribers,
                                                  const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                                                  tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log);

}  // namespace localray::emulator::persist
