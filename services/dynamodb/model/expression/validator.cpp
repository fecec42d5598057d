#include "services/dynamodb/model/expression/validator.hpp"

#include <map>

#include "services/dynamodb/model/expression/path.hpp"
#include "services/dynamodb/model/limits.hpp"

namespace localray::dynamodb::model::expression {
namespace {

// Where a function may appear.
enum class Place { UpdateOperand, ConditionOperand, Predicate };

struct FunctionSpec {
  Place place;
  std::size_t arity;
  bool first_is_path;  // the first operand must be a document path
};

const std::map<std::string, FunctionSpec>& functions() {
  static const std::map<std::string, FunctionSpec> kFunctions{
      {"attribute_exists", {Place::Predicate, 1, true}},
      {"attribute_not_exists", {Place::Predicate, 1, true}},
      {"attribute_type", {Place::Predicate, 2, true}},
      {"begins_with", {Place::Predicate, 2, false}},
      {"contains", {Place::Predicate, 2, false}},
      {"size", {Place::ConditionOperand, 1, true}},
      {"if_not_exists", {Place::UpdateOperand, 2, true}},
      {"list_append", {Place::UpdateOperand, 2, false}},
  };
  return kFunctions;
}

const AttributeValue* literal(const Operand& operand) {
  const auto* ref = std::get_if<ValueRef>(&operand.node);
  return ref ? &ref->value : nullptr;
}

class Validator {
 public:
  Validator(Kind kind, Substitutions& substitutions) : kind_{kind}, substitutions_{substitutions} {}

  auto path(Path& p) -> Result<void> {
    for (auto& step : p.steps) {
      auto* name = std::get_if<std::string>(&step);
      if (name == nullptr || name->empty() || (*name)[0] != '#') continue;
      auto resolved = substitutions_.name(*name, kind_);
      if (!resolved) return resolved.error();
      *name = std::move(*resolved);
    }
    return {};
  }

  auto operand(Operand& op, Place place) -> Result<void> {
    if (auto* p = std::get_if<Path>(&op.node)) return path(*p);
    if (auto* ref = std::get_if<ValueRef>(&op.node)) {
      auto value = substitutions_.value(ref->placeholder, kind_);
      if (!value) return value.error();
      ref->value = std::move(*value);
      return {};
    }
    if (auto* call = std::get_if<FunctionCall>(&op.node)) return function(*call, place);
    auto& arithmetic = std::get<Arithmetic>(op.node);
    for (Operand* side : {&*arithmetic.lhs, &*arithmetic.rhs}) {
      if (auto ok = operand(*side, place); !ok) return ok;
      if (const auto* v = literal(*side); v && !v->is<Number>()) return operand_type(std::string{arithmetic.op}, *v);
    }
    return {};
  }

  auto function(FunctionCall& call, Place place) -> Result<void> {
    auto found = functions().find(call.name);
    if (found == functions().end()) return invalid(kind_, "Invalid function name; function: " + call.name);
    const FunctionSpec& spec = found->second;
    if (spec.place != place) {
      if (place == Place::UpdateOperand) {
        return invalid(kind_, "The function is not allowed in an update expression; function: " + call.name);
      }
      return invalid(kind_, "The function is not allowed to be used this way in an expression; function: " + call.name);
    }
    if (call.args.size() != spec.arity) {
      return invalid(kind_, "Incorrect number of operands for operator or function; operator or function: " + call.name +
                                ", number of operands: " + std::to_string(call.args.size()));
    }
    // Arguments are operands of the same family: update functions nest, condition ones take
    // paths, values and size().
    Place argument_place = place == Place::UpdateOperand ? Place::UpdateOperand : Place::ConditionOperand;
    for (auto& arg : call.args) {
      if (auto ok = operand(arg, argument_place); !ok) return ok;
    }
    if (spec.first_is_path && !std::holds_alternative<Path>(call.args[0].node)) {
      return invalid(kind_, "Operator or function requires a document path; operator or function: " + call.name);
    }
    if (call.name == "begins_with") {
      for (const auto& arg : call.args) {
        if (const auto* v = literal(arg); v && !v->is<std::string>() && !v->is<Binary>()) return operand_type(call.name, *v);
      }
    }
    if (call.name == "list_append") {
      for (const auto& arg : call.args) {
        if (const auto* v = literal(arg); v && !v->is<List>()) return operand_type(call.name, *v);
      }
    }
    if (call.name == "attribute_type") {
      const auto* v = literal(call.args[1]);
      if (v == nullptr || !v->is<std::string>()) {
        return invalid(kind_, "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: " +
                                  std::string{v ? type_name(v->type()) : "PATH"});
      }
      static const std::set<std::string> kTypes{"S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"};
      if (kTypes.count(v->as<std::string>()) == 0) {
        return invalid(kind_, "Invalid type provided for attribute_type function; type: " + v->as<std::string>());
      }
    }
    return {};
  }

