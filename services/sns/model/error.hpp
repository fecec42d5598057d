#pragma once
#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>

namespace localray::sns::model {

// SNS's own error vocabulary; the wire codec maps each code to its AWS Code, Type and HTTP status.
enum class Code {
  NotFound,
  InvalidParameter,
  ParameterValueInvalid,         // message attribute problems
  ValidationError,               // a required member is missing
  EmptyBatchRequest,
  TooManyEntriesInBatchRequest,
  BatchEntryIdsNotDistinct,
  InvalidBatchEntryId,
  BatchRequestTooLong,
};

struct Error {
  Code code;
  std::string message;
};

[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace localray::sns::model
