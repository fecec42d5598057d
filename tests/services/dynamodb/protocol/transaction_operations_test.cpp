// TransactWriteItems and TransactGetItems through the dispatcher: all or nothing, the reasons of a
// cancelled transaction in DynamoDB's shape and words, idempotency tokens, capacity, and
// atomicity while other calls run on the same tables from several threads.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "services/dynamodb/model/item_budget.hpp"
#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

model::Item json_item(const std::string& text) { return item_from_json(json::parse(text)).value(); }

constexpr const char* kCanceled = "com.amazonaws.dynamodb.v20120810#TransactionCanceledException";

class dynamodbTransactionTest : public dynamodbDispatchTest {
 protected:
  void SetUp() override {
    create_hits_table();  // path (S)
    create_threads_table();  // forum (S) + seq (N)
    ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/a"}}}, {"n", {{"N", "1"}}}}}});
  }

  static json put_hit(const std::string& path, int n) {
    return {{"Put", {{"TableName", "hits"}, {"Item", {{"path", {{"S", path}}}, {"n", {{"N", std::to_string(n)}}}}}}}};
  }
  static json add_to_hit(const std::string& path, int n) {
    return {{"Update",
             {{"TableName", "hits"},
              {"Key", {{"path", {{"S", path}}}}},
              {"UpdateExpression", "ADD n :d"},
              {"ExpressionAttributeValues", {{":d", {{"N", std::to_string(n)}}}}}}}};
  }
  json hit(const std::string& path) {
    return ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", path}}}}}, {"ConsistentRead", true}});
  }
  json write(const json& items, json extra = json::object()) {
    extra["TransactItems"] = items;
    return extra;
  }
};

