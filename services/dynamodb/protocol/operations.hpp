#pragma once
// One function per DynamoDB operation: request JSON in, response JSON (or a model error) out.
// They run on the backend's strand (dispatch.cpp hops there first), so they may use the
// backend and its tables directly; none of them sees HTTP.
#include <nlohmann/json_fwd.hpp>

#include "services/dynamodb/model/backend.hpp"
#include "services/dynamodb/model/error.hpp"

namespace localray::dynamodb::protocol {

using Operation = auto (*)(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;

// table_operations.cpp
auto create_table(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;
auto describe_table(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;
auto list_tables(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;
auto delete_table(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;

// item_operations.cpp
auto put_item(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;
auto get_item(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;
auto update_item(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;
auto delete_item(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;

// read_operations.cpp
auto query(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;
auto scan(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;

// batch_operations.cpp
auto batch_get_item(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;
auto batch_write_item(const nlohmann::json& request, model::Backend& backend) -> model::Result<nlohmann::json>;

}  // namespace localray::dynamodb::protocol
