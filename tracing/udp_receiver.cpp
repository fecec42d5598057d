#include "tracing/udp_receiver.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <cctype>

#include "tracing/segment_json.hpp"

namespace localray::tracing {

namespace asio = boost::asio;

Result<Segment> parse_daemon_datagram(std::string_view datagram) {
  auto nl = datagram.find('\n');
  if (nl == std::string_view::npos) return Error{"no header line"};
  auto header = nlohmann::json::parse(datagram.substr(0, nl), nullptr, false);
  if (header.is_discarded() || !header.is_object()) return Error{"header is not a JSON object"};
  auto member = header.find("format");
  if (member == header.end() || !member->is_string()) return Error{"header format must be json"};
  auto format = member->get<std::string>();
  for (auto& c : format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (format != "json") return Error{"header format must be json"};
  auto version = header.find("version");
  if (version == header.end() || !version->is_number_integer() || version->get<int>() != 1) return Error{"header version must be 1"};
  return parse_segment_document(datagram.substr(nl + 1));
}

struct UdpReceiver::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, Pipeline& p, std::shared_ptr<spdlog::logger> l) : socket{ex}, pipeline{p}, log{std::move(l)} {}
  asio::ip::udp::socket socket;
  Pipeline& pipeline;
  std::shared_ptr<spdlog::logger> log;
  std::atomic<std::uint64_t> received{0}, rejected{0};

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    // One byte more than the limit tells an oversize datagram from one that fits exactly.
    std::vector<char> buffer(kMaxDatagramBytes + 1);
    asio::ip::udp::endpoint sender;
    for (;;) {
      auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buffer), sender, asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted || !socket.is_open()) co_return;
      if (ec) {
        log->warn("xray udp: {}", ec.message());
        continue;
      }
      ++received;
      if (n > kMaxDatagramBytes) {
        ++rejected;
        log->warn("xray udp: datagram from {} over 64 KB dropped", sender.address().to_string());
        continue;
      }
      auto seg = parse_daemon_datagram(std::string_view{buffer.data(), n});
      if (!seg) {
        ++rejected;
        log->warn("xray udp: datagram from {} dropped: {}", sender.address().to_string(), seg.error().message);
        continue;
      }
      log->debug("[{}] xray udp: segment {} ({})", seg->trace_id, seg->id, seg->name);
      pipeline.offer(std::move(*seg));
    }
  }
};

UdpReceiver::UdpReceiver(asio::any_io_executor ex, Pipeline& pipeline, std::shared_ptr<spdlog::logger> log)
    : impl_{std::make_shared<Impl>(std::move(ex), pipeline, std::move(log))} {}

UdpReceiver::~UdpReceiver() { stop(); }

Result<unsigned short> UdpReceiver::listen(const std::string& host, unsigned short port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return Error{host + ": not an IP address"};
  asio::ip::udp::endpoint ep{address, port};
  impl_->socket.open(ep.protocol(), ec);
  if (!ec) impl_->socket.bind(ep, ec);
  if (ec) return Error{"cannot bind UDP " + host + ":" + std::to_string(port) + ": " + ec.message()};
  asio::co_spawn(impl_->socket.get_executor(), impl_->run(), asio::detached);
  return impl_->socket.local_endpoint().port();
}

void UdpReceiver::stop() {
  if (!impl_) return;
  asio::post(impl_->socket.get_executor(), [impl = impl_] {
    boost::system::error_code ignored;
    impl->socket.close(ignored);
  });
}

std::uint64_t UdpReceiver::received() const { return impl_->received; }
std::uint64_t UdpReceiver::rejected() const { return impl_->rejected; }

}  // namespace localray::tracing
