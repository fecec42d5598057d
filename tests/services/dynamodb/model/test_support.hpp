#pragma once
// Shorthands for DynamoDB model tests: literal values and parsed expressions.
#include <ostream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/expression/expressions.hpp"

namespace localray::dynamodb::model {

// Readable GoogleTest failure output, found by ADL: {"a": N:1, "m": {"b": S:x}}.
inline void PrintTo(const AttributeValue& v, std::ostream* os) {
  if (v.is<Map>()) {
    *os << "{";
    bool first = true;
    for (const auto& [name, value] : v.as<Map>()) {
      *os << (first ? "" : ", ") << '"' << name << "\": ";
      PrintTo(value, os);
      first = false;
    }
    *os << "}";
  } else if (v.is<List>()) {
    *os << "[";
    for (std::size_t i = 0; i < v.as<List>().size(); ++i) {
      if (i) *os << ", ";
      PrintTo(v.as<List>()[i], os);
    }
    *os << "]";
  } else {
    std::string d = describe(v);
    *os << d.substr(1, d.size() - 2);
  }
}

}  // namespace localray::dynamodb::model

namespace localray::dynamodb::model::testing {

inline AttributeValue N(std::string_view text) { return AttributeValue{Number::parse(text).value()}; }
inline AttributeValue S(std::string text) { return AttributeValue{std::move(text)}; }

// Parses expressions that the test expects to be valid.
inline expression::Expressions parse(const expression::ExpressionInput& input) {
  auto parsed = expression::parse_expressions(input);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message);
  return parsed ? std::move(*parsed) : expression::Expressions{};
}

// The message of the error an expression input is expected to produce.
inline std::string parse_error(const expression::ExpressionInput& input) {
  auto parsed = expression::parse_expressions(input);
  if (parsed) return "<no error>";
  return parsed.error().message;
}

}  // namespace localray::dynamodb::model::testing
