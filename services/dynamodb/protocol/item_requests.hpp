#pragma once
// The model's request of each single-item call, read from its JSON: a PutItem call's or a
// transaction's Put, Update, Delete or Get, which take the same members.
#include <nlohmann/json_fwd.hpp>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/table.hpp"

namespace localray::dynamodb::protocol {

auto put_request(const nlohmann::json& request) -> model::Result<model::PutRequest>;
auto update_request(const nlohmann::json& request) -> model::Result<model::UpdateRequest>;
auto delete_request(const nlohmann::json& request) -> model::Result<model::DeleteRequest>;
auto get_request(const nlohmann::json& request) -> model::Result<model::GetRequest>;

}  // namespace localray::dynamodb::protocol
