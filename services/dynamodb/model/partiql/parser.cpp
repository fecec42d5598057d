// A recursive-descent parser for the PartiQL subset DynamoDB runs. Tokens are made on the fly;
// keywords are words compared without case, as PartiQL does.
#include <cctype>
#include <charconv>
#include <cstddef>

#include "services/dynamodb/model/partiql/statement.hpp"

namespace localray::dynamodb::model::partiql {
namespace {

namespace ex = expression;

enum class Tok {
  Word, Quoted, String, Number, Param,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace, LBag, RBag,
  Comma, Dot, Colon, Star, Semicolon, Eq, Ne, Lt, Le, Gt, Ge, Plus, Minus,
  End,
};

struct Token {
  Tok type;
  std::string text;
  std::size_t offset = 0;
};

Error syntax_error(const std::string& detail) {
  return validation_error("Statement wasn't well formed, can't be processed: " + detail);
}

// Where a token is, as DynamoDB's PartiQL messages put it: "at LINE:COLUMN:LENGTH", 1-based.
std::string position(std::string_view text, std::size_t offset, std::size_t length) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "at " + std::to_string(line) + ":" + std::to_string(column) + ":" + std::to_string(length);
}

auto tokenize(std::string_view text) -> Result<std::vector<Token>> {
  std::vector<Token> out;
  std::size_t i = 0;
  auto quoted = [&](char quote, Tok type) -> Result<void> {
    std::size_t start = i++;
    std::string value;
    while (true) {
      if (i >= text.size()) {
        return syntax_error("Unterminated " + std::string{type == Tok::String ? "string" : "quoted identifier"} + " " + position(text, start, 1));
      }
      if (text[i] == quote) {
        if (i + 1 < text.size() && text[i + 1] == quote) {  // '' and "" stand for the quote itself
          value += quote;
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      value += text[i++];
    }
    out.push_back({type, std::move(value), start});
    return {};
  };
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    std::size_t start = i;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
      out.push_back({Tok::Word, std::string{text.substr(start, i - start)}, start});
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      }
      out.push_back({Tok::Number, std::string{text.substr(start, i - start)}, start});
      continue;
    }
    if (c == '\'') {
      if (auto ok = quoted('\'', Tok::String); !ok) return ok.error();
      continue;
    }
    if (c == '"') {
      if (auto ok = quoted('"', Tok::Quoted); !ok) return ok.error();
      continue;
    }
    auto two = text.substr(i, 2);
    Tok type = Tok::End;
    std::size_t length = 2;
    if (two == "<<") type = Tok::LBag;
    else if (two == ">>") type = Tok::RBag;
    else if (two == "<>" || two == "!=") type = Tok::Ne;
    else if (two == "<=") type = Tok::Le;
    else if (two == ">=") type = Tok::Ge;
    else {
      length = 1;
      switch (c) {
        case '(': type = Tok::LParen; break;
        case ')': type = Tok::RParen; break;
        case '[': type = Tok::LBracket; break;
        case ']': type = Tok::RBracket; break;
        case '{': type = Tok::LBrace; break;
        case '}': type = Tok::RBrace; break;
        case ',': type = Tok::Comma; break;
        case '.': type = Tok::Dot; break;
        case ':': type = Tok::Colon; break;
        case '*': type = Tok::Star; break;
        case ';': type = Tok::Semicolon; break;
        case '=': type = Tok::Eq; break;
        case '<': type = Tok::Lt; break;
        case '>': type = Tok::Gt; break;
        case '+': type = Tok::Plus; break;
        case '-': type = Tok::Minus; break;
        case '?': type = Tok::Param; break;
        default: return syntax_error("Unexpected character " + position(text, start, 1));
      }
    }
    i += length;
    out.push_back({type, std::string{text.substr(start, length)}, start});
  }
  out.push_back({Tok::End, "", text.size()});
  return out;
}

