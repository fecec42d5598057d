#include "tracing/filter/parser.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "tracing/filter/keywords.hpp"
#include "tracing/filter/lexer.hpp"

namespace localray::tracing::filter {
namespace {

// Deep enough for any filter a person writes; shallow enough that "((((..." cannot exhaust the
// stack of the thread serving GetTraceSummaries.
constexpr int kMaxDepth = 100;

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_word(const Token& t, std::string_view lowered) { return t.kind == TokenKind::Word && lower(t.text) == lowered; }

ParseError error_at(const Token& t, std::string message) { return ParseError{t.column, std::move(message)}; }

std::string in_quotes(std::string_view text) { return "'" + std::string{text} + "'"; }

// The grammar allows nothing at `t` here.
ParseError unexpected(const Token& t) {
  if (t.kind == TokenKind::Invalid) return error_at(t, t.value);
  if (t.kind == TokenKind::End) return error_at(t, "unexpected end of expression");
  return error_at(t, "unexpected token " + in_quotes(t.text));
}

// The grammar wanted `what` at `t`.
ParseError expected(const Token& t, std::string_view what) {
  if (t.kind == TokenKind::Invalid) return error_at(t, t.value);
  if (t.kind == TokenKind::End) return error_at(t, "expected " + std::string{what} + " but reached the end of the expression");
  return error_at(t, "expected " + std::string{what} + ", found " + in_quotes(t.text));
}

std::optional<Op> operator_of(const Token& t) {
  switch (t.kind) {
    case TokenKind::Eq: return Op::Eq;
    case TokenKind::Ne: return Op::Ne;
    case TokenKind::Lt: return Op::Lt;
    case TokenKind::Le: return Op::Le;
    case TokenKind::Gt: return Op::Gt;
    case TokenKind::Ge: return Op::Ge;
    case TokenKind::Word: break;
    default: return std::nullopt;
  }
  std::string w = lower(t.text);
  if (w == "contains") return Op::Contains;
  if (w == "beginswith") return Op::BeginsWith;
  if (w == "endswith") return Op::EndsWith;
  return std::nullopt;
}

// Words that are part of the grammar, never a term of their own.
bool is_reserved(std::string_view lowered) {
  for (std::string_view r : {"and", "or", "contains", "beginswith", "endswith", "true", "false"})
    if (lowered == r) return true;
  return false;
}

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::Boolean: return "boolean";
    case ValueKind::Number: return "number";
    case ValueKind::String: return "string";
  }
  return "value";
}

ValueKind kind_of(const Literal& literal) {
  if (std::holds_alternative<bool>(literal)) return ValueKind::Boolean;
  if (std::holds_alternative<double>(literal)) return ValueKind::Number;
  return ValueKind::String;
}

std::optional<CauseKind> cause_kind(std::string_view word) {
  if (word == "fault") return CauseKind::Fault;
  if (word == "error") return CauseKind::Error;
  if (word == "responsetime") return CauseKind::ResponseTime;
  return std::nullopt;
}

std::optional<CauseLevel> cause_level(std::string_view word) {
  if (word == "service") return CauseLevel::Service;
  if (word == "entity") return CauseLevel::Entity;
  if (word == "exception") return CauseLevel::Exception;
  return std::nullopt;
}

ParseError negated_comparison(const Token& op) {
  return error_at(op, "cannot compare a negated term; to negate a comparison write !( ... ) around it");
}

ParseError top_level_only(const Token& t, std::string_view what) {
  return error_at(t, std::string{what} + " cannot be used inside braces");
}

class DepthGuard {
 public:
  explicit DepthGuard(int& depth) : depth_{depth} { ++depth_; }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  bool too_deep() const { return depth_ > kMaxDepth; }

 private:
  int& depth_;
};

