#pragma once
// The error value of a service model: the service's own error code and AWS's message for it.
// Each model names its codes (`enum class Code`); its protocol codec maps every code to the wire
// shape in one table.
#include <stdexcept>
#include <string>

#include <boost/system/result.hpp>

namespace localray::base {

template <class Code>
struct CodedError {
  Code code;
  std::string message;
};

// Found by argument-dependent lookup, so that Result<T>::value() on an error throws.
template <class Code>
[[noreturn]] void throw_exception_from_error(const CodedError<Code>& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}

}  // namespace localray::base
