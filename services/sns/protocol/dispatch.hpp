#pragma once
// The SNS query API: form `Action=<Operation>&Version=2010-03-31`, XML answers.
#include <string>

#include "http/message.hpp"
#include "services/sns/model/topic.hpp"

namespace localray::sns::protocol {

// `request` is known to be SNS (the router decided). `subscribers` makes the in-process
// subscriber for a Subscribe call; `trace` is the caller's X-Amzn-Trace-Id, if it sent one.
http::Response handle(const http::Request& request, model::Backend& backend, model::SubscriberFactory& subscribers,
                      const std::optional<tracing::TraceHeader>& trace, std::string request_id);

}  // namespace localray::sns::protocol
