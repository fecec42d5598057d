#pragma once
// Phase 1: an expression string as tokens. Keywords stay identifiers here; the parser decides,
// by position, whether `ADD` or `AND` is a keyword or (an error-worthy) attribute name.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

enum class TokenType {
  Identifier,        // a, attribute_exists, SET
  NamePlaceholder,   // #n
  ValuePlaceholder,  // :v
  Integer,           // 0 inside [0]
  LParen, RParen, LBracket, RBracket, Comma, Dot,
  Eq, Ne, Lt, Le, Gt, Ge, Plus, Minus,
  End,
};

struct Token {
  TokenType type;
  std::string text;
  std::size_t begin = 0;  // byte offsets into the expression, for "near:" in syntax errors
  std::size_t end = 0;
};

// Always ends with an End token.
auto tokenize(std::string_view text, Kind kind) -> Result<std::vector<Token>>;

}  // namespace localray::dynamodb::model::expression
