// TagResource, UntagResource, ListTagsOfResource, DescribeLimits and DescribeEndpoints over the
// DynamoDB JSON protocol, with the errors AWS gives for bad ARNs and tag lists, in its order.
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

constexpr const char* kHitsArn = "arn:aws:dynamodb:us-east-1:000000000000:table/hits";

class dynamodbTagsTest : public dynamodbDispatchTest {
 protected:
  json tags_of(const std::string& arn) {
    http::Response r = call("ListTagsOfResource", json{{"ResourceArn", arn}}.dump());
    EXPECT_EQ(r.status, 200u) << r.body;
    return json::parse(r.body).at("Tags");
  }
};

TEST_F(dynamodbTagsTest, TagsAreAddedReplacedListedInKeyOrderAndRemoved) {
  create_hits_table();
  EXPECT_EQ(tags_of(kHitsArn), json::array());
  http::Response r = call("TagResource", json{{"ResourceArn", kHitsArn},
                                              {"Tags", {{{"Key", "team"}, {"Value", "red"}}, {{"Key", "env"}, {"Value", "dev"}}}}}
                                              .dump());
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body), json::object());
  ASSERT_EQ(call("TagResource", json{{"ResourceArn", kHitsArn}, {"Tags", {{{"Key", "team"}, {"Value", "blue"}}}}}.dump()).status, 200u);
  EXPECT_EQ(tags_of(kHitsArn), json::parse(R"([{"Key":"env","Value":"dev"},{"Key":"team","Value":"blue"}])"));
  // Lengths count characters: 128 two-byte characters make a valid key.
  std::string accented;
  for (int i = 0; i < 128; ++i) accented += "\xc3\xa9";
  EXPECT_EQ(call("TagResource", json{{"ResourceArn", kHitsArn}, {"Tags", {{{"Key", accented}, {"Value", ""}}}}}.dump()).status, 200u);
  ASSERT_EQ(call("UntagResource", json{{"ResourceArn", kHitsArn}, {"TagKeys", {accented}}}.dump()).status, 200u);
  r = call("UntagResource", json{{"ResourceArn", kHitsArn}, {"TagKeys", {"env", "absent"}}}.dump());
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(tags_of(kHitsArn), json::parse(R"([{"Key":"team","Value":"blue"}])"));
}

