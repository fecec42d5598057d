#include "services/sqs/protocol/dispatch.hpp"

#include "services/sqs/protocol/json_codec.hpp"
#include "services/sqs/protocol/operations.hpp"
#include "services/sqs/protocol/query_codec.hpp"

namespace localray::sqs::protocol {

namespace asio = boost::asio;

boost::asio::awaitable<http::Response> handle(const http::Request& request, WireProtocol protocol, const Backends& backends,
                                              http::CallContext call) {
  const std::string& request_id = call.request_id;
  const bool json = protocol == WireProtocol::Json;
  auto fail = [&](const model::Error& e) { return json ? encode_json_error(e, request_id) : encode_query_error(e, request_id); };

  std::string operation;
  Tree input;
  if (json) {
    operation = json_operation(request);
  } else {
    auto decoded = decode_query(request);
    if (!decoded) co_return fail(decoded.error());
    operation = std::move(decoded->action);
    input = std::move(decoded->input);
  }
  if (operation.empty()) co_return fail(model::Error{model::Code::MissingParameter, "The request must contain the parameter Action."});
  const Operation* op = find_operation(operation);
  if (!op) co_return fail(model::Error{model::Code::InvalidAction, "The action " + operation + " is not valid for this endpoint."});
  if (json) {
    auto decoded = decode_json(request);
    if (!decoded) co_return fail(decoded.error());
    input = std::move(*decoded);
  }

  std::optional<base::Scope> addressed;
  if (auto url = input.find("QueueUrl"); url != input.end() && url->is_string()) addressed = model::scope_of_queue_url(url->get<std::string>());
  if (!addressed) addressed = model::scope_of_queue_url(request.path);
  const base::Scope own{call.account, call.region};
  // A URL naming a scope that holds nothing names no queue: it makes no scope either.
  model::Backend* found = addressed && *addressed != own ? backends(*addressed, false) : backends(own, true);
  if (!found) co_return fail(model::Error{model::Code::QueueDoesNotExist, "The specified queue does not exist."});
  model::Backend& backend = *found;
  // Only a header that parsed becomes a message's AWSTraceHeader; anything else is not a trace.
  Call op_call{input, backend, request.path, call.trace ? call.trace->to_string() : std::string{}, call.account};
  Outcome outcome = model::Error{model::Code::InvalidParameterValue, "The request could not be read."};
  try {
    outcome = co_await op->run(op_call);
  } catch (const nlohmann::json::exception&) {
    // Operations read the Tree with checked accessors; this guards the wire against one that
    // slipped, as a 400 rather than a failed connection.
  }
  if (!outcome) co_return fail(outcome.error());
  co_return json ? encode_json(*outcome, request_id) : encode_query(op->name, op->has_result, *outcome, request_id);
}

}  // namespace localray::sqs::protocol
