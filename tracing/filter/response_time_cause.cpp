#include "tracing/filter/response_time_cause.hpp"

#include <unordered_set>

namespace localray::tracing::filter {
namespace {

bool is_call(const Segment& s) { return s.namespace_ == "aws" || s.namespace_ == "remote"; }

// A child the parent waited for: finished, and no later than the parent.
bool waited_for(const Segment& child, const Segment& parent) {
  return !child.in_progress && child.end_time <= parent.end_time;
}

struct Step {
  const Segment* entity = nullptr;
  bool new_segment = false;  // a segment of its own: the path enters another service
};

Step slowest_child(const TraceIndex& index, const Segment& current) {
  Step best;
  auto consider = [&](const Segment& child, bool segment) {
    if (!waited_for(child, current)) return;
    if (best.entity == nullptr || child.duration() > best.entity->duration()) best = Step{&child, segment};
  };
  for (const auto& sub : current.subsegments) consider(sub, false);
  for (const Segment* child : index.children_of(current.id))
    if (child != &current) consider(*child, true);
  return best;
}

}  // namespace

std::optional<ResponseTimeCause> find_response_time_cause(const TraceIndex& index) {
  const Segment* entry = index.entry();
  if (entry == nullptr || entry->in_progress || entry->duration() <= 0) return std::nullopt;
  const double response_time = entry->duration();

  const Segment* owner = entry;
  std::vector<const Segment*> path{entry};
  std::unordered_set<const Segment*> seen{entry};  // parent_id cycles must not loop forever
  for (Step step = slowest_child(index, *entry); step.entity != nullptr && seen.insert(step.entity).second;
       step = slowest_child(index, *step.entity)) {
    if (step.new_segment) {
      owner = step.entity;
      path.clear();
    }
    path.push_back(step.entity);
  }

  ResponseTimeCause cause;
  const Segment& culprit = *path.back();
  if (is_call(culprit) && !index.answered(culprit)) {
    // The callee recorded nothing: blame the inferred service, as the fault root causes do.
    cause.service.service = inferred_service_id(culprit);
    cause.service.inferred = true;
    path = {&culprit};
  } else {
    cause.service.service = service_id(*owner);
  }
  for (const Segment* e : path) {
    // An inferred service's only entity goes by the service's name, as in the fault root causes.
    std::string name = cause.service.inferred ? cause.service.service.name : e->name;
    cause.service.entity_path.push_back(RootCauseEntity{std::move(name), {}, is_call(*e)});
    cause.coverage.push_back(e->duration() / response_time);
  }
  cause.service_coverage = cause.coverage.front();
  return cause;
}

}  // namespace localray::tracing::filter
