#pragma once
// Phase 2: filter expression text to a checked syntax tree (reference §9).
//
//   or      := and ("OR" and)*
//   and     := unary (["AND"] unary)*          adjacent terms are AND-ed
//   unary   := "!" unary | primary              `!` binds tighter than a comparison:
//                                               `!fault = true` is an error, `!(fault = true)` not
//   primary := "(" or ")" | keyword [op literal] | annotation [op literal]
//            | service "(" [selector] ")" [braces] | edge "(" selector "," selector ")" [braces]
//            | rootcause.KIND.LEVEL [braces] | group.name|group.arn op string
//   selector:= string | id "(" field ":" string ("," field ":" string)* ")"
//   braces  := "{" or "}"
// Keywords, operators and `true`/`false` are case-insensitive; annotation keys and strings are
// not. Types, operators and scopes are checked here (ast.hpp lists the invariants), so a tree
// that parsed always evaluates.
#include <string_view>

#include "tracing/filter/ast.hpp"
#include "tracing/filter/error.hpp"

namespace localray::tracing::filter {

// An empty (or blank) text is an error: a caller with no filter should not evaluate one.
Result<Expression> parse(std::string_view text);

}  // namespace localray::tracing::filter