TEST_F(dynamodbTagsTest, CreateTableTakesTagsAndChecksThemAsTagResourceDoes) {
  http::Response r = call("CreateTable", json{{"TableName", "tagged"},
                                              {"KeySchema", {{{"AttributeName", "k"}, {"KeyType", "HASH"}}}},
                                              {"AttributeDefinitions", {{{"AttributeName", "k"}, {"AttributeType", "S"}}}},
                                              {"BillingMode", "PAY_PER_REQUEST"},
                                              {"Tags", {{{"Key", "owner"}, {"Value", "me"}}}}}
                                              .dump());
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(tags_of("arn:aws:dynamodb:us-east-1:000000000000:table/tagged"), json::parse(R"([{"Key":"owner","Value":"me"}])"));
  json e = fails("CreateTable", json{{"TableName", "other"},
                                     {"KeySchema", {{{"AttributeName", "k"}, {"KeyType", "HASH"}}}},
                                     {"AttributeDefinitions", {{{"AttributeName", "k"}, {"AttributeType", "S"}}}},
                                     {"BillingMode", "PAY_PER_REQUEST"},
                                     {"Tags", {{{"Key", std::string(129, 'k')}, {"Value", "v"}}}}}
                                     .dump());
  EXPECT_EQ(e.at("message"), "1 validation error detected: Value '" + std::string(129, 'k') +
                                 "' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128");
  EXPECT_EQ(fails("DescribeTable", json{{"TableName", "other"}}.dump()).at("__type"),
            "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
      << "a refused CreateTable makes nothing";
}

TEST_F(dynamodbTagsTest, TaggingErrorsComeInDynamoDbsOrderAndWords) {
  create_hits_table();
  EXPECT_EQ(fails("TagResource", json{{"Tags", json::array()}}.dump()).at("message"), "Invalid TableArn");
  json denied = fails("ListTagsOfResource", json{{"ResourceArn", "not-an-arn"}}.dump());
  EXPECT_EQ(denied.at("__type"), "com.amazon.coral.service#AccessDeniedException");
  EXPECT_EQ(denied.at("message"),
            "User: arn:aws:iam::000000000000:root is not authorized to perform: dynamodb:ListTagsOfResource on resource: not-an-arn");
  // Tags missing is reported before an ARN that names no table.
  EXPECT_EQ(fails("TagResource", json{{"ResourceArn", "arn:aws:s3:x:1:bucket/b"}}.dump()).at("message"),
            "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(fails("TagResource", json{{"ResourceArn", "arn:aws:s3:x:1:bucket/b"}, {"Tags", json::array()}}.dump()).at("message"),
            "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:s3:x:1:bucket/b");
  EXPECT_EQ(fails("TagResource", json{{"ResourceArn", kHitsArn}, {"Tags", json::array()}}.dump()).at("message"),
            "Atleast one Tag needs to be provided as Input.");
  EXPECT_EQ(fails("UntagResource", json{{"ResourceArn", kHitsArn}}.dump()).at("message"),
            "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(fails("UntagResource", json{{"ResourceArn", kHitsArn}, {"TagKeys", json::array()}}.dump()).at("message"),
            "Atleast one Tag Key needs to be provided as Input.");
  EXPECT_EQ(fails("TagResource", json{{"ResourceArn", kHitsArn}, {"Tags", {{{"Key", "k"}, {"Value", std::string(257, 'v')}}}}}.dump())
                .at("message"),
            "1 validation error detected: Value '" + std::string(257, 'v') +
                "' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256");
  EXPECT_EQ(fails("TagResource", json{{"ResourceArn", kHitsArn}, {"Tags", {{{"Key", "k"}}}}}.dump()).at("message"),
            "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(fails("TagResource", json{{"ResourceArn", kHitsArn}, {"Tags", "x"}}.dump()).at("__type"),
            "com.amazon.coral.service#SerializationException");
  // A table that does not exist here, or one of another region: not found, in each operation's words.
  std::string gone = "arn:aws:dynamodb:us-east-1:000000000000:table/gone";
  json missing = fails("TagResource", json{{"ResourceArn", gone}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}}.dump());
  EXPECT_EQ(missing.at("__type"), "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
  EXPECT_EQ(missing.at("message"), "Requested resource not found: ResourcArn: " + gone + " not found");
  EXPECT_EQ(fails("UntagResource", json{{"ResourceArn", gone}, {"TagKeys", {"k"}}}.dump()).at("message"), "Requested resource not found");
  std::string elsewhere = "arn:aws:dynamodb:eu-west-1:000000000000:table/hits";
  EXPECT_EQ(fails("ListTagsOfResource", json{{"ResourceArn", elsewhere}}.dump()).at("message"),
            "Requested resource not found: ResourcArn: " + elsewhere + " not found");
  EXPECT_EQ(tags_of(kHitsArn), json::array()) << "nothing was tagged by the refused calls";
}

TEST_F(dynamodbTagsTest, DescribeLimitsGivesAwsDefaultQuotasAndDescribeEndpointsThisAddress) {
  http::Response r = call("DescribeLimits", "{}");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,
                                                  "TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000})"));
  http::Request request;
  request.method = "POST";
  request.target = "/";
  request.path = "/";
  request.headers.set("X-Amz-Target", "DynamoDB_20120810.DescribeEndpoints");
  request.headers.set("Host", "127.0.0.1:4566");
  request.body = "{}";
  r = run_request(std::move(request));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"Endpoints":[{"Address":"127.0.0.1:4566","CachePeriodInMinutes":1440}]})"));
}

}  // namespace
}  // namespace localray::dynamodb::protocol
