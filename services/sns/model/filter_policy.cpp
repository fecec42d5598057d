#include "services/sns/model/filter_policy.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <nlohmann/json.hpp>

namespace localray::sns::model {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool holds(FilterCondition::Comparison op, double value, double bound) {
  using C = FilterCondition::Comparison;
  switch (op) {
    case C::Equal: return value == bound;
    case C::Less: return value < bound;
    case C::LessOrEqual: return value <= bound;
    case C::Greater: return value > bound;
    case C::GreaterOrEqual: return value >= bound;
  }
  return false;
}

struct Value {
  std::string text;
  bool numeric;
};

// The values a filter sees in one attribute. Binary attributes offer none: SNS does not filter on
// them (only `exists` sees them). A String.Array is a JSON array by definition of the data type,
// so reading its elements is the attribute's semantics, not a wire concern.
std::vector<Value> values_of(const MessageAttribute& a) {
  if (a.data_type.rfind("Binary", 0) == 0) return {};
  if (a.data_type.rfind("Number", 0) == 0) return {{a.value, true}};
  if (a.data_type == "String.Array") {
    auto array = nlohmann::json::parse(a.value, nullptr, /*allow_exceptions=*/false);
    if (!array.is_array()) return {};
    std::vector<Value> out;
    for (const auto& e : array) {
      if (e.is_string()) out.push_back({e.get<std::string>(), false});
      else if (e.is_number()) out.push_back({e.dump(), true});
      else out.push_back({e.dump(), false});
    }
    return out;
  }
  return {{a.value, false}};
}

}  // namespace

bool FilterCondition::matches(const std::string& value, bool numeric) const {
  switch (kind) {
    case Kind::Equals: return !numeric && value == text;
    case Kind::Prefix: return !numeric && value.rfind(text, 0) == 0;
    case Kind::Suffix: return !numeric && value.size() >= text.size() && value.compare(value.size() - text.size(), text.size(), text) == 0;
    case Kind::EqualsIgnoreCase: return !numeric && iequals(value, text);
    case Kind::AnythingButPrefix: return value.rfind(text, 0) != 0;
    case Kind::Exists: return exists;  // the attribute is present
    case Kind::EqualsNumber: {
      auto v = numeric ? attribute_number(value) : std::nullopt;
      return v && *v == number;
    }
    case Kind::Numeric: {
      auto v = numeric ? attribute_number(value) : std::nullopt;
      return v && std::all_of(range.begin(), range.end(), [&](const auto& b) { return holds(b.first, *v, b.second); });
    }
    case Kind::AnythingBut: {
      if (std::find(texts.begin(), texts.end(), value) != texts.end() && !numeric) return false;
      if (numeric) {
        auto v = attribute_number(value);
        if (v && std::find(numbers.begin(), numbers.end(), *v) != numbers.end()) return false;
      }
      return true;
    }
  }
  return false;
}

bool FilterPolicy::matches(const MessageAttributes& attributes) const {
  for (const auto& [name, any_of] : conditions) {
    auto it = attributes.find(name);
    bool matched = false;
    if (it == attributes.end()) {
      matched = std::any_of(any_of.begin(), any_of.end(),
                            [](const FilterCondition& c) { return c.kind == FilterCondition::Kind::Exists && !c.exists; });
    } else {
      auto values = values_of(it->second);
      for (const auto& c : any_of) {
        if (c.kind == FilterCondition::Kind::Exists) matched = c.exists;
        else matched = std::any_of(values.begin(), values.end(), [&](const Value& v) { return c.matches(v.text, v.numeric); });
        if (matched) break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

}  // namespace localray::sns::model
