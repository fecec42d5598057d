#include "services/dynamodb/model/partiql/plan.hpp"

#include "services/dynamodb/model/expression/condition.hpp"
#include "services/dynamodb/model/expression/path.hpp"

namespace localray::dynamodb::model::partiql {
namespace {

namespace ex = expression;

constexpr const char* kNoKeyEquality = "Where clause does not contain a mandatory equality on all key attributes";

// The terms joined by AND at the top of a WHERE.
void conjuncts(const ex::Condition& condition, std::vector<const ex::Condition*>& out) {
  if (const auto* logical = std::get_if<ex::Logical>(&condition.node); logical && logical->is_and) {
    conjuncts(*logical->lhs, out);
    conjuncts(*logical->rhs, out);
    return;
  }
  out.push_back(&condition);
}

// `name = value` (either way round): the value, else nothing.
const AttributeValue* equality_on(const ex::Condition& condition, const std::string& name) {
  const auto* c = std::get_if<ex::Comparison>(&condition.node);
  if (c == nullptr || c->op != ex::Comparator::Eq) return nullptr;
  auto side = [&](const ex::Operand& path, const ex::Operand& value) -> const AttributeValue* {
    const auto* p = std::get_if<ex::Path>(&path.node);
    const auto* v = std::get_if<ex::ValueRef>(&value.node);
    if (p == nullptr || v == nullptr || p->steps.size() != 1) return nullptr;
    const auto* step = std::get_if<std::string>(&p->steps.front());
    return step && *step == name ? &v->value : nullptr;
  };
  if (const auto* v = side(c->lhs, c->rhs)) return v;
  return side(c->rhs, c->lhs);
}

std::optional<ex::Condition> conjunction_of(const std::vector<const ex::Condition*>& terms) {
  std::optional<ex::Condition> out;
  for (const auto* term : terms) {
    out = out ? ex::Condition{ex::Logical{true, std::move(*out), *term}} : *term;
  }
  return out;
}

ex::Condition exists(const std::string& attribute) {
  return ex::Condition{ex::Predicate{ex::FunctionCall{"attribute_exists", {ex::Operand{ex::Path{{attribute}}}}}}};
}

ex::Condition and_also(ex::Condition first, std::optional<ex::Condition> second) {
  if (!second) return first;
  return ex::Condition{ex::Logical{true, std::move(first), std::move(*second)}};
}

}  // namespace

auto keyed_where(const std::optional<ex::Condition>& where, const KeySchema& schema) -> Result<KeyedWhere> {
  if (!where) return validation_error(kNoKeyEquality);
  std::vector<const ex::Condition*> terms;
  conjuncts(*where, terms);
  KeyedWhere out;
  std::vector<const ex::Condition*> rest;
  for (const auto* term : terms) {
    bool used = false;
    for (const KeyElement* element : {&schema.hash, schema.range ? &*schema.range : nullptr}) {
      if (element == nullptr || out.key.count(element->name)) continue;
      if (const AttributeValue* v = equality_on(*term, element->name)) {
        out.key.emplace(element->name, *v);
        used = true;
        break;
      }
    }
    if (!used) rest.push_back(term);
  }
  if (!out.key.count(schema.hash.name) || (schema.range && !out.key.count(schema.range->name))) return validation_error(kNoKeyEquality);
  out.condition = conjunction_of(rest);
  return out;
}

auto plan_select(const Select& select, const TableDefinition& definition, std::optional<std::size_t> limit, std::optional<Item> start)
    -> Result<SelectPlan> {
  const KeySchema* schema = &definition.key;
  if (select.index) {
    const IndexDefinition* index = definition.find_index(*select.index);
    if (index == nullptr) {
      return validation_error("The table does not have the specified index");
    }
    schema = &index->key;
  }
  SelectPlan plan;
  plan.where = select.where;
  plan.projection = select.projection;
  std::optional<AttributeValue> hash;
  if (select.where) {
    std::vector<const ex::Condition*> terms;
    conjuncts(*select.where, terms);
    bool range_fixed = false;
    for (const auto* term : terms) {
      if (const AttributeValue* v = equality_on(*term, schema->hash.name); v && !hash && v->type() == schema->hash.type) hash = *v;
      if (schema->range && equality_on(*term, schema->range->name)) range_fixed = true;
    }
    plan.single_item = hash && (!schema->range || range_fixed) && !select.index;
  }
  std::optional<std::string> index_name = select.index;
  // The whole item is read: the WHERE may name attributes the SELECT does not return.
  model::Select what = select.index ? model::Select::AllProjectedAttributes : model::Select::AllAttributes;
  if (hash) {
    ex::KeyCondition key;
    key.terms.push_back(ex::KeyTerm{schema->hash.name, ex::KeyOperator::Eq, {*hash}});
    plan.read = QueryRequest{index_name, std::move(key), std::nullopt, std::nullopt, what, true, limit, std::move(start)};
  } else {
    plan.read = ScanRequest{index_name, std::nullopt, std::nullopt, what, limit, std::move(start)};
  }
  return plan;
}

std::optional<Item> keep(const SelectPlan& plan, const Item& item) {
  if (plan.where && !ex::evaluate(*plan.where, item)) return std::nullopt;
  if (!plan.projection) return item;
  return project(item, *plan.projection);
}

Item project(const Item& item, const ex::Projection& projection) {
  Item out;
  for (const auto& path : projection.paths) {
    const AttributeValue* found = ex::find_path(item, path);
    if (found == nullptr) continue;
    // Named by its last attribute name, with the list indexes that follow it: `a.b[1]` is "b[1]".
    std::string name;
    for (const auto& step : path.steps) {
      if (const auto* s = std::get_if<std::string>(&step)) {
        name = *s;
      } else {
        name += "[" + std::to_string(std::get<std::size_t>(step)) + "]";
      }
    }
    out.insert_or_assign(std::move(name), *found);
  }
  return out;
}

auto insert_request(const Insert& insert, const KeySchema& schema) -> Result<PutRequest> {
  for (const KeyElement* element : {&schema.hash, schema.range ? &*schema.range : nullptr}) {
    if (element != nullptr && !insert.item.count(element->name)) {
      return validation_error("Key attribute should be present in the item: Key " + element->name);
    }
  }
  return PutRequest{insert.item, ex::Condition{ex::Predicate{ex::FunctionCall{"attribute_not_exists", {ex::Operand{ex::Path{{schema.hash.name}}}}}}}};
}

namespace {

ReturnValues return_values(Returning returning) {
  switch (returning) {
    case Returning::AllOld: return ReturnValues::AllOld;
    case Returning::ModifiedOld: return ReturnValues::UpdatedOld;
    case Returning::AllNew: return ReturnValues::AllNew;
    case Returning::ModifiedNew: return ReturnValues::UpdatedNew;
    case Returning::None: break;
  }
  return ReturnValues::None;
}

}  // namespace

auto update_request(const Update& update, const KeySchema& schema) -> Result<UpdateRequest> {
  auto keyed = keyed_where(update.where, schema);
  if (!keyed) return keyed.error();
  return UpdateRequest{std::move(keyed->key), update.update, and_also(exists(schema.hash.name), std::move(keyed->condition)),
                       return_values(update.returning)};
}

auto delete_request(const Delete& remove, const KeySchema& schema) -> Result<DeleteRequest> {
  auto keyed = keyed_where(remove.where, schema);
  if (!keyed) return keyed.error();
  return DeleteRequest{std::move(keyed->key), std::move(keyed->condition), return_values(remove.returning)};
}

}  // namespace localray::dynamodb::model::partiql
