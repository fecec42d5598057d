#include "services/sns/model/filter_policy.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/asio/ip/address.hpp>
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
  bool null = false;
};

bool in_network(const FilterCondition& c, const std::string& value) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(value, ec);
  if (ec || address.is_v6() != c.ipv6) return false;
  std::array<std::uint8_t, 16> bytes{};
  if (address.is_v4()) {
    auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    bytes = address.to_v6().to_bytes();
  }
  for (int bit = 0; bit < c.mask_bits; ++bit) {
    std::uint8_t m = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if ((bytes[bit / 8] & m) != (c.network[bit / 8] & m)) return false;
  }
  return true;
}

// The values a body path leads to: objects are stepped into, arrays on the way and at the end
// offer each element. Arrays nested deeper than kMaxBodyDepth offer nothing: a publisher's body
// must not run the walk off the stack.
constexpr int kMaxBodyDepth = 64;
void collect(const nlohmann::json& node, const std::vector<std::string>& path, std::size_t at, std::vector<Value>& out, bool& present,
             int depth = 0) {
  if (depth > kMaxBodyDepth) return;
  if (node.is_array()) {
    for (const auto& e : node) collect(e, path, at, out, present, depth + 1);
    return;
  }
  if (at == path.size()) {
    if (node.is_object()) return;  // SNS matches leaves only: an object is not a value of the key
    present = true;
    if (node.is_string()) out.push_back({node.get<std::string>(), false});
    else if (node.is_number()) out.push_back({node.dump(), true});
    else if (node.is_boolean()) out.push_back({node.get<bool>() ? "true" : "false", false});
    else if (node.is_null()) out.push_back({"", false, true});
    return;
  }
  if (!node.is_object()) return;
  auto it = node.find(path[at]);
  if (it != node.end()) collect(*it, path, at + 1, out, present, depth + 1);
}

std::vector<std::string> split_path(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

// One key: present with these values, or absent.
bool key_matches(const std::vector<FilterCondition>& any_of, const std::vector<Value>& values, bool present) {
  if (!present)
    return std::any_of(any_of.begin(), any_of.end(), [](const FilterCondition& c) { return c.kind == FilterCondition::Kind::Exists && !c.exists; });
  for (const auto& c : any_of) {
    bool matched;
    if (c.kind == FilterCondition::Kind::Exists) matched = c.exists;
    else if (c.kind == FilterCondition::Kind::EqualsNull) matched = std::any_of(values.begin(), values.end(), [](const Value& v) { return v.null; });
    else matched = std::any_of(values.begin(), values.end(), [&](const Value& v) { return !v.null && c.matches(v.text, v.numeric); });
    if (matched) return true;
  }
  return false;
}

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
      else if (e.is_boolean()) out.push_back({e.get<bool>() ? "true" : "false", false});
      // Nested arrays and objects match nothing (and are not walked: they may nest deep).
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
    case Kind::EqualsNull: return false;  // only a body's null, which key_matches sees
    case Kind::Cidr: return !numeric && in_network(*this, value);
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
    bool present = it != attributes.end();
    if (!key_matches(any_of, present ? values_of(it->second) : std::vector<Value>{}, present)) return false;
  }
  return std::all_of(ors.begin(), ors.end(), [&](const std::vector<FilterPolicy>& alternatives) {
    return std::any_of(alternatives.begin(), alternatives.end(), [&](const FilterPolicy& p) { return p.matches(attributes); });
  });
}

bool FilterPolicy::matches_body(const nlohmann::json& body) const {
  for (const auto& [key, any_of] : conditions) {
    std::vector<Value> values;
    bool present = false;
    collect(body, split_path(key), 0, values, present);
    if (!key_matches(any_of, values, present)) return false;
  }
  return std::all_of(ors.begin(), ors.end(), [&](const std::vector<FilterPolicy>& alternatives) {
    return std::any_of(alternatives.begin(), alternatives.end(), [&](const FilterPolicy& p) { return p.matches_body(body); });
  });
}

}  // namespace localray::sns::model
