// The ceiling of the benchmark suite: the least an HTTP/1.1 keep-alive server built on the same
// Boost.Beast and Asio, with the same compiler flags and the same number of I/O threads as
// localray, can do per request (read it, answer a fixed 200). Every localray figure of
// tests/bench/suite.py is compared with this server loaded by the same generator in the same run.
//
//   build/tests/localray_hello_server [--threads N]   (prints "port N", serves until killed)
#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

asio::awaitable<void> serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = R"({"ok":true})";
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    auto [wec, w] = co_await http::async_write(socket, response, asio::as_tuple(asio::use_awaitable));
    if (wec || !response.keep_alive()) co_return;
  }
}

asio::awaitable<void> accept(tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    socket.set_option(tcp::no_delay{true});
    // Like localray, each connection is served on the pool's executor, whichever thread is free.
    auto ex = acceptor.get_executor();
    asio::co_spawn(ex, serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = std::max(2u, std::thread::hardware_concurrency());
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string{argv[i]} == "--threads") threads = static_cast<unsigned>(std::stoul(argv[i + 1]));
  asio::io_context io{static_cast<int>(threads)};
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  std::printf("port %u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  asio::co_spawn(io, accept(acceptor), asio::detached);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}
