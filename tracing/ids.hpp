#pragma once
#include <optional>
#include <string>

#include "tracing/clock.hpp"
#include "tracing/rng.hpp"
#include "tracing/trace_header.hpp"

namespace localray::tracing {

// Trace ids `1-{epoch seconds, 8 hex}-{96 random bits}` and 64-bit segment ids, lower-case hex.
class IdGenerator {
 public:
  IdGenerator(const Clock& clock, Rng rng) : clock_{clock}, rng_{std::move(rng)} {}
  std::string trace_id();
  std::string segment_id();
  // Request ids as Lambda, SQS and SNS print them (UUID v4 layout).
  std::string uuid();
  // Request ids as DynamoDB prints them: 52 characters of 0-9 and A-V (base32hex, 260 random bits).
  std::string dynamodb_request_id();

 private:
  const Clock& clock_;
  Rng rng_;
};

}  // namespace localray::tracing
