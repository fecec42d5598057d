#pragma once
#include <functional>
#include <vector>

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

  // For callers that acknowledge segments to a client (PutTraceSegments): `settled` is called once
  // every segment is stored or lost, with stored[i] for segments[i], on whatever thread settles the
  // last one (it must return quickly). A sink that stores at once settles before returning.
  using Settled = std::function<void(std::vector<bool> stored)>;
  virtual void record_all(std::vector<Segment> segments, Settled settled) {
    std::vector<bool> stored;
    stored.reserve(segments.size());
    for (auto& s : segments) stored.push_back(record(std::move(s)));
    settled(std::move(stored));
  }
};

}  // namespace localray::tracing
