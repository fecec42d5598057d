#pragma once
// An exact decimal as DynamoDB stores it: at most 38 significant digits, magnitude between
// 1E-130 and 9.99...E+125, or zero. Never a double: counters must not drift and 38-digit values
// must round-trip, so arithmetic works on decimal digits.
#include <compare>
#include <cstddef>
#include <string>
#include <string_view>

#include "services/dynamodb/model/error.hpp"

namespace localray::dynamodb::model {

class Number {
 public:
  Number() = default;  // zero

  // Accepts what DynamoDB accepts: [+-] digits [. digits] [(e|E) [+-] digits], or .digits.
  static auto parse(std::string_view text) -> Result<Number>;
  static Number from_integer(long long value);

  // Canonical plain notation, as DynamoDB returns numbers: "01.50" -> "1.5", "-0" -> "0",
  // "1e3" -> "1000", "1E-3" -> "0.001".
  std::string to_string() const;

  bool is_zero() const { return digits_.empty(); }
  bool is_negative() const { return negative_; }
  std::size_t significant_digits() const { return digits_.size(); }
  Number negated() const;

  friend auto add(const Number& a, const Number& b) -> Result<Number>;
  friend auto subtract(const Number& a, const Number& b) -> Result<Number>;

  // Numeric order; equal values have one representation, so == can compare members.
  friend std::strong_ordering operator<=>(const Number& a, const Number& b);
  friend bool operator==(const Number& a, const Number& b) = default;

 private:
  // Normalises (strips zeros, zero has no sign) and enforces DynamoDB's precision and range.
  static auto make(bool negative, std::string digits, long long exponent) -> Result<Number>;

  bool negative_ = false;
  std::string digits_;  // no leading or trailing '0'; empty means zero
  int exponent_ = 0;    // value = digits_ x 10^exponent_
};

}  // namespace localray::dynamodb::model
