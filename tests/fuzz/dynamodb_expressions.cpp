// DynamoDB expression syntax: the first byte picks update, condition, filter, key condition or
// projection; the rest is the expression.
#include <string_view>

#include "services/dynamodb/model/expression/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  namespace e = localray::dynamodb::model::expression;
  if (size == 0) return 0;
  std::string_view text{reinterpret_cast<const char*>(data) + 1, size - 1};
  switch (data[0] % 5) {
    case 0: (void)e::parse_update_syntax(text); break;
    case 1: (void)e::parse_condition_syntax(text, e::Kind::Condition); break;
    case 2: (void)e::parse_condition_syntax(text, e::Kind::Filter); break;
    case 3: (void)e::parse_condition_syntax(text, e::Kind::KeyCondition); break;
    default: (void)e::parse_projection_syntax(text); break;
  }
  return 0;
}
