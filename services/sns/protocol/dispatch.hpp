#pragma once
// The SNS query API: form `Action=<Operation>&Version=2010-03-31`, XML answers.
#include <boost/asio/awaitable.hpp>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/sns/model/backend.hpp"

namespace localray::sns::protocol {

// `request` is known to be SNS (the router decided). `subscribers` makes the in-process
// subscriber for a Subscribe call. Every failure, bad input included, is answered in SNS's error
// shape, never a 500.
boost::asio::awaitable<http::Response> handle(const http::Request& request, model::Backend& backend, model::SubscriberFactory& subscribers,
                                              http::CallContext call);

}  // namespace localray::sns::protocol
