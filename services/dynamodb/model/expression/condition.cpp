#include "services/dynamodb/model/expression/condition.hpp"

#include <algorithm>

#include "services/dynamodb/model/expression/path.hpp"

namespace localray::dynamodb::model::expression {
namespace {

std::optional<Number> size_of(const AttributeValue& v) {
  auto count = [](std::size_t n) { return Number::from_integer(static_cast<long long>(n)); };
  switch (v.type()) {
    case Type::String: return count(v.as<std::string>().size());
    case Type::Binary: return count(v.as<Binary>().bytes.size());
    case Type::StringSet: return count(v.as<StringSet>().values.size());
    case Type::NumberSet: return count(v.as<NumberSet>().values.size());
    case Type::BinarySet: return count(v.as<BinarySet>().values.size());
    case Type::Map: return count(v.as<Map>().size());
    case Type::List: return count(v.as<List>().size());
    default: return std::nullopt;  // size() of N, BOOL, NULL: the comparison is false
  }
}

// Ordered comparison: only between two scalars of one type.
std::optional<std::weak_ordering> order(const std::optional<AttributeValue>& a, const std::optional<AttributeValue>& b) {
  if (!a || !b || a->type() != b->type() || !is_key_type(a->type())) return std::nullopt;
  return compare_scalars(*a, *b);
}

bool compare(Comparator op, const std::optional<AttributeValue>& a, const std::optional<AttributeValue>& b) {
  switch (op) {
    case Comparator::Eq: return a && b && *a == *b;
    case Comparator::Ne: return !(a && b && *a == *b);
    default: break;
  }
  auto o = order(a, b);
  if (!o) return false;
  switch (op) {
    case Comparator::Lt: return *o < 0;
    case Comparator::Le: return *o <= 0;
    case Comparator::Gt: return *o > 0;
    case Comparator::Ge: return *o >= 0;
    default: return false;
  }
}

bool begins_with(const AttributeValue& value, const AttributeValue& prefix) {
  if (value.is<std::string>() && prefix.is<std::string>()) return value.as<std::string>().starts_with(prefix.as<std::string>());
  if (value.is<Binary>() && prefix.is<Binary>()) return value.as<Binary>().bytes.starts_with(prefix.as<Binary>().bytes);
  return false;
}

bool contains(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type()) {
    case Type::String:
      return needle.is<std::string>() && haystack.as<std::string>().find(needle.as<std::string>()) != std::string::npos;
    case Type::StringSet:
      return needle.is<std::string>() && haystack.as<StringSet>().values.count(needle.as<std::string>()) > 0;
    case Type::NumberSet:
      return needle.is<Number>() && haystack.as<NumberSet>().values.count(needle.as<Number>()) > 0;
    case Type::BinarySet:
      return needle.is<Binary>() && haystack.as<BinarySet>().values.count(needle.as<Binary>().bytes) > 0;
    case Type::List: {
      const auto& list = haystack.as<List>();
      return std::find(list.begin(), list.end(), needle) != list.end();
    }
    default:
      return false;
  }
}

bool predicate(const FunctionCall& call, const Item& item) {
  if (call.name == "attribute_exists") return find_path(item, std::get<Path>(call.args[0].node)) != nullptr;
  if (call.name == "attribute_not_exists") return find_path(item, std::get<Path>(call.args[0].node)) == nullptr;
  auto first = evaluate_operand(call.args[0], item);
  auto second = evaluate_operand(call.args[1], item);
  if (!first || !second) return false;
  if (call.name == "attribute_type") return second->is<std::string>() && type_name(first->type()) == second->as<std::string>();
  if (call.name == "begins_with") return begins_with(*first, *second);
  return contains(*first, *second);  // validation admits no other predicate
}

}  // namespace

std::optional<AttributeValue> evaluate_operand(const Operand& operand, const Item& item) {
  if (const auto* path = std::get_if<Path>(&operand.node)) {
    const AttributeValue* found = find_path(item, *path);
    return found ? std::optional<AttributeValue>{*found} : std::nullopt;
  }
  if (const auto* ref = std::get_if<ValueRef>(&operand.node)) return ref->value;
  if (const auto* call = std::get_if<FunctionCall>(&operand.node); call && call->name == "size") {
    auto target = evaluate_operand(call->args[0], item);
    if (!target) return std::nullopt;
    auto size = size_of(*target);
    return size ? std::optional<AttributeValue>{*size} : std::nullopt;
  }
  return std::nullopt;
}

bool evaluate(const Condition& condition, const Item& item) {
  struct Visitor {
    const Item& item;
    bool operator()(const Comparison& c) const {
      return compare(c.op, evaluate_operand(c.lhs, item), evaluate_operand(c.rhs, item));
    }
    bool operator()(const Between& b) const {
      auto value = evaluate_operand(b.value, item);
      auto low = order(value, evaluate_operand(b.low, item));
      auto high = order(value, evaluate_operand(b.high, item));
      return low && high && *low >= 0 && *high <= 0;
    }
    bool operator()(const In& in) const {
      auto value = evaluate_operand(in.value, item);
      if (!value) return false;
      return std::any_of(in.candidates.begin(), in.candidates.end(), [&](const Operand& candidate) {
        auto v = evaluate_operand(candidate, item);
        return v && *v == *value;
      });
    }
    bool operator()(const Logical& l) const {
      return l.is_and ? evaluate(*l.lhs, item) && evaluate(*l.rhs, item) : evaluate(*l.lhs, item) || evaluate(*l.rhs, item);
    }
    bool operator()(const Not& n) const { return !evaluate(*n.operand, item); }
    bool operator()(const Predicate& p) const { return predicate(p.call, item); }
  };
  return std::visit(Visitor{item}, condition.node);
}

namespace {

void collect_operand(const Operand& operand, std::set<std::string>& out) {
  if (const auto* path = std::get_if<Path>(&operand.node)) {
    out.insert(std::get<std::string>(path->steps.front()));
  } else if (const auto* call = std::get_if<FunctionCall>(&operand.node)) {
    for (const auto& arg : call->args) collect_operand(arg, out);
  }
}

void collect_condition(const Condition& condition, std::set<std::string>& out) {
  struct Visitor {
    std::set<std::string>& out;
    void operator()(const Comparison& c) const {
      collect_operand(c.lhs, out);
      collect_operand(c.rhs, out);
    }
    void operator()(const Between& b) const {
      for (const Operand* o : {&b.value, &b.low, &b.high}) collect_operand(*o, out);
    }
    void operator()(const In& in) const {
      collect_operand(in.value, out);
      for (const auto& c : in.candidates) collect_operand(c, out);
    }
    void operator()(const Logical& l) const {
      collect_condition(*l.lhs, out);
      collect_condition(*l.rhs, out);
    }
    void operator()(const Not& n) const { collect_condition(*n.operand, out); }
    void operator()(const Predicate& p) const {
      for (const auto& arg : p.call.args) collect_operand(arg, out);
    }
  };
  std::visit(Visitor{out}, condition.node);
}

}  // namespace

std::set<std::string> referenced_attributes(const Condition& condition) {
  std::set<std::string> out;
  collect_condition(condition, out);
  return out;
}

}  // namespace localray::dynamodb::model::expression
