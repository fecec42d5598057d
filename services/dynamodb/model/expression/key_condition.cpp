#include "services/dynamodb/model/expression/key_condition.hpp"

namespace localray::dynamodb::model::expression {
namespace {

constexpr const char* kNotSupported = "Query key condition not supported";

Error invalid_operator(std::string_view op) {
  return validation_error("Invalid operator used in KeyConditionExpression: " + std::string{op});
}

// A key term names a top-level attribute directly.
const std::string* key_attribute(const Operand& operand) {
  const auto* path = std::get_if<Path>(&operand.node);
  if (path == nullptr || path->steps.size() != 1) return nullptr;
  return &std::get<std::string>(path->steps.front());
}

const AttributeValue* value(const Operand& operand) {
  const auto* ref = std::get_if<ValueRef>(&operand.node);
  return ref ? &ref->value : nullptr;
}

// `:v < k` means `k > :v`.
KeyOperator mirrored(Comparator c) {
  switch (c) {
    case Comparator::Lt: return KeyOperator::Gt;
    case Comparator::Le: return KeyOperator::Ge;
    case Comparator::Gt: return KeyOperator::Lt;
    case Comparator::Ge: return KeyOperator::Le;
    default: return KeyOperator::Eq;
  }
}

KeyOperator direct(Comparator c) {
  switch (c) {
    case Comparator::Lt: return KeyOperator::Lt;
    case Comparator::Le: return KeyOperator::Le;
    case Comparator::Gt: return KeyOperator::Gt;
    case Comparator::Ge: return KeyOperator::Ge;
    default: return KeyOperator::Eq;
  }
}

auto term(const Condition& condition) -> Result<KeyTerm> {
  if (const auto* c = std::get_if<Comparison>(&condition.node)) {
    if (c->op == Comparator::Ne) return invalid_operator("<>");
    if (const auto* name = key_attribute(c->lhs); name && value(c->rhs)) return KeyTerm{*name, direct(c->op), {*value(c->rhs)}};
    if (const auto* name = key_attribute(c->rhs); name && value(c->lhs)) return KeyTerm{*name, mirrored(c->op), {*value(c->lhs)}};
    return validation_error(kNotSupported);
  }
  if (const auto* b = std::get_if<Between>(&condition.node)) {
    const auto* name = key_attribute(b->value);
    if (!name || !value(b->low) || !value(b->high)) return validation_error(kNotSupported);
    return KeyTerm{*name, KeyOperator::Between, {*value(b->low), *value(b->high)}};
  }
  if (const auto* p = std::get_if<Predicate>(&condition.node)) {
    if (p->call.name != "begins_with") return invalid_operator(p->call.name);
    const auto* name = key_attribute(p->call.args[0]);
    if (!name || !value(p->call.args[1])) return validation_error(kNotSupported);
    return KeyTerm{*name, KeyOperator::BeginsWith, {*value(p->call.args[1])}};
  }
  if (std::holds_alternative<In>(condition.node)) return invalid_operator("IN");
  if (std::holds_alternative<Not>(condition.node)) return invalid_operator("NOT");
  return invalid_operator("OR");
}

auto collect(const Condition& condition, KeyCondition& out) -> Result<void> {
  if (const auto* logical = std::get_if<Logical>(&condition.node)) {
    if (!logical->is_and) return invalid_operator("OR");
    if (auto ok = collect(*logical->lhs, out); !ok) return ok;
    return collect(*logical->rhs, out);
  }
  auto t = term(condition);
  if (!t) return t.error();
  out.terms.push_back(std::move(*t));
  return {};
}

}  // namespace

auto to_key_condition(const Condition& condition) -> Result<KeyCondition> {
  KeyCondition out;
  if (auto ok = collect(condition, out); !ok) return ok.error();
  if (out.terms.size() > 2) return validation_error("Conditions can be of length 1 or 2 only");
  if (out.terms.size() == 2 && out.terms[0].attribute == out.terms[1].attribute) {
    return validation_error("KeyConditionExpressions must only contain one condition per key");
  }
  return out;
}

bool matches(const KeyTerm& term, const AttributeValue& v) {
  const AttributeValue& first = term.values.front();
  if (v.type() != first.type()) return false;
  auto c = compare_scalars(v, first);
  switch (term.op) {
    case KeyOperator::Eq: return c == 0;
    case KeyOperator::Lt: return c < 0;
    case KeyOperator::Le: return c <= 0;
    case KeyOperator::Gt: return c > 0;
    case KeyOperator::Ge: return c >= 0;
    case KeyOperator::Between: return c >= 0 && compare_scalars(v, term.values.back()) <= 0;
    case KeyOperator::BeginsWith:
      if (v.is<std::string>()) return v.as<std::string>().starts_with(first.as<std::string>());
      return v.is<Binary>() && v.as<Binary>().bytes.starts_with(first.as<Binary>().bytes);
  }
  return false;
}

}  // namespace localray::dynamodb::model::expression
