#pragma once
// Phase 1: filter expression text as tokens, scanned one at a time as the parser asks. Scanning
// lazily lets the parser reject `rootcause.json = #[...]` by its keyword before the lexer trips
// over the JSON that follows.
//
// Keywords stay words here: whether `AND`, `contains` or `true` is an operator, a value or a
// mistake depends on where it stands, which only the parser knows. Annotation keys are the one
// exception, because `annotation[a.b]` and `annotation.1x` do not follow the word rules.
#include <cstddef>
#include <string>
#include <string_view>

namespace localray::tracing::filter {

enum class TokenKind {
  End,
  Invalid,     // the text cannot be scanned here; `value` says why
  Word,        // ok, http.status, AND, contains, true, rootcause.fault.service, account.id
  Annotation,  // annotation.KEY or annotation[KEY]; `value` holds KEY
  String,      // "..." with escapes resolved in `value`
  Number,      // 200, 0.5, -1
  LParen, RParen, LBrace, RBrace, Comma, Colon,
  Bang,        // !
  Eq, Ne, Lt, Le, Gt, Ge,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::size_t column = 1;  // 1-based byte position of the token's first character
  std::string_view text;   // as written, for messages
  std::string value;
  double number = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text);

  const Token& peek() const { return current_; }
  void advance() { current_ = scan(); }

 private:
  Token scan();
  Token scan_word(std::size_t start);
  Token scan_annotation_key(std::size_t start);
  Token scan_string(std::size_t start);
  Token scan_number(std::size_t start);
  Token make(TokenKind kind, std::size_t start, std::size_t end);
  Token invalid(std::size_t at, std::string message) const;

  std::string_view text_;
  std::size_t pos_ = 0;
  Token current_;
};

}  // namespace localray::tracing::filter
