#include "services/dynamodb/model/expression/projection.hpp"

#include <map>

namespace localray::dynamodb::model::expression {
namespace {

// The requested paths as a tree; a node without children keeps the whole value beneath it.
struct Node {
  std::map<PathStep, Node> children;
};

std::optional<AttributeValue> extract(const AttributeValue& source, const Node& node) {
  if (node.children.empty()) return source;
  if (source.is<Map>()) {
    Map out;
    for (const auto& [step, child] : node.children) {
      const auto* key = std::get_if<std::string>(&step);
      if (key == nullptr) continue;
      auto found = source.as<Map>().find(*key);
      if (found == source.as<Map>().end()) continue;
      if (auto value = extract(found->second, child)) out.emplace(*key, std::move(*value));
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue{std::move(out)};
  }
  if (source.is<List>()) {
    List out;
    for (const auto& [step, child] : node.children) {  // std::map orders indexes ascending
      const auto* index = std::get_if<std::size_t>(&step);
      if (index == nullptr || *index >= source.as<List>().size()) continue;
      if (auto value = extract(source.as<List>()[*index], child)) out.push_back(std::move(*value));
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue{std::move(out)};
  }
  return std::nullopt;
}

}  // namespace

Item project(const Item& item, const std::vector<Path>& paths) {
  Node root;
  for (const auto& path : paths) {
    Node* node = &root;
    for (const auto& step : path.steps) node = &node->children[step];
  }
  Item out;
  for (const auto& [step, child] : root.children) {
    const auto& name = std::get<std::string>(step);
    auto found = item.find(name);
    if (found == item.end()) continue;
    if (auto value = extract(found->second, child)) out.emplace(name, std::move(*value));
  }
  return out;
}

}  // namespace localray::dynamodb::model::expression
