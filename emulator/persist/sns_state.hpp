#pragma once
// SNS topics kept across restarts (--persist): each topic as one row holding its attributes, tags
// and subscriptions, written whenever one of them changes.
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

inline constexpr const char* kSnsTopicRows = "sns.topic";

// Puts back the topics of `scope` and their subscriptions, each subscription under its ARN and
// delivering through `subscribers` (so its queue or function must exist by then: restore queues
// first). A subscription the topology already made (same protocol and endpoint) stays as it is.
boost::asio::awaitable<RestoreCounts> restore_sns(sns::model::Backend& backend, sns::model::SubscriberFactory& subscribers,
                                                  const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                                                  tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log);

}  // namespace localray::emulator::persist
