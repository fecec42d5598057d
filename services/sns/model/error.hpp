#pragma once
#include <boost/system/result.hpp>

#include "base/coded_error.hpp"

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
  ResourceNotFound,  // tagging calls name a resource that is not there
  TagLimitExceeded,
  TagPolicy,
  AuthorizationError,
  EndpointDisabled,  // a publish to a disabled platform endpoint
  OptedOut,          // the SMS sandbox's calls
  UserError,
  Verification,
};

using Error = base::CodedError<Code>;

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace localray::sns::model
