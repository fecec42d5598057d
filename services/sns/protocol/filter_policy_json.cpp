#include "services/sns/protocol/filter_policy_json.hpp"

#include <nlohmann/json.hpp>

#include "services/sns/model/limits.hpp"

namespace localray::sns::protocol {
namespace {

using nlohmann::json;
using model::FilterCondition;
using Kind = FilterCondition::Kind;

struct Parser {
  std::string prefix;

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
      if (v.size() != 1 || !v.contains("prefix") || !v["prefix"].is_string())
        return fail("Unsupported anything-but pattern: " + v.dump());
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
    if (!add(v)) return fail("anything-but expects a string, a number, an array or a prefix object");
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
    if (op == "numeric") {
      if (!v.is_array() || v.empty() || v.size() % 2 != 0 || v.size() > 4) return fail("Value of numeric must be an array.");
      c.kind = Kind::Numeric;
      for (std::size_t i = 0; i < v.size(); i += 2) {
        auto cmp = comparison(v[i]);
        if (!cmp) return cmp.error();
        if (!v[i + 1].is_number()) return fail("Value of " + v[i].get<std::string>() + " must be numeric");
        c.range.emplace_back(*cmp, v[i + 1].get<double>());
      }
      return c;
    }
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
    if (rule.is_object()) return operator_condition(rule);
    return fail("Match value must be String, number, true, or false");
  }
};

}  // namespace

model::Result<model::FilterPolicy> parse_filter_policy(const std::string& text, std::string_view error_prefix) {
  Parser p{std::string{error_prefix}};
  auto doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return p.fail("failed to parse JSON.");
  if (!doc.is_object()) return p.fail("Filter policy must be a JSON object");
  if (doc.size() > model::kMaxFilterPolicyKeys) return p.fail("Filter policy can not have more than 5 keys");
  model::FilterPolicy policy;
  policy.source = text;
  for (const auto& [key, rules] : doc.items()) {
    if (rules.is_object())
      return model::Error{model::Code::InvalidParameter, p.prefix + "Filter policy scope MessageAttributes does not support nested filter policy"};
    std::vector<FilterCondition> any_of;
    if (rules.is_array()) {
      if (rules.empty()) return p.fail("Empty arrays are not allowed");
      for (const auto& r : rules) {
        auto c = p.condition(r);
        if (!c) return c.error();
        any_of.push_back(std::move(*c));
      }
    } else {
      // A bare value stands for a one-element array.
      auto c = p.condition(rules);
      if (!c) return c.error();
      any_of.push_back(std::move(*c));
    }
    policy.conditions.emplace(key, std::move(any_of));
  }
  return policy;
}

}  // namespace localray::sns::protocol
