#pragma once
// TransactWriteItems and TransactGetItems over tables the caller holds at once (each table's
// items lock, taken in name order): every action is checked against its item as it stands, then
// all are written or none. Also the ClientRequestToken memory that makes a write idempotent.
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/table.hpp"
#include "tracing/clock.hpp"

namespace localray::dynamodb::model {

using WriteAction = std::variant<CheckRequest, PutRequest, DeleteRequest, UpdateRequest>;

// The key an action names (a Put's from its item): nothing when it does not fit the schema, which
// the action's own check reports later as its cancellation reason.
std::optional<PrimaryKey> action_key(const KeySchema& schema, const WriteAction& action);

// Runs actions[i] on *tables[i]. When every action's condition holds and every write can be
// made, all are made and the answer is the bytes each is billed on (the larger of the item before
// and after). Otherwise nothing changes and the error is TransactionCanceled, with a reason per
// action in order (its message names them, as DynamoDB's does), or LimitExceeded when the writes
// would take localray's item memory past its bound.
// TransactionCanceled with one reason per action; the message lists their codes, as DynamoDB's does.
Error transaction_cancelled(std::vector<CancellationReason> reasons);

auto transact_write(std::vector<WriteAction> actions, const std::vector<Table*>& tables) -> Result<std::vector<std::size_t>>;

// What a transaction read: the item of each Get (nothing when absent) and its stored size; a key
// that does not fit its table cancels the whole read with a ValidationError reason.
struct TransactRead {
  std::vector<std::optional<Item>> items;
  std::vector<std::size_t> sizes;
};
auto transact_get(const std::vector<GetRequest>& gets, const std::vector<const Table*>& tables) -> Result<TransactRead>;

// ClientRequestTokens of TransactWriteItems calls that succeeded in the last ten minutes, with
// what they asked: the same token with the same request is answered again without writing, with
// another request it is IdempotentParameterMismatch. Safe from any thread.
class IdempotencyTokens {
 public:
  static constexpr std::chrono::minutes kWindow{10};
  enum class Seen { New, Repeat };
  auto check(const std::string& token, const std::string& request, tracing::TimePoint now) -> Result<Seen>;
  void record(const std::string& token, std::string request, tracing::TimePoint now);

 private:
  struct Used {
    std::string request;
    tracing::TimePoint at;
  };
  std::mutex mutex_;
  std::map<std::string, Used, std::less<>> used_;
};

}  // namespace localray::dynamodb::model
