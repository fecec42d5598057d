// The pieces of the SNS query codec: XML escaping, member lists, filter policy JSON.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/sns/model/backend.hpp"
#include "services/sns/protocol/filter_policy_json.hpp"
#include "services/sns/protocol/query_params.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol {
namespace {

TEST(XmlWriterTest, EscapesMarkupQuotesAndCarriageReturns) {
  EXPECT_EQ(xml_escape(R"(a<b>&"c'd)"), "a&lt;b&gt;&amp;&quot;c&apos;d");
  EXPECT_EQ(xml_escape("line\r\nnext\ttab"), "line&#xD;\nnext\ttab");
  EXPECT_EQ(xml_escape(std::string{"\x01"}), "\xEF\xBF\xBD") << "not an XML 1.0 character";
  EXPECT_EQ(XmlWriter{}.open("a").element("b", "<x>").close("a").str(), "<a><b>&lt;x&gt;</b></a>");
}

TEST(QueryParamsTest, GroupsMembersByIndexAndSkipsMalformedIndexes) {
  QueryParams p{http::FormFields{{"Attributes.entry.2.key", "B"},
                                 {"Attributes.entry.1.key", "A"},
                                 {"Attributes.entry.1.value", "a"},
                                 {"Attributes.entry.x.key", "ignored"},
                                 {"Attributes.entry.0.key", "ignored"},
                                 {"Attributes.entryX.3.key", "ignored"},
                                 {"Attributes.entry.4", "ignored"},
                                 {"Other", "o"}}};
  auto members = p.members("Attributes.entry");
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members.at(1).get("key"), "A");
  EXPECT_EQ(members.at(1).get("value"), "a");
  EXPECT_EQ(members.at(2).get("key"), "B");
  EXPECT_FALSE(members.at(2).get("value"));
  EXPECT_EQ(p.get("Other"), "o");
}

TEST(QueryParamsTest, NestedMembersKeepTheirRestForTheNextLevel) {
  QueryParams p{http::FormFields{{"PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name", "k"}}};
  auto entries = p.members("PublishBatchRequestEntries.member");
  ASSERT_EQ(entries.size(), 1u);
  auto attrs = entries.at(1).members("MessageAttributes.entry");
  ASSERT_EQ(attrs.size(), 1u);
  EXPECT_EQ(attrs.at(1).get("Name"), "k");
}

model::FilterPolicy parse(const std::string& text) {
  auto p = parse_filter_policy(text, "Invalid parameter: ");
  EXPECT_TRUE(p) << text << ": " << (p ? "" : p.error().message);
  return p ? *p : model::FilterPolicy{};
}

std::string problem(const std::string& text) {
  auto p = parse_filter_policy(text, "Invalid parameter: ");
  if (p) return "accepted";
  EXPECT_EQ(p.error().code, model::Code::InvalidParameter);
  return p.error().message;
}

TEST(FilterPolicyJsonTest, ReadsEveryConditionKind) {
  using Kind = model::FilterCondition::Kind;
  auto p = parse(R"({"a":["x",5,true],"b":[{"prefix":"p"},{"suffix":"s"},{"equals-ignore-case":"E"}],
                     "c":[{"anything-but":["n",1]},{"anything-but":{"prefix":"q"}}],"d":[{"numeric":[">",0,"<=",5]}],
                     "e":[{"exists":false}]})");
  EXPECT_EQ(p.source.rfind(R"({"a":)", 0), 0u) << "the source is kept as written";
  ASSERT_EQ(p.conditions.size(), 5u);
  const auto& a = p.conditions.at("a");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].kind, Kind::Equals);
  EXPECT_EQ(a[0].text, "x");
  EXPECT_EQ(a[1].kind, Kind::EqualsNumber);
  EXPECT_EQ(a[1].number, 5);
  EXPECT_EQ(a[2].text, "true");
  const auto& b = p.conditions.at("b");
  EXPECT_EQ(b[0].kind, Kind::Prefix);
  EXPECT_EQ(b[1].kind, Kind::Suffix);
  EXPECT_EQ(b[2].kind, Kind::EqualsIgnoreCase);
  const auto& c = p.conditions.at("c");
  EXPECT_EQ(c[0].kind, Kind::AnythingBut);
  EXPECT_EQ(c[0].texts, std::vector<std::string>{"n"});
  EXPECT_EQ(c[0].numbers, std::vector<double>{1});
  EXPECT_EQ(c[1].kind, Kind::AnythingButPrefix);
  const auto& d = p.conditions.at("d");
  ASSERT_EQ(d[0].range.size(), 2u);
  EXPECT_EQ(d[0].range[1].first, model::FilterCondition::Comparison::LessOrEqual);
  EXPECT_EQ(d[0].range[1].second, 5);
  EXPECT_FALSE(p.conditions.at("e")[0].exists);
  EXPECT_EQ(problem(R"({"key_a":"bare"})"), "Invalid parameter: FilterPolicy: \"key_a\" must be an object or an array");
  auto nested = parse(R"({"order":{"item":{"sku":["a"]},"$or":[{"qty":[{"numeric":[">",5]}]},{"rush":[true]}]},"ip":[{"cidr":"10.0.0.0/24"}]})");
  EXPECT_TRUE(nested.nested);
  EXPECT_EQ(nested.conditions.at("order.item.sku").at(0).text, "a") << "nested objects become dotted paths";
  ASSERT_EQ(nested.ors.size(), 1u);
  ASSERT_EQ(nested.ors[0].size(), 2u);
  EXPECT_TRUE(nested.ors[0][0].conditions.contains("order.qty"));
  EXPECT_EQ(nested.conditions.at("ip").at(0).kind, Kind::Cidr);
  EXPECT_EQ(nested.conditions.at("ip").at(0).mask_bits, 24);
}

