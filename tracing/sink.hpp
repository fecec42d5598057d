#pragma once
#include "tracing/segment.hpp"

namespace localray::tracing {

// Where finished segments go. Models hold a SegmentSink& and never know about storage.
class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  // Takes the segment, or refuses it at once when the sink is full (it never waits: callers run
  // on I/O threads and strands). A caller that acknowledges the segment to a client reports a
  // refusal to it; for the others the sink counts the loss.
  virtual bool record(Segment segment) = 0;
};

}  // namespace localray::tracing
