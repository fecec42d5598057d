#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

std::string_view parameter_name(Kind kind) {
  switch (kind) {
    case Kind::Update: return "UpdateExpression";
    case Kind::Condition: return "ConditionExpression";
    case Kind::Filter: return "FilterExpression";
    case Kind::KeyCondition: return "KeyConditionExpression";
    case Kind::Projection: return "ProjectionExpression";
  }
  return "Expression";
}

Error invalid(Kind kind, const std::string& detail) {
  return validation_error("Invalid " + std::string{parameter_name(kind)} + ": " + detail);
}

std::string_view comparator_text(Comparator c) {
  switch (c) {
    case Comparator::Eq: return "=";
    case Comparator::Ne: return "<>";
    case Comparator::Lt: return "<";
    case Comparator::Le: return "<=";
    case Comparator::Gt: return ">";
    case Comparator::Ge: return ">=";
  }
  return "?";
}

std::string_view action_keyword(ActionType t) {
  switch (t) {
    case ActionType::Set: return "SET";
    case ActionType::Remove: return "REMOVE";
    case ActionType::Add: return "ADD";
    case ActionType::Delete: return "DELETE";
  }
  return "?";
}

}  // namespace localray::dynamodb::model::expression
