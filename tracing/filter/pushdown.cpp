#include "tracing/filter/pushdown.hpp"

#include <cmath>

#include "tracing/trace_digest.hpp"

namespace localray::tracing::filter {

namespace {

TermPlan everything() { return {}; }
TermPlan term(std::string t) { return {TermPlan::Kind::Term, std::move(t), {}}; }

AnnotationValue annotation_value(const Literal& l) {
  return std::visit([](const auto& v) { return AnnotationValue{v}; }, l);
}

TermPlan plan_comparison(const Comparison& c) {
  if (c.op != Op::Eq) return everything();
  if (auto* b = std::get_if<bool>(&c.value); b && *b) {
    switch (c.keyword) {
      case Keyword::Fault: return term(std::string{terms::kFault});
      case Keyword::Error: return term(std::string{terms::kError});
      case Keyword::Throttle: return term(std::string{terms::kThrottle});
      default: return everything();
    }
  }
  if (auto* n = std::get_if<double>(&c.value); n && c.keyword == Keyword::HttpStatus && std::floor(*n) == *n && std::abs(*n) < 1e6)
    return term(terms::http_status(static_cast<int>(*n)));
  return everything();
}

TermPlan plan_service(const ServiceSelector& s) { return s.name ? term(terms::service(*s.name)) : everything(); }

struct Planner {
  TermPlan operator()(const Comparison& c) const { return plan_comparison(c); }
  TermPlan operator()(const AnnotationTest& a) const {
    // Any comparison, equality or not, needs the key set; equality needs the very value.
    if (a.op && *a.op == Op::Eq) return term(terms::annotation(a.key, annotation_value(a.value)));
    return term(terms::annotation_key(a.key));
  }
  TermPlan operator()(const Not&) const { return everything(); }
  TermPlan operator()(const All& a) const {
    TermPlan out = everything();
    for (const auto& e : a.operands) out = both(std::move(out), plan_terms(e));
    return out;
  }
  TermPlan operator()(const Any& a) const {
    TermPlan out{TermPlan::Kind::Any, {}, {}};
    for (const auto& e : a.operands) {
      TermPlan p = plan_terms(e);
      if (p.kind == TermPlan::Kind::Everything) return everything();  // one open branch opens all
      out.operands.push_back(std::move(p));
    }
    return out;
  }
  TermPlan operator()(const ServiceTest& t) const { return plan_service(t.service); }
  TermPlan operator()(const EdgeTest& t) const { return both(plan_service(t.from), plan_service(t.to)); }
  TermPlan operator()(const RootCauseTest&) const { return everything(); }
  TermPlan operator()(const GroupTest&) const { return everything(); }
};

}  // namespace

TermPlan both(TermPlan a, TermPlan b) {
  if (a.kind == TermPlan::Kind::Everything) return b;
  if (b.kind == TermPlan::Kind::Everything) return a;
  TermPlan out{TermPlan::Kind::All, {}, {}};
  for (TermPlan* p : {&a, &b}) {
    if (p->kind == TermPlan::Kind::All)
      for (auto& o : p->operands) out.operands.push_back(std::move(o));
    else
      out.operands.push_back(std::move(*p));
  }
  return out;
}

TermPlan plan_terms(const Expression& expression) { return std::visit(Planner{}, expression.node); }

}  // namespace localray::tracing::filter
