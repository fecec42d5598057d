// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction through the dispatcher.
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

json statement(const std::string& text, json parameters = nullptr) {
  json out{{"Statement", text}};
  if (!parameters.is_null()) out["Parameters"] = std::move(parameters);
  return out;
}

TEST_F(dynamodbDispatchTest, ExecuteStatementInsertsSelectsUpdatesAndDeletes) {
  create_threads_table();
  EXPECT_EQ(ok("ExecuteStatement", statement("INSERT INTO threads VALUE {'forum': 'f', 'seq': 1, 'author': ?}", J(R"([{"S":"ann"}])"))),
            J(R"({"Items":[]})"));
  json duplicate = fails("ExecuteStatement", statement("INSERT INTO threads VALUE {'forum': 'f', 'seq': 1}").dump());
  EXPECT_EQ(duplicate.at("__type"), "com.amazonaws.dynamodb.v20120810#DuplicateItemException");
  EXPECT_EQ(duplicate.at("message"), "Duplicate primary key exists in table");
  ok("ExecuteStatement", statement("INSERT INTO \"threads\" VALUE {'forum': 'f', 'seq': 2, 'author': 'bob', 'n': 1}"));

  json selected = ok("ExecuteStatement", statement("SELECT seq, author FROM threads WHERE forum = ? AND author <> 'ann'", J(R"([{"S":"f"}])")));
  EXPECT_EQ(selected, J(R"({"Items":[{"seq":{"N":"2"},"author":{"S":"bob"}}]})"));
  json by_index = ok("ExecuteStatement", statement(R"(SELECT * FROM "threads"."by-author" WHERE author = 'ann')"));
  EXPECT_EQ(by_index.at("Items").size(), 1u);

  json updated = ok("ExecuteStatement", statement("UPDATE threads SET n = n + 5 REMOVE author WHERE forum = 'f' AND seq = 2 RETURNING ALL NEW *"));
  EXPECT_EQ(updated, J(R"({"Items":[{"forum":{"S":"f"},"seq":{"N":"2"},"n":{"N":"6"}}]})"));
  json absent = fails("ExecuteStatement", statement("UPDATE threads SET n = 1 WHERE forum = 'g' AND seq = 2").dump());
  EXPECT_EQ(absent.at("message"), "The conditional request failed");
  EXPECT_EQ(ok("GetItem", J(R"({"TableName":"threads","Key":{"forum":{"S":"g"},"seq":{"N":"2"}}})")), json::object())
      << "an UPDATE never creates";

  json deleted = ok("ExecuteStatement", statement("DELETE FROM threads WHERE forum = 'f' AND seq = 1 RETURNING ALL OLD *"));
  EXPECT_EQ(deleted.at("Items").at(0).at("author"), J(R"({"S":"ann"})"));
  EXPECT_EQ(ok("ExecuteStatement", statement("DELETE FROM threads WHERE forum = 'f' AND seq = 1")), J(R"({"Items":[]})"))
      << "deleting what is not there succeeds";
  json keyless = fails("ExecuteStatement", statement("DELETE FROM threads WHERE forum = 'f'").dump());
  EXPECT_EQ(keyless.at("message"), "Where clause does not contain a mandatory equality on all key attributes");
  json missing = fails("ExecuteStatement", statement("SELECT * FROM nothing").dump());
  EXPECT_EQ(missing.at("__type"), "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
}

TEST_F(dynamodbDispatchTest, ExecuteStatementPagesWithNextToken) {
  create_threads_table();
  for (int seq = 1; seq <= 5; ++seq) put_post("f", seq, "ann");
  json request = statement("SELECT seq FROM threads WHERE forum = 'f' AND seq >= 2");
  request["Limit"] = 2;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 5; ++pages) {
    json page = ok("ExecuteStatement", request);
    for (const auto& item : page.at("Items")) seen.push_back(item.at("seq").at("N"));
    if (!page.contains("NextToken")) break;
    request["NextToken"] = page.at("NextToken");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"2", "3", "4", "5"}));

  json token_source = statement("SELECT * FROM threads");
  token_source["Limit"] = 1;
  json paged = ok("ExecuteStatement", token_source);
  ASSERT_TRUE(paged.contains("NextToken"));
  json other = statement("SELECT seq FROM threads");
  other["NextToken"] = paged.at("NextToken");
  EXPECT_EQ(fails("ExecuteStatement", other.dump()).at("message"), "NextToken does not match request");
  other["NextToken"] = "not-a-token";
  EXPECT_EQ(fails("ExecuteStatement", other.dump()).at("message"), "Invalid NextToken");
}

