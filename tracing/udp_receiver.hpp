#pragma once
// The X-Ray daemon's UDP protocol: each datagram is a JSON header line
// (`{"format":"json","version":1}`), a newline, and one segment or subsegment document.
// UDP acknowledges nothing, so when the pipeline is full the oldest waiting segment goes.
#include <atomic>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/fwd.h>

#include "tracing/error.hpp"
#include "tracing/pipeline.hpp"

namespace localray::tracing {

constexpr std::size_t kMaxDatagramBytes = 64 * 1024;

// Splits and checks one datagram; the error says why it was dropped.
Result<Segment> parse_daemon_datagram(std::string_view datagram);

class UdpReceiver {
 public:
  UdpReceiver(boost::asio::any_io_executor ex, Pipeline& pipeline, std::shared_ptr<spdlog::logger> log);
  ~UdpReceiver();
  Result<unsigned short> listen(const std::string& host, unsigned short port);
  void stop();
  std::uint64_t received() const;
  std::uint64_t rejected() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace localray::tracing
