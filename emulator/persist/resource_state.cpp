#include "emulator/persist/resource_state.hpp"

#include <set>

#include <spdlog/spdlog.h>

#include "emulator/persist/dynamodb_state.hpp"
#include "emulator/persist/lambda_state.hpp"
#include "emulator/persist/sns_state.hpp"
#include "emulator/wiring.hpp"

namespace localray::emulator::persist {

tracing::Result<void> open_state(Services& s, const Options& options, std::shared_ptr<spdlog::logger> log) {
  if (options.db == ":memory:")
    return tracing::Error{"--persist keeps queues, tables and topics in a file beside the --db file; with --db :memory: there is none"};
  auto journal = tracing::StateJournal::open(tracing::state_path_for(options.db), kCommitInterval, log);
  if (!journal) return journal.error();
  s.persisted = (*journal)->take_loaded();
  s.journal = std::move(*journal);
  return {};
}

void record_changes(Region& region, tracing::StateJournal& journal) {
  region.sqs->set_changes(std::make_shared<SqsState>(journal, region.scope));
  region.dynamodb->set_changes(std::make_shared<DynamoDbState>(journal, region.scope));
  region.sns->set_changes(std::make_shared<SnsState>(journal, region.scope));
  region.sns->platforms().set_changes(std::make_shared<PlatformState>(journal, region.scope));
  region.sns->sms().set_changes(std::make_shared<SmsState>(journal, region.scope));
  region.lambda->set_changes(std::make_shared<LambdaState>(journal, region.scope));
  region.mappings->set_changes(std::make_shared<MappingState>(journal, region.scope));
}

boost::asio::awaitable<RestoreCounts> restore_resources(Services& s, std::shared_ptr<spdlog::logger> log) {
  RestoreCounts total;
  if (!s.journal) co_return total;
  const auto rows = std::move(s.persisted);
  std::set<base::Scope> scopes;
  for (const auto& row : rows)
    if (auto scope = scope_of_owner(row.owner); !scope.account.empty() && !scope.region.empty()) scopes.insert(scope);
  auto add = [&total](const RestoreCounts& c) {
    total.resources += c.resources;
    total.items += c.items;
    total.skipped += c.skipped;
  };
  for (const auto& scope : scopes) add(co_await restore_sqs(*s.regions.at(scope).sqs, scope, rows, *s.journal, log));
  for (const auto& scope : scopes) add(co_await restore_dynamodb(*s.regions.at(scope).dynamodb, scope, rows, *s.journal, log));
  // Functions before the subscriptions that deliver to them.
  for (const auto& scope : scopes) add(restore_lambda(*s.regions.at(scope).lambda, scope, rows, *s.journal, log));
  for (const auto& scope : scopes) add(restore_mappings(*s.regions.at(scope).mappings, scope, rows, *s.journal, log));
  for (const auto& scope : scopes)
    add(co_await restore_sns(*s.regions.at(scope).sns, *s.subscriber_factory, scope, rows, *s.journal, log));
  // Destinations name queues, topics and functions.
  for (const auto& scope : scopes) add(restore_event_invoke_configs(*s.regions.at(scope).lambda, scope, rows, *s.journal, log));
  co_return total;
}

}  // namespace localray::emulator::persist
