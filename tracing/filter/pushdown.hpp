#pragma once
// Narrowing a filter expression to index terms (tracing/trace_digest.hpp) before evaluating it.
//
// The plan is a necessary condition: every trace the expression matches carries the terms the
// plan asks for, so the store lists candidates by term and the evaluator, run on those only,
// decides. Parts that terms cannot express (negation, ranges, URLs, root causes) ask nothing.
#include <string>
#include <variant>
#include <vector>

#include "tracing/filter/ast.hpp"

namespace localray::tracing::filter {

struct TermPlan {
  enum class Kind { Everything, Term, All, Any };
  Kind kind = Kind::Everything;
  std::string term;               // Kind::Term
  std::vector<TermPlan> operands;  // Kind::All, Kind::Any
};

TermPlan plan_terms(const Expression& expression);
// Both must hold.
TermPlan both(TermPlan a, TermPlan b);

}  // namespace localray::tracing::filter
