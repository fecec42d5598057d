#pragma once
// The SNS query API: form `Action=<Operation>&Version=2010-03-31`, XML answers.
#include <string>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/sns/model/topic.hpp"

namespace localray::sns::protocol {

// `request` is known to be SNS (the router decided). `subscribers` makes the in-process
// subscriber for a Subscribe call.
http::Response handle(const http::Request& request, model::Backend& backend, model::SubscriberFactory& subscribers,
                      const http::CallContext& call);

}  // namespace localray::sns::protocol
