#include "services/dynamodb/protocol/capacity.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/request_json.hpp"

namespace localray::dynamodb::protocol {
namespace {

constexpr std::size_t kReadUnitBytes = 4 * 1024;   // one read capacity unit
constexpr std::size_t kWriteUnitBytes = 1 * 1024;  // one write capacity unit

double units_of(std::size_t bytes, std::size_t unit) {
  std::size_t whole = (bytes + unit - 1) / unit;
  return static_cast<double>(std::max<std::size_t>(whole, 1));
}

}  // namespace

auto capacity_mode(const nlohmann::json& request) -> model::Result<CapacityMode> {
  auto value = enum_member(request, "ReturnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
  if (!value) return value.error();
  if (!*value || **value == "NONE") return CapacityMode::None;
  return **value == "TOTAL" ? CapacityMode::Total : CapacityMode::Indexes;
}

double read_units(std::size_t bytes, bool consistent) {
  double units = units_of(bytes, kReadUnitBytes);
  return consistent ? units : units / 2;
}

double write_units(std::size_t bytes) { return units_of(bytes, kWriteUnitBytes); }

nlohmann::json consumed_capacity(const CapacityTarget& target, double units, CapacityMode mode) {
  nlohmann::json out{{"TableName", target.table}, {"CapacityUnits", units}};
  if (mode != CapacityMode::Indexes) return out;
  nlohmann::json share{{"CapacityUnits", units}};
  if (target.index.empty()) {
    out["Table"] = std::move(share);
  } else {
    out[target.global_index ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes"] = {{target.index, std::move(share)}};
  }
  return out;
}

std::size_t stored_item_size(const model::Table& table, const model::Item& key) {
  auto item = table.get_item(model::GetRequest{key, std::nullopt});
  return item && *item ? model::item_size(**item) : 0;
}

}  // namespace localray::dynamodb::protocol
