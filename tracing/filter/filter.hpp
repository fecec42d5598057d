#pragma once
// X-Ray filter expressions in one include: parse once (parser.hpp), then test traces against the
// tree (evaluator.hpp). Callers store the Expression, never the text, between the two.
#include "tracing/filter/ast.hpp"
#include "tracing/filter/error.hpp"
#include "tracing/filter/evaluator.hpp"
#include "tracing/filter/parser.hpp"
