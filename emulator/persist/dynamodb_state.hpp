#pragma once
// DynamoDB tables and their items kept across restarts (--persist): each table's definition, TableId
// and creation time as one row, each item as one row under its table, written as they change.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/scope.hpp"
#include "emulator/persist/sqs_state.hpp"
#include "services/dynamodb/model/backend.hpp"
#include "tracing/state_journal.hpp"

namespace localray::emulator::persist {

class DynamoDbState final : public dynamodb::model::TableChanges {
 public:
  DynamoDbState(tracing::StateJournal& journal, base::Scope scope);
  void table_changed(const dynamodb::model::Table& t, const std::string& id) override;
  void table_removed(const dynamodb::model::Table& t) override;
  void item_stored(const dynamodb::model::Table& t, const dynamodb::model::Item& item) override;
  void item_removed(const dynamodb::model::Table& t, const dynamodb::model::PrimaryKey& key) override;

 private:
  tracing::StateJournal& journal_;
  std::string scope_owner_;
};

inline constexpr const char* kDynamoDbTableRows = "dynamodb.table";
inline constexpr const char* kDynamoDbItemRows = "dynamodb.item";

// Puts back the tables and items of `scope`. A table the topology already made keeps its
// definition and takes the stored items when its key schema is the same; otherwise they are
// dropped (and logged).
boost::asio::awaitable<RestoreCounts> restore_dynamodb(dynamodb::model::Backend& backend, const base::Scope& scope,
                                                       const std::vector<tracing::StateRow>& rows, tracing::StateJournal& journal,
                                                       std::shared_ptr<spdlog::logger> log);

}  // namespace localray::emulator::persist
