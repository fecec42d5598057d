#include "services/sqs/protocol/json_codec.hpp"

#include "services/sqs/protocol/errors.hpp"

namespace localray::sqs::protocol {
namespace {

constexpr std::string_view kTargetPrefix = "AmazonSQS.";
constexpr std::string_view kContentType = "application/x-amz-json-1.0";

// Never throws on bytes that are not UTF-8 (an echoed receipt handle can be anything).
std::string dump(const Tree& t) { return t.dump(-1, ' ', false, Tree::error_handler_t::replace); }

}  // namespace

std::string_view json_operation(const http::Request& request) {
  auto target = request.headers.get("X-Amz-Target");
  if (!target.starts_with(kTargetPrefix)) return {};
  return target.substr(kTargetPrefix.size());
}

model::Result<Tree> decode_json(const http::Request& request) {
  // A Tree converts to anything, model::Error included: the value is placed explicitly.
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return model::Result<Tree>{boost::system::in_place_value, Tree::object()};
  auto parsed = Tree::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object())
    return model::Error{model::Code::MalformedInput, "The request body is not a JSON object."};
  return model::Result<Tree>{boost::system::in_place_value, std::move(parsed)};
}

http::Response encode_json(const Tree& output, const std::string& request_id) {
  auto r = http::Response::json(200, output.empty() ? std::string{"{}"} : dump(output), kContentType);
  r.headers.set("x-amzn-RequestId", request_id);
  return r;
}

http::Response encode_json_error(const model::Error& error, const std::string& request_id) {
  const WireError& w = wire_error(error.code);
  Tree body = Tree::object();
  body["__type"] = w.json_type;
  body["message"] = error.message;
  auto r = http::Response::json(w.status, dump(body), kContentType);
  r.headers.set("x-amzn-RequestId", request_id);
  r.headers.set("x-amzn-query-error", std::string{w.query_code} + (w.sender_fault ? ";Sender" : ";Receiver"));
  return r;
}

}  // namespace localray::sqs::protocol
