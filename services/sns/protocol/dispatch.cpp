#include "services/sns/protocol/dispatch.hpp"

#include "services/sns/protocol/error_shapes.hpp"
#include "services/sns/protocol/operations.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol {
namespace {

constexpr ErrorShape kInvalidAction{"InvalidAction", "Sender", 400};
constexpr ErrorShape kMissingAction{"MissingAction", "Sender", 400};
constexpr ErrorShape kMalformedQueryString{"MalformedQueryString", "Sender", 400};

http::Response success(const Operation& op, const std::string& result, const std::string& request_id) {
  std::string response = std::string{op.name} + "Response";
  std::string result_element = std::string{op.name} + "Result";
  XmlWriter xml;
  xml.raw("<").raw(response).raw(" xmlns=\"").raw(kXmlns).raw("\">");
  if (op.has_result) xml.open(result_element).raw(result).close(result_element);
  xml.open("ResponseMetadata").element("RequestId", request_id).close("ResponseMetadata").close(response);
  auto r = http::Response::json(200, xml.str(), "text/xml");
  r.headers.set("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace

boost::asio::awaitable<http::Response> handle(const http::Request& request, model::Backend& backend, model::SubscriberFactory& subscribers,
                                              http::CallContext call) {
  const std::string& request_id = call.request_id;
  // As the router reads it: a form body, or the query string of a GET.
  bool form_body = request.headers.get("Content-Type").find("application/x-www-form-urlencoded") != std::string_view::npos;
  auto form = http::parse_form(form_body || request.query.empty() ? std::string_view{request.body} : std::string_view{request.query});
  if (!form) co_return error_response(kMalformedQueryString, "The request's parameters are not valid form encoding.", request_id);
  QueryParams params{std::move(*form)};

  auto action = params.get("Action");
  if (!action || action->empty()) co_return error_response(kMissingAction, "The request must contain the parameter Action.", request_id);
  const Operation* op = find_operation(*action);
  if (!op) co_return error_response(kInvalidAction, "Could not find operation " + std::string{*action} + " for version 2010-03-31", request_id);
  const Call op_call{params, backend, subscribers, call.trace, request_id, !request.headers.get("Authorization").empty()};
  auto result = co_await op->run(op_call);
  if (!result) co_return error_response(result.error(), request_id);
  co_return success(*op, *result, request_id);
}

}  // namespace localray::sns::protocol
