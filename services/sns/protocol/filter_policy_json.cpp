#include "services/sns/protocol/filter_policy_json.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include "services/sns/model/limits.hpp"

namespace localray::sns::protocol {
namespace {

using nlohmann::json;
using model::FilterCondition;
using Kind = FilterCondition::Kind;

struct Parser {
  std::string prefix;
  bool bare_values = false;  // a key's single value stands for a one-element list (older localray)

  model::Error fail(const std::string& why) const { return {model::Code::InvalidParameter, prefix + "FilterPolicy: " + why}; }

  model::Result<FilterCondition::Comparison> comparison(const json& op) const {
    using C = FilterCondition::Comparison;
    if (op == "=") return C::Equal;
    if (op == "<") return C::Less;
    if (op == "<=") return C::LessOrEqual;
    if (op == ">") return C::Greater;
    if (op == ">=") return C::GreaterOrEqual;
    return fail("Unrecognized numeric range operator: " + (op.is_string() ? op.get<std::string>() : op.dump()));
  }

  model::Result<FilterCondition> anything_but(const json& v) const {
    FilterCondition c;
    c.kind = Kind::AnythingBut;
    if (v.is_object()) {
      if (v.size() != 1) return fail("Only one key allowed in match expression");
      if (!v.contains("prefix")) return fail("Unsupported anything-but pattern: " + v.begin().key());
      if (!v["prefix"].is_string()) return fail("prefix match pattern must be a string");
      c.kind = Kind::AnythingButPrefix;
      c.text = v["prefix"].get<std::string>();
      return c;
    }
    auto add = [&](const json& e) -> bool {
      if (e.is_string()) c.texts.push_back(e.get<std::string>());
      else if (e.is_number()) c.numbers.push_back(e.get<double>());
      else return false;
      return true;
    };
    if (v.is_array()) {
      if (v.empty()) return fail("Empty arrays are not allowed");
      for (const auto& e : v)
        if (!add(e)) return fail("Inside anything but list, start|null|boolean is not supported.");
      return c;
    }
    if (!add(v)) return fail("Inside anything but list, start|null|boolean is not supported.");
    return c;
  }

  // ["=", n] alone; ["<"|"<=", n] alone; [">"|">=", n] optionally followed by ["<"|"<=", m] with n < m.
  model::Result<FilterCondition> numeric(const json& v) const {
    using C = FilterCondition::Comparison;
    if (!v.is_array()) return fail("Value of numeric must be an array.");
    if (v.empty()) return fail("Invalid member in numeric match: ]");
    FilterCondition c;
    c.kind = Kind::Numeric;
    for (std::size_t i = 0; i < v.size(); i += 2) {
      if (!v[i].is_string()) return fail("Invalid member in numeric match: " + v[i].dump());
      auto cmp = comparison(v[i]);
      if (!cmp) return cmp.error();
      if (i > 0) {
        if (i >= 4) return fail("Too many terms in numeric range expression");
        if (*cmp != C::Less && *cmp != C::LessOrEqual) return fail("Bad numeric range operator: " + v[i].get<std::string>());
      }
      std::string name = *cmp == C::Equal ? "equals" : v[i].get<std::string>();
      if (i + 1 >= v.size() || !v[i + 1].is_number()) return fail("Value of " + name + " must be numeric");
      c.range.emplace_back(*cmp, v[i + 1].get<double>());
      bool opens_range = *cmp == C::Greater || *cmp == C::GreaterOrEqual;
      if (i == 0 && !opens_range && v.size() > 2) return fail("Too many elements in numeric expression");
    }
    if (c.range.size() == 2 && c.range[0].second >= c.range[1].second) return fail("Bottom must be less than top");
    return c;
  }

  model::Result<FilterCondition> cidr(const json& v) const {
    if (!v.is_string()) return fail("prefix match pattern must be a string");
    const auto text = v.get<std::string>();
    auto slash = text.find('/');
    if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos)
      return model::Error{model::Code::InvalidParameter, prefix + "FilterPolicy: Malformed CIDR, one '/' required"};
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(text.substr(0, slash), ec);
    if (ec) return model::Error{model::Code::InvalidParameter, prefix + "FilterPolicy: Nonstandard IP address: " + text.substr(0, slash)};
    const std::string bits = text.substr(slash + 1);
    int mask = -1;
    if (!bits.empty() && bits.size() <= 3 && std::all_of(bits.begin(), bits.end(), [](unsigned char ch) { return std::isdigit(ch); }))
      mask = std::stoi(bits);
    int max = address.is_v4() ? 32 : 128;
    if (mask < 0 || mask > max) return model::Error{model::Code::InvalidParameter, prefix + "FilterPolicy: Malformed CIDR, mask bits must be an integer"};
    FilterCondition c;
    c.kind = Kind::Cidr;
    c.ipv6 = address.is_v6();
    c.mask_bits = mask;
    if (address.is_v4()) {
      auto b = address.to_v4().to_bytes();
      std::copy(b.begin(), b.end(), c.network.begin());
    } else {
      c.network = address.to_v6().to_bytes();
    }
    return c;
  }