  auto condition(Condition& c) -> Result<void> {
    if (auto* comparison = std::get_if<Comparison>(&c.node)) {
      for (Operand* side : {&comparison->lhs, &comparison->rhs}) {
        if (auto ok = operand(*side, Place::ConditionOperand); !ok) return ok;
      }
      if (comparison->op != Comparator::Eq && comparison->op != Comparator::Ne) {
        for (const Operand* side : {&comparison->lhs, &comparison->rhs}) {
          if (const auto* v = literal(*side); v && !is_key_type(v->type())) {
            return operand_type(std::string{comparator_text(comparison->op)}, *v);
          }
        }
      }
      return {};
    }
    if (auto* between = std::get_if<Between>(&c.node)) {
      for (Operand* side : {&between->value, &between->low, &between->high}) {
        if (auto ok = operand(*side, Place::ConditionOperand); !ok) return ok;
      }
      const auto* low = literal(between->low);
      const auto* high = literal(between->high);
      if (low && high) {
        std::string bounds = "; lower bound operand: AttributeValue: " + describe(*low) +
                             ", upper bound operand: AttributeValue: " + describe(*high);
        if (low->type() != high->type()) {
          return invalid(kind_, "The BETWEEN operator requires same data type for lower and upper bounds" + bounds);
        }
        if (is_key_type(low->type()) && compare_scalars(*low, *high) > 0) {
          return invalid(kind_, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound" + bounds);
        }
      }
      return {};
    }
    if (auto* in = std::get_if<In>(&c.node)) {
      if (in->candidates.size() > kMaxInOperands) {
        return invalid(kind_, "The IN operator is provided with too many operands; number of operands: " +
                                  std::to_string(in->candidates.size()));
      }
      if (auto ok = operand(in->value, Place::ConditionOperand); !ok) return ok;
      for (auto& candidate : in->candidates) {
        if (auto ok = operand(candidate, Place::ConditionOperand); !ok) return ok;
      }
      return {};
    }
    if (auto* logical = std::get_if<Logical>(&c.node)) {
      if (auto ok = condition(*logical->lhs); !ok) return ok;
      return condition(*logical->rhs);
    }
    if (auto* negation = std::get_if<Not>(&c.node)) return condition(*negation->operand);
    return function(std::get<Predicate>(c.node).call, Place::Predicate);
  }

  Error operand_type(const std::string& op, const AttributeValue& v) const {
    return invalid(kind_, "Incorrect operand type for operator or function; operator or function: " + op +
                              ", operand type: " + std::string{type_name(v.type())});
  }

  Kind kind() const { return kind_; }

 private:
  Kind kind_;
  Substitutions& substitutions_;
};

}  // namespace

auto validate_update(UpdateExpression expression, Substitutions& substitutions) -> Result<UpdateExpression> {
  Validator v{Kind::Update, substitutions};
  for (auto& action : expression.actions) {
    if (auto ok = v.path(action.path); !ok) return ok.error();
    if (!action.value) continue;
    if (auto ok = v.operand(*action.value, Place::UpdateOperand); !ok) return ok.error();
    if (action.type == ActionType::Add || action.type == ActionType::Delete) {
      const AttributeValue& value = std::get<ValueRef>(action.value->node).value;
      bool is_set = value.is<StringSet>() || value.is<NumberSet>() || value.is<BinarySet>();
      bool allowed = action.type == ActionType::Add ? (is_set || value.is<Number>()) : is_set;
      if (!allowed) {
        bool add = action.type == ActionType::Add;
        return invalid(Kind::Update, std::string{"Incorrect operand type for operator or function; operator: "} + (add ? "ADD" : "DELETE") +
                                         ", operand type: " + std::string{long_type_name(value.type())} +
                                         ", typeSet: " + (add ? "ALLOWED_FOR_ADD_OPERAND" : "ALLOWED_FOR_DELETE_OPERAND"));
      }
    }
  }
  std::vector<const Path*> paths;
  for (const auto& action : expression.actions) paths.push_back(&action.path);
  if (auto overlap = find_overlap(paths)) return overlap_error(Kind::Update, *overlap->first, *overlap->second);
  return expression;
}

auto validate_condition(Condition condition, Kind kind, Substitutions& substitutions) -> Result<Condition> {
  Validator v{kind, substitutions};
  if (auto ok = v.condition(condition); !ok) return ok.error();
  return condition;
}

auto validate_projection(Projection projection, Substitutions& substitutions) -> Result<Projection> {
  Validator v{Kind::Projection, substitutions};
  std::vector<const Path*> paths;
  for (auto& p : projection.paths) {
    if (auto ok = v.path(p); !ok) return ok.error();
    paths.push_back(&p);
  }
  if (auto overlap = find_overlap(paths)) return overlap_error(Kind::Projection, *overlap->first, *overlap->second);
  return projection;
}

}  // namespace localray::dynamodb::model::expression
