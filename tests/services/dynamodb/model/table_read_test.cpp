#include <set>

#include <gtest/gtest.h>

#include "services/dynamodb/model/table.hpp"
#include "tests/services/dynamodb/model/test_support.hpp"

namespace localray::dynamodb::model {
namespace {

using testing::N;
using testing::S;

// pk (S) + sk (S); a GSI on kind (S) + created (N), keys only; items of two users and one order.
Table make_events_table() {
  TableDefinition d;
  d.name = "events";
  d.key = KeySchema{KeyElement{"pk"}, KeyElement{"sk"}};
  d.attribute_definitions = {{"pk", Type::String}, {"sk", Type::String}, {"kind", Type::String}, {"created", Type::Number}};
  d.global_secondary_indexes.push_back(
      IndexDefinition{"by_kind", KeySchema{KeyElement{"kind"}, KeyElement{"created"}}, ProjectionType::KeysOnly});
  Table t{resolve_definition(d).value(), std::chrono::system_clock::time_point{}};
  for (int day = 1; day <= 10; ++day) {
    std::string date = "2024-01-" + std::string(day < 10 ? "0" : "") + std::to_string(day);
    Item item{{"pk", S("user#1")}, {"sk", S("visit#" + date)}, {"n", N(std::to_string(day))}};
    if (day % 2 == 0) {
      item["kind"] = S("even");
      item["created"] = N(std::to_string(100 - day));
    }
    EXPECT_TRUE(t.put_item(PutRequest{item}));
  }
  EXPECT_TRUE(t.put_item(PutRequest{Item{{"pk", S("user#1")}, {"sk", S("profile")}, {"n", N("0")}}}));
  EXPECT_TRUE(t.put_item(PutRequest{Item{{"pk", S("user#2")}, {"sk", S("visit#2024-01-05")}, {"n", N("5")}}}));
  return t;
}

QueryRequest query(const std::string& key_condition, expression::Values values, std::optional<std::string> filter = std::nullopt) {
  auto parsed = testing::parse({.filter = filter, .key_condition = key_condition, .values = std::move(values)});
  QueryRequest request;
  if (parsed.key_condition) request.key_condition = std::move(*parsed.key_condition);
  request.filter = std::move(parsed.filter);
  return request;
}

std::vector<std::string> sort_keys(const Page& page) {
  std::vector<std::string> out;
  for (const auto& item : page.items) out.push_back(item.at("sk").as<std::string>());
  return out;
}

TEST(dynamodbTableReadTest, QueryBeginsWithReturnsMatchingRangeKeysInOrder) {
  Table t = make_events_table();
  auto page = t.query(query("pk = :pk AND begins_with(sk, :prefix)", {{":pk", S("user#1")}, {":prefix", S("visit#2024-01-0")}})).value();
  EXPECT_EQ(sort_keys(page), (std::vector<std::string>{"visit#2024-01-01", "visit#2024-01-02", "visit#2024-01-03", "visit#2024-01-04",
                                                        "visit#2024-01-05", "visit#2024-01-06", "visit#2024-01-07", "visit#2024-01-08",
                                                        "visit#2024-01-09"}));
  EXPECT_EQ(page.count, 9u);
  EXPECT_EQ(page.scanned_count, 9u);
  EXPECT_FALSE(page.last_evaluated_key);
}

TEST(dynamodbTableReadTest, QueryBetweenBackwardsReturnsDescendingOrder) {
  Table t = make_events_table();
  auto request = query("pk = :pk AND sk BETWEEN :lo AND :hi",
                       {{":pk", S("user#1")}, {":lo", S("visit#2024-01-03")}, {":hi", S("visit#2024-01-05")}});
  request.scan_index_forward = false;
  auto page = t.query(request).value();
  EXPECT_EQ(sort_keys(page), (std::vector<std::string>{"visit#2024-01-05", "visit#2024-01-04", "visit#2024-01-03"}));
}

// Pages through a query with Limit, feeding LastEvaluatedKey back as ExclusiveStartKey.
std::vector<std::string> page_through(const Table& t, QueryRequest request, std::size_t limit, std::size_t* pages) {
  std::vector<std::string> all;
  request.limit = limit;
  *pages = 0;
  for (;;) {
    auto page = t.query(request).value();
    ++*pages;
    EXPECT_LE(page.items.size(), limit);
    auto keys = sort_keys(page);
    all.insert(all.end(), keys.begin(), keys.end());
    if (!page.last_evaluated_key) return all;
    EXPECT_EQ(*page.last_evaluated_key, (Item{{"pk", S("user#1")}, {"sk", S(keys.back())}}));
    request.exclusive_start_key = page.last_evaluated_key;
    if (*pages > 20) return all;
  }
}

TEST(dynamodbTableReadTest, LimitAndExclusiveStartKeyPageThroughEveryItemOnceInBothDirections) {
  Table t = make_events_table();
  auto request = query("pk = :pk AND begins_with(sk, :v)", {{":pk", S("user#1")}, {":v", S("visit#")}});
  std::size_t pages = 0;
  auto forward = page_through(t, request, 3, &pages);
  EXPECT_EQ(pages, 4u);  // 3 + 3 + 3 + 1
  ASSERT_EQ(forward.size(), 10u);
  EXPECT_TRUE(std::is_sorted(forward.begin(), forward.end()));
  EXPECT_EQ(std::set<std::string>(forward.begin(), forward.end()).size(), 10u);

  request.scan_index_forward = false;
  auto backward = page_through(t, request, 4, &pages);
  EXPECT_EQ(pages, 3u);
  EXPECT_EQ(backward, std::vector<std::string>(forward.rbegin(), forward.rend()));
}

TEST(dynamodbTableReadTest, LimitCountsItemsReadBeforeTheFilter) {
  Table t = make_events_table();
  auto request = query("pk = :pk AND begins_with(sk, :v)", {{":pk", S("user#1")}, {":v", S("visit#")}, {":five", N("5")}}, "n > :five");
  request.limit = 6;
  auto page = t.query(request).value();
  EXPECT_EQ(page.scanned_count, 6u);
  EXPECT_EQ(page.count, 1u);  // only day 6 among days 1..6
  EXPECT_EQ(sort_keys(page), std::vector<std::string>{"visit#2024-01-06"});
  ASSERT_TRUE(page.last_evaluated_key);
}

TEST(dynamodbTableReadTest, SelectCountReturnsNoItems) {
  Table t = make_events_table();
  auto request = query("pk = :pk", {{":pk", S("user#1")}});
  request.select = Select::Count;
  auto page = t.query(request).value();
  EXPECT_EQ(page.count, 11u);
  EXPECT_TRUE(page.items.empty());
}

TEST(dynamodbTableReadTest, KeyConditionMustFitTheSchema) {
  Table t = make_events_table();
  auto error = [&](QueryRequest r) {
    auto page = t.query(r);
    return page ? std::string{"<ok>"} : page.error().message;
  };
  EXPECT_EQ(error(query("sk = :v", {{":v", S("x")}})), "Query condition missed key schema element: pk");
  EXPECT_EQ(error(query("pk = :v AND n = :n", {{":v", S("x")}, {":n", N("1")}})), "Query condition missed key schema element: sk");
  EXPECT_EQ(error(query("pk = :v", {{":v", N("1")}})),
            "One or more parameter values were invalid: Condition parameter type does not match schema type");
  EXPECT_EQ(error(query("pk = :v", {{":v", S("x")}, {":s", S("y")}}, "sk = :s")),
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk");
  auto on_missing_index = query("pk = :v", {{":v", S("x")}});
  on_missing_index.index_name = "nope";
  EXPECT_EQ(error(on_missing_index), "The table does not have the specified index: nope");
}

TEST(dynamodbTableReadTest, GlobalIndexHoldsOnlyItemsWithItsKeysAndProjectsThem) {
  Table t = make_events_table();
  auto request = query("kind = :k AND created < :c", {{":k", S("even")}, {":c", N("95")}});
  request.index_name = "by_kind";
  auto page = t.query(request).value();
  // Days 6, 8, 10 have created 94, 92, 90: ascending by created.
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0], (Item{{"pk", S("user#1")}, {"sk", S("visit#2024-01-10")}, {"kind", S("even")}, {"created", N("90")}}));
  EXPECT_EQ(page.items[2].at("sk"), S("visit#2024-01-06"));

