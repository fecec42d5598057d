#pragma once
// Serialised access to the DynamoDB backend for the rest of the process: every call hops onto
// one strand, so the (not thread-safe) backend and its tables see one caller at a time.
#include <string>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "services/dynamodb/model/backend.hpp"

namespace localray::dynamodb::model {

class Access {
 public:
  Access(boost::asio::any_io_executor ex, std::string region, std::string account)
      : strand_{boost::asio::make_strand(ex)}, backend_{std::move(region), std::move(account)} {}

  // Runs `f(Backend&)` on the strand and returns what it returns.
  template <class F>
  auto run(F f) -> boost::asio::awaitable<decltype(f(std::declval<Backend&>()))> {
    co_await boost::asio::dispatch(boost::asio::bind_executor(strand_, boost::asio::use_awaitable));
    co_return f(backend_);
  }

 private:
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  Backend backend_;
};

// A table with a hash key and an optional range key ("S", "N" or "B"), billed on demand: what a
// topology declares.
TableDefinition simple_table(const std::string& name, const std::string& hash_name, const std::string& hash_type,
                             const std::string& range_name, const std::string& range_type);

// UpdateItem `ADD <counter> :incr` keyed by a string hash key; the counter's new value.
boost::asio::awaitable<Result<std::string>> add_to_counter(Access& access, std::string table, std::string key_name, std::string key_value,
                                                           std::string counter, long long increment);

}  // namespace localray::dynamodb::model
