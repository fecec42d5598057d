#include "services/dynamodb/model/number.hpp"

#include <algorithm>

#include "services/dynamodb/model/limits.hpp"

namespace localray::dynamodb::model {
namespace {

constexpr const char* kNotANumber = "A value provided cannot be converted into a number";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Magnitudes below are strings of decimal digits without leading zeros ("" is zero).
int compare_magnitudes(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

std::string add_magnitudes(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    int sum = carry;
    if (i < a.size()) sum += a[a.size() - 1 - i] - '0';
    if (i < b.size()) sum += b[b.size() - 1 - i] - '0';
    out.push_back(static_cast<char>('0' + sum % 10));
    carry = sum / 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Requires a >= b.
std::string subtract_magnitudes(const std::string& a, const std::string& b) {
  std::string out;
  int borrow = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    int d = (a[a.size() - 1 - i] - '0') - borrow;
    if (i < b.size()) d -= b[b.size() - 1 - i] - '0';
    borrow = d < 0;
    out.push_back(static_cast<char>('0' + (d + 10) % 10));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

auto Number::make(bool negative, std::string digits, long long exponent) -> Result<Number> {
  auto first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Number{};
  digits.erase(0, first);
  auto last = digits.find_last_not_of('0');
  exponent += static_cast<long long>(digits.size() - 1 - last);
  digits.erase(last + 1);

  if (digits.size() > kMaxNumberDigits) {
    return validation_error("Attempting to store more than 38 significant digits in a Number");
  }
  long long magnitude = static_cast<long long>(digits.size()) - 1 + exponent;  // scientific exponent
  if (magnitude > kMaxNumberExponent) {
    return validation_error("Number overflow. Attempting to store a number with magnitude larger than supported range");
  }
  if (magnitude < kMinNumberExponent) {
    return validation_error("Number underflow. Attempting to store a number with magnitude smaller than supported range");
  }
  Number n;
  n.negative_ = negative;
  n.digits_ = std::move(digits);
  n.exponent_ = static_cast<int>(exponent);
  return n;
}

auto Number::parse(std::string_view text) -> Result<Number> {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';

  std::string digits;
  long long fraction_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    if (is_digit(text[i])) {
      digits.push_back(text[i]);
      if (seen_point) ++fraction_digits;
    } else if (text[i] == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (digits.empty()) return validation_error(kNotANumber);

  long long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
    if (i == text.size()) return validation_error(kNotANumber);
    for (; i < text.size() && is_digit(text[i]); ++i) {
      // Saturate: anything this large is out of range anyway, and must not overflow.
      exponent = std::min<long long>(exponent * 10 + (text[i] - '0'), 1'000'000'000);
    }
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) return validation_error(kNotANumber);
  return make(negative, std::move(digits), exponent - fraction_digits);
}

Number Number::from_integer(long long value) {
  // Exact for every long long: at most 19 digits, always in range.
  return parse(std::to_string(value)).value();
}

std::string Number::to_string() const {
  if (digits_.empty()) return "0";
  std::string out = negative_ ? "-" : "";
  if (exponent_ >= 0) return out + digits_ + std::string(static_cast<std::size_t>(exponent_), '0');
  long long point = static_cast<long long>(digits_.size()) + exponent_;  // digits before the point
  if (point > 0) {
    return out + digits_.substr(0, static_cast<std::size_t>(point)) + "." + digits_.substr(static_cast<std::size_t>(point));
  }
  return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits_;
}

Number Number::negated() const {
  Number n = *this;
  if (!n.digits_.empty()) n.negative_ = !n.negative_;
  return n;
}

auto add(const Number& a, const Number& b) -> Result<Number> {
  if (a.is_zero()) return b;
  if (b.is_zero()) return a;
  // Align both to the smaller exponent; the digit strings stay a few hundred digits at most.
  int exponent = std::min(a.exponent_, b.exponent_);
  std::string da = a.digits_ + std::string(static_cast<std::size_t>(a.exponent_ - exponent), '0');
  std::string db = b.digits_ + std::string(static_cast<std::size_t>(b.exponent_ - exponent), '0');
  if (a.negative_ == b.negative_) return Number::make(a.negative_, add_magnitudes(da, db), exponent);
  int order = compare_magnitudes(da, db);
  if (order == 0) return Number{};
  if (order > 0) return Number::make(a.negative_, subtract_magnitudes(da, db), exponent);
  return Number::make(b.negative_, subtract_magnitudes(db, da), exponent);
}

auto subtract(const Number& a, const Number& b) -> Result<Number> { return add(a, b.negated()); }

std::strong_ordering operator<=>(const Number& a, const Number& b) {
  auto sign = [](const Number& n) { return n.is_zero() ? 0 : (n.negative_ ? -1 : 1); };
  if (sign(a) != sign(b)) return sign(a) <=> sign(b);
  if (sign(a) == 0) return std::strong_ordering::equal;
  // Same sign: compare magnitudes by scientific exponent, then digit by digit.
  long long ma = static_cast<long long>(a.digits_.size()) + a.exponent_;
  long long mb = static_cast<long long>(b.digits_.size()) + b.exponent_;
  std::strong_ordering magnitude = ma != mb ? ma <=> mb : a.digits_.compare(b.digits_) <=> 0;
  return a.negative_ ? 0 <=> magnitude : magnitude;
}

}  // namespace localray::dynamodb::model
