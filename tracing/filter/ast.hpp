#pragma once
// The syntax tree of an X-Ray filter expression (reference §9).
//
// Invariants the parser guarantees, so that evaluation cannot fail:
//  1. A Comparison's literal has its keyword's type (boolean, number or string) and its operator
//     applies to that type; a bare boolean keyword is stored as `keyword = true`.
//  2. An AnnotationTest with an operator has a literal that operator applies to.
//  3. Every keyword stands where it describes something: `first` only inside rootcause braces,
//     annotations, service(), edge(), rootcause and group only at the top level (see keywords.hpp).
//  4. All and Any hold at least two operands.
// Trees copy like values, so a group can keep its own parsed filter.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/box.hpp"

namespace localray::tracing::filter {

using base::Box;

enum class Keyword {
  // boolean
  Ok, Error, Throttle, Fault, Partial, Inferred, First, Last, Remote, Root,
  // number
  Duration, ResponseTime, HttpStatus, Index, Coverage,
  // string
  HttpUrl, HttpMethod, HttpUserAgent, HttpClientIp, User, Name, Type, Message, AvailabilityZone,
  InstanceId, ResourceArn,
};

enum class Op { Eq, Ne, Lt, Le, Gt, Ge, Contains, BeginsWith, EndsWith };

using Literal = std::variant<bool, double, std::string>;

struct Expression;

// `fault`, `fault = false`, `http.status >= 500`, `http.url CONTAINS "/prod"`.
struct Comparison {
  Keyword keyword;
  Op op;
  Literal value;
};

// `annotation.k` / `annotation[k]`: without an operator, whether the key is set.
struct AnnotationTest {
  std::string key;
  std::optional<Op> op;
  Literal value;
};

struct Not {
  Box<Expression> operand;
};

struct All {  // AND, written or implied by adjacent terms
  std::vector<Expression> operands;
};

struct Any {  // OR
  std::vector<Expression> operands;
};

// The services `service(...)` and each side of `edge(...)` stand for; an empty field matches
// any service, so `service()` leaves all three empty.
struct ServiceSelector {
  std::optional<std::string> name;
  std::optional<std::string> type;
  std::optional<std::string> account_id;
};

// `service("n")`, `service() { f }`, `service(id(name: "n", type: "t")) { f }`.
struct ServiceTest {
  ServiceSelector service;
  std::optional<Box<Expression>> filter;  // applies to each segment of the service
};

// `edge("a", "b") { f }`: a call from a service matching `from` to one matching `to`.
struct EdgeTest {
  ServiceSelector from;
  ServiceSelector to;
  std::optional<Box<Expression>> filter;  // applies to the called segment
};

enum class CauseKind { Fault, Error, ResponseTime };
enum class CauseLevel { Service, Entity, Exception };

// `rootcause.fault.service { name = "x" }`; without braces, whether such a root cause exists.
struct RootCauseTest {
  CauseKind kind;
  CauseLevel level;
  std::optional<Box<Expression>> filter;
};

enum class GroupField { Name, Arn };

// `group.name = "g"`: compared with the group the query runs in (MatchContext).
struct GroupTest {
  GroupField field;
  Op op;  // Eq or Ne
  std::string value;
};

struct Expression {
  std::variant<Comparison, AnnotationTest, Not, All, Any, ServiceTest, EdgeTest, RootCauseTest, GroupTest> node;
};

std::string_view op_text(Op op);  // "=", "CONTAINS", ...

// Canonical text: keywords lower case, operators as op_text, each AND/OR group in parentheses.
// Parsing it yields the same tree, so it can be stored and shown back to users.
std::string format(const Expression& expression);

}  // namespace localray::tracing::filter
