#pragma once
// The SQS API in both wire protocols: JSON 1.0 (`X-Amz-Target: AmazonSQS.<Operation>`, current
// SDKs) and query (form `Action=<Operation>&Version=2012-11-05`, older SDKs and Debian's awscli),
// answered in the protocol of the request.
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/sqs/model/backend.hpp"

namespace localray::sqs::protocol {

enum class WireProtocol { Json, Query };

// `request` is known to be SQS (the router decided); `protocol` says which codec. Query fields come
// from the query string and the form body; a query request posted to a queue URL path
// (`/<account>/<name>`) without QueueUrl addresses that queue. Every failure, bad input included,
// is answered in the request's protocol with SQS's error shape, never a 500.
// The queues of a scope; the emulator holds one set per account and region. `create`: make the
// scope's services when it has none yet (the caller's own scope); else null when it has none.
using Backends = std::function<model::Backend*(const base::Scope&, bool create)>;

// The queues addressed are those of the queue URL's account and region when the request names a
// queue URL that says so (as AWS routes by the URL's host), else those of the call's scope.
boost::asio::awaitable<http::Response> handle(const http::Request& request, WireProtocol protocol, const Backends& backends,
                                              http::CallContext call);

}  // namespace localray::sqs::protocol
