#include "tracing/filter/lexer.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace localray::tracing::filter {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
// Dots belong to words: http.status, rootcause.fault.service, account.id, annotation.key.
bool is_word_char(char c) { return is_letter(c) || is_digit(c) || c == '.'; }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) {
           return p == std::tolower(static_cast<unsigned char>(t));
         });
}

constexpr std::string_view kAnnotation = "annotation";

}  // namespace

Lexer::Lexer(std::string_view text) : text_{text} { advance(); }

Token Lexer::make(TokenKind kind, std::size_t start, std::size_t end) {
  pos_ = end;
  Token t;
  t.kind = kind;
  t.column = start + 1;
  t.text = text_.substr(start, end - start);
  return t;
}

Token Lexer::invalid(std::size_t at, std::string message) const {
  Token t;
  t.kind = TokenKind::Invalid;
  t.column = at + 1;
  t.text = text_.substr(at, 1);
  t.value = std::move(message);
  return t;
}

Token Lexer::scan() {
  while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  const std::size_t start = pos_;
  if (start == text_.size()) return make(TokenKind::End, start, start);
  const char c = text_[start];
  auto next_is = [&](char n) { return start + 1 < text_.size() && text_[start + 1] == n; };
  if (is_letter(c)) return scan_word(start);
  if (c == '"') return scan_string(start);
  if (is_digit(c) || (c == '-' && start + 1 < text_.size() && is_digit(text_[start + 1]))) return scan_number(start);
  switch (c) {
    case '(': return make(TokenKind::LParen, start, start + 1);
    case ')': return make(TokenKind::RParen, start, start + 1);
    case '{': return make(TokenKind::LBrace, start, start + 1);
    case '}': return make(TokenKind::RBrace, start, start + 1);
    case ',': return make(TokenKind::Comma, start, start + 1);
    case ':': return make(TokenKind::Colon, start, start + 1);
    case '=': return make(TokenKind::Eq, start, start + 1);
    case '!': return next_is('=') ? make(TokenKind::Ne, start, start + 2) : make(TokenKind::Bang, start, start + 1);
    case '<': return next_is('=') ? make(TokenKind::Le, start, start + 2) : make(TokenKind::Lt, start, start + 1);
    case '>': return next_is('=') ? make(TokenKind::Ge, start, start + 2) : make(TokenKind::Gt, start, start + 1);
    default: break;
  }
  return invalid(start, "unexpected character '" + std::string{c} + "'");
}

Token Lexer::scan_word(std::size_t start) {
  std::size_t end = start;
  while (end < text_.size() && is_word_char(text_[end])) ++end;
  std::string_view word = text_.substr(start, end - start);
  if (word.size() == kAnnotation.size() && starts_with_ignoring_case(word, kAnnotation) && end < text_.size() &&
      text_[end] == '[')
    return scan_annotation_key(start);
  if (word.size() > kAnnotation.size() + 1 && starts_with_ignoring_case(word, kAnnotation) &&
      word[kAnnotation.size()] == '.') {
    Token t = make(TokenKind::Annotation, start, end);
    t.value = std::string{word.substr(kAnnotation.size() + 1)};  // keys are user data: case kept
    return t;
  }
  return make(TokenKind::Word, start, end);
}

// annotation[KEY] or annotation["KEY"]: brackets admit keys the dotted form cannot spell.
Token Lexer::scan_annotation_key(std::size_t start) {
  std::size_t open = start + kAnnotation.size();
  std::size_t close = text_.find(']', open);
  if (close == std::string_view::npos) return invalid(open, "missing ']' after annotation key");
  std::string_view inside = text_.substr(open + 1, close - open - 1);
  while (!inside.empty() && is_space(inside.front())) inside.remove_prefix(1);
  while (!inside.empty() && is_space(inside.back())) inside.remove_suffix(1);
  std::string key{inside};
  if (inside.size() >= 2 && inside.front() == '"' && inside.back() == '"') key = std::string{inside.substr(1, inside.size() - 2)};
  if (key.empty()) return invalid(open, "empty annotation key");
  Token t = make(TokenKind::Annotation, start, close + 1);
  t.value = std::move(key);
  return t;
}

Token Lexer::scan_string(std::size_t start) {
  std::string value;
  for (std::size_t i = start + 1; i < text_.size(); ++i) {
    char c = text_[i];
    if (c == '"') {
      Token t = make(TokenKind::String, start, i + 1);
      t.value = std::move(value);
      return t;
    }
    if (c != '\\') {
      value += c;
      continue;
    }
    if (++i == text_.size()) break;
    switch (text_[i]) {
      case '"': value += '"'; break;
      case '\\': value += '\\'; break;
      case '/': value += '/'; break;
      case 'n': value += '\n'; break;
      case 't': value += '\t'; break;
      case 'r': value += '\r'; break;
      default: return invalid(i - 1, "unknown escape '\\" + std::string{text_[i]} + "' in string");
    }
  }
  return invalid(start, "unterminated string");
}

Token Lexer::scan_number(std::size_t start) {
  std::size_t end = start + 1;
  while (end < text_.size() && is_digit(text_[end])) ++end;
  if (end + 1 < text_.size() && text_[end] == '.' && is_digit(text_[end + 1])) {
    end += 2;
    while (end < text_.size() && is_digit(text_[end])) ++end;
  }
  // "3s" or "1.2.3" is no number and no word either: say so where it starts.
  if (end < text_.size() && (is_word_char(text_[end]))) {
    std::size_t stop = end;
    while (stop < text_.size() && is_word_char(text_[stop])) ++stop;
    return invalid(start, "malformed number '" + std::string{text_.substr(start, stop - start)} + "'");
  }
  Token t = make(TokenKind::Number, start, end);
  std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.number);
  return t;
}

}  // namespace localray::tracing::filter
