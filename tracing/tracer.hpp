#pragma once
// What a model needs to trace the hops it serves: the time, ids, the sampling decision for traces
// it starts, and where finished segments go. Passed by value; it refers, it owns nothing.
#include "tracing/clock.hpp"
#include "tracing/ids.hpp"
#include "tracing/sampling.hpp"
#include "tracing/sink.hpp"

namespace localray::tracing {

struct Tracer {
  const Clock& clock;
  IdGenerator& ids;
  Sampler& sampler;
  SegmentSink& sink;
};

}  // namespace localray::tracing