  request.limit = 2;
  auto first = t.query(request).value();
  ASSERT_TRUE(first.last_evaluated_key);
  EXPECT_EQ(first.last_evaluated_key->size(), 4u);  // table key + index key
  request.exclusive_start_key = first.last_evaluated_key;
  auto second = t.query(request).value();
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].at("sk"), S("visit#2024-01-06"));

  request.select = Select::AllAttributes;
  EXPECT_EQ(t.query(request).error().message,
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index by_kind "
            "because its projection type is not ALL");
}

TEST(dynamodbTableReadTest, WritesMustGiveIndexKeysTheirDeclaredType) {
  Table t = make_events_table();
  auto put = t.put_item(PutRequest{Item{{"pk", S("user#3")}, {"sk", S("x")}, {"kind", N("1")}}});
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().message,
            "One or more parameter values were invalid: Type mismatch for Index Key kind Expected: S Actual: N IndexName: by_kind");
  EXPECT_EQ(t.item_count(), 12u);
}

TEST(dynamodbTableReadTest, ScanFiltersAndCountsEveryItemRead) {
  Table t = make_events_table();
  auto parsed = testing::parse({.filter = "n >= :eight", .values = expression::Values{{":eight", N("8")}}});
  ScanRequest request;
  request.filter = parsed.filter;
  auto page = t.scan(request).value();
  EXPECT_EQ(page.scanned_count, 12u);
  EXPECT_EQ(page.count, 3u);  // days 8, 9, 10
  EXPECT_FALSE(page.last_evaluated_key);
}

