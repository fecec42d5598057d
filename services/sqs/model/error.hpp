#pragma once
#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>

namespace localray::sqs::model {

enum class Code {
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  InvalidParameterValue,
  InvalidAttributeName,
  InvalidAttributeValue,
  InvalidMessageContents,
  MessageTooLong,
  PurgeQueueInProgress,
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

}  // namespace localray::sqs::model
