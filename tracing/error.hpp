#pragma once
#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>

namespace localray::tracing {

// A rejected input: what was wrong, in words a client can act on.
struct Error {
  std::string message;
};

[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}

template <class T>
using Result = boost::system::result<T, Error>;

// A successful Result. Needed where T is a string: Error is constructible from one too, which
// makes the implicit conversion ambiguous.
template <class T>
Result<std::decay_t<T>> success(T&& v) {
  return Result<std::decay_t<T>>{boost::system::in_place_value, std::forward<T>(v)};
}

}  // namespace localray::tracing
