#pragma once
// The X-Ray REST-JSON API (POST + JSON on fixed paths): request -> model call -> response.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/xray/model/backend.hpp"

namespace localray::xray::protocol {

// nullopt when the request is not for an X-Ray path. Queries and group and sampling-rule changes
// run on the backend's blocking executor; the coroutine resumes on the caller's.
boost::asio::awaitable<std::optional<http::Response>> handle(const http::Request& request, model::Backend& backend,
                                                             http::CallContext call);

}  // namespace localray::xray::protocol
