#pragma once
// OTLP/HTTP's trace endpoint, as X-Ray itself serves it: POST /v1/traces with an
// ExportTraceServiceRequest in JSON or protobuf, gzip allowed; spans become segment documents
// (tracing/otlp/xray_mapping) and the answer comes once they are committed, with OTLP's
// partial success when some could not be taken.
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/xray/model/backend.hpp"

namespace localray::xray::protocol {

constexpr std::string_view kOtlpTracesPath = "/v1/traces";
// An inflated body is bounded like a plain one: gzip does not let a client exceed the edge's limit.
constexpr std::size_t kMaxOtlpBodyBytes = 8 * 1024 * 1024;

// nullopt when the request is not for /v1/traces.
boost::asio::awaitable<std::optional<http::Response>> handle_otlp(const http::Request& request, model::Backend& backend,
                                                                  const http::CallContext& call);

}  // namespace localray::xray::protocol