bool same_word(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Nesting deeper than any item can be (DynamoDB allows 32 levels) is refused before it can
// exhaust the stack: the parser recurses once per parenthesis, NOT, list, map or bag.
constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, const std::vector<AttributeValue>& parameters)
      : text_{text}, tokens_{std::move(tokens)}, parameters_{parameters} {}

  auto statement() -> Result<Statement> {
    Result<Statement> parsed = syntax_error("unexpected end of statement");
    if (is_word("SELECT")) parsed = select();
    else if (is_word("INSERT")) parsed = insert();
    else if (is_word("UPDATE")) parsed = update();
    else if (is_word("DELETE")) parsed = remove();
    else return syntax_error("Expected data manipulation");
    if (!parsed) return parsed;
    if (peek().type == Tok::Semicolon) ++at_;
    if (peek().type != Tok::End) return unexpected();
    return parsed;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(at_ + ahead, tokens_.size() - 1)]; }
  bool is_word(std::string_view word, std::size_t ahead = 0) const {
    return peek(ahead).type == Tok::Word && same_word(peek(ahead).text, word);
  }
  bool accept_word(std::string_view word) {
    if (!is_word(word)) return false;
    ++at_;
    return true;
  }
  bool accept(Tok type) {
    if (peek().type != type) return false;
    ++at_;
    return true;
  }
  Error unexpected() const {
    const Token& t = peek();
    if (t.type == Tok::End) return syntax_error("Unexpected end of statement");
    std::size_t length = (peek(1).type == Tok::End ? text_.size() : peek(1).offset) - t.offset;
    while (length > 1 && std::isspace(static_cast<unsigned char>(text_[t.offset + length - 1]))) --length;
    return syntax_error(std::string{t.type == Tok::Word ? "Unexpected keyword " : "Unexpected token "} + position(text_, t.offset, length));
  }
  auto expect_word(std::string_view word) -> Result<void> {
    if (!accept_word(word)) return unexpected();
    return {};
  }
  auto expect(Tok type) -> Result<void> {
    if (!accept(type)) return unexpected();
    return {};
  }

  // A table or attribute name: a bare word or a "quoted" one.
  auto name() -> Result<std::string> {
    const Token& t = peek();
    if (t.type != Tok::Word && t.type != Tok::Quoted) return unexpected();
    ++at_;
    return t.text;
  }

  auto table_name() -> Result<std::string> {
    auto n = name();
    if (!n) return n;
    if (n->empty()) return syntax_error("Empty table name");
    return n;
  }

  auto path() -> Result<ex::Path> {
    auto first = name();
    if (!first) return first.error();
    ex::Path out{{std::move(*first)}};
    while (true) {
      if (accept(Tok::Dot)) {
        auto step = name();
        if (!step) return step.error();
        out.steps.emplace_back(std::move(*step));
      } else if (accept(Tok::LBracket)) {
        const Token& t = peek();
        std::size_t index = 0;
        if (t.type == Tok::Number && t.text.find_first_not_of("0123456789") == std::string::npos) {
          auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), index);
          if (ec != std::errc{}) return syntax_error("List index out of range " + position(text_, t.offset, t.text.size()));
          out.steps.emplace_back(index);
        } else if (t.type == Tok::String) {
          out.steps.emplace_back(t.text);
        } else {
          return unexpected();
        }
        ++at_;
        if (auto ok = expect(Tok::RBracket); !ok) return ok.error();
      } else {
        return out;
      }
    }
  }

  auto parameter() -> Result<AttributeValue> {
    if (used_parameters_ >= parameters_.size()) return validation_error("Number of parameters in request and statement don't match.");
    return parameters_[used_parameters_++];
  }

  // A value written in the statement: 'text', 12.5, TRUE, NULL, [..], {'k': ..}, <<..>>, or ?.
  bool at_literal() const {
    switch (peek().type) {
      case Tok::String: case Tok::Number: case Tok::Param: case Tok::LBracket: case Tok::LBrace: case Tok::LBag: case Tok::Minus: return true;
      case Tok::Word: return is_word("TRUE") || is_word("FALSE") || is_word("NULL");
      default: return false;
    }
  }

  // Counts one level of nesting for as long as it lives.
  struct Nested {
    int& depth;
    explicit Nested(int& d) : depth{++d} {}
    ~Nested() { --depth; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
  };
  bool too_deep() const { return depth_ > kMaxDepth; }
  Error nesting_error() const { return syntax_error("Nesting exceeds " + std::to_string(kMaxDepth) + " levels"); }

  auto literal() -> Result<AttributeValue> {
    Nested level{depth_};
    if (too_deep()) return nesting_error();
    const Token t = peek();
    switch (t.type) {
      case Tok::Param: ++at_; return parameter();
      case Tok::String: ++at_; return AttributeValue{t.text};
      case Tok::Minus:
      case Tok::Number: {
        ++at_;
        std::string digits = t.text;
        if (t.type == Tok::Minus) {
          if (peek().type != Tok::Number) return unexpected();
          digits = "-" + peek().text;
          ++at_;
        }
        auto n = Number::parse(digits);
        if (!n) return n.error();
        return AttributeValue{std::move(*n)};
      }
      case Tok::LBracket: {
        ++at_;
        List list;
        if (!accept(Tok::RBracket)) {
          do {
            auto v = literal();
            if (!v) return v;
            list.push_back(std::move(*v));
          } while (accept(Tok::Comma));
          if (auto ok = expect(Tok::RBracket); !ok) return ok.error();
        }
        return AttributeValue{std::move(list)};
      }
      case Tok::LBrace: {
        ++at_;
        Map map;
        if (!accept(Tok::RBrace)) {
          do {
            if (peek().type != Tok::String && peek().type != Tok::Quoted) return unexpected();
            std::string key = peek().text;
            ++at_;
            if (auto ok = expect(Tok::Colon); !ok) return ok.error();
            auto v = literal();
            if (!v) return v;
            map.insert_or_assign(std::move(key), std::move(*v));
          } while (accept(Tok::Comma));
          if (auto ok = expect(Tok::RBrace); !ok) return ok.error();
        }
        return AttributeValue{std::move(map)};
      }
      case Tok::LBag: return set_literal();
      case Tok::Word:
        ++at_;
        if (same_word(t.text, "TRUE")) return AttributeValue{true};
        if (same_word(t.text, "FALSE")) return AttributeValue{false};
        if (same_word(t.text, "NULL")) return AttributeValue{Null{}};
        --at_;
        return unexpected();
      default: return unexpected();
    }
  }

  // <<'a', 'b'>>: a string, number or binary set, all of one type.
  auto set_literal() -> Result<AttributeValue> {
    ++at_;
    std::vector<AttributeValue> members;
    if (peek().type == Tok::RBag) return validation_error("Empty bags are not supported");
    do {
      auto v = literal();
      if (!v) return v;
      members.push_back(std::move(*v));
    } while (accept(Tok::Comma));
    if (auto ok = expect(Tok::RBag); !ok) return ok.error();
    Type type = members.front().type();
    for (const auto& m : members) {
      if (m.type() != type || (type != Type::String && type != Type::Number && type != Type::Binary)) {
        return validation_error("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
      }
    }
    if (type == Type::String) {
      StringSet set;
      for (auto& m : members) set.values.insert(m.as<std::string>());
      return AttributeValue{std::move(set)};
    }
    if (type == Type::Number) {
      NumberSet set;
      for (auto& m : members) set.values.insert(m.as<Number>());
      return AttributeValue{std::move(set)};
    }
    BinarySet set;
    for (auto& m : members) set.values.insert(m.as<Binary>().bytes);
    return AttributeValue{std::move(set)};
  }

  static ex::Operand value_operand(AttributeValue v) { return ex::Operand{ex::ValueRef{"?", std::move(v)}}; }

  // A comparison side: a path, a value, or size(path).
  auto operand() -> Result<ex::Operand> {
    if (at_literal()) {
      auto v = literal();
      if (!v) return v.error();
      return value_operand(std::move(*v));
    }
    if (is_word("size") && peek(1).type == Tok::LParen) {
      at_ += 2;
      auto p = path();
      if (!p) return p.error();
      if (auto ok = expect(Tok::RParen); !ok) return ok.error();
      return ex::Operand{ex::FunctionCall{"size", {ex::Operand{std::move(*p)}}}};
    }
    auto p = path();
    if (!p) return p.error();
    return ex::Operand{std::move(*p)};
  }

  auto condition() -> Result<ex::Condition> {
    auto lhs = conjunction();
    if (!lhs) return lhs;
    while (accept_word("OR")) {
      auto rhs = conjunction();
      if (!rhs) return rhs;
      lhs = ex::Condition{ex::Logical{false, std::move(*lhs), std::move(*rhs)}};
    }
    return lhs;
  }

  auto conjunction() -> Result<ex::Condition> {
    auto lhs = negation();
    if (!lhs) return lhs;
    while (accept_word("AND")) {
      auto rhs = negation();
      if (!rhs) return rhs;
      lhs = ex::Condition{ex::Logical{true, std::move(*lhs), std::move(*rhs)}};
    }
    return lhs;
  }

  auto negation() -> Result<ex::Condition> {
    Nested level{depth_};
    if (too_deep()) return nesting_error();
    if (accept_word("NOT")) {
      auto inner = negation();
      if (!inner) return inner;
      return ex::Condition{ex::Not{std::move(*inner)}};
    }
    return predicate();
  }

  static ex::Condition function_condition(std::string name, std::vector<ex::Operand> args) {
    return ex::Condition{ex::Predicate{ex::FunctionCall{std::move(name), std::move(args)}}};
  }

  auto predicate() -> Result<ex::Condition> {
    if (accept(Tok::LParen)) {
      auto inner = condition();
      if (!inner) return inner;
      if (auto ok = expect(Tok::RParen); !ok) return ok.error();
      return inner;
    }
    for (std::string_view fn : {"begins_with", "contains", "attribute_type"}) {
      if (is_word(fn) && peek(1).type == Tok::LParen) {
        at_ += 2;
        auto target = path();
        if (!target) return target.error();
        if (auto ok = expect(Tok::Comma); !ok) return ok.error();
        auto v = literal();
        if (!v) return v.error();
        if (auto ok = expect(Tok::RParen); !ok) return ok.error();
        return function_condition(std::string{fn}, {ex::Operand{std::move(*target)}, value_operand(std::move(*v))});
      }
    }
    auto lhs = operand();
    if (!lhs) return lhs.error();
    if (accept_word("IS")) {
      bool negated = accept_word("NOT");
      if (!std::holds_alternative<ex::Path>(lhs->node)) return unexpected();
      if (accept_word("MISSING")) {
        return function_condition(negated ? "attribute_exists" : "attribute_not_exists", {std::move(*lhs)});
      }
      if (accept_word("NULL")) {
        // DynamoDB reads `IS NULL` as `= NULL`, and `IS NOT NULL` as its opposite.
        return ex::Condition{ex::Comparison{negated ? ex::Comparator::Ne : ex::Comparator::Eq, std::move(*lhs), value_operand(AttributeValue{Null{}})}};
      }
      return unexpected();
    }
    if (accept_word("BETWEEN")) {
      auto low = operand();
      if (!low) return low.error();
      if (auto ok = expect_word("AND"); !ok) return ok.error();
      auto high = operand();
      if (!high) return high.error();
      return ex::Condition{ex::Between{std::move(*lhs), std::move(*low), std::move(*high)}};
    }
    bool not_in = is_word("NOT") && is_word("IN", 1);
    if (not_in) ++at_;
    if (accept_word("IN")) {
      Tok close = Tok::End;
      if (accept(Tok::LParen)) close = Tok::RParen;
      else if (accept(Tok::LBracket)) close = Tok::RBracket;
      else return unexpected();
      ex::In in{std::move(*lhs), {}};
      do {
        auto candidate = literal();
        if (!candidate) return candidate.error();
        in.candidates.push_back(value_operand(std::move(*candidate)));
      } while (accept(Tok::Comma));
      if (auto ok = expect(close); !ok) return ok.error();
      ex::Condition out{std::move(in)};
      return not_in ? ex::Condition{ex::Not{std::move(out)}} : out;
    }
    ex::Comparator op;
    switch (peek().type) {
      case Tok::Eq: op = ex::Comparator::Eq; break;
      case Tok::Ne: op = ex::Comparator::Ne; break;
      case Tok::Lt: op = ex::Comparator::Lt; break;
      case Tok::Le: op = ex::Comparator::Le; break;
      case Tok::Gt: op = ex::Comparator::Gt; break;
      case Tok::Ge: op = ex::Comparator::Ge; break;
      default: return unexpected();
    }
    ++at_;
    auto rhs = operand();
    if (!rhs) return rhs.error();
    return ex::Condition{ex::Comparison{op, std::move(*lhs), std::move(*rhs)}};
  }

  auto where() -> Result<std::optional<ex::Condition>> {
    if (!accept_word("WHERE")) return std::optional<ex::Condition>{};
    auto c = condition();
    if (!c) return c.error();
    return std::optional<ex::Condition>{std::move(*c)};
  }

  auto select() -> Result<Statement> {
    ++at_;
    Select out;
    if (!accept(Tok::Star)) {
      ex::Projection projection;
      do {
        auto p = path();
        if (!p) return p.error();
        projection.paths.push_back(std::move(*p));
      } while (accept(Tok::Comma));
      out.projection = std::move(projection);
    }
    if (auto ok = expect_word("FROM"); !ok) return ok.error();
    auto table = table_name();
    if (!table) return table.error();
    out.table = std::move(*table);
    if (accept(Tok::Dot)) {
      auto index = name();
      if (!index) return index.error();
      out.index = std::move(*index);
    }
    auto w = where();
    if (!w) return w.error();
    out.where = std::move(*w);
    return Statement{std::move(out)};
  }

  auto insert() -> Result<Statement> {
    ++at_;
    if (auto ok = expect_word("INTO"); !ok) return ok.error();
    auto table = table_name();
    if (!table) return table.error();
    if (auto ok = expect_word("VALUE"); !ok) return ok.error();
    auto item = literal();
    if (!item) return item.error();
    if (!item->is<Map>()) {
      return validation_error("Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.");
    }
    if (is_word("RETURNING")) return validation_error("RETURNING is not supported in INSERT");
    return Statement{Insert{std::move(*table), std::move(item->as<Map>())}};
  }

  // SET's right side: a value, a path, `a + b`, or one of DynamoDB's update functions.
  auto set_value(const ex::Path& target, std::vector<ex::UpdateAction>& actions) -> Result<void> {
    for (std::string_view fn : {"set_add", "set_delete"}) {
      if (is_word(fn) && peek(1).type == Tok::LParen) {
        at_ += 2;
        auto p = path();
        if (!p) return p.error();
        // The set changed is the one assigned: `SET s = set_add(s, <<..>>)`.
        if (!(*p == target)) {
          return validation_error(std::string{"The first argument to SET_"} + (fn == "set_add" ? "ADD" : "DELETE") +
                                  " must equal the assignment value");
        }
        if (auto ok = expect(Tok::Comma); !ok) return ok.error();
        auto v = literal();
        if (!v) return v.error();
        if (auto ok = expect(Tok::RParen); !ok) return ok.error();
        if (!v->is<StringSet>() && !v->is<NumberSet>() && !v->is<BinarySet>()) {
          return validation_error(std::string{"The second argument to SET_"} + (fn == "set_add" ? "ADD" : "DELETE") +
                                  " must be a value with type SET");
        }
        actions.push_back({fn == "set_add" ? ex::ActionType::Add : ex::ActionType::Delete, target, value_operand(std::move(*v))});
        return {};
      }
    }
    auto first = update_operand();
    if (!first) return first.error();
    if (peek().type == Tok::Plus || peek().type == Tok::Minus) {
      char op = peek().type == Tok::Plus ? '+' : '-';
      ++at_;
      auto second = update_operand();
      if (!second) return second.error();
      actions.push_back({ex::ActionType::Set, target, ex::Operand{ex::Arithmetic{op, std::move(*first), std::move(*second)}}});
      return {};
    }
    actions.push_back({ex::ActionType::Set, target, std::move(*first)});
    return {};
  }

  auto update_operand() -> Result<ex::Operand> {
    Nested level{depth_};
    if (too_deep()) return nesting_error();
    for (std::string_view fn : {"list_append", "if_not_exists"}) {
      if (is_word(fn) && peek(1).type == Tok::LParen) {
        at_ += 2;
        auto a = update_operand();
        if (!a) return a;
        if (auto ok = expect(Tok::Comma); !ok) return ok.error();
        auto b = update_operand();
        if (!b) return b;
        if (auto ok = expect(Tok::RParen); !ok) return ok.error();
        if (fn == "if_not_exists" && !std::holds_alternative<ex::Path>(a->node)) return unexpected();
        return ex::Operand{ex::FunctionCall{std::string{fn}, {std::move(*a), std::move(*b)}}};
      }
    }
    if (at_literal()) {
      auto v = literal();
      if (!v) return v.error();
      return value_operand(std::move(*v));
    }
    auto p = path();
    if (!p) return p.error();
    return ex::Operand{std::move(*p)};
  }

  auto returning() -> Result<Returning> {
    if (!accept_word("RETURNING")) return Returning::None;
    bool all = accept_word("ALL");
    if (!all && !accept_word("MODIFIED")) return unexpected();
    bool old = accept_word("OLD");
    if (!old && !accept_word("NEW")) return unexpected();
    if (auto ok = expect(Tok::Star); !ok) return ok.error();
    if (all) return old ? Returning::AllOld : Returning::AllNew;
    return old ? Returning::ModifiedOld : Returning::ModifiedNew;
  }

  auto update() -> Result<Statement> {
    ++at_;
    auto table = table_name();
    if (!table) return table.error();
    Update out{std::move(*table), {}};
    while (true) {
      if (accept_word("SET")) {
        do {
          auto target = path();
          if (!target) return target.error();
          if (auto ok = expect(Tok::Eq); !ok) return ok.error();
          if (auto ok = set_value(*target, out.update.actions); !ok) return ok.error();
        } while (accept(Tok::Comma));
      } else if (accept_word("REMOVE")) {
        do {
          auto target = path();
          if (!target) return target.error();
          out.update.actions.push_back({ex::ActionType::Remove, std::move(*target), std::nullopt});
        } while (accept(Tok::Comma));
      } else {
        break;
      }
    }
    if (out.update.actions.empty()) return unexpected();
    auto w = where();
    if (!w) return w.error();
    out.where = std::move(*w);
    auto r = returning();
    if (!r) return r.error();
    out.returning = *r;
    return Statement{std::move(out)};
  }

  auto remove() -> Result<Statement> {
    ++at_;
    if (auto ok = expect_word("FROM"); !ok) return ok.error();
    auto table = table_name();
    if (!table) return table.error();
    Delete out{std::move(*table)};
    auto w = where();
    if (!w) return w.error();
    out.where = std::move(*w);
    auto r = returning();
    if (!r) return r.error();
    if (*r != Returning::None && *r != Returning::AllOld) {
      return validation_error(std::string{"Invalid returning clause: RETURNING "} + (*r == Returning::ModifiedOld ? "MODIFIED OLD" : *r == Returning::AllNew ? "ALL NEW" : "MODIFIED NEW") +
                              " *. Only RETURNING ALL OLD * is allowed in DELETE statements.");
    }
    out.returning = *r;
    return Statement{std::move(out)};
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  const std::vector<AttributeValue>& parameters_;
  std::size_t at_ = 0;
  std::size_t used_parameters_ = 0;
  int depth_ = 0;
};

}  // namespace

auto parse_statement(std::string_view text, const std::vector<AttributeValue>& parameters) -> Result<Statement> {
  auto tokens = tokenize(text);
  if (!tokens) return tokens.error();
  Parser parser{text, std::move(*tokens), parameters};
  return parser.statement();
}

const std::string& table_of(const Statement& statement) {
  return std::visit([](const auto& s) -> const std::string& { return s.table; }, statement);
}

bool is_read(const Statement& statement) { return std::holds_alternative<Select>(statement); }

}  // namespace localray::dynamodb::model::partiql