TEST(FilterPolicyJsonTest, BodyPoliciesMatchNestedPathsArraysOrAndCidr) {
  auto body = [](const char* text) { return nlohmann::json::parse(text); };
  auto p = parse(R"({"order":{"status":["paid"],"items":{"sku":[{"prefix":"B-"}]}},
                     "$or":[{"total":[{"numeric":[">=",100]}]},{"vip":[true]}],
                     "client":{"ip":[{"cidr":"10.1.0.0/16"}]}})");
  EXPECT_TRUE(p.matches_body(body(R"({"order":{"status":"paid","items":[{"sku":"A-1"},{"sku":"B-2"}]},"total":150,"client":{"ip":"10.1.2.3"}})")));
  EXPECT_TRUE(p.matches_body(body(R"({"order":{"status":"paid","items":{"sku":"B-9"}},"total":5,"vip":true,"client":{"ip":"10.1.200.1"}})")))
      << "the other $or alternative";
  EXPECT_FALSE(p.matches_body(body(R"({"order":{"status":"paid","items":{"sku":"B-9"}},"total":5,"client":{"ip":"10.1.2.3"}})")))
      << "neither $or alternative";
  EXPECT_FALSE(p.matches_body(body(R"({"order":{"status":"paid","items":{"sku":"B-9"}},"total":150,"client":{"ip":"10.2.0.1"}})")))
      << "outside the network";
  EXPECT_FALSE(p.matches_body(body(R"({"order":{"status":"new","items":{"sku":"B-9"}},"total":150,"client":{"ip":"10.1.0.1"}})")));
  auto dotted = parse(R"({"order.status":["paid"],"gone":[{"exists":false}],"note":[null]})");
  EXPECT_TRUE(dotted.matches_body(body(R"({"order":{"status":"paid"},"note":null})"))) << "a dotted key is a path too";
  EXPECT_FALSE(dotted.matches_body(body(R"({"order":{"status":"paid"},"note":"x","gone":1})")));
  auto v6 = parse(R"({"ip":[{"cidr":"2001:db8::/32"}]})");
  EXPECT_TRUE(v6.matches({{"ip", {"String", "2001:db8::1"}}}));
  EXPECT_FALSE(v6.matches({{"ip", {"String", "2001:db9::1"}}}));
  EXPECT_FALSE(v6.matches({{"ip", {"String", "10.0.0.1"}}}));
}

TEST(FilterPolicyJsonTest, HostileDepthsAndSizesAreBoundedNotFollowed) {
  std::string deep_policy;
  for (int i = 0; i < 5000; ++i) deep_policy += R"({"a":)";
  deep_policy += R"(["x"])" + std::string(5000, '}');
  EXPECT_EQ(problem(deep_policy), "Invalid parameter: FilterPolicy: Filter policy is too complex");
  std::string wide = R"({"a":{)";
  for (int i = 0; i < 64; ++i) wide += (i ? "," : "") + std::string{"\"k"} + std::to_string(i) + R"(":[1,2])";
  wide += "}}";
  EXPECT_EQ(problem(wide), "Invalid parameter: FilterPolicy: Filter policy is too complex") << "2^64 combinations do not wrap to 0";
  EXPECT_EQ(problem(std::string(300 * 1024, ' ') + "{}"), "Invalid parameter: FilterPolicy: Filter policy is too long");

  auto p = parse(R"({"a":["x"]})");
  std::string deep_body = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_FALSE(p.matches_body(nlohmann::json::parse(deep_body))) << "a body nested deep is walked no deeper than the bound";
  auto exists = parse(R"({"a":[{"exists":true}]})");
  EXPECT_FALSE(exists.matches_body(nlohmann::json::parse(R"({"a":{"b":1}})"))) << "exists looks at leaves, not objects";
  EXPECT_TRUE(exists.matches_body(nlohmann::json::parse(R"({"a":0})")));
  EXPECT_EQ(parse_filter_policy(R"({"a":"bare"})", "", /*bare_values=*/true)->conditions.at("a").at(0).text, "bare")
      << "what older localray stored still loads";
}

