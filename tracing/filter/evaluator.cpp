#include "tracing/filter/evaluator.hpp"

#include <algorithm>
#include <deque>
#include <functional>

#include "tracing/filter/response_time_cause.hpp"
#include "tracing/filter/subject.hpp"

namespace localray::tracing::filter {
namespace {

bool compare(const std::string& value, Op op, const std::string& literal) {
  switch (op) {
    case Op::Eq: return value == literal;
    case Op::Ne: return value != literal;
    case Op::Contains: return value.find(literal) != std::string::npos;  // "" is in every value
    case Op::BeginsWith: return value.starts_with(literal);
    case Op::EndsWith: return value.ends_with(literal);
    default: return false;
  }
}

bool compare(double value, Op op, double literal) {
  switch (op) {
    case Op::Eq: return value == literal;
    case Op::Ne: return value != literal;
    case Op::Lt: return value < literal;
    case Op::Le: return value <= literal;
    case Op::Gt: return value > literal;
    case Op::Ge: return value >= literal;
    default: return false;
  }
}

bool compare(bool value, Op op, bool literal) { return op == Op::Eq ? value == literal : value != literal; }

// Values of another type are not comparable: an annotation holding 3 is neither = nor != "3".
bool comparable(const Literal& value, const Literal& literal) { return value.index() == literal.index(); }

bool compare(const Literal& value, Op op, const Literal& literal) {
  if (!comparable(value, literal)) return false;
  return std::visit(
      [&](const auto& v) { return compare(v, op, std::get<std::decay_t<decltype(v)>>(literal)); }, value);
}

// A field may hold several values (users and annotations across segments). A comparison holds
// when one value satisfies it; `!=` holds when there is a comparable value and none is equal, so
// `annotation.k != "x"` keeps neither traces with k = "x" anywhere nor traces without k.
bool satisfied(const std::vector<Literal>& values, Op op, const Literal& literal) {
  if (op == Op::Ne) {
    bool any = false;
    for (const auto& v : values) {
      if (!comparable(v, literal)) continue;
      if (!compare(v, op, literal)) return false;
      any = true;
    }
    return any;
  }
  return std::any_of(values.begin(), values.end(), [&](const Literal& v) { return compare(v, op, literal); });
}

bool same_node(const ServiceId& a, const ServiceId& b) { return a.type == b.type && a.name == b.name; }

bool selects(const ServiceSelector& selector, const ServiceId& id) {
  return (!selector.name || *selector.name == id.name) && (!selector.type || *selector.type == id.type) &&
         (!selector.account_id || *selector.account_id == id.account_id);
}

// A segment that belongs to a service node.
struct Member {
  ServiceId service;
  const Segment* segment;
  bool inferred;
};

// A call from one node to another, through the segment it reached.
struct Call {
  ServiceId from;
  ServiceId to;
  const Segment* called;
  bool inferred;
};

using Holds = std::function<bool(const Subject&)>;

class Evaluator {
 public:
  Evaluator(const Trace& trace, const MatchContext& context) : trace_{trace}, index_{trace}, context_{context} {}

  bool eval_trace(const Expression& e) { return eval(e, TraceSubject{&index_, index_.entry()}); }

 private:
  bool eval(const Expression& e, const Subject& subject) {
    return std::visit([&](const auto& node) { return test(node, subject); }, e.node);
  }

  bool test(const Comparison& c, const Subject& subject) { return satisfied(values_of(c.keyword, subject), c.op, c.value); }

  bool test(const AnnotationTest& a, const Subject&) {
    std::vector<Literal> values = annotation_values(a.key);
    return a.op ? satisfied(values, *a.op, a.value) : !values.empty();
  }

  bool test(const Not& n, const Subject& subject) { return !eval(*n.operand, subject); }

  bool test(const All& a, const Subject& subject) {
    return std::all_of(a.operands.begin(), a.operands.end(), [&](const Expression& e) { return eval(e, subject); });
  }

  bool test(const Any& a, const Subject& subject) {
    return std::any_of(a.operands.begin(), a.operands.end(), [&](const Expression& e) { return eval(e, subject); });
  }

  // Some segment of a matching node satisfies the filter: `service("x") { fault AND
  // responsetime > 1 }` asks one segment for both.
  bool test(const ServiceTest& t, const Subject&) {
    build_map();
    return std::any_of(members_.begin(), members_.end(), [&](const Member& m) {
      return selects(t.service, m.service) && satisfies(t.filter, SegmentSubject{&index_, m.segment, m.inferred});
    });
  }

