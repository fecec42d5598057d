#include "services/dynamodb/model/expression/parser.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "services/dynamodb/model/expression/reserved_words.hpp"
#include "services/dynamodb/model/expression/token.hpp"

namespace localray::dynamodb::model::expression {
namespace {

bool equals_keyword(const std::string& text, std::string_view keyword) {
  return text.size() == keyword.size() && std::equal(text.begin(), text.end(), keyword.begin(), [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

// Functions that yield true/false and so stand as a condition on their own.
bool is_predicate_function(const std::string& name) {
  static const std::set<std::string> kPredicates{"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with",
                                                 "contains"};
  return kPredicates.count(name) > 0;
}

// Recursive descent over one token list. Grammar (keywords case-insensitive):
//   update     := clause+          clause := SET set (, set)* | REMOVE path (, path)*
//                                           | ADD path :v (, path :v)* | DELETE path :v (, ...)*
//   set        := path = operand [(+|-) operand]
//   condition  := or ;  or := and (OR and)* ;  and := not (AND not)* ;  not := NOT not | primary
//   primary    := ( condition ) | predicate(args) | operand comparator operand
//               | operand BETWEEN operand AND operand | operand IN ( operand (, operand)* )
//   operand    := path | :v | function(operand (, operand)*)
//   path       := (name | #n) (. (name | #n) | [ integer ])*
//   projection := path (, path)*
class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, Kind kind) : text_{text}, tokens_{std::move(tokens)}, kind_{kind} {}

  auto empty_error() -> Result<void> {
    if (peek().type == TokenType::End) return invalid(kind_, "The expression can not be empty;");
    return {};
  }

  auto update() -> Result<UpdateExpression> {
    UpdateExpression out;
    std::set<ActionType> seen;
    while (peek().type != TokenType::End) {
      auto type = clause_keyword();
      if (!type) return syntax_error();
      if (!seen.insert(*type).second) {
        return invalid(kind_, "The \"" + std::string{action_keyword(*type)} + "\" section can only be used once in an update expression;");
      }
      next();
      do {
        auto action = update_action(*type);
        if (!action) return action.error();
        out.actions.push_back(std::move(*action));
      } while (accept(TokenType::Comma));
    }
    return out;
  }

  auto condition() -> Result<Condition> {
    auto c = or_condition();
    if (!c) return c;
    if (peek().type != TokenType::End) return syntax_error();
    return c;
  }

  auto projection() -> Result<Projection> {
    Projection out;
    do {
      auto p = path();
      if (!p) return p.error();
      out.paths.push_back(std::move(*p));
    } while (accept(TokenType::Comma));
    if (peek().type != TokenType::End) return syntax_error();
    return out;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& next() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }
  bool accept(TokenType type) {
    if (peek().type != type) return false;
    ++pos_;
    return true;
  }
  bool accept_keyword(std::string_view keyword) {
    if (peek().type != TokenType::Identifier || !equals_keyword(peek().text, keyword)) return false;
    ++pos_;
    return true;
  }

  // DynamoDB quotes the offending token and the source from the token before to the one after.
  // Parentheses, NOT and nested function calls recurse: past kMaxNesting the expression is refused
  // before the stack is at risk (an expression of 4 KB could otherwise nest thousands deep).
  static constexpr int kMaxNesting = 200;  // each parenthesis counts twice (condition, then its primary)
  struct Nesting {
    int& depth;
    explicit Nesting(int& d) : depth{++d} {}
    ~Nesting() { --depth; }
    bool too_deep() const { return depth > kMaxNesting; }
  };
  Error nesting_error() const {
    return invalid(kind_, "The expression is nested too deeply (parentheses, NOT or function calls)");
  }

  Error syntax_error() const {
    std::size_t at = std::min(pos_, tokens_.size() - 1);
    std::size_t from = at > 0 ? tokens_[at - 1].begin : tokens_[at].begin;
    std::size_t to = tokens_[at].end;
    if (at + 1 < tokens_.size() && tokens_[at + 1].type != TokenType::End) to = tokens_[at + 1].end;
    if (tokens_[at].type == TokenType::End && at > 0) to = tokens_[at - 1].end;  // not the trailing blanks
    std::string near{text_.substr(from, to - from)};
    return invalid(kind_, "Syntax error; token: \"" + tokens_[at].text + "\", near: \"" + near + "\"");
  }

  std::optional<ActionType> clause_keyword() const {
    if (peek().type != TokenType::Identifier) return std::nullopt;
    for (auto type : {ActionType::Set, ActionType::Remove, ActionType::Add, ActionType::Delete}) {
      if (equals_keyword(peek().text, action_keyword(type))) return type;
    }
    return std::nullopt;
  }

  auto update_action(ActionType type) -> Result<UpdateAction> {
    auto target = path();
    if (!target) return target.error();
    UpdateAction action{type, std::move(*target), std::nullopt};
    switch (type) {
      case ActionType::Remove:
        break;
      case ActionType::Set: {
        if (!accept(TokenType::Eq)) return syntax_error();
        auto lhs = operand();
        if (!lhs) return lhs.error();
        if (peek().type == TokenType::Plus || peek().type == TokenType::Minus) {
          char op = next().type == TokenType::Plus ? '+' : '-';
          auto rhs = operand();
          if (!rhs) return rhs.error();
          action.value = Operand{Arithmetic{op, std::move(*lhs), std::move(*rhs)}};
        } else {
          action.value = std::move(*lhs);
        }
        break;
      }
      case ActionType::Add:
      case ActionType::Delete:
        // Only a value placeholder may follow the path here.
        if (peek().type != TokenType::ValuePlaceholder) return syntax_error();
        action.value = Operand{ValueRef{next().text, {}}};
        break;
    }
    return action;
  }

  auto or_condition() -> Result<Condition> {
    auto lhs = and_condition();
    if (!lhs) return lhs;
    while (accept_keyword("OR")) {
      auto rhs = and_condition();
      if (!rhs) return rhs;
      lhs = Condition{Logical{false, std::move(*lhs), std::move(*rhs)}};
    }
    return lhs;
  }

  auto and_condition() -> Result<Condition> {
    auto lhs = not_condition();
    if (!lhs) return lhs;
    while (accept_keyword("AND")) {
      auto rhs = not_condition();
      if (!rhs) return rhs;
      lhs = Condition{Logical{true, std::move(*lhs), std::move(*rhs)}};
    }
    return lhs;
  }

  auto not_condition() -> Result<Condition> {
    Nesting nesting{depth_};
    if (nesting.too_deep()) return nesting_error();
    if (accept_keyword("NOT")) {
      auto operand = not_condition();
      if (!operand) return operand;
      return Condition{Not{std::move(*operand)}};
    }
    return primary_condition();
  }

  auto primary_condition() -> Result<Condition> {
    Nesting nesting{depth_};
    if (nesting.too_deep()) return nesting_error();
    if (accept(TokenType::LParen)) {
      auto inner = or_condition();
      if (!inner) return inner;
      if (!accept(TokenType::RParen)) return syntax_error();
      return inner;
    }
    if (peek().type == TokenType::Identifier && peek(1).type == TokenType::LParen && is_predicate_function(peek().text)) {
      auto call = function_call();
      if (!call) return call.error();
      return Condition{Predicate{std::move(*call)}};
    }
    auto lhs = operand();
    if (!lhs) return lhs.error();
    if (auto op = comparator()) {
      next();
      auto rhs = operand();
      if (!rhs) return rhs.error();
      return Condition{Comparison{*op, std::move(*lhs), std::move(*rhs)}};
    }
    if (accept_keyword("BETWEEN")) {
      auto low = operand();
      if (!low) return low.error();
      if (!accept_keyword("AND")) return syntax_error();
      auto high = operand();
      if (!high) return high.error();
      return Condition{Between{std::move(*lhs), std::move(*low), std::move(*high)}};
    }
    if (accept_keyword("IN")) {
      if (!accept(TokenType::LParen)) return syntax_error();
      In in{std::move(*lhs), {}};
      do {
        auto candidate = operand();
        if (!candidate) return candidate.error();
        in.candidates.push_back(std::move(*candidate));
      } while (accept(TokenType::Comma));
      if (!accept(TokenType::RParen)) return syntax_error();
      return Condition{std::move(in)};
    }
    return syntax_error();
  }

  std::optional<Comparator> comparator() const {
    switch (peek().type) {
      case TokenType::Eq: return Comparator::Eq;
      case TokenType::Ne: return Comparator::Ne;
      case TokenType::Lt: return Comparator::Lt;
      case TokenType::Le: return Comparator::Le;
      case TokenType::Gt: return Comparator::Gt;
      case TokenType::Ge: return Comparator::Ge;
      default: return std::nullopt;
    }
  }

  auto operand() -> Result<Operand> {
    if (peek().type == TokenType::ValuePlaceholder) return Operand{ValueRef{next().text, {}}};
    if (peek().type == TokenType::Identifier && peek(1).type == TokenType::LParen) {
      auto call = function_call();
      if (!call) return call.error();
      return Operand{std::move(*call)};
    }
    auto p = path();
    if (!p) return p.error();
    return Operand{std::move(*p)};
  }

  auto function_call() -> Result<FunctionCall> {
    Nesting nesting{depth_};
    if (nesting.too_deep()) return nesting_error();
    FunctionCall call{next().text, {}};
    next();  // '('
    do {
      auto arg = operand();
      if (!arg) return arg.error();
      call.args.push_back(std::move(*arg));
    } while (accept(TokenType::Comma));
    if (!accept(TokenType::RParen)) return syntax_error();
    return call;
  }

  auto path_element() -> Result<std::string> {
    const Token& t = peek();
    if (t.type == TokenType::NamePlaceholder) return next().text;
    if (t.type != TokenType::Identifier) return syntax_error();
    if (is_reserved_word(t.text)) return invalid(kind_, "Attribute name is a reserved keyword; reserved keyword: " + t.text);
    return next().text;
  }

  auto path() -> Result<Path> {
    Path out;
    auto first = path_element();
    if (!first) return first.error();
    out.steps.emplace_back(std::move(*first));
    for (;;) {
      if (accept(TokenType::Dot)) {
        auto name = path_element();
        if (!name) return name.error();
        out.steps.emplace_back(std::move(*name));
      } else if (accept(TokenType::LBracket)) {
        if (peek().type != TokenType::Integer) return syntax_error();
        const std::string& digits = peek().text;
        std::size_t index = 0;
        for (char c : digits) {
          if (index > 100'000'000) return invalid(kind_, "List index is too large; index: " + digits);
          index = index * 10 + static_cast<std::size_t>(c - '0');
        }
        next();
        if (!accept(TokenType::RBracket)) return syntax_error();
        out.steps.emplace_back(index);
      } else {
        return out;
      }
    }
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  Kind kind_;
  int depth_ = 0;
  std::size_t pos_ = 0;
};

auto make_parser(std::string_view text, Kind kind) -> Result<Parser> {
  auto tokens = tokenize(text, kind);
  if (!tokens) return tokens.error();
  Parser parser{text, std::move(*tokens), kind};
  if (auto ok = parser.empty_error(); !ok) return ok.error();
  return parser;
}

}  // namespace

auto parse_update_syntax(std::string_view text) -> Result<UpdateExpression> {
  auto parser = make_parser(text, Kind::Update);
  if (!parser) return parser.error();
  return parser->update();
}

auto parse_condition_syntax(std::string_view text, Kind kind) -> Result<Condition> {
  auto parser = make_parser(text, kind);
  if (!parser) return parser.error();
  return parser->condition();
}

auto parse_projection_syntax(std::string_view text) -> Result<Projection> {
  auto parser = make_parser(text, Kind::Projection);
  if (!parser) return parser.error();
  return parser->projection();
}

}  // namespace localray::dynamodb::model::expression