TEST(FilterPolicyJsonTest, RefusesWhatSnsRefusesWithItsWords) {
  EXPECT_EQ(problem("{"), "Invalid parameter: FilterPolicy: failed to parse JSON.");
  EXPECT_EQ(problem(R"(["a"])"), "Invalid parameter: FilterPolicy: Filter policy must be a JSON object");
  EXPECT_EQ(problem(R"({"a":[]})"), "Invalid parameter: FilterPolicy: Empty arrays are not allowed");
  EXPECT_EQ(problem(R"({"a":[["v"]]})"), "Invalid parameter: FilterPolicy: Match value must be String, number, true, false, or null");
  EXPECT_EQ(problem(R"({"a":[{"anything-but":{"suffix":"x"}}]})"), "Invalid parameter: FilterPolicy: Unsupported anything-but pattern: suffix");
  EXPECT_EQ(problem(R"({"a":[{"numeric":[]}]})"), "Invalid parameter: FilterPolicy: Invalid member in numeric match: ]");
  EXPECT_EQ(problem(R"({"a":[{"numeric":[1,"<"]}]})"), "Invalid parameter: FilterPolicy: Invalid member in numeric match: 1");
  EXPECT_EQ(problem(R"({"a":[{"numeric":["=","x"]}]})"), "Invalid parameter: FilterPolicy: Value of equals must be numeric");
  EXPECT_EQ(problem(R"({"a":[{"numeric":["<",100,">",10]}]})"), "Invalid parameter: FilterPolicy: Too many elements in numeric expression");
  EXPECT_EQ(problem(R"({"a":[{"numeric":[">",1,">",2]}]})"), "Invalid parameter: FilterPolicy: Bad numeric range operator: >");
  EXPECT_EQ(problem(R"({"a":[{"numeric":[">",10,"<",5]}]})"), "Invalid parameter: FilterPolicy: Bottom must be less than top");
  EXPECT_EQ(problem(R"({"a":[{"numeric":[">",1,"<",5,"<",6]}]})"), "Invalid parameter: FilterPolicy: Too many terms in numeric range expression");
  EXPECT_EQ(problem(R"({"a":[{"cidr":"10.0.0.0"}]})"), "Invalid parameter: FilterPolicy: Malformed CIDR, one '/' required");
  EXPECT_EQ(problem(R"({"a":[{"cidr":"bad-filter/8"}]})"), "Invalid parameter: FilterPolicy: Nonstandard IP address: bad-filter");
  EXPECT_EQ(problem(R"({"a":[{"cidr":"10.0.0.0/x"}]})"), "Invalid parameter: FilterPolicy: Malformed CIDR, mask bits must be an integer");
  EXPECT_EQ(problem(R"({"a":[{"cidr":5}]})"), "Invalid parameter: FilterPolicy: prefix match pattern must be a string");
  EXPECT_EQ(problem(R"({"a":[1,2,3,4,5,6],"b":[1,2,3,4,5],"c":[1,2,3,4,5,6]})"), "Invalid parameter: FilterPolicy: Filter policy is too complex");
  EXPECT_EQ(problem(R"({"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]})"),
            "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys");
  EXPECT_EQ(problem(R"({"a":[{"wildcard":"*"}]})"), "Invalid parameter: FilterPolicy: Unrecognized match type wildcard");
  EXPECT_EQ(problem(R"({"a":[{"numeric":["~",1]}]})"), "Invalid parameter: FilterPolicy: Unrecognized numeric range operator: ~");
  EXPECT_EQ(problem(R"({"a":[{"numeric":[">","x"]}]})"), "Invalid parameter: FilterPolicy: Value of > must be numeric");
  EXPECT_EQ(problem(R"({"a":[{"exists":"yes"}]})"), "Invalid parameter: FilterPolicy: exists match pattern must be either true or false.");
  EXPECT_EQ(parse(R"({"a":[null]})").conditions.at("a").at(0).kind, model::FilterCondition::Kind::EqualsNull) << "null matches a body's null";
  EXPECT_EQ(parse_filter_policy("{", "Invalid parameter: Attributes Reason: ").error().message,
            "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON.");
}

}  // namespace
}  // namespace localray::sns::protocol
