#pragma once
// What the edge reads of a call once, before any service codec sees it, and hands to the codec:
// its request id, the caller's trace context, and the account and region it is addressed to.
#include <optional>
#include <string>

#include "tracing/trace_header.hpp"

namespace localray::http {

struct CallContext {
  std::string request_id;                     // the x-amzn-RequestId the answer carries
  std::optional<tracing::TraceHeader> trace;  // the caller's X-Amzn-Trace-Id, when it sent a valid one
  std::string region;                         // from the SigV4 credential scope; the default region when unsigned
  std::string account;
  std::string access_key_id;                  // empty when unsigned
};

}  // namespace localray::http