using Braces = std::optional<Box<Expression>>;

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_{text} {}

  Result<Expression> parse_all() {
    if (peek().kind == TokenKind::End) return ParseError{1, "empty filter expression"};
    auto e = parse_or(Scope::Trace);
    if (!e) return e;
    if (peek().kind != TokenKind::End) return unexpected(peek());
    return e;
  }

 private:
  const Token& peek() const { return lexer_.peek(); }
  // A copy: the lexer reuses its token when it advances.
  Token take() {
    Token t = lexer_.peek();
    lexer_.advance();
    return t;
  }

  std::optional<ParseError> expect(TokenKind kind, std::string_view what) {
    if (peek().kind != kind) return expected(peek(), what);
    lexer_.advance();
    return std::nullopt;
  }

  Result<Expression> parse_or(Scope scope) {
    DepthGuard guard{depth_};
    if (guard.too_deep()) return error_at(peek(), "expression nests too deeply");
    std::vector<Expression> operands;
    while (true) {
      auto next = parse_and(scope);
      if (!next) return next;
      operands.push_back(std::move(*next));
      if (!is_word(peek(), "or")) break;
      lexer_.advance();
    }
    if (operands.size() == 1) return std::move(operands.front());
    return Expression{Any{std::move(operands)}};
  }

  // A token that can open a term, so that `ok !partial` reads as `ok AND !partial`.
  static bool starts_term(const Token& t) {
    if (t.kind == TokenKind::Word) return !is_word(t, "or");
    return t.kind == TokenKind::Annotation || t.kind == TokenKind::Bang || t.kind == TokenKind::LParen;
  }

  Result<Expression> parse_and(Scope scope) {
    std::vector<Expression> operands;
    auto first = parse_unary(scope, false);
    if (!first) return first;
    operands.push_back(std::move(*first));
    while (true) {
      if (is_word(peek(), "and"))
        lexer_.advance();
      else if (!starts_term(peek()))
        break;
      auto next = parse_unary(scope, false);
      if (!next) return next;
      operands.push_back(std::move(*next));
    }
    if (operands.size() == 1) return std::move(operands.front());
    return Expression{All{std::move(operands)}};
  }

  // `negated`: the term stands right after `!`, which binds tighter than a comparison.
  Result<Expression> parse_unary(Scope scope, bool negated) {
    DepthGuard guard{depth_};
    if (guard.too_deep()) return error_at(peek(), "expression nests too deeply");
    if (peek().kind != TokenKind::Bang) return parse_primary(scope, negated);
    lexer_.advance();
    auto operand = parse_unary(scope, true);
    if (!operand) return operand;
    return Expression{Not{std::move(*operand)}};
  }

  Result<Expression> parse_primary(Scope scope, bool negated) {
    switch (peek().kind) {
      case TokenKind::LParen: return parse_parenthesized(scope);
      case TokenKind::Annotation: return parse_annotation(scope, negated);
      case TokenKind::Word: return parse_word(scope, negated);
      default: return unexpected(peek());
    }
  }

  Result<Expression> parse_parenthesized(Scope scope) {
    lexer_.advance();
    auto e = parse_or(scope);
    if (!e) return e;
    if (auto err = expect(TokenKind::RParen, "')'")) return *err;
    return e;
  }

  Result<Expression> parse_word(Scope scope, bool negated) {
    const Token& t = peek();
    const std::string w = lower(t.text);
    if (is_reserved(w)) return unexpected(t);
    if (w == "service") return parse_service(scope);
    if (w == "edge") return parse_edge(scope);
    if (w == "rootcause" || w.starts_with("rootcause.")) return parse_rootcause(scope);
    if (w == "group.name") return parse_group(GroupField::Name, scope, negated);
    if (w == "group.arn") return parse_group(GroupField::Arn, scope, negated);
    if (w.starts_with("annotation")) return error_at(t, "annotation needs a key: annotation.KEY or annotation[KEY]");
    if (w == "id") return error_at(t, "id(...) names a service only inside service(...) or edge(...)");
    if (const KeywordSpec* spec = find_keyword(w)) return parse_keyword(*spec, scope, negated);
    return error_at(t, "unknown keyword " + in_quotes(t.text));
  }

  Result<Expression> parse_keyword(const KeywordSpec& spec, Scope scope, bool negated) {
    const std::string name{spec.name};
    if (!allowed_in(spec, scope))
      return error_at(peek(), "keyword " + in_quotes(name) + " is not valid " + std::string{scope_description(scope)});
    lexer_.advance();
    std::optional<Op> op = operator_of(peek());
    if (!op) {
      if (spec.kind == ValueKind::Boolean) return Expression{Comparison{spec.keyword, Op::Eq, true}};
      return expected(peek(), "a comparison operator after " + in_quotes(name));
    }
    if (negated) return negated_comparison(peek());
    if (!op_applies(*op, spec.kind))
      return error_at(peek(), "operator " + in_quotes(peek().text) + " does not apply to " +
                                  std::string{kind_name(spec.kind)} + " keyword " + in_quotes(name));
    lexer_.advance();
    auto value = parse_literal(spec.kind);
    if (!value) return value.error();
    return Expression{Comparison{spec.keyword, *op, std::move(*value)}};
  }

  Result<Literal> parse_literal(ValueKind kind) {
    const Token& t = peek();
    switch (kind) {
      case ValueKind::Boolean:
        if (is_word(t, "true") || is_word(t, "false")) return Literal{is_word(take(), "true")};
        return expected(t, "true or false");
      case ValueKind::Number:
        if (t.kind == TokenKind::Number) return Literal{take().number};
        return expected(t, "a number");
      case ValueKind::String:
        if (t.kind == TokenKind::String) return Literal{take().value};
        return expected(t, "a string in double quotes");
    }
    return unexpected(t);
  }

  // Annotation values are typed by the literal: "s", 3 or true.
  Result<Literal> parse_any_literal() {
    const Token& t = peek();
    if (t.kind == TokenKind::String) return Literal{take().value};
    if (t.kind == TokenKind::Number) return Literal{take().number};
    if (is_word(t, "true") || is_word(t, "false")) return Literal{is_word(take(), "true")};
    return expected(t, "a string, number, true or false");
  }

  Result<Expression> parse_annotation(Scope scope, bool negated) {
    if (scope != Scope::Trace) return top_level_only(peek(), "annotations");
    std::string key = take().value;
    std::optional<Op> op = operator_of(peek());
    if (!op) return Expression{AnnotationTest{std::move(key), std::nullopt, true}};
    if (negated) return negated_comparison(peek());
    Token op_token = take();
    Token value_token = peek();
    auto value = parse_any_literal();
    if (!value) return value.error();
    ValueKind kind = kind_of(*value);
    if (!op_applies(*op, kind))
      return error_at(value_token, "operator " + in_quotes(op_token.text) + " does not apply to a " +
                                       std::string{kind_name(kind)} + " value");
    return Expression{AnnotationTest{std::move(key), op, std::move(*value)}};
  }

  Result<Expression> parse_service(Scope scope) {
    if (scope != Scope::Trace) return top_level_only(peek(), "service()");
    lexer_.advance();
    if (auto err = expect(TokenKind::LParen, "'(' after service")) return *err;
    ServiceSelector selector;
    if (peek().kind != TokenKind::RParen) {
      auto s = parse_selector();
      if (!s) return s.error();
      selector = std::move(*s);
    }
    if (auto err = expect(TokenKind::RParen, "')'")) return *err;
    auto filter = parse_braces(Scope::Service);
    if (!filter) return filter.error();
    return Expression{ServiceTest{std::move(selector), std::move(*filter)}};
  }

  Result<Expression> parse_edge(Scope scope) {
    if (scope != Scope::Trace) return top_level_only(peek(), "edge()");
    lexer_.advance();
    if (auto err = expect(TokenKind::LParen, "'(' after edge")) return *err;
    auto from = parse_selector();
    if (!from) return from.error();
    if (auto err = expect(TokenKind::Comma, "',' between the two services of an edge")) return *err;
    auto to = parse_selector();
    if (!to) return to.error();
    if (auto err = expect(TokenKind::RParen, "')'")) return *err;
    auto filter = parse_braces(Scope::Edge);
    if (!filter) return filter.error();
    return Expression{EdgeTest{std::move(*from), std::move(*to), std::move(*filter)}};
  }

  Result<ServiceSelector> parse_selector() {
    if (peek().kind == TokenKind::String) {
      ServiceSelector s;
      s.name = take().value;
      return s;
    }
    if (is_word(peek(), "id")) return parse_id();
    return expected(peek(), "a service name in double quotes or id(...)");
  }

  Result<ServiceSelector> parse_id() {
    lexer_.advance();
    if (auto err = expect(TokenKind::LParen, "'(' after id")) return *err;
    if (peek().kind == TokenKind::RParen) return error_at(peek(), "id() needs at least one of name, type, account.id");
    ServiceSelector s;
    while (true) {
      if (auto err = parse_id_field(s)) return *err;
      if (peek().kind != TokenKind::Comma) break;
      lexer_.advance();
    }
    if (auto err = expect(TokenKind::RParen, "')'")) return *err;
    return s;
  }

  std::optional<ParseError> parse_id_field(ServiceSelector& s) {
    const Token& field = peek();
    if (field.kind != TokenKind::Word) return expected(field, "name, type or account.id");
    const std::string f = lower(field.text);
    std::optional<std::string>* slot = f == "name" ? &s.name : f == "type" ? &s.type : f == "account.id" ? &s.account_id : nullptr;
    if (slot == nullptr) return error_at(field, "unknown id field " + in_quotes(field.text) + "; expected name, type or account.id");
    if (slot->has_value()) return error_at(field, "duplicate id field " + in_quotes(field.text));
    lexer_.advance();
    if (auto err = expect(TokenKind::Colon, "':' after the id field")) return err;
    if (peek().kind != TokenKind::String) return expected(peek(), "a string in double quotes");
    *slot = take().value;
    return std::nullopt;
  }

  Result<Expression> parse_rootcause(Scope scope) {
    const Token& t = peek();
    if (scope != Scope::Trace) return top_level_only(t, "rootcause");
    const std::string w = lower(t.text);
    if (w == "rootcause.json")
      return error_at(t, "rootcause.json is not supported; use rootcause.fault|error|responsetime.service|entity|exception { ... }");
    std::optional<CauseKind> kind;
    std::optional<CauseLevel> level;
    constexpr std::size_t kPrefix = std::string_view{"rootcause."}.size();
    if (auto dot = w.find('.', kPrefix); dot != std::string::npos) {
      kind = cause_kind(std::string_view{w}.substr(kPrefix, dot - kPrefix));
      level = cause_level(std::string_view{w}.substr(dot + 1));
    }
    if (!kind || !level)
      return error_at(t, "unknown keyword " + in_quotes(t.text) + "; expected rootcause.fault|error|responsetime.service|entity|exception");
    if (*kind == CauseKind::ResponseTime && *level == CauseLevel::Exception)
      return error_at(t, "response time root causes have no exceptions");
    lexer_.advance();
    auto filter = parse_braces(cause_scope(*kind, *level));
    if (!filter) return filter.error();
    return Expression{RootCauseTest{*kind, *level, std::move(*filter)}};
  }

  static Scope cause_scope(CauseKind kind, CauseLevel level) {
    bool time = kind == CauseKind::ResponseTime;
    switch (level) {
      case CauseLevel::Service: return time ? Scope::ResponseTimeCauseService : Scope::CauseService;
      case CauseLevel::Entity: return time ? Scope::ResponseTimeCauseEntity : Scope::CauseEntity;
      case CauseLevel::Exception: break;
    }
    return Scope::CauseException;
  }

  Result<Braces> parse_braces(Scope inner) {
    if (peek().kind != TokenKind::LBrace) return Braces{};
    lexer_.advance();
    if (peek().kind == TokenKind::RBrace) return error_at(peek(), "empty braces: write a filter inside or leave them out");
    auto e = parse_or(inner);
    if (!e) return e.error();
    if (auto err = expect(TokenKind::RBrace, "'}'")) return *err;
    return Braces{Box<Expression>{std::move(*e)}};
  }

  Result<Expression> parse_group(GroupField field, Scope scope, bool negated) {
    const std::string name = field == GroupField::Name ? "group.name" : "group.arn";
    if (scope != Scope::Trace) return top_level_only(peek(), name);
    lexer_.advance();
    std::optional<Op> op = operator_of(peek());
    if (!op) return expected(peek(), "= or != after " + in_quotes(name));
    if (negated) return negated_comparison(peek());
    if (*op != Op::Eq && *op != Op::Ne)
      return error_at(peek(), "operator " + in_quotes(peek().text) + " does not apply to " + in_quotes(name) + "; use = or !=");
    lexer_.advance();
    if (peek().kind != TokenKind::String) return expected(peek(), "a string in double quotes");
    return Expression{GroupTest{field, *op, take().value}};
  }

  Lexer lexer_;
  int depth_ = 0;
};

}  // namespace

Result<Expression> parse(std::string_view text) { return Parser{text}.parse_all(); }

std::string describe(const ParseError& error) {
  return "Invalid filter expression: " + error.message + " at column " + std::to_string(error.column);
}

}  // namespace localray::tracing::filter
