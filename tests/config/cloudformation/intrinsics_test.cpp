// The intrinsic functions and conditions over a resolver with fixed answers.
#include <gtest/gtest.h>

#include "config/cloudformation/intrinsics.hpp"

namespace localray::config::cloudformation {
namespace {

using nlohmann::json;

class FixedResolver final : public Resolver {
 public:
  tracing::Result<json> ref(const std::string& name) const override {
    if (name == "Env") return ok("prod");
    if (name == "Subnets") return ok(json::array({"s-1", "s-2"}));
    if (name == "Queue") return ok("http://q/url");
    if (name == "AWS::Region") return ok("eu-west-1");
    return tracing::Error{"Ref names unknown parameter or resource '" + name + "'"};
  }
  tracing::Result<json> get_att(const std::string& id, const std::string& attribute) const override {
    if (id == "Queue" && attribute == "Arn") return ok("arn:aws:sqs:eu-west-1:1:q");
    return tracing::Error{"Fn::GetAtt names unknown resource '" + id + "'"};
  }
  tracing::Result<bool> condition(const std::string& name) const override {
    if (name == "IsProd") return true;
    if (name == "IsDev") return false;
    return tracing::Error{"no condition named '" + name + "'"};
  }
  tracing::Result<json> import_value(const std::string& name) const override {
    if (name == "shared:TopicArn") return ok("arn:aws:sns:eu-west-1:1:t");
    return tracing::Error{"no stack exports '" + name + "'"};
  }
  const json& mappings() const override { return mappings_; }
  const std::string& region() const override { return region_; }

 private:
  json mappings_ = {{"Sizes", {{"prod", {{"Memory", 512}}}}}};
  std::string region_ = "eu-west-1";
};

json eval(const json& v) {
  FixedResolver r;
  auto out = evaluate(v, r, "Resources.X.Properties.P");
  if (!out) return json{{"error", out.error().message}};
  return *out;
}

TEST(Intrinsics, RefGetAttJoinSelectSplit) {
  EXPECT_EQ(eval({{"Ref", "Env"}}), "prod");
  EXPECT_EQ(eval({{"Fn::GetAtt", {"Queue", "Arn"}}}), "arn:aws:sqs:eu-west-1:1:q");
  EXPECT_EQ(eval({{"Fn::GetAtt", "Queue.Arn"}}), "arn:aws:sqs:eu-west-1:1:q");
  EXPECT_EQ(eval({{"Fn::Join", {"-", {"a", {{"Ref", "Env"}}, 3}}}}), "a-prod-3");
  EXPECT_EQ(eval({{"Fn::Join", {",", {{"Ref", "Subnets"}}}}}), "s-1,s-2");
  // The CDK's bootstrap template joins a plain string.
  EXPECT_EQ(eval({{"Fn::Join", {"", ""}}}), "");
  EXPECT_EQ(eval({{"Fn::Select", {"1", {{"Ref", "Subnets"}}}}}), "s-2");
  EXPECT_EQ(eval({{"Fn::Split", {"|", "a||b"}}}), (json{"a", "", "b"}));
  EXPECT_EQ(eval({{"Fn::Select", {0, {{"Fn::GetAZs", ""}}}}}), "eu-west-1a");
  EXPECT_EQ(eval({{"Fn::FindInMap", {"Sizes", {{"Ref", "Env"}}, "Memory"}}}), 512);
  EXPECT_EQ(eval({{"Fn::ImportValue", {{"Fn::Sub", "shared:TopicArn"}}}}), "arn:aws:sns:eu-west-1:1:t");
  EXPECT_EQ(eval({{"Fn::Base64", "hi"}}), "aGk=");
}

TEST(Intrinsics, SubInBothForms) {
  EXPECT_EQ(eval({{"Fn::Sub", "${Env}-${AWS::Region}-${Queue.Arn}-${!Literal}"}}), "prod-eu-west-1-arn:aws:sqs:eu-west-1:1:q-${Literal}");
  EXPECT_EQ(eval({{"Fn::Sub", {"${Name}/${Env}", {{"Name", {{"Fn::Join", {"", {"x", "y"}}}}}}}}}), "xy/prod");
}

TEST(Intrinsics, ConditionsAndNoValue) {
  EXPECT_EQ(eval({{"Fn::If", {"IsProd", "big", "small"}}}), "big");
  EXPECT_EQ(eval({{"Fn::If", {"IsDev", "big", "small"}}}), "small");
  // NoValue drops the member and the list element.
  EXPECT_EQ(eval({{"A", {{"Fn::If", {"IsDev", 1, {{"Ref", "AWS::NoValue"}}}}}}, {"B", {1, {{"Ref", "AWS::NoValue"}}, 3}}}),
            (json{{"B", {1, 3}}}));
  FixedResolver r;
  auto c = evaluate_condition({{"Fn::And", {{{"Fn::Equals", {{{"Ref", "Env"}}, "prod"}}}, {{"Fn::Not", {{{"Condition", "IsDev"}}}}}}}}, r, "C");
  ASSERT_TRUE(c);
  EXPECT_TRUE(*c);
  auto o = evaluate_condition({{"Fn::Or", {{{"Condition", "IsDev"}}, {{"Fn::Equals", {"1", 1}}}}}}, r, "C");
  ASSERT_TRUE(o);
  EXPECT_TRUE(*o);
}

TEST(Intrinsics, ErrorsNameThePath) {
  EXPECT_EQ(eval({{"Fn::GetAtt", {"Foo", "Arn"}}})["error"], "Resources.X.Properties.P.Fn::GetAtt: Fn::GetAtt names unknown resource 'Foo'");
  EXPECT_EQ(eval({{"A", {{"Fn::Join", {"-", {"a", {{"Ref", "Nope"}}}}}}}})["error"],
            "Resources.X.Properties.P.A.Fn::Join[1][1]: Ref names unknown parameter or resource 'Nope'");
  EXPECT_EQ(eval({{"Fn::Select", {5, {"a"}}}})["error"], "Resources.X.Properties.P.Fn::Select: index 5 is out of range for a list of 1");
  EXPECT_EQ(eval({{"Fn::Join", "oops"}})["error"], "Resources.X.Properties.P.Fn::Join: needs [delimiter, [values]]");
  EXPECT_EQ(eval({{"Fn::Cidr", {"10.0.0.0/16", 2, 8}}})["error"], "Resources.X.Properties.P: Fn::Cidr is not supported");
  EXPECT_EQ(eval({{"Fn::Sub", "${Nope}"}})["error"], "Resources.X.Properties.P.Fn::Sub: Fn::Sub ${Nope}: Ref names unknown parameter or resource 'Nope'");
}

TEST(Intrinsics, ReferencesForDependencyOrder) {
  std::set<std::string> refs;
  collect_references(json{{"A", {{"Ref", "Queue"}}},
                          {"B", {{"Fn::GetAtt", {"Fn", "Arn"}}}},
                          {"C", {{"Fn::Sub", {"${Api}.${Local}/${Table.Arn}/${AWS::Region}/${!Not}", {{"Local", {{"Ref", "Topic"}}}}}}}},
                          {"D", {{"Ref", "AWS::StackName"}}}},
                     refs);
  EXPECT_EQ(refs, (std::set<std::string>{"Queue", "Fn", "Api", "Table", "Topic"}));
}

}  // namespace
}  // namespace localray::config::cloudformation
