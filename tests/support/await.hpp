#pragma once
// Runs an awaitable to completion on a test's io_context and returns its value, so that tests of
// coroutine APIs read like tests of plain functions. Rethrows what the coroutine threw.
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace localray::testing {

template <class T>
T await(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
  std::optional<T> out;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    if (e) failure = e;
    else out.emplace(std::move(value));
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

}  // namespace localray::testing
