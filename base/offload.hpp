#pragma once
// Runs blocking work (SQLite reads, scans over stored traces) on another executor and comes back:
// the calling coroutine resumes on the executor it started on, so an I/O thread is never the one
// that waits.
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace localray::base {

template <class F>
auto offload(boost::asio::any_io_executor worker, F f) -> boost::asio::awaitable<decltype(f())> {
  namespace asio = boost::asio;
  auto home = co_await asio::this_coro::executor;
  co_await asio::post(asio::bind_executor(worker, asio::use_awaitable));
  std::optional<decltype(f())> result;
  std::exception_ptr failure;
  try {
    result.emplace(f());
  } catch (...) {
    failure = std::current_exception();
  }
  co_await asio::post(asio::bind_executor(home, asio::use_awaitable));
  if (failure) std::rethrow_exception(failure);
  co_return std::move(*result);
}

}  // namespace localray::base
