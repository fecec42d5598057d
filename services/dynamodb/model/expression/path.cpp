#include "services/dynamodb/model/expression/path.hpp"

#include <algorithm>

namespace localray::dynamodb::model::expression {

std::string describe_path(const Path& path) {
  std::string out = "[";
  for (std::size_t i = 0; i < path.steps.size(); ++i) {
    if (i) out += ", ";
    if (const auto* name = std::get_if<std::string>(&path.steps[i])) {
      out += *name;
    } else {
      out += "[" + std::to_string(std::get<std::size_t>(path.steps[i])) + "]";
    }
  }
  return out + "]";
}

bool overlaps(const Path& a, const Path& b) {
  std::size_t n = std::min(a.steps.size(), b.steps.size());
  return std::equal(a.steps.begin(), a.steps.begin() + static_cast<std::ptrdiff_t>(n), b.steps.begin());
}

std::optional<std::pair<const Path*, const Path*>> find_overlap(const std::vector<const Path*>& paths) {
  for (std::size_t i = 0; i < paths.size(); ++i) {
    for (std::size_t j = i + 1; j < paths.size(); ++j) {
      if (overlaps(*paths[i], *paths[j])) return std::pair{paths[i], paths[j]};
    }
  }
  return std::nullopt;
}

Error overlap_error(Kind kind, const Path& one, const Path& two) {
  return invalid(kind, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " +
                           describe_path(one) + ", path two: " + describe_path(two));
}

const AttributeValue* find_path(const Item& item, const Path& path) {
  if (path.steps.empty()) return nullptr;
  auto top = item.find(std::get<std::string>(path.steps.front()));
  if (top == item.end()) return nullptr;
  const AttributeValue* current = &top->second;
  for (std::size_t i = 1; i < path.steps.size(); ++i) {
    if (const auto* key = std::get_if<std::string>(&path.steps[i])) {
      if (!current->is<Map>()) return nullptr;
      const auto& map = current->as<Map>();
      auto found = map.find(*key);
      if (found == map.end()) return nullptr;
      current = &found->second;
    } else {
      std::size_t index = std::get<std::size_t>(path.steps[i]);
      if (!current->is<List>() || index >= current->as<List>().size()) return nullptr;
      current = &current->as<List>()[index];
    }
  }
  return current;
}

}  // namespace localray::dynamodb::model::expression
