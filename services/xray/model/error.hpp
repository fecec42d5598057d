#pragma once
// Errors of X-Ray's group and sampling-rule operations; the wire codec maps each code to X-Ray's
// exception type.
#include <boost/system/result.hpp>

#include "base/coded_error.hpp"

namespace localray::xray::model {

enum class Code {
  NotFound,       // no such group or rule
  AlreadyExists,  // a group or rule of that name exists
  Invalid,        // a member out of X-Ray's bounds
  RuleLimit,      // more sampling rules than X-Ray allows in a region
  Storage,        // the settings could not be saved: nothing changed
};

using Error = base::CodedError<Code>;

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace localray::xray::model
