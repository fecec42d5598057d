#include "services/dynamodb/model/shortcuts.hpp"

#include "services/dynamodb/model/expression/expressions.hpp"

namespace localray::dynamodb::model {

namespace {

Type key_type(const std::string& t) {
  if (t == "N") return Type::Number;
  if (t == "B") return Type::Binary;
  return Type::String;
}

}  // namespace

TableDefinition simple_table(const std::string& name, const std::string& hash_name, const std::string& hash_type,
                             const std::string& range_name, const std::string& range_type) {
  TableDefinition def;
  def.name = name;
  def.key.hash = KeyElement{hash_name, key_type(hash_type)};
  def.attribute_definitions.push_back({hash_name, key_type(hash_type)});
  if (!range_name.empty()) {
    def.key.range = KeyElement{range_name, key_type(range_type)};
    def.attribute_definitions.push_back({range_name, key_type(range_type)});
  }
  return def;
}

boost::asio::awaitable<Result<std::string>> add_to_counter(Backend& backend, std::string table, std::string key_name, std::string key_value,
                                                           std::string counter, long long increment) {
  auto h = backend.item_handle(table);
  if (!h) co_return h.error();
  co_return co_await run_on_table(*h, [&](Table& t) -> Result<std::string> {
    expression::ExpressionInput in;
    in.update = "ADD #counter :incr";
    in.names = expression::Names{{"#counter", counter}};
    in.values = expression::Values{{":incr", AttributeValue{Number::from_integer(increment)}}};
    auto parsed = expression::parse_expressions(in);
    if (!parsed) return parsed.error();
    UpdateRequest req;
    req.key = Item{{key_name, AttributeValue{key_value}}};
    req.update = std::move(*parsed->update);
    req.return_values = ReturnValues::UpdatedNew;
    auto r = t.update_item(req);
    if (!r) return r.error();
    if (!*r || !(*r)->count(counter) || !(*r)->at(counter).is<Number>()) return Error{Code::Validation, "counter is not a number"};
    return (*r)->at(counter).as<Number>().to_string();
  });
}

}  // namespace localray::dynamodb::model
