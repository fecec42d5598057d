#pragma once
// A response body produced over time, for server-sent events. Only the edge server and the
// endpoints that stream include this (it brings Asio's awaitable).
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

namespace localray::http {

class EventStream {
 public:
  virtual ~EventStream() = default;
  // The next chunk to send; nullopt ends the response.
  virtual boost::asio::awaitable<std::optional<std::string>> next() = 0;
};

}  // namespace localray::http
