#pragma once
// The Lambda REST-JSON API: /2015-03-31/functions..., /2015-03-31/event-source-mappings...,
// /2014-11-13/functions/{f}/invoke-async/.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/lambda/model/event_source_mappings.hpp"
#include "services/lambda/model/function.hpp"

namespace localray::lambda::protocol {

// nullopt when the path is not a Lambda API path.
boost::asio::awaitable<std::optional<http::Response>> handle(const http::Request& request, model::Runner& runner,
                                                             model::EventSourceMappings& mappings, http::CallContext call);

}  // namespace localray::lambda::protocol
