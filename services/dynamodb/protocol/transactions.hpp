#pragma once
// The two kinds of transaction once their actions are read, shared by TransactWriteItems and
// TransactGetItems and by PartiQL's ExecuteTransaction: the tables are found, the targets checked
// (the same item twice is refused), then all tables are held while the model runs the actions.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "services/dynamodb/model/backend.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/transaction.hpp"
#include "services/dynamodb/protocol/capacity.hpp"

namespace localray::dynamodb::protocol {

// actions[i] on table names[i]. With a token, `fingerprint` is the request it stands for: the same
// again within the window is answered without writing. The answer: {} with ConsumedCapacity when asked.
auto run_write_transaction(const std::vector<std::string>& names, std::vector<model::WriteAction> actions,
                           const std::optional<std::string>& token, const std::string& fingerprint, CapacityMode mode,
                           model::Backend& backend) -> model::Result<nlohmann::json>;

// gets[i] on table names[i]; the answer: {"Responses": [{"Item": ...} or {}, ...]}.
auto run_read_transaction(const std::vector<std::string>& names, const std::vector<model::GetRequest>& gets, CapacityMode mode,
                          model::Backend& backend) -> model::Result<nlohmann::json>;

}  // namespace localray::dynamodb::protocol
