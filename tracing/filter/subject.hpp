#pragma once
// What a keyword reads, scope by scope (keywords.hpp says which keyword stands in which scope).
//
//  - Trace (top level): the trace as its client saw it. Status flags, `http.*` and
//    `responsetime` read the entry segment (TraceIndex::entry); `duration` spans every segment;
//    `partial` is any segment or subsegment in progress, `inferred` any inferred node; `user`,
//    `resource.arn`, `availabilityzone` and `instance.id` read every segment.
//  - Segment (service and edge braces): one segment; an inferred node's is synthesized
//    (tracing::inferred_segment), so `service("hits") { fault }` reads the unanswered call.
//  - Root causes: one service, entity (with its place in the entity path) or exception.
// Status keywords combine the flags with the HTTP status, as X-Ray defines them: `fault` 5xx,
// `error` 4xx (429 included), `throttle` 429, `ok` none of these and a 2xx status if any.
#include <cstddef>
#include <functional>
#include <optional>
#include <variant>
#include <vector>

#include "tracing/filter/ast.hpp"
#include "tracing/trace_summary.hpp"

namespace localray::tracing::filter {

// Calls `visit` on `s` and every subsegment under it, depth first.
void for_each_entity(const Segment& s, const std::function<void(const Segment&)>& visit);

struct TraceSubject {
  const TraceIndex* index;
  const Segment* entry;  // null for a trace with no segment yet
};

struct SegmentSubject {
  const TraceIndex* index;
  const Segment* segment;
  bool inferred = false;
};

struct CauseServiceSubject {
  const RootCauseService* service;
  std::optional<double> coverage;  // response time causes only
};

struct CauseEntitySubject {
  const RootCauseEntity* entity;
  std::size_t index;  // 0-based place in the entity path, service segment first
  std::size_t count;
  std::optional<double> coverage;
};

struct CauseExceptionSubject {
  const RootCauseException* exception;
  std::size_t index;  // 0-based place among its entity's exceptions
  std::size_t count;
};

using Subject = std::variant<TraceSubject, SegmentSubject, CauseServiceSubject, CauseEntitySubject, CauseExceptionSubject>;

// The values `keyword` has for `subject`: one for most keywords, several where the keyword reads
// many entities (`user` at the top level), none where the subject lacks the field (no URL, a
// duration still unknown) so that no comparison holds.
std::vector<Literal> values_of(Keyword keyword, const Subject& subject);

}  // namespace localray::tracing::filter
