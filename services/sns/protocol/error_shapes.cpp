#include "services/sns/protocol/error_shapes.hpp"

#include <utility>

#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol {
namespace {

using model::Code;

// Codes and statuses from botocore's sns/2010-03-31 model (the `error` of each exception shape).
constexpr std::pair<Code, ErrorShape> kShapes[] = {
    {Code::NotFound, {"NotFound", "Sender", 404}},
    {Code::InvalidParameter, {"InvalidParameter", "Sender", 400}},
    {Code::ParameterValueInvalid, {"ParameterValueInvalid", "Sender", 400}},
    {Code::ValidationError, {"ValidationError", "Sender", 400}},
    {Code::EmptyBatchRequest, {"EmptyBatchRequest", "Sender", 400}},
    {Code::TooManyEntriesInBatchRequest, {"TooManyEntriesInBatchRequest", "Sender", 400}},
    {Code::BatchEntryIdsNotDistinct, {"BatchEntryIdsNotDistinct", "Sender", 400}},
    {Code::InvalidBatchEntryId, {"InvalidBatchEntryId", "Sender", 400}},
    {Code::BatchRequestTooLong, {"BatchRequestTooLong", "Sender", 400}},
    {Code::ResourceNotFound, {"ResourceNotFound", "Sender", 404}},
    {Code::TagLimitExceeded, {"TagLimitExceeded", "Sender", 400}},
    {Code::TagPolicy, {"TagPolicy", "Sender", 400}},
    {Code::AuthorizationError, {"AuthorizationError", "Sender", 403}},
    {Code::EndpointDisabled, {"EndpointDisabled", "Sender", 400}},
    {Code::OptedOut, {"OptedOut", "Sender", 400}},
    {Code::UserError, {"UserError", "Sender", 400}},
    {Code::Verification, {"VerificationException", "Sender", 400}},  // the model's shape names no code of its own
};

}  // namespace

ErrorShape error_shape(model::Code code) {
  for (const auto& [c, shape] : kShapes)
    if (c == code) return shape;
  return {"InternalError", "Receiver", 500};  // a code missing from the table is our bug, not the caller's
}

http::Response error_response(const model::Error& error, const std::string& request_id) {
  return error_response(error_shape(error.code), error.message, request_id);
}

http::Response error_response(const ErrorShape& shape, std::string_view message, const std::string& request_id) {
  XmlWriter xml;
  xml.raw("<ErrorResponse xmlns=\"").raw(kXmlns).raw("\">");
  xml.open("Error").element("Type", shape.type).element("Code", shape.code).element("Message", message).close("Error");
  xml.element("RequestId", request_id).close("ErrorResponse");
  auto r = http::Response::json(shape.status, xml.str(), "text/xml");
  r.headers.set("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace localray::sns::protocol
