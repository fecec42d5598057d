#pragma once
// How each SNS model error goes on the wire: AWS Code, Type and HTTP status, in one table.
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "services/sns/model/error.hpp"

namespace localray::sns::protocol {

struct ErrorShape {
  std::string_view code;  // <Code>, also the Code of a PublishBatch Failed entry
  std::string_view type;  // <Type>: Sender or Receiver
  unsigned status;
};

ErrorShape error_shape(model::Code code);

// <ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
http::Response error_response(const model::Error& error, const std::string& request_id);
// Errors of the request itself, before any operation runs (InvalidAction, MissingAction, ...).
http::Response error_response(const ErrorShape& shape, std::string_view message, const std::string& request_id);

}  // namespace localray::sns::protocol
