#include "services/dynamodb/model/expression/update.hpp"

#include <algorithm>

#include "services/dynamodb/model/expression/path.hpp"

namespace localray::dynamodb::model::expression {
namespace {

constexpr const char* kMissingAttribute = "The provided expression refers to an attribute that does not exist in the item";
constexpr const char* kIncorrectType = "An operand in the update expression has an incorrect data type";
constexpr const char* kInvalidPath = "The document path provided in the update expression is invalid for update";

struct Mutation {
  bool remove;
  Path path;
  AttributeValue value;  // Set only
};

Path parent_of(const Path& path) {
  return Path{std::vector<PathStep>(path.steps.begin(), path.steps.end() - 1)};
}

// A nested target needs its container to exist already: a map for `.key`, a list for `[i]`.
bool container_exists(const Item& item, const Path& path) {
  if (path.steps.size() == 1) return true;
  const AttributeValue* parent = find_path(item, parent_of(path));
  if (parent == nullptr) return false;
  return std::holds_alternative<std::string>(path.steps.back()) ? parent->is<Map>() : parent->is<List>();
}

auto value_of(const Operand& operand, const Item& item) -> Result<AttributeValue> {
  if (const auto* path = std::get_if<Path>(&operand.node)) {
    const AttributeValue* found = find_path(item, *path);
    if (found == nullptr) return validation_error(kMissingAttribute);
    return *found;
  }
  if (const auto* ref = std::get_if<ValueRef>(&operand.node)) return ref->value;
  if (const auto* arithmetic = std::get_if<Arithmetic>(&operand.node)) {
    auto lhs = value_of(*arithmetic->lhs, item);
    if (!lhs) return lhs;
    auto rhs = value_of(*arithmetic->rhs, item);
    if (!rhs) return rhs;
    if (!lhs->is<Number>() || !rhs->is<Number>()) return validation_error(kIncorrectType);
    auto result = arithmetic->op == '+' ? add(lhs->as<Number>(), rhs->as<Number>()) : subtract(lhs->as<Number>(), rhs->as<Number>());
    if (!result) return result.error();
    return AttributeValue{std::move(*result)};
  }
  const auto& call = std::get<FunctionCall>(operand.node);
  if (call.name == "if_not_exists") {
    if (const AttributeValue* found = find_path(item, std::get<Path>(call.args[0].node))) return *found;
    return value_of(call.args[1], item);
  }
  // list_append: validation admits no other function here.
  auto first = value_of(call.args[0], item);
  if (!first) return first;
  auto second = value_of(call.args[1], item);
  if (!second) return second;
  if (!first->is<List>() || !second->is<List>()) return validation_error(kIncorrectType);
  List joined = first->as<List>();
  joined.insert(joined.end(), second->as<List>().begin(), second->as<List>().end());
  return AttributeValue{std::move(joined)};
}

// ADD: numbers add (a missing attribute counts as 0), sets take the union.
auto added(const AttributeValue* existing, const AttributeValue& value) -> Result<AttributeValue> {
  if (existing == nullptr) return value;
  if (existing->is<Number>() && value.is<Number>()) {
    auto sum = add(existing->as<Number>(), value.as<Number>());
    if (!sum) return sum.error();
    return AttributeValue{std::move(*sum)};
  }
  if (existing->type() != value.type()) return validation_error(kIncorrectType);
  AttributeValue out = *existing;
  if (out.is<StringSet>()) {
    out.as<StringSet>().values.insert(value.as<StringSet>().values.begin(), value.as<StringSet>().values.end());
  } else if (out.is<NumberSet>()) {
    out.as<NumberSet>().values.insert(value.as<NumberSet>().values.begin(), value.as<NumberSet>().values.end());
  } else if (out.is<BinarySet>()) {
    out.as<BinarySet>().values.insert(value.as<BinarySet>().values.begin(), value.as<BinarySet>().values.end());
  } else {
    return validation_error(kIncorrectType);
  }
  return out;
}

// DELETE: set difference; nothing means the set is gone (DynamoDB has no empty sets).
auto deleted(const AttributeValue& existing, const AttributeValue& value) -> Result<std::optional<AttributeValue>> {
  if (existing.type() != value.type()) return validation_error(kIncorrectType);
  AttributeValue out = existing;
  std::size_t remaining = 0;
  if (out.is<StringSet>()) {
    for (const auto& v : value.as<StringSet>().values) out.as<StringSet>().values.erase(v);
    remaining = out.as<StringSet>().values.size();
  } else if (out.is<NumberSet>()) {
    for (const auto& v : value.as<NumberSet>().values) out.as<NumberSet>().values.erase(v);
    remaining = out.as<NumberSet>().values.size();
  } else if (out.is<BinarySet>()) {
    for (const auto& v : value.as<BinarySet>().values) out.as<BinarySet>().values.erase(v);
    remaining = out.as<BinarySet>().values.size();
  } else {
    return validation_error(kIncorrectType);
  }
  if (remaining == 0) return std::optional<AttributeValue>{};
  return std::optional<AttributeValue>{std::move(out)};
}

auto plan(const UpdateExpression& update, const Item& item) -> Result<std::vector<Mutation>> {
  std::vector<Mutation> mutations;
  for (const auto& action : update.actions) {
    const AttributeValue* existing = find_path(item, action.path);
    switch (action.type) {
      case ActionType::Set: {
        auto value = value_of(*action.value, item);
        if (!value) return value.error();
        if (!container_exists(item, action.path)) return validation_error(kInvalidPath);
        mutations.push_back({false, action.path, std::move(*value)});
        break;
      }
      case ActionType::Remove:
        if (existing != nullptr) mutations.push_back({true, action.path, {}});
        break;
      case ActionType::Add: {
        if (!container_exists(item, action.path)) return validation_error(kInvalidPath);
        auto value = added(existing, std::get<ValueRef>(action.value->node).value);
        if (!value) return value.error();
        mutations.push_back({false, action.path, std::move(*value)});
        break;
      }
      case ActionType::Delete: {
        if (existing == nullptr) break;
        auto value = deleted(*existing, std::get<ValueRef>(action.value->node).value);
        if (!value) return value.error();
        if (*value) {
          mutations.push_back({false, action.path, std::move(**value)});
        } else {
          mutations.push_back({true, action.path, {}});
        }
        break;
      }
    }
  }
  return mutations;
}

// Navigates to the container of `path`, which plan() has shown to exist.
AttributeValue* container(Item& item, const Path& path) {
  AttributeValue* current = &item.at(std::get<std::string>(path.steps.front()));
  for (std::size_t i = 1; i + 1 < path.steps.size(); ++i) {
    if (const auto* key = std::get_if<std::string>(&path.steps[i])) {
      current = &current->as<Map>().at(*key);
    } else {
      current = &current->as<List>().at(std::get<std::size_t>(path.steps[i]));
    }
  }
  return current;
}

void set(Item& item, const Mutation& m) {
  if (m.path.steps.size() == 1) {
    item[std::get<std::string>(m.path.steps.front())] = m.value;
    return;
  }
  AttributeValue* parent = container(item, m.path);
  if (const auto* key = std::get_if<std::string>(&m.path.steps.back())) {
    parent->as<Map>()[*key] = m.value;
    return;
  }
  auto& list = parent->as<List>();
  std::size_t index = std::get<std::size_t>(m.path.steps.back());
  if (index < list.size()) {
    list[index] = m.value;
  } else {
    list.push_back(m.value);  // past the end appends, as DynamoDB does
  }
}

void remove(Item& item, const Path& path) {
  if (path.steps.size() == 1) {
    item.erase(std::get<std::string>(path.steps.front()));
    return;
  }
  AttributeValue* parent = container(item, path);
  if (const auto* key = std::get_if<std::string>(&path.steps.back())) {
    parent->as<Map>().erase(*key);
    return;
  }
  auto& list = parent->as<List>();
  std::size_t index = std::get<std::size_t>(path.steps.back());
  if (index < list.size()) list.erase(list.begin() + static_cast<std::ptrdiff_t>(index));
}

// Indexes name positions in the original list, so removals within one list go from the highest
// index down; a shorter path (a container) goes after everything beneath it.
bool remove_before(const Mutation& a, const Mutation& b) {
  std::size_t n = std::min(a.path.steps.size(), b.path.steps.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a.path.steps[i] == b.path.steps[i]) continue;
    const auto* ia = std::get_if<std::size_t>(&a.path.steps[i]);
    const auto* ib = std::get_if<std::size_t>(&b.path.steps[i]);
    if (ia && ib) return *ia > *ib;
    return a.path.steps[i] < b.path.steps[i];
  }
  return a.path.steps.size() > b.path.steps.size();
}

}  // namespace

auto apply_update(const UpdateExpression& update, const Item& original) -> Result<Item> {
  auto mutations = plan(update, original);
  if (!mutations) return mutations.error();
  Item item = original;
  std::vector<Mutation> removals;
  for (auto& m : *mutations) {
    if (m.remove) {
      removals.push_back(std::move(m));
    } else {
      set(item, m);
    }
  }
  std::sort(removals.begin(), removals.end(), remove_before);
  for (const auto& m : removals) remove(item, m.path);
  return item;
}

std::vector<Path> updated_paths(const UpdateExpression& update) {
  std::vector<Path> out;
  for (const auto& action : update.actions) out.push_back(action.path);
  return out;
}

}  // namespace localray::dynamodb::model::expression