TEST_F(dynamodbDispatchTest, BatchExecuteStatementAnswersEachStatement) {
  create_threads_table();
  put_post("f", 1, "ann");
  json writes = ok("BatchExecuteStatement", json{{"Statements",
                                                   {statement("INSERT INTO threads VALUE {'forum': 'f', 'seq': 2}"),
                                                    statement("INSERT INTO threads VALUE {'forum': 'f', 'seq': 1}"), statement("SELEC x"),
                                                    statement("DELETE FROM nothing WHERE k = 'x'")}}});
  EXPECT_EQ(writes.at("Responses"), J(R"j([
      {"TableName":"threads"},
      {"TableName":"threads","Error":{"Code":"DuplicateItem","Message":"Duplicate primary key exists in table"}},
      {"Error":{"Code":"ValidationError","Message":"Statement wasn't well formed, can't be processed: Expected data manipulation"}},
      {"TableName":"nothing","Error":{"Code":"ResourceNotFound","Message":"Requested resource not found"}}])j"));
  json reads = ok("BatchExecuteStatement", json{{"Statements",
                                                  {statement("SELECT seq FROM threads WHERE forum = 'f' AND seq = 2"),
                                                   statement("SELECT * FROM threads WHERE forum = 'f' AND seq = 9"),
                                                   statement("SELECT * FROM threads WHERE forum = 'f'")}}});
  EXPECT_EQ(reads.at("Responses"), J(R"j([
      {"TableName":"threads","Item":{"seq":{"N":"2"}}},
      {"TableName":"threads"},
      {"Error":{"Code":"ValidationError","Message":"Select statements within BatchExecuteStatement must specify the primary key in the where clause."}}])j"));
  json mixed = fails("BatchExecuteStatement", json{{"Statements", {statement("SELECT * FROM threads WHERE forum = 'f' AND seq = 2"),
                                                                   statement("DELETE FROM threads WHERE forum = 'f' AND seq = 2")}}}
                                                  .dump());
  EXPECT_EQ(mixed.at("message"), "Read and write requests together in the same batch is not supported.");
  json twice = fails("BatchExecuteStatement", json{{"Statements", {statement("DELETE FROM threads WHERE forum = 'f' AND seq = 2"),
                                                                   statement("UPDATE threads SET x = 1 WHERE seq = 2 AND forum = 'f'")}}}
                                                  .dump());
  EXPECT_EQ(twice.at("message"), "Provided list of item keys contains duplicates");
  EXPECT_TRUE(ok("GetItem", J(R"({"TableName":"threads","Key":{"forum":{"S":"f"},"seq":{"N":"2"}}})")).contains("Item"))
      << "a refused batch changes nothing";
}

TEST_F(dynamodbDispatchTest, ExecuteTransactionIsAllOrNothing) {
  create_threads_table();
  put_post("f", 1, "ann");
  json cancelled = fails("ExecuteTransaction", json{{"TransactStatements",
                                                     {statement("INSERT INTO threads VALUE {'forum': 'f', 'seq': 2}"),
                                                      statement("INSERT INTO threads VALUE {'forum': 'f', 'seq': 1}")}}}
                                                    .dump());
  EXPECT_EQ(cancelled.at("__type"), "com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
  EXPECT_EQ(cancelled.at("Message"), "Transaction cancelled, please refer cancellation reasons for specific reasons [None, DuplicateItem]");
  EXPECT_EQ(cancelled.at("CancellationReasons"),
            J(R"([{"Code":"None"},{"Code":"DuplicateItem","Message":"Duplicate primary key exists in table"}])"));
  EXPECT_EQ(ok("GetItem", J(R"({"TableName":"threads","Key":{"forum":{"S":"f"},"seq":{"N":"2"}}})")), json::object());

  EXPECT_EQ(ok("ExecuteTransaction", json{{"TransactStatements",
                                           {statement("INSERT INTO threads VALUE {'forum': 'f', 'seq': 2}"),
                                            statement("UPDATE threads SET n = 1 WHERE forum = 'f' AND seq = 1")}}}),
            J(R"({"Responses":[]})"));
  ok("ExecuteStatement", statement("INSERT INTO threads VALUE {'forum': 'f', 'seq': 3, 'm': {'in': 'x'}}"));
  json read = ok("ExecuteTransaction", json{{"TransactStatements",
                                             {statement("SELECT * FROM threads WHERE forum = 'f' AND seq = 2"),
                                              statement("SELECT * FROM threads WHERE forum = 'x' AND seq = 1"),
                                              statement("SELECT m.in FROM threads WHERE forum = 'f' AND seq = 3")}}});
  EXPECT_EQ(read, J(R"({"Responses":[{"Item":{"forum":{"S":"f"},"seq":{"N":"2"}}},{},{"Item":{"in":{"S":"x"}}}]})"))
      << "projected as a SELECT projects";

  json mixed = fails("ExecuteTransaction", json{{"TransactStatements", {statement("SELECT * FROM threads WHERE forum = 'f' AND seq = 2"),
                                                                        statement("DELETE FROM threads WHERE forum = 'f' AND seq = 2")}}}
                                                 .dump());
  EXPECT_EQ(mixed.at("message"), "ExecuteTransaction API does not support both read and write operations in the same request.");
  json returning = fails("ExecuteTransaction",
                         json{{"TransactStatements", {statement("DELETE FROM threads WHERE forum = 'f' AND seq = 2 RETURNING ALL OLD *")}}}.dump());
  EXPECT_EQ(returning.at("message"), "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.");
  json keyless = fails("ExecuteTransaction", json{{"TransactStatements", {statement("SELECT * FROM threads WHERE forum = 'f'")}}}.dump());
  EXPECT_EQ(keyless.at("message"),
            "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the primary key in the "
            "where clause.");
}

}  // namespace
}  // namespace localray::dynamodb::protocol
