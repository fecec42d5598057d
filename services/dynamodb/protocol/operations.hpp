#pragma once
// One function per DynamoDB operation: request JSON in, response JSON (or a model error) out;
// none of them sees HTTP. A single-table operation runs on the strand of the table its TableName
// names (dispatch.cpp hops there first) and reaches that table through its scope; the batch
// operations span tables, so they are coroutines that visit each table's strand in turn.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "services/dynamodb/model/backend.hpp"
#include "services/dynamodb/model/error.hpp"

namespace localray::dynamodb::protocol {

using Operation = auto (*)(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
using BatchOperation = auto (*)(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;

// table_operations.cpp
auto create_table(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto describe_table(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto list_tables(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto delete_table(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto update_table(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto update_time_to_live(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto describe_time_to_live(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;

// item_operations.cpp
auto put_item(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto get_item(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto update_item(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto delete_item(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;

// read_operations.cpp
auto query(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
auto scan(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;

// tag_operations.cpp: tagging names its table by ARN, so these visit the table's strand themselves.
auto tag_resource(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;
auto untag_resource(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;
auto list_tags_of_resource(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;
auto describe_limits(const nlohmann::json& request, model::TableScope& backend) -> model::Result<nlohmann::json>;
// A list of {Key, Value} under `name` (CreateTable's and TagResource's Tags), checked as DynamoDB
// checks it; `member` is how its messages name it ("tags"). Nothing when absent.
auto tag_list(const nlohmann::json& request, std::string_view name, std::string_view member)
    -> model::Result<std::optional<std::vector<model::Tag>>>;

// batch_operations.cpp
auto batch_get_item(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;
auto batch_write_item(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;

// transaction_operations.cpp: all or nothing over the tables named, held together.
auto transact_write_items(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;
auto transact_get_items(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;

// partiql_operations.cpp: the statement names its table, so these find and visit it themselves.
auto execute_statement(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;
auto batch_execute_statement(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;
auto execute_transaction(const nlohmann::json& request, model::Backend& backend) -> boost::asio::awaitable<model::Result<nlohmann::json>>;

}  // namespace localray::dynamodb::protocol
