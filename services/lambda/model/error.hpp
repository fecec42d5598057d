#pragma once
#include <boost/system/result.hpp>

#include "base/coded_error.hpp"

namespace localray::lambda::model {

enum class Code { ResourceNotFound, TooManyRequests, InvalidParameterValue, RequestTooLarge, ServiceUnavailable, ResourceConflict };

using Error = base::CodedError<Code>;

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace localray::lambda::model
