#include "http/server.hpp"

#include "http/event_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>

namespace localray::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

Request to_request(bhttp::request<bhttp::string_body>&& req, const std::string& remote) {
  Request r;
  r.method = std::string{req.method_string()};
  r.target = std::string{req.target()};
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& f : req) r.headers.add(std::string{f.name_string()}, std::string{f.value()});
  r.body = std::move(req.body());
  r.remote_address = remote;
  return r;
}

}  // namespace

std::optional<ParsedRequest> parse_request(std::string_view bytes, std::size_t max_body) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.body_limit(max_body);
  parser.header_limit(kMaxHeaderBytes);
  std::size_t used = 0;
  while (!parser.is_done()) {
    beast::error_code ec;
    auto n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    // need_more: the request goes on past the bytes given (Beast's contract is to call put again
    // only with more of them, as the server's reads do).
    if (ec || n == 0) return std::nullopt;
  }
  return ParsedRequest{to_request(parser.release(), "127.0.0.1"), used};
}

struct Server::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, Handler h, std::shared_ptr<spdlog::logger> l, std::size_t max_body, std::size_t max_sessions)
      : acceptor{ex}, handler{std::move(h)}, log{std::move(l)}, max_body{max_body}, max_sessions{max_sessions} {}

  tcp::acceptor acceptor;
  Handler handler;
  std::shared_ptr<spdlog::logger> log;
  std::size_t max_body;
  std::size_t max_sessions;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> sessions{0};
  std::atomic<std::uint64_t> turned_away{0};
  std::chrono::steady_clock::time_point turned_away_logged{};

  // Over the bound: a short answer and a closed connection, without reading the request.
  asio::awaitable<void> turn_away(tcp::socket socket) {
    static const std::string kBusy = [] {
      std::string body = R"({"__type":"ServiceUnavailable","message":"localray serves too many connections at once"})";
      return "HTTP/1.1 503 Service Unavailable\r\nServer: localray\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
             "x-amzn-ErrorType: ServiceUnavailable\r\nConnection: close\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(kBusy), asio::as_tuple(asio::use_awaitable));
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted || stopping) co_return;
      if (ec) {
        // Out of descriptors (EMFILE) and the like: pause rather than spin on the failing accept.
        log->warn("accept: {}", ec.message());
        asio::steady_timer pause{acceptor.get_executor(), 100ms};
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      if (sessions.load() >= max_sessions) {
        ++turned_away;
        auto now = std::chrono::steady_clock::now();
        if (now - turned_away_logged >= 1s) {
          turned_away_logged = now;
          log->warn("{} connections open, the most served at once: new ones are answered 503 ({} so far)", max_sessions, turned_away.load());
        }
        asio::co_spawn(acceptor.get_executor(), turn_away(std::move(socket)), asio::detached);
        continue;
      }
      ++sessions;
      asio::co_spawn(acceptor.get_executor(), session(beast::tcp_stream{std::move(socket)}), [self, l = log](std::exception_ptr e) {
        --self->sessions;
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          l->error("session ended by exception: {}", ex.what());
        }
      });
    }
  }

  static Response plain_error(unsigned status, std::string type, std::string message) {
    auto r = Response::json(status, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    r.headers.set("x-amzn-ErrorType", type);
    return r;
  }

  // A streamed body has no length: it ends when the connection closes.
  asio::awaitable<void> send_stream(beast::tcp_stream& stream, Response& response, unsigned version) {
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(response.status), version};
    head.set(bhttp::field::server, "localray");
    for (const auto& [k, v] : response.headers) head.set(k, v);
    head.keep_alive(false);
    bhttp::response_serializer<bhttp::empty_body> serializer{head};
    stream.expires_after(30s);
    auto [hec, hn] = co_await bhttp::async_write_header(stream, serializer, asio::as_tuple(asio::use_awaitable));
    while (!hec && !stopping) {
      stream.expires_never();
      auto chunk = co_await response.stream->next();
      if (!chunk) break;
      stream.expires_after(30s);
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(*chunk), asio::as_tuple(asio::use_awaitable));
      if (wec) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> session(beast::tcp_stream stream) {
    auto self = shared_from_this();
    beast::flat_buffer buffer;
    std::string remote;
    {
      beast::error_code ec;
      auto ep = stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(max_body);
      parser.header_limit(kMaxHeaderBytes);
      stream.expires_after(30s);  // an idle keep-alive connection is closed after this
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
          ec == asio::error::connection_reset || ec == asio::error::eof) {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
      Response response;
      bool keep_alive = false;
      unsigned version = 11;
      if (ec == bhttp::error::body_limit) {
        response = plain_error(413, "RequestEntityTooLarge", "request body exceeds " + std::to_string(max_body) + " bytes");
      } else if (ec) {
        response = plain_error(400, "BadRequest", "malformed HTTP request: " + ec.message());
      } else {
        auto req = parser.release();
        keep_alive = req.keep_alive();
        version = req.version();
        // Handlers may wait long (SQS long polls, synchronous Lambda runs): no read deadline now.
        stream.expires_never();
        try {
          // Named, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
          Request request = to_request(std::move(req), remote);
          response = co_await handler(std::move(request));
        } catch (const std::exception& e) {
          log->error("handler failed: {}", e.what());
          response = plain_error(500, "InternalFailure", "internal error");
        }
      }
      if (response.stream) {
        co_await send_stream(stream, response, version);
        co_return;
      }
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
      res.set(bhttp::field::server, "localray");
      try {
        // Inserted, not set: a name may repeat (Set-Cookie from a Lambda proxy's multiValueHeaders).
        for (const auto& [k, v] : response.headers) res.insert(k, v);
      } catch (const std::exception& e) {
        // A header Beast cannot carry (a name or value over its limits): answered, never dropped.
        log->error("response headers not sent: {}", e.what());
        res = bhttp::response<bhttp::string_body>{bhttp::status::internal_server_error, version};
        res.set(bhttp::field::server, "localray");
        response = plain_error(500, "InternalFailure", "the response's headers could not be sent");
        for (const auto& [k, v] : response.headers) res.insert(k, v);
      }
      // A handler may end the connection after its answer (Connection: close), as localray
      // does to callers while it stops.
      bool handler_closes = iequals(response.headers.get("Connection"), "close");
      res.body() = std::move(response.body);
      res.keep_alive(keep_alive && !stopping && !handler_closes);
      res.prepare_payload();
      stream.expires_after(30s);
      auto [wec, wn] = co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec || !res.keep_alive()) {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
    }
  }
};

Server::Server(asio::any_io_executor ex, Handler handler, std::shared_ptr<spdlog::logger> log, std::size_t max_body, std::size_t max_sessions)
    : impl_{std::make_shared<Impl>(std::move(ex), std::move(handler), std::move(log), max_body, max_sessions)} {}

std::size_t Server::sessions() const { return impl_->sessions.load(); }
std::uint64_t Server::turned_away() const { return impl_->turned_away.load(); }

Server::~Server() { stop(); }

tracing::Result<unsigned short> Server::listen(const std::string& host, unsigned short port) {
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return tracing::Error{"--host " + host + ": not an IP address"};
  tcp::endpoint ep{address, port};
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return tracing::Error{"cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message()};
  asio::co_spawn(a.get_executor(), impl_->accept_loop(), asio::detached);
  return a.local_endpoint().port();
}

void Server::stop() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
}

}  // namespace localray::http
