#pragma once
// Two operations spelled out for callers that are not the wire: the tables a topology declares,
// and the counter the pattern's `dynamo` function keeps.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "services/dynamodb/model/backend.hpp"

namespace localray::dynamodb::model {

// A table with a hash key and an optional range key ("S", "N" or "B"), billed on demand: what a
// topology declares.
TableDefinition simple_table(const std::string& name, const std::string& hash_name, const std::string& hash_type,
                             const std::string& range_name, const std::string& range_type);

// UpdateItem `ADD <counter> :incr` keyed by a string hash key; the counter's new value.
boost::asio::awaitable<Result<std::string>> add_to_counter(Backend& backend, std::string table, std::string key_name, std::string key_value,
                                                           std::string counter, long long increment);

}  // namespace localray::dynamodb::model
