#pragma once
// The simple keywords of the filter language: their spelling, the type of value they compare
// with, and the scopes where they describe something.
//
// A scope is what a filter is evaluated against: the trace at the top level, one segment of a
// service inside `service(...) { }`, the called segment inside `edge(...) { }`, or one root cause
// service, entity or exception inside `rootcause.*.* { }`. A keyword outside its scopes would
// always be false, so the parser rejects it instead of silently matching nothing.
#include <string>
#include <string_view>

#include "tracing/filter/ast.hpp"

namespace localray::tracing::filter {

enum class ValueKind { Boolean, Number, String };

enum class Scope {
  Trace,
  Service,
  Edge,
  CauseService,               // rootcause.fault|error.service { }
  CauseEntity,                // rootcause.fault|error.entity { }
  CauseException,             // rootcause.fault|error.exception { }
  ResponseTimeCauseService,   // rootcause.responsetime.service { }
  ResponseTimeCauseEntity,    // rootcause.responsetime.entity { }
};

struct KeywordSpec {
  Keyword keyword;
  std::string_view name;  // lower case, as written in expressions
  ValueKind kind;
  unsigned scopes;  // bit (1 << Scope)
};

// Case-insensitive; null for a word that is no simple keyword.
const KeywordSpec* find_keyword(std::string_view word);
const KeywordSpec& spec_of(Keyword keyword);
bool allowed_in(const KeywordSpec& spec, Scope scope);
// "at the top level", "inside service braces", ...: for error messages.
std::string_view scope_description(Scope scope);
bool op_applies(Op op, ValueKind kind);

}  // namespace localray::tracing::filter
