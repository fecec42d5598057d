// BatchWriteItem and BatchGetItem: all-or-nothing validation and limits.
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

TEST_F(dynamodbDispatchTest, BatchWriteThenBatchGet) {
  create_hits_table();
  ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/old"}}}}}});
  json written = ok("BatchWriteItem", json::parse(R"({"RequestItems": {"hits": [
      {"PutRequest": {"Item": {"path": {"S": "/a"}, "v": {"N": "1"}}}},
      {"PutRequest": {"Item": {"path": {"S": "/b"}, "v": {"N": "2"}}}},
      {"DeleteRequest": {"Key": {"path": {"S": "/old"}}}}]}})"));
  EXPECT_EQ(written, json::parse(R"({"UnprocessedItems":{}})"));

  json got = ok("BatchGetItem", json::parse(R"({"RequestItems": {"hits": {
      "Keys": [{"path": {"S": "/a"}}, {"path": {"S": "/b"}}, {"path": {"S": "/old"}}],
      "ProjectionExpression": "v"}}})"));
  EXPECT_EQ(got.at("UnprocessedKeys"), json::object());
  std::multiset<std::string> values;
  for (const auto& item : got.at("Responses").at("hits")) values.insert(item.at("v").at("N").get<std::string>());
  EXPECT_EQ(values, (std::multiset<std::string>{"1", "2"}));  // /old was deleted
}

TEST_F(dynamodbDispatchTest, BatchWriteRefusesMoreThanTwentyFiveRequestsAndWritesNothing) {
  create_hits_table();
  json requests = json::array();
  for (int i = 0; i < 26; ++i) requests.push_back({{"PutRequest", {{"Item", {{"path", {{"S", "/p" + std::to_string(i)}}}}}}}});
  json e = fails("BatchWriteItem", json{{"RequestItems", {{"hits", requests}}}}.dump());
  EXPECT_EQ(e.at("__type"), kValidation);
  EXPECT_EQ(e.at("message"), "Too many items requested for the BatchWriteItem call");
  EXPECT_EQ(ok("Scan", {{"TableName", "hits"}}).at("Count"), 0);
}

TEST_F(dynamodbDispatchTest, BatchWriteWithABadItemWritesNothing) {
  create_hits_table();
  json e = fails("BatchWriteItem", R"({"RequestItems": {"hits": [
      {"PutRequest": {"Item": {"path": {"S": "/ok"}}}},
      {"PutRequest": {"Item": {"wrong": {"S": "/x"}}}}]}})");
  EXPECT_EQ(e.at("message"), "One or more parameter values were invalid: Missing the key path in the item");
  EXPECT_EQ(ok("Scan", {{"TableName", "hits"}}).at("Count"), 0);
  e = fails("BatchGetItem", R"({"RequestItems":{"hits":{"Keys":[{"path":{"S":"/a"}},{"path":{"S":"/a"}}]}}})");
  EXPECT_EQ(e.at("message"), "Provided list of item keys contains duplicates");
}

}  // namespace
}  // namespace localray::dynamodb::protocol
