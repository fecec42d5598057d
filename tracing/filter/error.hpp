#pragma once
// Errors of the filter expression language, as values. A ParseError names the 1-based column
// (a byte offset + 1) of the token that made the expression invalid, so a client can point at it.
#include <cstddef>
#include <stdexcept>
#include <string>

#include <boost/system/result.hpp>

namespace localray::tracing::filter {

struct ParseError {
  std::size_t column = 1;
  std::string message;  // lower case, no column: describe() adds both prefix and position
};

// X-Ray-like text for clients: "Invalid filter expression: unexpected token 'AND' at column 12".
std::string describe(const ParseError& error);

[[noreturn]] inline void throw_exception_from_error(const ParseError& e, const boost::source_location&) {
  throw std::invalid_argument(describe(e));
}

template <class T>
using Result = boost::system::result<T, ParseError>;

}  // namespace localray::tracing::filter
