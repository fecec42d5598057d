// Query and Scan: key conditions, indexes, filters, segments and pages.
#include <set>

#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

TEST_F(dynamodbDispatchTest, QueryPagesWithLastEvaluatedKey) {
  create_threads_table();
  for (int seq = 1; seq <= 5; ++seq) put_post("f", seq, "ann");
  put_post("other", 1, "ann");
  json request{{"TableName", "threads"},
               {"KeyConditionExpression", "forum = :f AND seq >= :low"},
               {"ExpressionAttributeValues", {{":f", {{"S", "f"}}}, {":low", {{"N", "2"}}}}},
               {"Limit", 2}};
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    json page = ok("Query", request);
    ++pages;
    EXPECT_EQ(page.at("Count"), page.at("Items").size());
    for (const auto& item : page.at("Items")) seen.push_back(item.at("seq").at("N"));
    if (!page.contains("LastEvaluatedKey")) break;
    EXPECT_EQ(page.at("LastEvaluatedKey").size(), 2u);  // the table key: forum and seq
    request["ExclusiveStartKey"] = page.at("LastEvaluatedKey");
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"2", "3", "4", "5"}));
  EXPECT_EQ(pages, 2);  // the second page ends exactly at the last item
}

TEST_F(dynamodbDispatchTest, QueryBackwardsFilteredAndCounted) {
  create_threads_table();
  for (int seq = 1; seq <= 4; ++seq) put_post("f", seq, seq % 2 ? "ann" : "bob");
  json backwards = ok("Query", {{"TableName", "threads"},
                                {"KeyConditionExpression", "forum = :f"},
                                {"ExpressionAttributeValues", {{":f", {{"S", "f"}}}}},
                                {"ScanIndexForward", false},
                                {"ProjectionExpression", "seq"}});
  ASSERT_EQ(backwards.at("Items").size(), 4u);
  EXPECT_EQ(backwards.at("Items")[0], json::parse(R"({"seq":{"N":"4"}})"));
  json counted = ok("Query", {{"TableName", "threads"},
                              {"KeyConditionExpression", "forum = :f"},
                              {"FilterExpression", "author = :a"},
                              {"ExpressionAttributeValues", {{":f", {{"S", "f"}}}, {":a", {{"S", "bob"}}}}},
                              {"Select", "COUNT"}});
  EXPECT_EQ(counted.at("Count"), 2);
  EXPECT_EQ(counted.at("ScannedCount"), 4);
  EXPECT_FALSE(counted.contains("Items"));
}

TEST_F(dynamodbDispatchTest, QueryReadsAGlobalSecondaryIndex) {
  create_threads_table();
  put_post("f", 1, "ann");
  put_post("g", 2, "ann");
  put_post("f", 3, "bob");
  json page = ok("Query", {{"TableName", "threads"},
                           {"IndexName", "by-author"},
                           {"KeyConditionExpression", "author = :a"},
                           {"ExpressionAttributeValues", {{":a", {{"S", "ann"}}}}}});
  EXPECT_EQ(page.at("Count"), 2);
  for (const auto& item : page.at("Items")) {
    EXPECT_EQ(item.at("author").at("S"), "ann");
    EXPECT_FALSE(item.contains("body"));  // not projected into the index
  }
  json e = fails("Query", json{{"TableName", "threads"},
                               {"IndexName", "by-author"},
                               {"KeyConditionExpression", "author = :a"},
                               {"ExpressionAttributeValues", {{":a", {{"S", "ann"}}}}},
                               {"ConsistentRead", true}}
                               .dump());
  EXPECT_EQ(e.at("message"), "Consistent reads are not supported on global secondary indexes");
}

TEST_F(dynamodbDispatchTest, QueryNeedsAKeyCondition) {
  create_threads_table();
  json e = fails("Query", R"({"TableName":"threads"})");
  EXPECT_EQ(e.at("__type"), kValidation);
  EXPECT_EQ(e.at("message"), "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
}

TEST_F(dynamodbDispatchTest, ScanSegmentsSplitTheTableWithoutOverlap) {
  create_hits_table();
  for (int i = 0; i < 20; ++i) ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/p" + std::to_string(i)}}}}}});
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int segment = 0; segment < 3; ++segment) {
    json page = ok("Scan", {{"TableName", "hits"}, {"Segment", segment}, {"TotalSegments", 3}});
    total += page.at("Count").get<std::size_t>();
    for (const auto& item : page.at("Items")) seen.insert(item.at("path").at("S").get<std::string>());
    EXPECT_LT(page.at("Count").get<int>(), 20);  // no segment holds everything
  }
  EXPECT_EQ(total, 20u);
  EXPECT_EQ(seen.size(), 20u);
  json e = fails("Scan", R"({"TableName":"hits","Segment":3,"TotalSegments":3})");
  EXPECT_EQ(e.at("message"),
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than "
            "TotalSegments: 3");
}

TEST_F(dynamodbDispatchTest, ScanFiltersAndPages) {
  create_hits_table();
  for (int i = 0; i < 6; ++i) {
    ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/p" + std::to_string(i)}}}, {"n", {{"N", std::to_string(i)}}}}}});
  }
  json page = ok("Scan", {{"TableName", "hits"},
                          {"FilterExpression", "n >= :three"},
                          {"ExpressionAttributeValues", {{":three", {{"N", "3"}}}}},
                          {"Limit", 4}});
  EXPECT_EQ(page.at("ScannedCount"), 4);
  EXPECT_LE(page.at("Count").get<int>(), 4);
  EXPECT_TRUE(page.contains("LastEvaluatedKey"));
}

}  // namespace
}  // namespace localray::dynamodb::protocol
