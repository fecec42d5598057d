#include "services/dynamodb/model/expression/expressions.hpp"

#include "services/dynamodb/model/expression/parser.hpp"
#include "services/dynamodb/model/expression/validator.hpp"

namespace localray::dynamodb::model::expression {

auto parse_update(std::string_view text, Substitutions& substitutions) -> Result<UpdateExpression> {
  auto syntax = parse_update_syntax(text);
  if (!syntax) return syntax.error();
  return validate_update(std::move(*syntax), substitutions);
}

auto parse_condition(std::string_view text, Kind kind, Substitutions& substitutions) -> Result<Condition> {
  auto syntax = parse_condition_syntax(text, kind);
  if (!syntax) return syntax.error();
  return validate_condition(std::move(*syntax), kind, substitutions);
}

auto parse_key_condition(std::string_view text, Substitutions& substitutions) -> Result<KeyCondition> {
  auto condition = parse_condition(text, Kind::KeyCondition, substitutions);
  if (!condition) return condition.error();
  return to_key_condition(*condition);
}

auto parse_projection(std::string_view text, Substitutions& substitutions) -> Result<Projection> {
  auto syntax = parse_projection_syntax(text);
  if (!syntax) return syntax.error();
  return validate_projection(std::move(*syntax), substitutions);
}

auto parse_expressions(const ExpressionInput& input) -> Result<Expressions> {
  bool uses_values = input.update || input.condition || input.filter || input.key_condition;
  if (input.names && !uses_values && !input.projection) {
    return validation_error("ExpressionAttributeNames can only be specified when using expressions");
  }
  if (input.values && !uses_values) {
    return validation_error("ExpressionAttributeValues can only be specified when using expressions");
  }
  auto substitutions = Substitutions::create(input.names, input.values);
  if (!substitutions) return substitutions.error();

  Expressions out;
  if (input.key_condition) {
    auto parsed = parse_key_condition(*input.key_condition, *substitutions);
    if (!parsed) return parsed.error();
    out.key_condition = std::move(*parsed);
  }
  if (input.update) {
    auto parsed = parse_update(*input.update, *substitutions);
    if (!parsed) return parsed.error();
    out.update = std::move(*parsed);
  }
  if (input.condition) {
    auto parsed = parse_condition(*input.condition, Kind::Condition, *substitutions);
    if (!parsed) return parsed.error();
    out.condition = std::move(*parsed);
  }
  if (input.filter) {
    auto parsed = parse_condition(*input.filter, Kind::Filter, *substitutions);
    if (!parsed) return parsed.error();
    out.filter = std::move(*parsed);
  }
  if (input.projection) {
    auto parsed = parse_projection(*input.projection, *substitutions);
    if (!parsed) return parsed.error();
    out.projection = std::move(*parsed);
  }
  if (auto ok = substitutions->check_all_used(); !ok) return ok.error();
  return out;
}

}  // namespace localray::dynamodb::model::expression
