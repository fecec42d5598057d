#include "http/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace localray::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tracing::Error;
using tracing::Result;

Result<Url> Url::parse(std::string_view text) {
  Url u;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return Error{"URL needs a scheme: " + std::string{text}};
  u.scheme = text.substr(0, scheme_end);
  if (u.scheme != "http" && u.scheme != "https") return Error{"only http:// and https:// URLs are supported, got " + std::string{text}};
  text.remove_prefix(scheme_end + 3);
  auto slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string{text.substr(slash)};
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
    u.port = u.scheme == "https" ? "443" : "80";
  }
  if (u.host.empty()) return Error{"URL has no host"};
  return u;
}

namespace {

// An endpoint on this machine rarely has a certificate a public CA signed; localray talks to it
// as a developer's curl -k would.
asio::ssl::context& tls_context() {
  static asio::ssl::context ctx = [] {
    asio::ssl::context c{asio::ssl::context::tls_client};
    c.set_verify_mode(asio::ssl::verify_none);
    return c;
  }();
  return ctx;
}

template <class Stream>
asio::awaitable<Result<ClientResponse>> send(Stream& stream, beast::http::verb verb, const Url& url, const Headers& headers,
                                             const std::string& body) {
  beast::http::request<beast::http::string_body> req{verb, url.target, 11};
  bool default_port = url.port == (url.scheme == "https" ? "443" : "80");
  req.set(beast::http::field::host, url.host + (default_port ? "" : ":" + url.port));
  req.set(beast::http::field::user_agent, "localray");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (verb != beast::http::verb::get) {
    req.body() = body;
    req.prepare_payload();
  }
  auto [wec, wn] = co_await beast::http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
  if (wec) co_return Error{"write: " + wec.message()};
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(8 * 1024 * 1024);
  auto [rdec, rn] = co_await beast::http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (rdec) co_return Error{"read: " + rdec.message()};
  auto res = parser.release();
  ClientResponse out;
  out.status = res.result_int();
  for (const auto& f : res) out.headers.add(std::string{f.name_string()}, std::string{f.value()});
  out.body = std::move(res.body());
  co_return out;
}

asio::awaitable<Result<ClientResponse>> exchange(asio::any_io_executor ex, beast::http::verb verb, const Url& url, const Headers& headers,
                                                 const std::string& body, std::chrono::milliseconds timeout) {
  asio::ip::tcp::resolver resolver{ex};
  auto [rec, endpoints] = co_await resolver.async_resolve(url.host, url.port, asio::as_tuple(asio::use_awaitable));
  if (rec) co_return Error{"resolve " + url.host + ": " + rec.message()};
  beast::tcp_stream tcp{ex};
  tcp.expires_after(timeout);
  auto [cec, ep] = co_await tcp.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
  if (cec) co_return Error{"connect " + url.host + ":" + url.port + ": " + cec.message()};
  if (url.scheme != "https") {
    auto r = co_await send(tcp, verb, url, headers, body);
    beast::error_code ignored;
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    co_return r;
  }
  beast::ssl_stream<beast::tcp_stream> tls{std::move(tcp), tls_context()};
  SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str());  // SNI, for endpoints that serve several names
  auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
  if (hec) co_return Error{"TLS handshake with " + url.host + ":" + url.port + ": " + hec.message()};
  auto r = co_await send(tls, verb, url, headers, body);
  // A server that never sends close_notify must not hold the call to its whole deadline.
  beast::get_lowest_layer(tls).expires_after(std::chrono::seconds{2});
  auto [sec] = co_await tls.async_shutdown(asio::as_tuple(asio::use_awaitable));
  (void)sec;  // many servers close without a TLS close_notify
  co_return r;
}

}  // namespace

asio::awaitable<Result<ClientResponse>> get(asio::any_io_executor ex, const Url& url, const Headers& headers,
                                            std::chrono::milliseconds timeout) {
  static const std::string no_body;
  return exchange(std::move(ex), beast::http::verb::get, url, headers, no_body, timeout);
}

asio::awaitable<Result<ClientResponse>> post(asio::any_io_executor ex, const Url& url, const Headers& headers, const std::string& body,
                                             std::chrono::milliseconds timeout) {
  return exchange(std::move(ex), beast::http::verb::post, url, headers, body, timeout);
}

}  // namespace localray::http
