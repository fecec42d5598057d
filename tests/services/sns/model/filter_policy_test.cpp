#include "services/sns/model/filter_policy.hpp"

#include <gtest/gtest.h>

namespace localray::sns::model {
namespace {

using Kind = FilterCondition::Kind;
using Comparison = FilterCondition::Comparison;

FilterCondition equals(std::string s) {
  FilterCondition c;
  c.kind = Kind::Equals;
  c.text = std::move(s);
  return c;
}

FilterCondition of(Kind kind, std::string s = {}) {
  FilterCondition c;
  c.kind = kind;
  c.text = std::move(s);
  return c;
}

FilterCondition number(double n) {
  FilterCondition c;
  c.kind = Kind::EqualsNumber;
  c.number = n;
  return c;
}

FilterCondition numeric(std::vector<std::pair<Comparison, double>> range) {
  FilterCondition c;
  c.kind = Kind::Numeric;
  c.range = std::move(range);
  return c;
}

FilterCondition exists(bool e) {
  FilterCondition c;
  c.kind = Kind::Exists;
  c.exists = e;
  return c;
}

FilterCondition anything_but(std::vector<std::string> texts, std::vector<double> numbers = {}) {
  FilterCondition c;
  c.kind = Kind::AnythingBut;
  c.texts = std::move(texts);
  c.numbers = std::move(numbers);
  return c;
}

MessageAttributes attrs(std::initializer_list<std::pair<const std::string, MessageAttribute>> l) { return MessageAttributes{l}; }

TEST(FilterPolicyTest, KeysAreAndedAndConditionsOfAKeyAreOred) {
  FilterPolicy p{"", {{"colour", {equals("red"), equals("blue")}}, {"size", {equals("L")}}}};
  EXPECT_TRUE(p.matches(attrs({{"colour", {"String", "blue"}}, {"size", {"String", "L"}}})));
  EXPECT_FALSE(p.matches(attrs({{"colour", {"String", "green"}}, {"size", {"String", "L"}}})));
  EXPECT_FALSE(p.matches(attrs({{"colour", {"String", "red"}}}))) << "a key without its attribute does not match";
  EXPECT_TRUE(FilterPolicy{}.matches({})) << "an empty policy lets everything through";
}

TEST(FilterPolicyTest, StringConditions) {
  auto one = [](FilterCondition c, const std::string& value) {
    return FilterPolicy{"", {{"a", {std::move(c)}}}}.matches(attrs({{"a", {"String", value}}}));
  };
  EXPECT_TRUE(one(of(Kind::Prefix, "pre"), "prefix"));
  EXPECT_FALSE(one(of(Kind::Prefix, "pre"), "apre"));
  EXPECT_TRUE(one(of(Kind::Suffix, "fix"), "prefix"));
  EXPECT_FALSE(one(of(Kind::Suffix, "longer-than-value"), "fix"));
  EXPECT_TRUE(one(of(Kind::EqualsIgnoreCase, "RED"), "Red"));
  EXPECT_TRUE(one(of(Kind::AnythingButPrefix, "x"), "abc"));
  EXPECT_FALSE(one(of(Kind::AnythingButPrefix, "a"), "abc"));
  EXPECT_TRUE(one(anything_but({"red", "blue"}), "green"));
  EXPECT_FALSE(one(anything_but({"red", "blue"}), "red"));
  EXPECT_FALSE(one(number(5), "5")) << "numbers match Number attributes only";
}

TEST(FilterPolicyTest, NumericConditionsOnNumberAttributes) {
  auto one = [](FilterCondition c, const std::string& value) {
    return FilterPolicy{"", {{"n", {std::move(c)}}}}.matches(attrs({{"n", {"Number", value}}}));
  };
  EXPECT_TRUE(one(number(5), "5.0"));
  EXPECT_FALSE(one(number(5), "6"));
  EXPECT_TRUE(one(numeric({{Comparison::Greater, 0}, {Comparison::LessOrEqual, 5}}), "5"));
  EXPECT_FALSE(one(numeric({{Comparison::Greater, 0}, {Comparison::LessOrEqual, 5}}), "5.5"));
  EXPECT_FALSE(one(numeric({{Comparison::Greater, 0}}), "0"));
  EXPECT_TRUE(one(numeric({{Comparison::GreaterOrEqual, 0}}), "0"));
  EXPECT_TRUE(one(numeric({{Comparison::Less, 0}}), "-1e3"));
  EXPECT_TRUE(one(numeric({{Comparison::Equal, 2}}), "+2"));
  EXPECT_FALSE(one(anything_but({}, {1, 2}), "2"));
  EXPECT_TRUE(one(anything_but({}, {1, 2}), "3"));
  EXPECT_FALSE(one(equals("5"), "5")) << "strings match String attributes only";
}

TEST(FilterPolicyTest, ExistsLooksAtPresenceOnly) {
  FilterPolicy absent{"", {{"a", {exists(false)}}}};
  FilterPolicy present{"", {{"a", {exists(true)}}}};
  EXPECT_TRUE(absent.matches({}));
  EXPECT_FALSE(absent.matches(attrs({{"a", {"String", "x"}}})));
  EXPECT_TRUE(present.matches(attrs({{"a", {"Binary", "\x01"}}}))) << "even a binary attribute exists";
  EXPECT_FALSE(present.matches({}));
  EXPECT_FALSE(FilterPolicy({"", {{"a", {anything_but({"x"})}}}}).matches({})) << "anything-but needs the attribute";
}

TEST(FilterPolicyTest, StringArraysMatchWhenAnyElementDoes) {
  FilterPolicy p{"", {{"tags", {equals("b")}}}};
  EXPECT_TRUE(p.matches(attrs({{"tags", {"String.Array", R"(["a","b"])"}}})));
  EXPECT_FALSE(p.matches(attrs({{"tags", {"String.Array", R"(["a","c"])"}}})));
  EXPECT_FALSE(p.matches(attrs({{"tags", {"String.Array", "not json"}}})));
  FilterPolicy n{"", {{"tags", {number(3)}}}};
  EXPECT_TRUE(n.matches(attrs({{"tags", {"String.Array", R"(["a",3])"}}})));
}

TEST(FilterPolicyTest, BinaryAttributesNeverMatchAValue) {
  FilterPolicy p{"", {{"b", {equals("x"), anything_but({"y"})}}}};
  EXPECT_FALSE(p.matches(attrs({{"b", {"Binary", "x"}}})));
}

}  // namespace
}  // namespace localray::sns::model
