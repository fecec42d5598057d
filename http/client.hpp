#pragma once
// Outbound HTTP/1.1 for functions (the pattern's external GET). Plain http only.
#include <chrono>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"
#include "tracing/error.hpp"

namespace localray::http {

struct ClientResponse {
  unsigned status = 0;
  Headers headers;
  std::string body;
};

struct Url {
  std::string scheme, host, port, target;
  static tracing::Result<Url> parse(std::string_view text);
};

boost::asio::awaitable<tracing::Result<ClientResponse>> get(boost::asio::any_io_executor ex, const Url& url, const Headers& headers,
                                                            std::chrono::milliseconds timeout);

}  // namespace localray::http
