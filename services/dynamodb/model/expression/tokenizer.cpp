#include "services/dynamodb/model/expression/token.hpp"

namespace localray::dynamodb::model::expression {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

auto tokenize(std::string_view text, Kind kind) -> Result<std::vector<Token>> {
  std::vector<Token> tokens;
  std::size_t i = 0;
  auto push = [&](TokenType type, std::size_t length) {
    tokens.push_back(Token{type, std::string{text.substr(i, length)}, i, i + length});
    i += length;
  };
  while (i < text.size()) {
    char c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    auto word_length = [&](std::size_t from) {
      std::size_t j = from;
      while (j < text.size() && is_word_char(text[j])) ++j;
      return j - i;
    };
    if (c == '#' || c == ':') {
      std::size_t length = word_length(i + 1);
      if (length == 1) {
        return invalid(kind, "Syntax error; token: \"" + std::string{c} + "\", near: \"" + std::string{text.substr(i, 2)} + "\"");
      }
      push(c == '#' ? TokenType::NamePlaceholder : TokenType::ValuePlaceholder, length);
    } else if (is_digit(c)) {
      std::size_t j = i;
      while (j < text.size() && is_digit(text[j])) ++j;
      push(TokenType::Integer, j - i);
    } else if (is_word_char(c)) {
      push(TokenType::Identifier, word_length(i));
    } else if (c == '<' && i + 1 < text.size() && text[i + 1] == '>') {
      push(TokenType::Ne, 2);
    } else if (c == '<' && i + 1 < text.size() && text[i + 1] == '=') {
      push(TokenType::Le, 2);
    } else if (c == '>' && i + 1 < text.size() && text[i + 1] == '=') {
      push(TokenType::Ge, 2);
    } else {
      TokenType type;
      switch (c) {
        case '(': type = TokenType::LParen; break;
        case ')': type = TokenType::RParen; break;
        case '[': type = TokenType::LBracket; break;
        case ']': type = TokenType::RBracket; break;
        case ',': type = TokenType::Comma; break;
        case '.': type = TokenType::Dot; break;
        case '=': type = TokenType::Eq; break;
        case '<': type = TokenType::Lt; break;
        case '>': type = TokenType::Gt; break;
        case '+': type = TokenType::Plus; break;
        case '-': type = TokenType::Minus; break;
        default: {
          std::size_t near_begin = tokens.empty() ? i : tokens.back().begin;
          return invalid(kind, "Invalid character encountered; character: \"" + std::string{c} + "\", near: \"" +
                                   std::string{text.substr(near_begin, i + 1 - near_begin)} + "\"");
        }
      }
      push(type, 1);
    }
  }
  tokens.push_back(Token{TokenType::End, "<EOF>", text.size(), text.size()});
  return tokens;
}

}  // namespace localray::dynamodb::model::expression