TEST_F(dynamodbTransactionTest, EveryKindOfActionRunsAcrossTablesAndAnswersItsCapacity) {
  json items = json::array({put_hit("/b", 5), add_to_hit("/a", 2)});
  items.push_back(json::parse(R"({"Put":{"TableName":"threads","Item":{"forum":{"S":"f"},"seq":{"N":"1"}}}})"));
  items.push_back(json::parse(R"j({"ConditionCheck":{"TableName":"hits","Key":{"path":{"S":"/c"}},
      "ConditionExpression":"attribute_not_exists(#p)","ExpressionAttributeNames":{"#p":"path"}}})j"));
  json answer = ok("TransactWriteItems", write(items, {{"ReturnConsumedCapacity", "TOTAL"}}));
  EXPECT_EQ(hit("/b").at("Item").at("n"), json({{"N", "5"}}));
  EXPECT_EQ(hit("/a").at("Item").at("n"), json({{"N", "3"}}));
  EXPECT_EQ(ok("Scan", {{"TableName", "threads"}}).at("Count"), 1);
  EXPECT_FALSE(hit("/c").contains("Item"));
  // Two write units per action of up to 1 KB: three on hits, one on threads.
  EXPECT_EQ(answer.at("ConsumedCapacity"),
            json::parse(R"([{"TableName":"hits","CapacityUnits":6.0,"WriteCapacityUnits":6.0},
                            {"TableName":"threads","CapacityUnits":2.0,"WriteCapacityUnits":2.0}])"));

  ok("TransactWriteItems", write(json::array({{{"Delete", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/b"}}}}}}}}})));
  EXPECT_FALSE(hit("/b").contains("Item"));
}

TEST_F(dynamodbTransactionTest, AFailedConditionCancelsEveryActionWithAReasonForEach) {
  json items = json::array({put_hit("/new", 1), add_to_hit("/other", 1),
                            {{"ConditionCheck",
                              {{"TableName", "hits"},
                               {"Key", {{"path", {{"S", "/a"}}}}},
                               {"ConditionExpression", "n > :big"},
                               {"ExpressionAttributeValues", {{":big", {{"N", "100"}}}}},
                               {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}}}}});
  http::Response r = call("TransactWriteItems", write(items).dump());
  ASSERT_EQ(r.status, 400u);
  json e = json::parse(r.body);
  EXPECT_EQ(e.at("__type"), kCanceled);
  EXPECT_EQ(e.at("Message"), "Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed]");
  EXPECT_FALSE(e.contains("message"));
  EXPECT_EQ(e.at("CancellationReasons"), json::parse(R"([{"Code":"None"},{"Code":"None"},
      {"Code":"ConditionalCheckFailed","Message":"The conditional request failed","Item":{"path":{"S":"/a"},"n":{"N":"1"}}}])"));
  EXPECT_FALSE(hit("/new").contains("Item"));
  EXPECT_FALSE(hit("/other").contains("Item"));
}

TEST_F(dynamodbTransactionTest, WhatOnlyTheStoredItemOrTheKeyShapeShowsIsAValidationErrorReason) {
  ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/s"}}}, {"n", {{"S", "text"}}}}}});
  json e = fails("TransactWriteItems",
                 write(json::array({add_to_hit("/s", 1),
                                    {{"Put", {{"TableName", "hits"}, {"Item", {{"path", {{"N", "1"}}}}}}}},
                                    {{"Delete", {{"TableName", "hits"}, {"Key", {{"nope", {{"S", "x"}}}}}}}},
                                    put_hit("/fine", 1)}))
                     .dump());
  EXPECT_EQ(e.at("Message"),
            "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError, ValidationError, ValidationError, None]");
  const json& reasons = e.at("CancellationReasons");
  EXPECT_EQ(reasons[0].at("Message"), "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(reasons[1].at("Message"), "One or more parameter values were invalid: Type mismatch for key path expected: S actual: N");
  EXPECT_EQ(reasons[2].at("Message"), "The provided key element does not match the schema");
  EXPECT_EQ(reasons[3], json({{"Code", "None"}}));
  EXPECT_FALSE(hit("/fine").contains("Item"));
}

TEST_F(dynamodbTransactionTest, TheRequestAsAWholeIsRefusedInDynamoDBsWords) {
  auto message = [&](const json& body) { return fails("TransactWriteItems", body.dump()).at("message").get<std::string>(); };
  EXPECT_EQ(message(write(json::array({put_hit("/x", 1), add_to_hit("/x", 1)}))), "Transaction request cannot include multiple operations on one item");
  EXPECT_EQ(message(write(json::array())),
            "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back(put_hit("/" + std::to_string(i), i));
  EXPECT_EQ(message(write(many)),
            "1 validation error detected: Value at 'TransactItems' failed to satisfy constraint: Member must have length less than or equal to 100");
  EXPECT_EQ(message(json::object()),
            "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(message(write(json::array({json::object()}))), "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request");
  json both = put_hit("/x", 1);
  both["Delete"] = {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/x"}}}}}};
  EXPECT_EQ(message(write(json::array({both}))), "TransactItems can only contain one of Check, Put, Update or Delete");
  EXPECT_EQ(message(write(json::array({put_hit("/ok", 1), {{"ConditionCheck", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/x"}}}}}}}}}))),
            "1 validation error detected: Value null at 'transactItems.2.member.conditionCheck.conditionExpression' failed to satisfy "
            "constraint: Member must not be null");
  EXPECT_EQ(message(write(json::array({put_hit("", 1)}))),
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: path");
  EXPECT_EQ(message(write(json::array({put_hit("/x", 1)}), {{"ClientRequestToken", std::string(37, 't')}})),
            "1 validation error detected: Value '" + std::string(37, 't') +
                "' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36");
  json missing = fails("TransactWriteItems", write(json::array({{{"Put", {{"TableName", "nowhere"}, {"Item", {{"k", {{"S", "v"}}}}}}}}})).dump());
  EXPECT_EQ(missing.at("__type"), kNotFound);
  EXPECT_EQ(missing.at("message"), "Requested resource not found");
  EXPECT_FALSE(hit("/x").contains("Item"));
}

TEST_F(dynamodbTransactionTest, ATokenRepeatsItsTransactionOnceWithinTenMinutes) {
  json body = write(json::array({add_to_hit("/a", 10)}), {{"ClientRequestToken", "token-1"}, {"ReturnConsumedCapacity", "TOTAL"}});
  EXPECT_EQ(ok("TransactWriteItems", body).at("ConsumedCapacity")[0].at("WriteCapacityUnits"), 2.0);
  json again = ok("TransactWriteItems", body);
  EXPECT_EQ(hit("/a").at("Item").at("n"), json({{"N", "11"}}));
  // The repeat reads instead of writing: two read units for a transactional read of up to 4 KB.
  EXPECT_EQ(again.at("ConsumedCapacity")[0].at("ReadCapacityUnits"), 2.0);

  json other = write(json::array({add_to_hit("/a", 99)}), {{"ClientRequestToken", "token-1"}});
  http::Response r = call("TransactWriteItems", other.dump());
  ASSERT_EQ(r.status, 400u);
  json e = json::parse(r.body);
  EXPECT_EQ(e.at("__type"), "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException");
  EXPECT_EQ(e.at("Message"), "Specified idempotent token was used with different request parameters within the idempotency window");

  clock_.advance(std::chrono::minutes{10});
  ok("TransactWriteItems", body);
  EXPECT_EQ(hit("/a").at("Item").at("n"), json({{"N", "21"}}));
}

TEST_F(dynamodbTransactionTest, TransactGetReadsItemsInRequestOrder) {
  ok("PutItem", J(R"j({"TableName":"threads","Item":{"forum":{"S":"f"},"seq":{"N":"1"},"title":{"S":"t"}}})j"));
  json answer = ok("TransactGetItems", J(R"j({"ReturnConsumedCapacity":"TOTAL","TransactItems":[
      {"Get":{"TableName":"threads","Key":{"forum":{"S":"f"},"seq":{"N":"1"}},"ProjectionExpression":"title"}},
      {"Get":{"TableName":"hits","Key":{"path":{"S":"/missing"}}}},
      {"Get":{"TableName":"hits","Key":{"path":{"S":"/a"}}}}]})j"));
  EXPECT_EQ(answer.at("Responses"), json::parse(R"([{"Item":{"title":{"S":"t"}}},{},{"Item":{"path":{"S":"/a"},"n":{"N":"1"}}}])"));
  EXPECT_EQ(answer.at("ConsumedCapacity"),
            json::parse(R"([{"TableName":"hits","CapacityUnits":4.0,"ReadCapacityUnits":4.0},
                            {"TableName":"threads","CapacityUnits":2.0,"ReadCapacityUnits":2.0}])"));

  json e = fails("TransactGetItems", R"j({"TransactItems":[{"Get":{"TableName":"hits","Key":{"path":{"S":"/a"}}}},
      {"Get":{"TableName":"hits","Key":{"path":{"N":"1"}}}}]})j");
  EXPECT_EQ(e.at("__type"), kCanceled);
  EXPECT_EQ(e.at("CancellationReasons"), json::parse(R"([{"Code":"None"},
      {"Code":"ValidationError","Message":"The provided key element does not match the schema"}])"));
  json twice = fails("TransactGetItems", R"j({"TransactItems":[{"Get":{"TableName":"hits","Key":{"path":{"S":"/a"}}}},
      {"Get":{"TableName":"hits","Key":{"path":{"S":"/a"}}}}]})j");
  EXPECT_EQ(twice.at("message"), "Transaction request cannot include multiple operations on one item");
}

TEST_F(dynamodbTransactionTest, ATransactionPastTheMemoryBoundWritesNothing) {
  access_.set_item_budget(std::make_shared<model::ItemBudget>(2000));
  ok("CreateTable", {{"TableName", "bounded"},
                     {"KeySchema", {{{"AttributeName", "k"}, {"KeyType", "HASH"}}}},
                     {"AttributeDefinitions", {{{"AttributeName", "k"}, {"AttributeType", "S"}}}},
                     {"BillingMode", "PAY_PER_REQUEST"}});
  auto big = [](const std::string& k) {
    return json{{"Put", {{"TableName", "bounded"}, {"Item", {{"k", {{"S", k}}}, {"v", {{"S", std::string(900, 'x')}}}}}}}};
  };
  json e = fails("TransactWriteItems", write(json::array({big("a"), big("b"), big("c")})).dump());
  EXPECT_EQ(e.at("__type"), "com.amazonaws.dynamodb.v20120810#LimitExceededException");
  EXPECT_EQ(ok("Scan", {{"TableName", "bounded"}}).at("Count"), 0);
  ok("TransactWriteItems", write(json::array({big("a"), big("b")})));
  EXPECT_EQ(ok("Scan", {{"TableName", "bounded"}}).at("Count"), 2);
  // Past the bound (items put back by --persist are taken whatever it says), a transaction that
  // only removes is still let through: it is how room is made.
  ASSERT_TRUE(access_.table("bounded").value()->restore(json_item(R"({"k":{"S":"z"},"v":{"S":")" + std::string(900, 'y') + R"("}})")));
  ok("TransactWriteItems", write(json::array({{{"Delete", {{"TableName", "bounded"}, {"Key", {{"k", {{"S", "z"}}}}}}}}})));
}

TEST_F(dynamodbTransactionTest, OtherCallsNeverSeeHalfATransaction) {
  // Transfers between two items of two tables, each guarded by a condition, race plain
  // UpdateItems on both tables and TransactGetItems that check the sum, on four threads.
  ok("PutItem", J(R"j({"TableName":"threads","Item":{"forum":{"S":"bank"},"seq":{"N":"0"},"n":{"N":"100"}}})j"));
  ok("PutItem", J(R"j({"TableName":"hits","Item":{"path":{"S":"/bank"},"n":{"N":"0"}}})j"));
  json transfer = J(R"j({"TransactItems":[{"Update":{"TableName":"threads","Key":{"forum":{"S":"bank"},"seq":{"N":"0"}},
      "UpdateExpression":"ADD n :minus","ConditionExpression":"n > :zero",
      "ExpressionAttributeValues":{":minus":{"N":"-1"},":zero":{"N":"0"}}}}]})j");
  transfer["TransactItems"].push_back(add_to_hit("/bank", 1));
  json sum = J(R"j({"TransactItems":[{"Get":{"TableName":"threads","Key":{"forum":{"S":"bank"},"seq":{"N":"0"}}}},
      {"Get":{"TableName":"hits","Key":{"path":{"S":"/bank"}}}}]})j");
  std::atomic<int> transfers{0}, torn{0}, reads{0};
  auto request = [](const std::string& operation, const json& body) {
    http::Request r;
    r.method = "POST";
    r.target = r.path = "/";
    r.headers.set("X-Amz-Target", "DynamoDB_20120810." + operation);
    r.body = body.dump();
    return r;
  };
  // handle() reads its request by reference until it completes: they live here.
  const http::Request transfer_request = request("TransactWriteItems", transfer);
  const http::Request noise_request = request("UpdateItem", add_to_hit("/noise", 1).at("Update"));
  const http::Request sum_request = request("TransactGetItems", sum);
  for (int i = 0; i < 150; ++i) {
    boost::asio::co_spawn(io_, handle(transfer_request, access_, http::CallContext{"t", {}, "us-east-1", "000000000000", {}}),
                          [&](std::exception_ptr, http::Response r) { transfers += r.status == 200 ? 1 : 0; });
    boost::asio::co_spawn(io_, handle(noise_request, access_, http::CallContext{"u", {}, "us-east-1", "000000000000", {}}),
                          [](std::exception_ptr, http::Response) {});
    boost::asio::co_spawn(io_, handle(sum_request, access_, http::CallContext{"g", {}, "us-east-1", "000000000000", {}}),
                          [&](std::exception_ptr, http::Response r) {
                            if (r.status != 200) return;
                            json got = json::parse(r.body).at("Responses");
                            int total = std::stoi(got[0].at("Item").at("n").at("N").get<std::string>()) +
                                        std::stoi(got[1].at("Item").at("n").at("N").get<std::string>());
                            ++reads;
                            if (total != 100) ++torn;
                          });
  }
  std::vector<std::thread> threads;
  io_.restart();
  for (int t = 0; t < 4; ++t) threads.emplace_back([this] { io_.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(transfers.load(), 100) << "the 101st and later find the balance at 0";
  EXPECT_EQ(reads.load(), 150);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(hit("/bank").at("Item").at("n"), json({{"N", "100"}}));
  EXPECT_EQ(hit("/noise").at("Item").at("n"), json({{"N", "150"}}));
}

TEST_F(dynamodbTransactionTest, ACreatingTableIsNotFoundToATransaction) {
  access_.set_lifecycle(std::chrono::seconds{1}, std::chrono::seconds{0});
  ok("CreateTable", {{"TableName", "young"},
                     {"KeySchema", {{{"AttributeName", "k"}, {"KeyType", "HASH"}}}},
                     {"AttributeDefinitions", {{{"AttributeName", "k"}, {"AttributeType", "S"}}}},
                     {"BillingMode", "PAY_PER_REQUEST"}});
  json e = fails("TransactWriteItems", write(json::array({{{"Put", {{"TableName", "young"}, {"Item", {{"k", {{"S", "v"}}}}}}}}})).dump());
  EXPECT_EQ(e.at("__type"), kNotFound);
  clock_.advance(std::chrono::seconds{1});
  ok("TransactWriteItems", write(json::array({{{"Put", {{"TableName", "young"}, {"Item", {{"k", {{"S", "v"}}}}}}}}})));
}

}  // namespace
}  // namespace localray::dynamodb::protocol
