// Mapping templates as API Gateway evaluates them: Velocity's references, directives and
// expressions over $input, $util and $context, as the AWS documentation's examples use them.
#include <gtest/gtest.h>

#include "services/apigateway/model/mapping_host.hpp"
#include "services/apigateway/model/velocity.hpp"

namespace localray::apigateway::model {
namespace {

using nlohmann::json;

std::string render(const std::string& text, const std::string& body = "{}", json variables = json::object(), MappingInput input = {}) {
  auto t = VelocityTemplate::parse(text);
  if (!t) return "PARSE ERROR: " + t.error().message;
  input.body = body;
  MappingHost host{input};
  if (!variables.contains("context")) variables["context"] = {{"requestId", "r-1"}, {"stage", "prod"}, {"path", "/prod/hello"}};
  auto out = t->render(variables, host);
  return out ? *out : "RENDER ERROR: " + out.error().message;
}

TEST(Velocity, ReferencesAndInput) {
  const std::string body = R"({"name":"Ann","tags":["a","b"],"n":3,"o":{"k":1}})";
  EXPECT_EQ(render("$input.body", body), body);
  EXPECT_EQ(render("$input.json('$.name')", body), "\"Ann\"");
  EXPECT_EQ(render("$input.json('$.o')", body), "{\"k\":1}");
  EXPECT_EQ(render("$input.path('$.name')", body), "Ann");
  EXPECT_EQ(render("$input.path('$.tags').size() $input.path('$.tags')[1] $input.path('$.tags').get(0)", body), "2 b a");
  EXPECT_EQ(render("$input.path('$.o')", body), "{k=1}");
  EXPECT_EQ(render("$input.path('$.missing')|$!input.path('$.missing')|", body), "$input.path('$.missing')||");
  EXPECT_EQ(render("${context.requestId}-$context.stage.$context.path"), "r-1-prod./prod/hello");
  EXPECT_EQ(render("$undefined $!undefined."), "$undefined .");
  EXPECT_EQ(render("price: \\$5 and \\#not"), "price: $5 and #not");
}

TEST(Velocity, SetIfForeach) {
  EXPECT_EQ(render("#set($x = 2)#if($x > 1)big#elseif($x == 1)one#{else}small#end"), "big");
  EXPECT_EQ(render("#set($s = \"n=$context.stage\")$s"), "n=prod");
  EXPECT_EQ(render("#set($s = 'n=$context.stage')$s"), "n=$context.stage");
  EXPECT_EQ(render("#foreach($t in $input.path('$.tags'))$t#if($foreach.hasNext),#end#end", R"({"tags":["a","b","c"]})"), "a,b,c");
  EXPECT_EQ(render("#foreach($i in [1..3])$foreach.index:$i #end"), "0:1 1:2 2:3 ");
  EXPECT_EQ(render("#foreach($k in $input.path('$').keySet())$k=$input.path('$')[$k];#end", R"({"a":1,"b":"x"})"), "a=1;b=x;");
  EXPECT_EQ(render("#foreach($i in [1..5])#if($i == 3)#break#end$i#end"), "12");
  EXPECT_EQ(render("#if(!$missing && $context.stage == 'prod' || false)yes#end"), "yes");
  EXPECT_EQ(render("#set($n = 7 % 4 + 2 * 3 - 1)$n #set($m = {\"a\": [1, 2]})$m.a.size()"), "8 2");
  // Lines holding only a directive leave nothing behind.
  EXPECT_EQ(render("{\n  #set($a = 1)\n  #if($a == 1)\n  \"a\": $a\n  #end\n}"), "{\n  \"a\": 1\n}");
  EXPECT_EQ(render("## a comment\nx#* block\ncomment *#y#[[$raw #if]]#"), "xy$raw #if");
}

TEST(Velocity, UtilAndParams) {
  EXPECT_EQ(render("$util.escapeJavaScript($input.path('$.q'))", R"({"q":"it's \"x\"\n/é"})"), "it\\'s \\\"x\\\"\\n\\/\\u00E9");
  EXPECT_EQ(render("$util.escapeJavaScript(\"it's\").replaceAll(\"\\\\'\",\"'\")"), "it's");
  EXPECT_EQ(render("$util.urlEncode('a b&c=d/é')"), "a+b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(render("$util.urlDecode('a+b%26')"), "a b&");
  EXPECT_EQ(render("$util.base64Encode('hi!') $util.base64Decode('aGkh')"), "aGkh hi!");
  EXPECT_EQ(render("#set($o = $util.parseJson($input.path('$.s')))$o.k", R"({"s":"{\"k\":\"v\"}"})"), "v");
  MappingInput in;
  in.params["path"]["id"] = "42";
  in.params["querystring"]["q"] = "x";
  in.params["header"]["X-Thing"] = "h";
  EXPECT_EQ(render("$input.params('id') $input.params('q') $input.params('x-thing') [$input.params('none')]", "{}", json::object(), in),
            "42 x h []");
  EXPECT_EQ(render("#foreach($type in $input.params().keySet())$type;#end", "{}", json::object(), in), "header;path;querystring;");
}

TEST(Velocity, SetReachesContextOverride) {
  auto t = VelocityTemplate::parse("#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Teapot = 'yes')done");
  ASSERT_TRUE(t) << t.error().message;
  MappingInput in;
  MappingHost host{in};
  json variables{{"context", {{"stage", "prod"}}}};
  auto out = t->render(variables, host);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "done");
  EXPECT_EQ(variables["context"]["responseOverride"]["status"], 418);
  EXPECT_EQ(variables["context"]["responseOverride"]["header"]["X-Teapot"], "yes");
}

TEST(Velocity, ErrorsNameWhere) {
  EXPECT_EQ(render("#if($a)\nunclosed"), "PARSE ERROR: #if without #end at line 1, column 1");
  EXPECT_EQ(render("ok\n#end"), "PARSE ERROR: #end without #if or #foreach at line 2, column 1");
  EXPECT_EQ(render("#set($a = )"), "PARSE ERROR: unexpected ')' in an expression at line 1, column 11");
  EXPECT_EQ(render("#set($a = 'x'"), "PARSE ERROR: expected ')' closing #set( at line 1, column 14");
  EXPECT_EQ(render("$input.path('nodollar')"), "RENDER ERROR: a JSONPath starts with '$': 'nodollar'");
  EXPECT_EQ(render("#foreach($i in [1..100000])#end"), "RENDER ERROR: a range of more than 10000 numbers");
  // Not directives: left as text.
  EXPECT_EQ(render("#notadirective #1 $ 5"), "#notadirective #1 $ 5");
}

}  // namespace
}  // namespace localray::apigateway::model

namespace localray::apigateway::model {
namespace {

TEST(Velocity, StringRegexMethodsAsJavasPattern) {
  const std::string body = R"({"s":"a1b22c333","m":"line one\nline two"})";
  EXPECT_EQ(render("$input.path('$.s').replaceAll('[0-9]+', '#')", body), "a#b#c#");
  EXPECT_EQ(render("$input.path('$.s').replaceFirst('([0-9])', '<$1>')", body), "a<1>b22c333");
  EXPECT_EQ(render("$input.path('$.s').matches('[a-c0-9]+') $input.path('$.s').matches('[a-c]+')", body), "true false");
  EXPECT_EQ(render("#foreach($p in $input.path('$.s').split('[0-9]+'))$p,#end", body), "a,b,c,");
  EXPECT_EQ(render("$input.path('$.m').matches('line.*')", body), "false") << "`.` stops at a line end, as in Java";
  EXPECT_NE(render("$input.path('$.s').matches('(')", body).find("RENDER ERROR"), std::string::npos);
}

TEST(Velocity, RegexMethodsOnAHugeBodyAnswerInsteadOfOverflowingTheStack) {
  // std::regex recursed once per character: a request body of this size crashed the process.
  const std::string big(2'000'000, 'x');
  const std::string body = "{\"s\":\"" + big + "\"}";
  EXPECT_EQ(render("$input.path('$.s').matches('x*')", body), "true");
  EXPECT_EQ(render("$input.path('$.s').replaceAll('x+', 'y')", body), "y");
}

}  // namespace
}  // namespace localray::apigateway::model

#include "services/apigateway/model/integration_mapping.hpp"

namespace localray::apigateway::model {
namespace {

TEST(IntegrationMappingTest, SelectionPatternsMatchTheWholeTextEvenAHugeOne) {
  MappingSpec spec;
  spec.responses = {{".*not found.*", 404, {}, {}}, {"5\\d{2}", 502, {}, {}}, {"", 200, {}, {}}};
  auto mapping = IntegrationMapping::make(spec);
  ASSERT_TRUE(mapping) << mapping.error().message;
  IntegrationRequest r;
  EXPECT_EQ(mapping->response(r, std::string{"item not found"}, {}, "").status, 404u);
  EXPECT_EQ(mapping->response(r, std::string{"503"}, {}, "").status, 502u);
  EXPECT_EQ(mapping->response(r, std::string{"5030"}, {}, "").status, 200u) << "the whole text must match";
  EXPECT_EQ(mapping->response(r, std::nullopt, {}, "").status, 200u);
  // A Lambda errorMessage is the user's: std::regex overflowed the stack on this one.
  EXPECT_EQ(mapping->response(r, std::string(3'000'000, 'e') + " not found", {}, "").status, 404u);
  spec.responses = {{"(", 400, {}, {}}};
  EXPECT_FALSE(IntegrationMapping::make(spec)) << "a pattern that is no regular expression is refused when the API is made";
}

}  // namespace
}  // namespace localray::apigateway::model
