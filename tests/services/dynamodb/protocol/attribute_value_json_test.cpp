#include "services/dynamodb/protocol/attribute_value_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/base64.hpp"

namespace localray::dynamodb::protocol {
namespace {

using nlohmann::json;

std::string error_of(const json& j) {
  auto v = attribute_value_from_json(j);
  return v ? "<ok>" : v.error().message;
}

TEST(dynamodbAttributeValueJsonTest, EveryTypeRoundTrips) {
  json item = json::parse(R"({
    "s": {"S": "text"}, "n": {"N": "-12.5"}, "b": {"B": "AAH/"}, "t": {"BOOL": true}, "z": {"NULL": true},
    "m": {"M": {"inner": {"L": [{"S": "x"}, {"N": "1"}]}}},
    "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AQ==", "Ag=="]}
  })");
  auto parsed = item_from_json(item);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->at("b").as<model::Binary>().bytes, std::string("\x00\x01\xff", 3));
  EXPECT_EQ(item_to_json(*parsed), item);
}

TEST(dynamodbAttributeValueJsonTest, NumbersComeBackNormalised) {
  EXPECT_EQ(attribute_value_to_json(attribute_value_from_json(json{{"N", "01.50"}}).value()), (json{{"N", "1.5"}}));
  EXPECT_EQ(attribute_value_to_json(attribute_value_from_json(json{{"N", "1e3"}}).value()), (json{{"N", "1000"}}));
  EXPECT_EQ(attribute_value_to_json(attribute_value_from_json(json{{"NS", {"2", "1.0"}}}).value()), (json{{"NS", {"1", "2"}}}));
}

TEST(dynamodbAttributeValueJsonTest, AttributeValueNeedsExactlyOneType) {
  EXPECT_EQ(error_of(json::object()), "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(error_of(json{{"X", "1"}}), "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(error_of(json{{"S", "a"}, {"N", "1"}}),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
  EXPECT_EQ(error_of(json{{"S", ""}}), "<ok>");  // empty strings are valid values
}

TEST(dynamodbAttributeValueJsonTest, InvalidNumbersAreRejectedInDynamoDbWords) {
  EXPECT_EQ(error_of(json{{"N", "abc"}}), "A value provided cannot be converted into a number");
  EXPECT_EQ(error_of(json{{"N", ""}}), "A value provided cannot be converted into a number");
  EXPECT_EQ(error_of(json{{"N", "1e200"}}), "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(error_of(json{{"NS", {"1", "x"}}}), "A value provided cannot be converted into a number");
}

TEST(dynamodbAttributeValueJsonTest, SetsMustBeNonEmptyAndUnique) {
  EXPECT_EQ(error_of(json{{"SS", json::array()}}), "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(error_of(json{{"NS", json::array()}}), "One or more parameter values were invalid: An number set  may not be empty");
  EXPECT_EQ(error_of(json{{"SS", {"a", "a"}}}), "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
  EXPECT_EQ(error_of(json{{"NS", {"1", "1.0"}}}),
            "One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.");
}

TEST(dynamodbAttributeValueJsonTest, NullMustBeTrue) {
  EXPECT_EQ(error_of(json{{"NULL", false}}),
            "One or more parameter values were invalid: Null attribute value types must have the value of true");
}

TEST(dynamodbAttributeValueJsonTest, WrongJsonTypesAreSerializationErrors) {
  auto v = attribute_value_from_json(json{{"S", 1}});
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, model::Code::Serialization);
  EXPECT_EQ(attribute_value_from_json(json{{"BOOL", "true"}}).error().code, model::Code::Serialization);
  EXPECT_EQ(attribute_value_from_json(json{{"B", "not base64!"}}).error().code, model::Code::Serialization);
  EXPECT_EQ(item_from_json(json::array()).error().code, model::Code::Serialization);
}

TEST(dynamodbAttributeValueJsonTest, NestedErrorsSurface) {
  auto item = item_from_json(json::parse(R"({"m": {"M": {"deep": {"L": [{}]}}}})"));
  ASSERT_FALSE(item.has_value());
  EXPECT_EQ(item.error().message, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
}

TEST(dynamodbBase64Test, EncodesAndDecodesEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t length : {0u, 1u, 2u, 3u, 4u, 255u, 256u}) {
    std::string part = bytes.substr(0, length);
    EXPECT_EQ(http::base64_decode(http::base64_encode(part)), part) << length;
  }
  EXPECT_EQ(http::base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(http::base64_decode("Zm9vYg"), "foob");  // padding optional
  EXPECT_FALSE(http::base64_decode("Zm9v!g=="));
  EXPECT_FALSE(http::base64_decode("Z"));
}

}  // namespace
}  // namespace localray::dynamodb::protocol
