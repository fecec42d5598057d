#pragma once
// GET /_localray/metrics: the process in Prometheus text format: requests and latencies by service
// and operation, queue depths, the trace pipeline's backlog, lag and losses, invocations, errors
// and throttles by function, worker processes, event source mapping pollers, and the store.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "emulator/wiring.hpp"

namespace localray::emulator {

boost::asio::awaitable<std::string> render_metrics(Services& s);

}  // namespace localray::emulator
