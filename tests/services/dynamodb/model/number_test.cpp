#include "services/dynamodb/model/number.hpp"

#include <gtest/gtest.h>

namespace localray::dynamodb::model {
namespace {

std::string canonical(std::string_view text) {
  auto n = Number::parse(text);
  return n ? n->to_string() : "error: " + n.error().message;
}

std::string sum(std::string_view a, std::string_view b) {
  auto r = add(Number::parse(a).value(), Number::parse(b).value());
  return r ? r->to_string() : "error: " + r.error().message;
}

std::string difference(std::string_view a, std::string_view b) {
  auto r = subtract(Number::parse(a).value(), Number::parse(b).value());
  return r ? r->to_string() : "error: " + r.error().message;
}

TEST(dynamodbNumberTest, CanonicalFormDropsRedundantZerosSignsAndExponents) {
  EXPECT_EQ(canonical("01.50"), "1.5");
  EXPECT_EQ(canonical("-0"), "0");
  EXPECT_EQ(canonical("-0.000"), "0");
  EXPECT_EQ(canonical("1e3"), "1000");
  EXPECT_EQ(canonical("1E+3"), "1000");
  EXPECT_EQ(canonical("1E-3"), "0.001");
  EXPECT_EQ(canonical("+7"), "7");
  EXPECT_EQ(canonical(".5"), "0.5");
  EXPECT_EQ(canonical("5."), "5");
  EXPECT_EQ(canonical("100"), "100");
  EXPECT_EQ(canonical("1.23e2"), "123");
  EXPECT_EQ(canonical("12345e-2"), "123.45");
  EXPECT_EQ(canonical("-00012.3400"), "-12.34");
}

TEST(dynamodbNumberTest, ExtremeExponentsPrintAsPlainDigits) {
  EXPECT_EQ(canonical("1e125"), "1" + std::string(125, '0'));
  EXPECT_EQ(canonical("9.9999999999999999999999999999999999999E+125"), std::string(38, '9') + std::string(88, '0'));
  EXPECT_EQ(canonical("1e-130"), "0." + std::string(129, '0') + "1");
  EXPECT_EQ(canonical("-1e-130"), "-0." + std::string(129, '0') + "1");
}

TEST(dynamodbNumberTest, RejectsTextThatIsNotANumber) {
  for (std::string_view bad : {"", "abc", "1e", "1e+", "1..2", "--1", " 1", "1 ", "0x10", ".", "-", "1,5", "NaN", "Infinity"}) {
    auto n = Number::parse(bad);
    ASSERT_FALSE(n.has_value()) << bad;
    EXPECT_EQ(n.error().code, Code::Validation);
    EXPECT_EQ(n.error().message, "A value provided cannot be converted into a number") << bad;
  }
}

TEST(dynamodbNumberTest, AcceptsThirtyEightSignificantDigitsButNotThirtyNine) {
  EXPECT_EQ(canonical("12345678901234567890123456789012345678"), "12345678901234567890123456789012345678");
  EXPECT_EQ(canonical("123456789012345678901234567890123456789"),
            "error: Attempting to store more than 38 significant digits in a Number");
  // Trailing zeros of an integer are not significant.
  EXPECT_EQ(canonical("1" + std::string(60, '0')), "1" + std::string(60, '0'));
}

TEST(dynamodbNumberTest, RejectsMagnitudesOutsideDynamoDbRange) {
  EXPECT_EQ(canonical("1e126"), "error: Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(canonical("-1e126"), "error: Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(canonical("1e-131"), "error: Number underflow. Attempting to store a number with magnitude smaller than supported range");
  EXPECT_EQ(canonical("1e999999999999999999999"),
            "error: Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(canonical("0e999"), "0");  // zero has no magnitude
}

TEST(dynamodbNumberTest, AdditionIsExactWhereADoubleWouldRound) {
  EXPECT_EQ(sum("0.1", "0.2"), "0.3");
  EXPECT_EQ(sum("99999999999999999999999999999999999998", "1"), "99999999999999999999999999999999999999");
  EXPECT_EQ(sum("12345678901234567890123456789012345678", "1"), "12345678901234567890123456789012345679");
  EXPECT_EQ(sum("9007199254740993", "0"), "9007199254740993");  // 2^53 + 1: not a double
  EXPECT_EQ(sum("1e100", "1e100"), "2" + std::string(100, '0'));
}

TEST(dynamodbNumberTest, SubtractionCrossesZeroWithoutNegativeZero) {
  EXPECT_EQ(difference("1", "5"), "-4");
  EXPECT_EQ(difference("3", "3"), "0");
  EXPECT_EQ(sum("-3", "3"), "0");
  EXPECT_EQ(difference("1.5", "0.25"), "1.25");
  EXPECT_EQ(difference("-1.5", "0.25"), "-1.75");
  EXPECT_EQ(sum("-10", "2.5"), "-7.5");
}

TEST(dynamodbNumberTest, ArithmeticBeyondThirtyEightDigitsIsAnErrorNotARounding) {
  EXPECT_EQ(sum("1e30", "1e-10"), "error: Attempting to store more than 38 significant digits in a Number");
  EXPECT_EQ(sum("99999999999999999999999999999999999999", "1"), "100000000000000000000000000000000000000");
  EXPECT_EQ(sum("9.9999999999999999999999999999999999999E+125", "1e88"),
            "error: Number overflow. Attempting to store a number with magnitude larger than supported range");
}

TEST(dynamodbNumberTest, OrdersNumericallyAndEqualsAcrossFormats) {
  auto n = [](std::string_view t) { return Number::parse(t).value(); };
  EXPECT_LT(n("2"), n("10"));
  EXPECT_LT(n("-10"), n("-2"));
  EXPECT_LT(n("0.001"), n("0.01"));
  EXPECT_LT(n("-1"), n("0"));
  EXPECT_LT(n("0"), n("1e-130"));
  EXPECT_LT(n("1.2"), n("1.23"));
  EXPECT_GT(n("200"), n("123"));
  EXPECT_EQ(n("1.0"), n("1"));
  EXPECT_EQ(n("1e2"), n("100"));
  EXPECT_EQ(n("-0"), n("0"));
}

}  // namespace
}  // namespace localray::dynamodb::model
