#include "services/dynamodb/model/attribute_value.hpp"

#include <gtest/gtest.h>

#include "tests/services/dynamodb/model/test_support.hpp"

namespace localray::dynamodb::model {
namespace {

using testing::N;
using testing::S;

TEST(dynamodbAttributeValueTest, StringsSortByUnsignedBytes) {
  EXPECT_TRUE(compare_scalars(S("a"), S("b")) < 0);
  EXPECT_TRUE(compare_scalars(S("Z"), S("a")) < 0);
  EXPECT_TRUE(compare_scalars(S("ab"), S("abc")) < 0);
  EXPECT_TRUE(compare_scalars(S("\xC3\xA9"), S("z")) > 0);  // é's UTF-8 lead byte is above ASCII
}

TEST(dynamodbAttributeValueTest, NumbersAndBinariesSortByValue) {
  EXPECT_TRUE(compare_scalars(N("9"), N("10")) < 0);
  EXPECT_TRUE(compare_scalars(N("-5"), N("-4.5")) < 0);
  EXPECT_TRUE(compare_scalars(AttributeValue{Binary{"\x01"}}, AttributeValue{Binary{"\xff"}}) < 0);
}

TEST(dynamodbAttributeValueTest, EqualityComparesNumbersByValueAndSetsByContent) {
  EXPECT_EQ(N("1.50"), N("1.5"));
  EXPECT_NE(N("1"), S("1"));
  EXPECT_EQ((AttributeValue{StringSet{{"b", "a"}}}), (AttributeValue{StringSet{{"a", "b"}}}));
  EXPECT_EQ(AttributeValue{NumberSet{{Number::parse("1.0").value()}}}, AttributeValue{NumberSet{{Number::parse("1").value()}}});
  EXPECT_NE((AttributeValue{List{S("a"), S("b")}}), (AttributeValue{List{S("b"), S("a")}}));
}

TEST(dynamodbAttributeValueTest, ItemSizeCountsNamesValuesAndContainerOverhead) {
  EXPECT_EQ(item_size(Item{{"name", S("abc")}}), 4u + 3u);
  EXPECT_EQ(item_size(Item{{"n", N("123")}}), 1u + 3u);      // 3 digits: 2 bytes + 1
  EXPECT_EQ(item_size(Item{{"n", N("-1.5e10")}}), 1u + 2u);  // 2 digits: 1 byte + 1
  EXPECT_EQ(item_size(Item{{"b", AttributeValue{true}}}), 2u);
  EXPECT_EQ(item_size(Item{{"m", AttributeValue{Map{{"a", AttributeValue{Null{}}}}}}}), 1u + 3u + (1u + 1u + 1u));
  EXPECT_EQ(item_size(Item{{"l", AttributeValue{List{S("xy"), S("z")}}}}), 1u + 3u + (2u + 1u) + (1u + 1u));
  EXPECT_EQ(item_size(Item{{"ss", AttributeValue{StringSet{{"ab", "c"}}}}}), 2u + 3u);
  EXPECT_EQ(item_size(Item{{"\xC3\xA9", S("\xC3\xA9")}}), 4u);  // UTF-8 bytes, not characters
}

}  // namespace
}  // namespace localray::dynamodb::model
