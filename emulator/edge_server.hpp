#pragma once
// The edge HTTP/1.1 server every AWS API, API Gateway and the console share. Beast stays in the
// .cpp; handlers see our own request and response types.
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <spdlog/fwd.h>

#include "http/message.hpp"
#include "tracing/error.hpp"

namespace boost::asio {
class io_context;
}

namespace localray::emulator {

constexpr std::size_t kMaxRequestBodyBytes = 8 * 1024 * 1024;  // above every AWS payload quota we emulate

class EdgeServer {
 public:
  using Handler = std::function<boost::asio::awaitable<http::Response>(http::Request)>;
  EdgeServer(boost::asio::io_context& io, Handler handler, std::shared_ptr<spdlog::logger> log);
  ~EdgeServer();

  // Binds and starts accepting; returns the bound port (useful with port 0).
  tracing::Result<unsigned short> listen(const std::string& host, unsigned short port);
  // Stops accepting; sessions end after their current response.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace localray::emulator
