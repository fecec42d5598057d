#pragma once
// Syntax trees of DynamoDB expressions. The parser (phase 2) builds them with names and values
// still as written ("#n", ":v"); validation (phase 3) resolves them in a copy, after which
// ValueRef::value is set and every path step is a real attribute name or index.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/box.hpp"

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"

namespace localray::dynamodb::model::expression {

// Which request parameter an expression came from; DynamoDB names it in every error.
enum class Kind { Update, Condition, Filter, KeyCondition, Projection };

std::string_view parameter_name(Kind kind);  // "UpdateExpression", "ConditionExpression", ...

// "Invalid UpdateExpression: <detail>" and friends.
Error invalid(Kind kind, const std::string& detail);

using base::Box;

// A document path: an attribute name, then map keys (`.b`) and list indexes (`[0]`).
using PathStep = std::variant<std::string, std::size_t>;
struct Path {
  std::vector<PathStep> steps;
  friend bool operator==(const Path&, const Path&) = default;
};

struct Operand;

struct ValueRef {
  std::string placeholder;  // ":v"
  AttributeValue value;     // set by validation
};

struct FunctionCall {
  std::string name;
  std::vector<Operand> args;
};

// SET a = x + y / x - y: the only arithmetic DynamoDB has.
struct Arithmetic {
  char op;  // '+' or '-'
  Box<Operand> lhs;
  Box<Operand> rhs;
};

struct Operand {
  std::variant<Path, ValueRef, FunctionCall, Arithmetic> node;
};

enum class Comparator { Eq, Ne, Lt, Le, Gt, Ge };
std::string_view comparator_text(Comparator c);

struct Condition;

struct Comparison {
  Comparator op;
  Operand lhs;
  Operand rhs;
};
struct Between {
  Operand value;
  Operand low;
  Operand high;
};
struct In {
  Operand value;
  std::vector<Operand> candidates;
};
struct Logical {
  bool is_and;
  Box<Condition> lhs;
  Box<Condition> rhs;
};
struct Not {
  Box<Condition> operand;
};
// attribute_exists, attribute_not_exists, attribute_type, begins_with, contains.
struct Predicate {
  FunctionCall call;
};

struct Condition {
  std::variant<Comparison, Between, In, Logical, Not, Predicate> node;
};

enum class ActionType { Set, Remove, Add, Delete };
std::string_view action_keyword(ActionType t);  // "SET", "REMOVE", "ADD", "DELETE"

struct UpdateAction {
  ActionType type;
  Path path;
  std::optional<Operand> value;  // SET: any operand; ADD/DELETE: a ValueRef; REMOVE: none
};

struct UpdateExpression {
  std::vector<UpdateAction> actions;  // clause order, then action order within a clause
};

struct Projection {
  std::vector<Path> paths;
};

}  // namespace localray::dynamodb::model::expression
