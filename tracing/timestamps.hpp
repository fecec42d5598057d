#pragma once
// Time as AWS's JSON writes it in event and record bodies.
#include <string>

#include "tracing/clock.hpp"

namespace localray::tracing {

// 2019-11-14T18:16:05.568Z: UTC, milliseconds (SNS notifications, Lambda invocation records).
std::string iso8601_millis(TimePoint t);

}  // namespace localray::tracing
