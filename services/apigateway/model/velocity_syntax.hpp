#pragma once
// Inside the Velocity engine: the syntax tree the parser makes and the evaluator walks, the lexer's
// tokens, and the methods values answer. Not for use outside velocity*.cpp.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/apigateway/model/velocity.hpp"

namespace localray::apigateway::model {

using nlohmann::json;

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Step {
  enum Kind { Property, Method, Index } kind = Property;
  std::string name;
  std::vector<ExprPtr> args;
};

struct Reference {
  std::string root;
  std::vector<Step> steps;
  bool quiet = false;
  std::string source;  // printed as is when the reference has no value
};

struct Expr {
  enum Kind { Literal, Interpolated, Ref, List, Range, Map, Not, Negate, Binary } kind = Literal;
  json value;
  std::shared_ptr<const VelocityTemplate> interpolated;
  Reference ref;
  std::vector<ExprPtr> items;
  std::string op;
};

struct VelocityNode {
  enum Kind { Text, Ref, Set, If, Foreach, Break, Stop } kind = Text;
  std::string text;
  Reference ref;
  Reference target;
  ExprPtr value;
  std::vector<std::pair<ExprPtr, std::vector<VelocityNode>>> branches;  // a null condition is #else
  std::string variable;
  std::vector<VelocityNode> body;
};

namespace velocity {

// A syntax error deep in the descent; parse() turns it into an Error.
struct SyntaxError : std::runtime_error {
  std::size_t at;
  SyntaxError(std::string what, std::size_t pos) : std::runtime_error(std::move(what)), at{pos} {}
};

// One lexed piece of a template before the tree is built.
struct Token {
  enum Kind { Text, Ref, Set, If, ElseIf, Else, End, Foreach, Break, Stop } kind = Text;
  std::string text;
  Reference ref;
  Reference target;
  ExprPtr expr;
  std::string variable;
  std::size_t pos = 0;
};

// The template's tokens, in order; throws SyntaxError.
std::vector<Token> lex(std::string_view text);
// `$value.name`, `$value.method(args)` or `$value[index]` on a plain value; nullopt when there is
// nothing there (Velocity then prints the reference as written).
tracing::Result<std::optional<json>> step_on(const json& value, const Step& step, const std::vector<json>& args);

}  // namespace velocity
}  // namespace localray::apigateway::model