  model::Result<FilterCondition> operator_condition(const json& rule) const {
    if (rule.size() != 1) return fail("Only one key allowed in match expression");
    auto first = rule.begin();
    const std::string& op = first.key();
    const json& v = first.value();
    FilterCondition c;
    if (op == "prefix" || op == "suffix" || op == "equals-ignore-case") {
      if (!v.is_string()) return fail(op + " match pattern must be a string");
      c.kind = op == "prefix" ? Kind::Prefix : op == "suffix" ? Kind::Suffix : Kind::EqualsIgnoreCase;
      c.text = v.get<std::string>();
      return c;
    }
    if (op == "anything-but") return anything_but(v);
    if (op == "exists") {
      if (!v.is_boolean()) return fail("exists match pattern must be either true or false.");
      c.kind = Kind::Exists;
      c.exists = v.get<bool>();
      return c;
    }
    if (op == "numeric") return numeric(v);
    if (op == "cidr") return cidr(v);
    return fail("Unrecognized match type " + op);
  }

  model::Result<FilterCondition> condition(const json& rule) const {
    FilterCondition c;
    if (rule.is_string()) {
      c.kind = Kind::Equals;
      c.text = rule.get<std::string>();
      return c;
    }
    if (rule.is_number()) {
      c.kind = Kind::EqualsNumber;
      c.number = rule.get<double>();
      return c;
    }
    if (rule.is_boolean()) {  // matches the String value "true"/"false"
      c.kind = Kind::Equals;
      c.text = rule.get<bool>() ? "true" : "false";
      return c;
    }
    if (rule.is_null()) {
      c.kind = Kind::EqualsNull;
      return c;
    }
    if (rule.is_object()) return operator_condition(rule);
    return fail("Match value must be String, number, true, false, or null");
  }

  // The keys of one policy object under `path` (dotted, for nested objects), into `into`.
  model::Result<void> object(const json& doc, const std::string& path, model::FilterPolicy& into, int depth = 0) const {
    if (depth > model::kMaxFilterPolicyDepth) return fail("Filter policy is too complex");
    for (const auto& [key, rules] : doc.items()) {
      if (key == "$or") {
        if (!rules.is_array() || rules.size() < 2) return fail("Or relationship must be an array of at least two objects");
        std::vector<model::FilterPolicy> alternatives;
        for (const auto& alternative : rules) {
          if (!alternative.is_object() || alternative.empty()) return fail("Or relationship must be an array of at least two objects");
          model::FilterPolicy one;
          if (auto r = object(alternative, path, one, depth + 1); !r) return r;
          into.nested = into.nested || one.nested;
          alternatives.push_back(std::move(one));
        }
        into.ors.push_back(std::move(alternatives));
        continue;
      }
      const std::string name = path.empty() ? key : path + "." + key;
      if (rules.is_object()) {
        into.nested = true;
        if (rules.empty()) return fail("Empty objects are not allowed");
        if (auto r = object(rules, name, into, depth + 1); !r) return r;
        continue;
      }
      if (!rules.is_array() && !bare_values) return fail("\"" + key + "\" must be an object or an array");
      if (rules.is_array() && rules.empty()) return fail("Empty arrays are not allowed");
      std::vector<FilterCondition> any_of;
      for (const auto& r : rules.is_array() ? rules : json::array({rules})) {
        auto c = condition(r);
        if (!c) return c.error();
        any_of.push_back(std::move(*c));
      }
      auto& slot = into.conditions[name];
      slot.insert(slot.end(), any_of.begin(), any_of.end());
    }
    return {};
  }
};

// How many single-value matches the policy stands for: SNS bounds it at kMaxFilterPolicyCombinations.
// Counting stops just past the bound, so that no product overflows.
std::size_t combinations(const model::FilterPolicy& p) {
  constexpr std::size_t over = model::kMaxFilterPolicyCombinations + 1;
  std::size_t n = 1;
  for (const auto& [key, any_of] : p.conditions) n = std::min(over, n * std::max<std::size_t>(1, any_of.size()));
  for (const auto& alternatives : p.ors) {
    std::size_t sum = 0;
    for (const auto& a : alternatives) sum = std::min(over, sum + combinations(a));
    n = std::min(over, n * std::max<std::size_t>(1, sum));
  }
  return n;
}

}  // namespace

model::Result<model::FilterPolicy> parse_filter_policy(const std::string& text, std::string_view error_prefix, bool bare_values) {
  Parser p{std::string{error_prefix}, bare_values};
  if (text.size() > model::kMaxFilterPolicyBytes) return p.fail("Filter policy is too long");
  auto doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return p.fail("failed to parse JSON.");
  if (!doc.is_object()) return p.fail("Filter policy must be a JSON object");
  if (doc.size() > model::kMaxFilterPolicyKeys) return p.fail("Filter policy can not have more than 5 keys");
  model::FilterPolicy policy;
  policy.source = text;
  if (auto r = p.object(doc, "", policy); !r) return r.error();
  if (combinations(policy) > model::kMaxFilterPolicyCombinations) return p.fail("Filter policy is too complex");
  return policy;
}

}  // namespace localray::sns::protocol
