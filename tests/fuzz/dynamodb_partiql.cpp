// DynamoDB PartiQL statements: the input is the statement; two string parameters are offered, so
// that statements with up to two `?` get past the parameter count into the rest of the parser.
#include <string_view>
#include <vector>

#include "services/dynamodb/model/partiql/statement.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  namespace m = localray::dynamodb::model;
  static const std::vector<m::AttributeValue> parameters{m::AttributeValue{"p"}, m::AttributeValue{"q"}};
  (void)m::partiql::parse_statement(std::string_view{reinterpret_cast<const char*>(data), size}, parameters);
  return 0;
}
