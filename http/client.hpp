#pragma once
// Outbound HTTP/1.1: the pattern's external GET, the OTLP exporter's POSTs, SNS's deliveries to
// http and https endpoints. One connection per call; https does not verify the server's
// certificate (see client.cpp).
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
boost::asio::awaitable<tracing::Result<ClientResponse>> post(boost::asio::any_io_executor ex, const Url& url, const Headers& headers,
                                                             const std::string& body, std::chrono::milliseconds timeout);

}  // namespace localray::http
