#include "tracing/filter/parser.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace localray::tracing::filter {
namespace {

// The canonical text of what `text` parses to, or the error: one string to compare makes
// precedence and grouping visible in a test's expectation.
std::string canon(std::string_view text) {
  auto e = parse(text);
  if (!e) return "error at " + std::to_string(e.error().column) + ": " + e.error().message;
  return format(*e);
}

ParseError error_of(std::string_view text) {
  auto e = parse(text);
  EXPECT_FALSE(e) << text << " parsed as " << (e ? format(*e) : "");
  return e ? ParseError{0, "parsed"} : e.error();
}

const Comparison& comparison_of(const Expression& e) { return std::get<Comparison>(e.node); }

TEST(FilterParserTest, BooleanKeywordsParseBareNegatedAndCompared) {
  for (std::string kw : {"ok", "error", "throttle", "fault", "partial", "inferred"}) {
    EXPECT_EQ(canon(kw), kw);
    EXPECT_EQ(canon("!" + kw), "!" + kw);
    EXPECT_EQ(canon(kw + " = false"), kw + " = false");
    EXPECT_EQ(canon(kw + " != true"), kw + " != true");
    EXPECT_EQ(canon(kw + " = true"), kw) << "a bare keyword means `= true`";
  }
}

TEST(FilterParserTest, ScopedBooleanKeywordsParseWhereTheyMeanSomething) {
  EXPECT_EQ(canon(R"(service("a") { root })"), R"(service("a") { root })");
  EXPECT_EQ(canon("rootcause.fault.entity { first }"), "rootcause.fault.entity { first }");
  EXPECT_EQ(canon("rootcause.error.exception { !last }"), "rootcause.error.exception { !last }");
  EXPECT_EQ(canon("rootcause.fault.entity { remote = false }"), "rootcause.fault.entity { remote = false }");
  EXPECT_EQ(canon("rootcause.fault.service { remote != true }"), "rootcause.fault.service { remote != true }");
  EXPECT_EQ(canon("rootcause.fault.service { inferred }"), "rootcause.fault.service { inferred }");
}

TEST(FilterParserTest, NumberKeywordsTakeEveryNumberOperator) {
  for (std::string kw : {"duration", "responsetime", "http.status"})
    for (std::string op : {"=", "!=", "<", "<=", ">", ">="}) EXPECT_EQ(canon(kw + " " + op + " 3"), kw + " " + op + " 3");
  EXPECT_EQ(canon("rootcause.fault.entity { index >= 1 }"), "rootcause.fault.entity { index >= 1 }");
  EXPECT_EQ(canon("rootcause.responsetime.entity { coverage > 0.5 }"), "rootcause.responsetime.entity { coverage > 0.5 }");
  EXPECT_EQ(canon("rootcause.responsetime.service { coverage <= 0.25 }"), "rootcause.responsetime.service { coverage <= 0.25 }");
}

TEST(FilterParserTest, NumberLiteralsKeepTheirValue) {
  auto e = parse("duration > -1.5");
  ASSERT_TRUE(e);
  EXPECT_DOUBLE_EQ(std::get<double>(comparison_of(*e).value), -1.5);
  EXPECT_EQ(comparison_of(*e).keyword, Keyword::Duration);
  EXPECT_EQ(comparison_of(*e).op, Op::Gt);
}

TEST(FilterParserTest, StringKeywordsTakeEveryStringOperator) {
  const std::vector<std::string> ops{"=", "!=", "CONTAINS", "BEGINSWITH", "ENDSWITH"};
  for (std::string kw : {"http.url", "http.method", "http.useragent", "http.clientip", "user", "availabilityzone",
                         "instance.id", "resource.arn"})
    for (const auto& op : ops) EXPECT_EQ(canon(kw + " " + op + " \"x\""), kw + " " + op + " \"x\"");
  for (std::string kw : {"name", "type", "message"})
    for (const auto& op : ops) {
      std::string text = "service(\"a\") { " + kw + " " + op + " \"x\" }";
      EXPECT_EQ(canon(text), text);
    }
  EXPECT_EQ(canon(R"(rootcause.fault.exception { message CONTAINS "SSL" })"), R"(rootcause.fault.exception { message CONTAINS "SSL" })");
}

TEST(FilterParserTest, AdjacentTermsAreAnded) {
  EXPECT_EQ(canon("ok !partial duration < 3"), "(ok AND !partial AND duration < 3)");
  EXPECT_EQ(canon(R"(service("a") { fault } annotation.k)"), R"((service("a") { fault } AND annotation.k))");
}

TEST(FilterParserTest, AndBindsTighterThanOr) {
  EXPECT_EQ(canon("ok OR fault AND error"), "(ok OR (fault AND error))");
  EXPECT_EQ(canon("ok AND fault OR error"), "((ok AND fault) OR error)");
  EXPECT_EQ(canon("ok fault OR error throttle"), "((ok AND fault) OR (error AND throttle))");
}

TEST(FilterParserTest, ParenthesesOverridePrecedence) {
  EXPECT_EQ(canon("(ok OR fault) AND error"), "((ok OR fault) AND error)");
  EXPECT_EQ(canon("((ok))"), "ok");
}

TEST(FilterParserTest, NotBindsTighterThanAndAndAppliesToGroups) {
  EXPECT_EQ(canon("!ok AND fault"), "(!ok AND fault)");
  EXPECT_EQ(canon("!(ok AND fault)"), "!(ok AND fault)");
  EXPECT_EQ(canon("!!ok"), "!!ok");
  EXPECT_EQ(canon("!(http.status = 200)"), "!(http.status = 200)");
  EXPECT_EQ(canon(R"(!service("a") { fault })"), R"(!service("a") { fault })");
}

TEST(FilterParserTest, NotBindsTighterThanComparisonSoANegatedKeywordCannotBeCompared) {
  ParseError e = error_of("!fault = true");
  EXPECT_EQ(e.column, 8u);
  EXPECT_EQ(e.message, "cannot compare a negated term; to negate a comparison write !( ... ) around it");
  EXPECT_EQ(error_of(R"(!annotation.k = "x")").column, 15u);
  EXPECT_EQ(error_of(R"(!group.name = "g")").column, 13u);
  EXPECT_EQ(canon("!(fault = true)"), "!fault");
}

TEST(FilterParserTest, KeywordsOperatorsAndBooleansIgnoreCase) {
  EXPECT_EQ(canon(R"(FAULT = TRUE and HTTP.URL contains "x" Or Service("a") { Ok } oR ROOTCAUSE.Fault.SERVICE)"),
            R"(((fault AND http.url CONTAINS "x") OR service("a") { ok } OR rootcause.fault.service))");
  EXPECT_EQ(canon(R"(edge(ID(NAME: "a", Type: "t", ACCOUNT.ID: "1"), "b"))"), R"(edge(id(name: "a", type: "t", account.id: "1"), "b"))");
  EXPECT_EQ(canon(R"(GROUP.NAME = "g")"), R"(group.name = "g")");
}

TEST(FilterParserTest, AnnotationKeysAndStringsKeepTheirCase) {
  EXPECT_EQ(canon(R"(ANNOTATION.Path = "Hello")"), R"(annotation.Path = "Hello")");
  EXPECT_EQ(canon(R"(annotation[user.Name] = "x")"), R"(annotation[user.Name] = "x")");
}

TEST(FilterParserTest, StringEscapesReachTheLiteral) {
  auto e = parse(R"(http.url = "a\"b\\c")");
  ASSERT_TRUE(e);
  EXPECT_EQ(std::get<std::string>(comparison_of(*e).value), "a\"b\\c");
  EXPECT_EQ(format(*e), R"(http.url = "a\"b\\c")") << "format escapes again";
}

TEST(FilterParserTest, AnnotationComparisonsAreTypedByTheLiteral) {
  auto number = parse("annotation.count > 3");
  ASSERT_TRUE(number);
  const auto& test = std::get<AnnotationTest>(number->node);
  EXPECT_EQ(test.key, "count");
  EXPECT_EQ(test.op, Op::Gt);
  EXPECT_DOUBLE_EQ(std::get<double>(test.value), 3);
  EXPECT_EQ(canon(R"(annotation.s CONTAINS "x")"), R"(annotation.s CONTAINS "x")");
  EXPECT_EQ(canon("annotation.b = TRUE"), "annotation.b = true");
  EXPECT_EQ(canon("annotation.k"), "annotation.k");
  EXPECT_EQ(canon("!annotation.k"), "!annotation.k");
  EXPECT_FALSE(std::get<AnnotationTest>(parse("annotation.k")->node).op) << "bare: the key is set";
}

TEST(FilterParserTest, ServiceForms) {
  EXPECT_EQ(canon(R"(service("a"))"), R"(service("a"))");
  EXPECT_EQ(canon("service()"), "service()");
  EXPECT_EQ(canon("service() { fault }"), "service() { fault }");
  EXPECT_EQ(canon(R"(service(id(name: "a", type: "AWS::Lambda::Function", account.id: "123")))"),
            R"(service(id(name: "a", type: "AWS::Lambda::Function", account.id: "123")))");
  EXPECT_EQ(canon(R"(service(id(type: "T")) { error OR responsetime > 1 })"), R"(service(id(type: "T")) { (error OR responsetime > 1) })");
  auto e = parse(R"(service(id(account.id: "1", name: "a")))");
  ASSERT_TRUE(e);
  const auto& selector = std::get<ServiceTest>(e->node).service;
  EXPECT_EQ(selector.name, "a");
  EXPECT_EQ(selector.account_id, "1");
  EXPECT_FALSE(selector.type);
}

TEST(FilterParserTest, EdgeForms) {
  EXPECT_EQ(canon(R"(edge("a", "b"))"), R"(edge("a", "b"))");
  EXPECT_EQ(canon(R"(edge(id(name: "a"), "b") { error })"), R"(edge("a", "b") { error })");
  EXPECT_EQ(canon(R"(edge("a", id(name: "b", type: "t")) { responsetime > 3 })"), R"(edge("a", id(name: "b", type: "t")) { responsetime > 3 })");
}

TEST(FilterParserTest, GroupForms) {
  EXPECT_EQ(canon(R"(group.name = "g")"), R"(group.name = "g")");
  EXPECT_EQ(canon(R"(group.arn != "arn:aws:xray:us-east-1:0:group/g/ID")"), R"(group.arn != "arn:aws:xray:us-east-1:0:group/g/ID")");
}

TEST(FilterParserTest, EveryRootCauseKindAndLevelParsesExceptResponseTimeExceptions) {
  for (std::string kind : {"fault", "error", "responsetime"})
    for (std::string level : {"service", "entity", "exception"}) {
      std::string text = "rootcause." + kind + "." + level;
      if (kind == "responsetime" && level == "exception") {
        EXPECT_EQ(canon(text), "error at 1: response time root causes have no exceptions");
        continue;
      }
      EXPECT_EQ(canon(text + " { name = \"x\" }"), text + " { name = \"x\" }");
      EXPECT_EQ(canon(text), text);
    }
}

TEST(FilterParserTest, FormattedTextParsesToTheSameTree) {
  for (std::string text : {
           R"(ok !partial duration < 3 OR !(fault OR error) annotation[a.b] != "x\n")",
           R"(service(id(name: "n", type: "AWS::Lambda::Function")) { fault = true AND http.url ENDSWITH "/x" })",
           R"(edge("a", id(account.id: "1")) { responsetime >= 0.125 } OR rootcause.responsetime.entity { coverage > 0.5 last })",
           R"(group.arn = "arn" annotation.n <= -2 annotation.b != false)",
       }) {
    std::string once = canon(text);
    ASSERT_EQ(once.rfind("error", 0), std::string::npos) << once;
    EXPECT_EQ(canon(once), once);
  }
}

TEST(FilterParserTest, ParsedTreeCopiesIndependently) {
  std::optional<Expression> copy;
  {
    auto e = parse(R"(service("a") { fault AND !(error OR throttle) })");
    ASSERT_TRUE(e);
    copy = *e;
  }
  EXPECT_EQ(format(*copy), R"(service("a") { (fault AND !(error OR throttle)) })");
}

struct BadInput {
  std::string text;
  std::size_t column;
  std::string message;
};

TEST(FilterParserTest, MalformedInputIsRejectedAtTheOffendingColumn) {
  const std::vector<BadInput> cases{
      {"", 1, "empty filter expression"},
      {"   ", 1, "empty filter expression"},
      {"ok AND AND fault", 8, "unexpected token 'AND'"},
      {"fault AND (AND ok)", 12, "unexpected token 'AND'"},
      {"OR ok", 1, "unexpected token 'OR'"},
      {"ok AND", 7, "unexpected end of expression"},
      {"ok)", 3, "unexpected token ')'"},
      {R"("x")", 1, "unexpected token '\"x\"'"},
      {R"(fault "x")", 7, "unexpected token '\"x\"'"},
      {"(ok AND fault", 14, "expected ')' but reached the end of the expression"},
      {"foo = 1", 1, "unknown keyword 'foo'"},
      {"duration", 9, "expected a comparison operator after 'duration' but reached the end of the expression"},
      {"duration >", 11, "expected a number but reached the end of the expression"},
      {R"(duration = "a")", 12, "expected a number, found '\"a\"'"},
      {"http.url = 3", 12, "expected a string in double quotes, found '3'"},
      {"fault = 1", 9, "expected true or false, found '1'"},
      {R"(http.status CONTAINS "x")", 13, "operator 'CONTAINS' does not apply to number keyword 'http.status'"},
      {"fault < 3", 7, "operator '<' does not apply to boolean keyword 'fault'"},
      {R"(http.url > "a")", 10, "operator '>' does not apply to string keyword 'http.url'"},
      {R"(annotation.n > "x")", 16, "operator '>' does not apply to a string value"},
      {"annotation.b CONTAINS true", 23, "operator 'CONTAINS' does not apply to a boolean value"},
      {"annotation.k = ok", 16, "expected a string, number, true or false, found 'ok'"},
      {"annotation", 1, "annotation needs a key: annotation.KEY or annotation[KEY]"},
      {"annotation[]", 11, "empty annotation key"},
      {R"(http.url = "abc)", 12, "unterminated string"},
      {R"(http.url = "a\q")", 14, "unknown escape '\\q' in string"},
      {"ok # fault", 4, "unexpected character '#'"},
      {"duration > 3s", 12, "malformed number '3s'"},
      {"first", 1, "keyword 'first' is not valid at the top level"},
      {"root", 1, "keyword 'root' is not valid at the top level"},
      {R"(name = "x")", 1, "keyword 'name' is not valid at the top level"},
      {R"(service("a") { first })", 16, "keyword 'first' is not valid inside service braces"},
      {R"(edge("a", "b") { root })", 18, "keyword 'root' is not valid inside edge braces"},
      {"rootcause.fault.entity { coverage > 1 }", 26, "keyword 'coverage' is not valid inside rootcause entity braces"},
      {R"(rootcause.responsetime.entity { message = "x" })", 33,
       "keyword 'message' is not valid inside rootcause.responsetime.entity braces"},
      {"rootcause.fault.service { fault }", 27, "keyword 'fault' is not valid inside rootcause service braces"},
      {R"(service("a") { annotation.k })", 16, "annotations cannot be used inside braces"},
      {R"(service("a") { service("b") })", 16, "service() cannot be used inside braces"},
      {R"(service("a") { edge("b", "c") })", 16, "edge() cannot be used inside braces"},
      {R"(service("a") { group.name = "g" })", 16, "group.name cannot be used inside braces"},
      {R"(service("a") { rootcause.fault.service })", 16, "rootcause cannot be used inside braces"},
      {R"(service("a") {})", 15, "empty braces: write a filter inside or leave them out"},
      {R"(service("a") { fault)", 21, "expected '}' but reached the end of the expression"},
      {"service", 8, "expected '(' after service but reached the end of the expression"},
      {"service(a)", 9, "expected a service name in double quotes or id(...), found 'a'"},
      {"service(id())", 12, "id() needs at least one of name, type, account.id"},
      {R"(service(id(nam: "a")))", 12, "unknown id field 'nam'; expected name, type or account.id"},
      {R"(service(id(name: "a", name: "b")))", 23, "duplicate id field 'name'"},
      {R"(service(id(name "a")))", 17, "expected ':' after the id field, found '\"a\"'"},
      {R"(service(id(name: a)))", 18, "expected a string in double quotes, found 'a'"},
      {R"(id(name: "a"))", 1, "id(...) names a service only inside service(...) or edge(...)"},
      {R"(edge("a"))", 9, "expected ',' between the two services of an edge, found ')'"},
      {R"(group.name CONTAINS "g")", 12, "operator 'CONTAINS' does not apply to 'group.name'; use = or !="},
      {"group.arn", 10, "expected = or != after 'group.arn' but reached the end of the expression"},
      {"rootcause.json = #[{}]", 1,
       "rootcause.json is not supported; use rootcause.fault|error|responsetime.service|entity|exception { ... }"},
      {"rootcause.fault", 1, "unknown keyword 'rootcause.fault'; expected rootcause.fault|error|responsetime.service|entity|exception"},
      {"rootcause.slow.service", 1, "unknown keyword 'rootcause.slow.service'; expected rootcause.fault|error|responsetime.service|entity|exception"},
      {"ok CONTAINS", 4, "operator 'CONTAINS' does not apply to boolean keyword 'ok'"},
      {R"(service("a") CONTAINS "b")", 14, "unexpected token 'CONTAINS'"},
  };
  for (const auto& c : cases) {
    ParseError e = error_of(c.text);
    EXPECT_EQ(e.column, c.column) << c.text << ": " << e.message;
    EXPECT_EQ(e.message, c.message) << c.text;
  }
}

TEST(FilterParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string text = std::string(5000, '(') + "ok" + std::string(5000, ')');
  ParseError e = error_of(text);
  EXPECT_EQ(e.message, "expression nests too deeply");
  EXPECT_LT(e.column, 200u);
  EXPECT_EQ(error_of(std::string(5000, '!') + "ok").message, "expression nests too deeply");
  EXPECT_TRUE(parse(std::string(40, '(') + "ok" + std::string(40, ')')));
}

TEST(FilterParserTest, DescribeReadsLikeXRay) {
  EXPECT_EQ(describe(ParseError{12, "unexpected token 'AND'"}), "Invalid filter expression: unexpected token 'AND' at column 12");
  EXPECT_EQ(describe(error_of("fault AND (AND ok)")), "Invalid filter expression: unexpected token 'AND' at column 12");
}

TEST(FilterParserTest, ValueOfAFailedParseThrowsTheDescription) {
  try {
    (void)parse("ok AND").value();
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Invalid filter expression: unexpected end of expression at column 7");
  }
}

}  // namespace
}  // namespace localray::tracing::filter
