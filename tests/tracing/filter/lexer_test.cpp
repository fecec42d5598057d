#include "tracing/filter/lexer.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace localray::tracing::filter {
namespace {

std::vector<Token> scan_all(std::string_view text) {
  Lexer lexer{text};
  std::vector<Token> out;
  while (true) {
    out.push_back(lexer.peek());
    if (out.back().kind == TokenKind::End || out.back().kind == TokenKind::Invalid) return out;
    lexer.advance();
  }
}

TEST(FilterLexerTest, DottedKeywordsAreOneWordWithTheirColumn) {
  auto tokens = scan_all("http.status >= 200");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, TokenKind::Word);
  EXPECT_EQ(tokens[0].text, "http.status");
  EXPECT_EQ(tokens[0].column, 1u);
  EXPECT_EQ(tokens[1].kind, TokenKind::Ge);
  EXPECT_EQ(tokens[1].column, 13u);
  EXPECT_EQ(tokens[2].kind, TokenKind::Number);
  EXPECT_DOUBLE_EQ(tokens[2].number, 200);
  EXPECT_EQ(tokens[2].column, 16u);
  EXPECT_EQ(tokens[3].kind, TokenKind::End);
  EXPECT_EQ(tokens[3].column, 19u) << "the end sits one past the last character";
}

TEST(FilterLexerTest, OneAndTwoCharacterOperators) {
  auto tokens = scan_all("! != = < <= > >= ( ) { } , :");
  std::vector<TokenKind> kinds;
  for (const auto& t : tokens) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{TokenKind::Bang, TokenKind::Ne, TokenKind::Eq, TokenKind::Lt, TokenKind::Le,
                                           TokenKind::Gt, TokenKind::Ge, TokenKind::LParen, TokenKind::RParen,
                                           TokenKind::LBrace, TokenKind::RBrace, TokenKind::Comma, TokenKind::Colon,
                                           TokenKind::End}));
}

TEST(FilterLexerTest, BangDirectlyBeforeAWordStaysANegation) {
  auto tokens = scan_all("!partial");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].kind, TokenKind::Bang);
  EXPECT_EQ(tokens[1].text, "partial");
  EXPECT_EQ(tokens[1].column, 2u);
}

TEST(FilterLexerTest, AnnotationKeysInDottedAndBracketFormsKeepTheirCase) {
  auto tokens = scan_all(R"(annotation.Path ANNOTATION[a.b] annotation[ "x y" ] annotation.1st)");
  ASSERT_EQ(tokens.size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(tokens[i].kind, TokenKind::Annotation) << i;
  EXPECT_EQ(tokens[0].value, "Path");
  EXPECT_EQ(tokens[1].value, "a.b");
  EXPECT_EQ(tokens[1].column, 17u);
  EXPECT_EQ(tokens[2].value, "x y");
  EXPECT_EQ(tokens[3].value, "1st");
}

TEST(FilterLexerTest, EmptyOrUnclosedAnnotationBracketIsInvalid) {
  auto empty = scan_all("annotation[ ]");
  EXPECT_EQ(empty.back().kind, TokenKind::Invalid);
  EXPECT_EQ(empty.back().column, 11u);
  EXPECT_EQ(empty.back().value, "empty annotation key");
  auto open = scan_all("annotation[key");
  EXPECT_EQ(open.back().kind, TokenKind::Invalid);
  EXPECT_EQ(open.back().value, "missing ']' after annotation key");
}

TEST(FilterLexerTest, StringEscapesAreResolved) {
  auto tokens = scan_all(R"("a\"b\\c\/d\ne\tf")");
  ASSERT_EQ(tokens[0].kind, TokenKind::String);
  EXPECT_EQ(tokens[0].value, "a\"b\\c/d\ne\tf");
  EXPECT_EQ(tokens[1].kind, TokenKind::End);
}

TEST(FilterLexerTest, UnknownEscapeIsInvalidAtTheBackslash) {
  auto tokens = scan_all(R"(x "ab\qc")");
  ASSERT_EQ(tokens.back().kind, TokenKind::Invalid);
  EXPECT_EQ(tokens.back().column, 6u);
  EXPECT_EQ(tokens.back().value, "unknown escape '\\q' in string");
}

TEST(FilterLexerTest, UnterminatedStringPointsAtItsOpeningQuote) {
  auto tokens = scan_all(R"(name = "abc\")");
  ASSERT_EQ(tokens.back().kind, TokenKind::Invalid);
  EXPECT_EQ(tokens.back().column, 8u);
  EXPECT_EQ(tokens.back().value, "unterminated string");
}

TEST(FilterLexerTest, NumbersMayBeNegativeOrDecimal) {
  auto tokens = scan_all("-1 0.25 42");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_DOUBLE_EQ(tokens[0].number, -1);
  EXPECT_DOUBLE_EQ(tokens[1].number, 0.25);
  EXPECT_DOUBLE_EQ(tokens[2].number, 42);
  EXPECT_EQ(tokens[2].column, 9u);
}

TEST(FilterLexerTest, NumberRunningIntoLettersIsMalformed) {
  auto tokens = scan_all("duration > 3s");
  ASSERT_EQ(tokens.back().kind, TokenKind::Invalid);
  EXPECT_EQ(tokens.back().column, 12u);
  EXPECT_EQ(tokens.back().value, "malformed number '3s'");
}

TEST(FilterLexerTest, UnknownCharacterIsInvalidWhereItStands) {
  auto tokens = scan_all("ok # fault");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[1].kind, TokenKind::Invalid);
  EXPECT_EQ(tokens[1].column, 4u);
  EXPECT_EQ(tokens[1].value, "unexpected character '#'");
}

TEST(FilterLexerTest, ScansLazilySoLaterGarbageIsNotSeenUntilReached) {
  Lexer lexer{"rootcause.json = #[{}]"};
  EXPECT_EQ(lexer.peek().kind, TokenKind::Word);
  EXPECT_EQ(lexer.peek().text, "rootcause.json");
}

}  // namespace
}  // namespace localray::tracing::filter
