#pragma once
#include "tracing/segment.hpp"

namespace localray::tracing {

// Where finished segments go. Models hold a SegmentSink& and never know about storage.
class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  virtual void record(Segment segment) = 0;
};

}  // namespace localray::tracing