TEST(dynamodbTableReadTest, ParallelScanSegmentsCoverEveryItemExactlyOnce) {
  TableDefinition d;
  d.name = "numbers";
  d.key = KeySchema{KeyElement{"id"}, std::nullopt};
  d.attribute_definitions = {{"id", Type::Number}};
  Table t{resolve_definition(d).value(), {}};
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(t.put_item(PutRequest{Item{{"id", N(std::to_string(i))}}}));

  constexpr int kSegments = 4;
  std::multiset<std::string> seen;
  for (int segment = 0; segment < kSegments; ++segment) {
    ScanRequest request;
    request.segment = segment;
    request.total_segments = kSegments;
    request.limit = 7;
    std::size_t in_segment = 0;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = t.scan(request).value();
      for (const auto& item : page.items) seen.insert(item.at("id").as<Number>().to_string());
      in_segment += page.items.size();
      if (!page.last_evaluated_key) break;
      request.exclusive_start_key = page.last_evaluated_key;
    }
    EXPECT_GT(in_segment, 0u) << "segment " << segment << " is empty: items are not spread";
    EXPECT_LT(in_segment, 200u);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 200u);  // no item twice
}

TEST(dynamodbTableReadTest, ScanSegmentParametersAreValidated) {
  Table t = make_events_table();
  ScanRequest request;
  request.segment = 2;
  request.total_segments = 2;
  EXPECT_EQ(t.scan(request).error().message,
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than "
            "TotalSegments: 2");
  request.total_segments.reset();
  EXPECT_EQ(t.scan(request).error().message,
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
}

TEST(dynamodbTableReadTest, PagesStopAtOneMegabyteOfItemsRead) {
  TableDefinition d;
  d.name = "blobs";
  d.key = KeySchema{KeyElement{"id"}, std::nullopt};
  d.attribute_definitions = {{"id", Type::Number}};
  Table t{resolve_definition(d).value(), {}};
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(t.put_item(PutRequest{Item{{"id", N(std::to_string(i))}, {"blob", S(std::string(100 * 1024, 'x'))}}}));
  }
  ScanRequest request;
  auto first = t.scan(request).value();
  EXPECT_EQ(first.scanned_count, 11u);  // the page closes once 1 MB has been read
  ASSERT_TRUE(first.last_evaluated_key);
  std::size_t total = first.items.size();
  request.exclusive_start_key = first.last_evaluated_key;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = t.scan(request).value();
    total += page.items.size();
    if (!page.last_evaluated_key) break;
    request.exclusive_start_key = page.last_evaluated_key;
  }
  EXPECT_EQ(total, 30u);
}

}  // namespace
}  // namespace localray::dynamodb::model
