#include <cctype>

#include "services/apigateway/model/velocity_syntax.hpp"

namespace localray::apigateway::model::velocity {

using tracing::Error;

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
// As Velocity's: a hyphen belongs to the name ($a-$b is the reference $a- then $b; write $a - $b).
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : s_{text} {}

  std::vector<Token> lex() {
    std::vector<Token> out;
    std::string text;
    auto flush = [&] {
      if (text.empty()) return;
      Token t;
      t.text = std::move(text);
      out.push_back(std::move(t));
      text.clear();
    };
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c == '#' && at("##")) {
        auto nl = s_.find('\n', p_);
        p_ = nl == std::string_view::npos ? s_.size() : nl + 1;
        continue;
      }
      if (c == '#' && at("#*")) {
        auto close = s_.find("*#", p_ + 2);
        if (close == std::string_view::npos) throw SyntaxError("a #* comment is not closed", p_);
        p_ = close + 2;
        continue;
      }
      if (c == '#' && at("#[[")) {
        auto close = s_.find("]]#", p_ + 3);
        if (close == std::string_view::npos) throw SyntaxError("a #[[ literal is not closed", p_);
        text += s_.substr(p_ + 3, close - p_ - 3);
        p_ = close + 3;
        continue;
      }
      if (c == '\\' && p_ + 1 < s_.size() && (s_[p_ + 1] == '$' || s_[p_ + 1] == '#')) {
        text += s_[p_ + 1];
        p_ += 2;
        continue;
      }
      if (c == '#') {
        std::size_t start = p_;
        if (auto t = directive()) {
          gobble_line(start, text);
          flush();
          t->pos = start;
          out.push_back(std::move(*t));
          continue;
        }
        p_ = start + 1;
        text += '#';
        continue;
      }
      if (c == '$') {
        std::size_t start = p_;
        if (auto r = reference()) {
          flush();
          Token t;
          t.kind = Token::Ref;
          t.ref = std::move(*r);
          t.pos = start;
          out.push_back(std::move(t));
          continue;
        }
        p_ = start + 1;
        text += '$';
        continue;
      }
      text += c;
      ++p_;
    }
    flush();
    return out;
  }

  ExprPtr expression() { return or_expr(); }

  // A directive alone on its line takes the line with it (its indentation and its newline), as
  // Velocity 2's "lines" space gobbling does: templates indent directives freely.
  void gobble_line(std::size_t directive_start, std::string& pending) {
    std::size_t line_start = directive_start == 0 ? 0 : s_.rfind('\n', directive_start - 1);
    line_start = line_start == std::string_view::npos || directive_start == 0 ? 0 : line_start + 1;
    std::string_view indent = s_.substr(line_start, directive_start - line_start);
    if (indent.find_first_not_of(" \t") != std::string_view::npos) return;
    if (pending.size() < indent.size() || pending.compare(pending.size() - indent.size(), indent.size(), indent) != 0) return;
    std::size_t nl = s_.find('\n', p_);
    std::string_view rest = s_.substr(p_, nl == std::string_view::npos ? std::string_view::npos : nl - p_);
    if (rest.find_first_not_of(" \t\r") != std::string_view::npos) return;
    pending.erase(pending.size() - indent.size());
    p_ = nl == std::string_view::npos ? s_.size() : nl + 1;
  }

  void skip_space() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  bool at(std::string_view w) const { return s_.substr(p_, w.size()) == w; }
  void expect(char c, const char* what) {
    skip_space();
    if (p_ >= s_.size() || s_[p_] != c) throw SyntaxError(std::string{"expected '"} + c + "' " + what, p_);
    ++p_;
  }
  std::size_t pos() const { return p_; }

 private:
  std::string identifier() {
    std::size_t start = p_;
    while (p_ < s_.size() && ident_char(s_[p_])) ++p_;
    return std::string{s_.substr(start, p_ - start)};
  }

  std::optional<Token> directive() {
    ++p_;  // '#'
    bool braced = p_ < s_.size() && s_[p_] == '{';
    if (braced) ++p_;
    if (p_ >= s_.size() || !std::isalpha(static_cast<unsigned char>(s_[p_]))) return std::nullopt;
    std::string name;
    while (p_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[p_]))) name += s_[p_++];
    if (braced) {
      if (p_ >= s_.size() || s_[p_] != '}') return std::nullopt;
      ++p_;
    }
    Token t;
    if (name == "else") t.kind = Token::Else;
    else if (name == "end") t.kind = Token::End;
    else if (name == "break") t.kind = Token::Break;
    else if (name == "stop") t.kind = Token::Stop;
    else if (name == "if" || name == "elseif") {
      t.kind = name == "if" ? Token::If : Token::ElseIf;
      expect('(', ("after #" + name).c_str());
      t.expr = expression();
      expect(')', ("closing #" + name + "(").c_str());
    } else if (name == "set") {
      t.kind = Token::Set;
      expect('(', "after #set");
      skip_space();
      auto target = reference();
      if (!target) throw SyntaxError("#set needs a $reference to set", p_);
      for (const auto& step : target->steps)
        if (step.kind != Step::Property) throw SyntaxError("#set can set a variable or a map member, not a method's result", p_);
      t.target = std::move(*target);
      expect('=', "in #set");
      t.expr = expression();
      expect(')', "closing #set(");
    } else if (name == "foreach") {
      t.kind = Token::Foreach;
      expect('(', "after #foreach");
      skip_space();
      if (p_ >= s_.size() || s_[p_] != '$') throw SyntaxError("#foreach needs $variable in ...", p_);
      ++p_;
      if (p_ < s_.size() && s_[p_] == '{') ++p_;
      t.variable = identifier();
      if (p_ < s_.size() && s_[p_] == '}') ++p_;
      skip_space();
      if (!at("in")) throw SyntaxError("#foreach needs $variable in ...", p_);
      p_ += 2;
      t.expr = expression();
      expect(')', "closing #foreach(");
    } else {
      return std::nullopt;  // not a directive of ours: the '#' is text
    }
    return t;
  }

  std::optional<Reference> reference() {
    std::size_t start = p_;
    ++p_;  // '$'
    Reference r;
    if (p_ < s_.size() && s_[p_] == '!') {
      r.quiet = true;
      ++p_;
    }
    bool braced = p_ < s_.size() && s_[p_] == '{';
    if (braced) ++p_;
    if (p_ >= s_.size() || !ident_start(s_[p_])) {
      p_ = start;
      return std::nullopt;
    }
    r.root = identifier();
    while (p_ < s_.size()) {
      if (s_[p_] == '.' && p_ + 1 < s_.size() && ident_start(s_[p_ + 1])) {
        ++p_;
        Step step;
        step.name = identifier();
        if (p_ < s_.size() && s_[p_] == '(') {
          ++p_;
          step.kind = Step::Method;
          skip_space();
          if (p_ < s_.size() && s_[p_] == ')') ++p_;
          else {
            for (;;) {
              step.args.push_back(expression());
              skip_space();
              if (p_ < s_.size() && s_[p_] == ',') {
                ++p_;
                continue;
              }
              expect(')', ("closing ." + step.name + "(").c_str());
              break;
            }
          }
        }
        r.steps.push_back(std::move(step));
      } else if (s_[p_] == '[') {
        ++p_;
        Step step{Step::Index, "", {expression()}};
        expect(']', "closing [");
        r.steps.push_back(std::move(step));
      } else {
        break;
      }
    }
    if (braced) {
      if (p_ >= s_.size() || s_[p_] != '}') throw SyntaxError("expected '}' closing ${", p_);
      ++p_;
    }
    r.source = std::string{s_.substr(start, p_ - start)};
    return r;
  }

  static ExprPtr make(Expr e) { return std::make_shared<const Expr>(std::move(e)); }
  static ExprPtr literal(json value) {
    Expr e;
    e.value = std::move(value);
    return make(std::move(e));
  }
  static ExprPtr binary(std::string op, ExprPtr l, ExprPtr r) {
    Expr e;
    e.kind = Expr::Binary;
    e.op = std::move(op);
    e.items = {std::move(l), std::move(r)};
    return make(std::move(e));
  }

  // A word operator (and, or, not, eq, ...) only when a whole word.
  bool word(std::string_view w) {
    skip_space();
    if (!at(w)) return false;
    std::size_t end = p_ + w.size();
    if (end < s_.size() && ident_char(s_[end])) return false;
    p_ = end;
    return true;
  }
  bool symbol(std::string_view sym) {
    skip_space();
    if (!at(sym)) return false;
    p_ += sym.size();
    return true;
  }

  ExprPtr or_expr() {
    auto l = and_expr();
    while (symbol("||") || word("or")) l = binary("||", l, and_expr());
    return l;
  }
  ExprPtr and_expr() {
    auto l = not_expr();
    while (symbol("&&") || word("and")) l = binary("&&", l, not_expr());
    return l;
  }
  ExprPtr not_expr() {
    skip_space();
    if ((at("!") && !at("!=")) || word("not")) {
      if (at("!")) ++p_;
      Expr e;
      e.kind = Expr::Not;
      e.items = {not_expr()};
      return make(std::move(e));
    }
    return comparison();
  }
  ExprPtr comparison() {
    auto l = additive();
    static const std::pair<const char*, const char*> ops[] = {{"==", "=="}, {"!=", "!="}, {"<=", "<="}, {">=", ">="}, {"<", "<"}, {">", ">"}};
    static const std::pair<const char*, const char*> words[] = {{"eq", "=="}, {"ne", "!="}, {"le", "<="}, {"ge", ">="}, {"lt", "<"}, {"gt", ">"}};
    for (const auto& [sym, op] : ops)
      if (symbol(sym)) return binary(op, l, additive());
    for (const auto& [w, op] : words)
      if (word(w)) return binary(op, l, additive());
    return l;
  }
  ExprPtr additive() {
    auto l = multiplicative();
    for (;;) {
      if (symbol("+")) l = binary("+", l, multiplicative());
      else if (symbol("-")) l = binary("-", l, multiplicative());
      else return l;
    }
  }
  ExprPtr multiplicative() {
    auto l = unary();
    for (;;) {
      if (symbol("*")) l = binary("*", l, unary());
      else if (symbol("/")) l = binary("/", l, unary());
      else if (symbol("%")) l = binary("%", l, unary());
      else return l;
    }
  }
  ExprPtr unary() {
    skip_space();
    if (at("-") && p_ + 1 < s_.size() && !std::isdigit(static_cast<unsigned char>(s_[p_ + 1]))) {
      ++p_;
      Expr e;
      e.kind = Expr::Negate;
      e.items = {unary()};
      return make(std::move(e));
    }
    return primary();
  }
  ExprPtr primary() {
    skip_space();
    if (p_ >= s_.size()) throw SyntaxError("an expression is missing", p_);
    char c = s_[p_];
    if (c == '(') {
      ++p_;
      auto e = expression();
      expect(')', "closing (");
      return e;
    }
    if (c == '$') {
      auto r = reference();
      if (!r) throw SyntaxError("a $reference is malformed", p_);
      Expr e;
      e.kind = Expr::Ref;
      e.ref = std::move(*r);
      return make(std::move(e));
    }
    if (c == '\'' || c == '"') return string_literal(c);
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return number();
    if (c == '[') {
      ++p_;
      Expr e;
      e.kind = Expr::List;
      skip_space();
      if (at("]")) {
        ++p_;
        return make(std::move(e));
      }
      auto first = expression();
      skip_space();
      if (at("..")) {
        p_ += 2;
        e.kind = Expr::Range;
        e.items = {first, expression()};
        expect(']', "closing a range");
        return make(std::move(e));
      }
      e.items.push_back(first);
      while (symbol(",")) e.items.push_back(expression());
      expect(']', "closing a list");
      return make(std::move(e));
    }
    if (c == '{') {
      ++p_;
      Expr e;
      e.kind = Expr::Map;
      skip_space();
      if (at("}")) {
        ++p_;
        return make(std::move(e));
      }
      do {
        e.items.push_back(expression());
        expect(':', "in a map");
        e.items.push_back(expression());
      } while (symbol(","));
      expect('}', "closing a map");
      return make(std::move(e));
    }
    if (word("true")) return literal(true);
    if (word("false")) return literal(false);
    if (word("null")) return literal(nullptr);
    throw SyntaxError(std::string{"unexpected '"} + c + "' in an expression", p_);
  }
  ExprPtr number() {
    std::size_t start = p_;
    if (s_[p_] == '-') ++p_;
    while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) ++p_;
    bool fraction = p_ + 1 < s_.size() && s_[p_] == '.' && std::isdigit(static_cast<unsigned char>(s_[p_ + 1]));
    if (fraction) {
      ++p_;
      while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) ++p_;
    }
    std::string text{s_.substr(start, p_ - start)};
    if (text == "-") throw SyntaxError("a number is malformed", start);
    return literal(fraction ? json(std::stod(text)) : json(std::stoll(text)));
  }
  ExprPtr string_literal(char quote) {
    std::size_t start = ++p_;
    std::string raw;
    for (;;) {
      if (p_ >= s_.size()) throw SyntaxError("a string is not closed", start - 1);
      if (s_[p_] == quote) {
        if (p_ + 1 < s_.size() && s_[p_ + 1] == quote) {  // a doubled quote stands for itself
          raw += quote;
          p_ += 2;
          continue;
        }
        ++p_;
        break;
      }
      raw += s_[p_++];
    }
    if (quote == '\'' || raw.find_first_of("$#") == std::string::npos) return literal(raw);
    // "double" strings are templates of their own.
    auto inner = VelocityTemplate::parse(raw);
    if (!inner) throw SyntaxError("in a string: " + inner.error().message, start);
    Expr e;
    e.kind = Expr::Interpolated;
    e.interpolated = std::make_shared<const VelocityTemplate>(std::move(*inner));
    return make(std::move(e));
  }

  std::string_view s_;
  std::size_t p_ = 0;
};


}  // namespace

std::vector<Token> lex(std::string_view text) { return Parser{text}.lex(); }

}  // namespace localray::apigateway::model::velocity