  bool test(const EdgeTest& t, const Subject&) {
    build_map();
    return std::any_of(calls_.begin(), calls_.end(), [&](const Call& c) {
      return selects(t.from, c.from) && selects(t.to, c.to) && satisfies(t.filter, SegmentSubject{&index_, c.called, c.inferred});
    });
  }

  bool test(const RootCauseTest& t, const Subject&) {
    Holds holds = [&](const Subject& s) { return satisfies(t.filter, s); };
    if (t.kind == CauseKind::ResponseTime) {
      const auto& cause = response_time_cause();
      return cause && cause_matches(cause->service, t.level, holds, &cause->coverage, cause->service_coverage);
    }
    const TraceSummary& s = summary();
    const auto& causes = t.kind == CauseKind::Fault ? s.fault_root_causes : s.error_root_causes;
    for (const RootCause& cause : causes)
      for (const RootCauseService& service : cause.services)
        if (cause_matches(service, t.level, holds, nullptr, std::nullopt)) return true;
    return false;
  }

  bool test(const GroupTest& g, const Subject&) {
    const std::string& actual = g.field == GroupField::Name ? context_.group_name : context_.group_arn;
    std::vector<Literal> values;
    if (!actual.empty()) values.emplace_back(actual);
    return satisfied(values, g.op, Literal{g.value});
  }

  bool satisfies(const std::optional<Box<Expression>>& filter, const Subject& subject) {
    return !filter || eval(**filter, subject);
  }

  static bool cause_matches(const RootCauseService& service, CauseLevel level, const Holds& holds,
                            const std::vector<double>* coverage, std::optional<double> service_coverage) {
    const auto& path = service.entity_path;
    switch (level) {
      case CauseLevel::Service: return holds(CauseServiceSubject{&service, service_coverage});
      case CauseLevel::Entity:
        for (std::size_t i = 0; i < path.size(); ++i) {
          std::optional<double> c = coverage ? std::optional{(*coverage)[i]} : std::nullopt;
          if (holds(CauseEntitySubject{&path[i], i, path.size(), c})) return true;
        }
        return false;
      case CauseLevel::Exception:
        for (const RootCauseEntity& entity : path)
          for (std::size_t i = 0; i < entity.exceptions.size(); ++i)
            if (holds(CauseExceptionSubject{&entity.exceptions[i], i, entity.exceptions.size()})) return true;
        return false;
    }
    return false;
  }

  std::vector<Literal> annotation_values(const std::string& key) const {
    std::vector<Literal> out;
    for (const auto& s : trace_.segments)
      for_each_entity(s, [&](const Segment& e) {
        if (auto it = e.annotations.find(key); it != e.annotations.end())
          out.push_back(std::visit([](const auto& v) { return Literal{v}; }, it->second));
      });
    return out;
  }

  // Nodes and edges, built once per trace and only when a service() or edge() term asks.
  void build_map() {
    if (map_built_) return;
    map_built_ = true;
    for (const Segment* s : index_.segments()) {
      ServiceId id = service_id(*s);
      members_.push_back(Member{id, s, false});
      if (index_.is_root(*s)) continue;
      ServiceId caller = service_id(*index_.owner_of(s->parent_id));
      if (!same_node(caller, id)) calls_.push_back(Call{std::move(caller), std::move(id), s, false});
    }
    for (const InferredCall& call : index_.inferred_calls()) {
      const Segment& node = inferred_segments_.emplace_back(inferred_segment(trace_.id, call));
      members_.push_back(Member{call.service, &node, true});
      calls_.push_back(Call{service_id(*call.segment), call.service, &node, true});
    }
  }

  const TraceSummary& summary() {
    if (!summary_) summary_ = summarize(trace_);
    return *summary_;
  }

  const std::optional<ResponseTimeCause>& response_time_cause() {
    if (!response_time_cause_) response_time_cause_.emplace(find_response_time_cause(index_));
    return *response_time_cause_;
  }

  const Trace& trace_;
  TraceIndex index_;
  const MatchContext& context_;
  bool map_built_ = false;
  std::deque<Segment> inferred_segments_;  // a deque: members and calls point into it
  std::vector<Member> members_;
  std::vector<Call> calls_;
  std::optional<TraceSummary> summary_;
  std::optional<std::optional<ResponseTimeCause>> response_time_cause_;  // outer: computed yet
};

}  // namespace

bool matches(const Expression& expression, const Trace& trace, const MatchContext& context) {
  return Evaluator{trace, context}.eval_trace(expression);
}

}  // namespace localray::tracing::filter
