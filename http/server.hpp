#pragma once
// An HTTP/1.1 server: the edge port every AWS API, API Gateway and the console share, the X-Ray
// daemon's TCP port, and each Lambda worker's Runtime API. Beast stays in the .cpp; handlers see
// our own request and response types.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <spdlog/fwd.h>

#include "http/message.hpp"
#include "tracing/error.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace localray::http {

constexpr std::size_t kMaxRequestBodyBytes = 8 * 1024 * 1024;  // above every AWS payload quota we emulate
// Connections served at once; one more is answered 503 and closed, so a flood of clients cannot
// take every file descriptor (workers, the store and the other ports need theirs).
constexpr std::size_t kMaxSessions = 4096;

// The header size every request may have (Beast's parser limit).
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

struct ParsedRequest {
  Request request;
  std::size_t consumed = 0;  // bytes of the input it took
};

// The first request in `bytes`, parsed as the server parses what a connection sends (same parser,
// same limits); nothing when the bytes are not a whole, valid request. For tests and fuzzing.
std::optional<ParsedRequest> parse_request(std::string_view bytes, std::size_t max_body = kMaxRequestBodyBytes);

class Server {
 public:
  using Handler = std::function<boost::asio::awaitable<Response>(Request)>;
  Server(boost::asio::any_io_executor ex, Handler handler, std::shared_ptr<spdlog::logger> log,
         std::size_t max_body = kMaxRequestBodyBytes, std::size_t max_sessions = kMaxSessions);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns the bound port (useful with port 0).
  tracing::Result<unsigned short> listen(const std::string& host, unsigned short port);
  // Stops accepting; sessions end after their current response.
  void stop();
  std::size_t sessions() const;     // open now
  std::uint64_t turned_away() const;  // refused at the session bound

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace localray::http
