// DynamoDB items as the JSON 1.0 wire carries them: what decodes encodes and decodes to the same item.
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/attribute_value_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  namespace p = localray::dynamodb::protocol;
  auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  auto item = p::item_from_json(j);
  if (!item) return 0;
  auto again = p::item_from_json(p::item_to_json(*item));
  if (!again || p::item_to_json(*again) != p::item_to_json(*item)) std::abort();
  return 0;
}
