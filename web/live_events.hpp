#pragma once
// Server-sent events for the console: each commit of the trace store becomes one `traces` event
// naming the traces it touched, so an open page refreshes only when there is something new.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "http/message.hpp"

namespace localray::web {

class LiveEvents {
 public:
  // The response for GET /_localray/events: an event stream that lives until the client leaves
  // or close() is called.
  http::Response subscribe(boost::asio::any_io_executor executor);
  // Thread-safe; called by the store's writer thread after a commit.
  void publish(const std::vector<std::string>& trace_ids);
  // Ends every stream (shutdown).
  void close();
  std::size_t subscribers();

  class Stream;

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<Stream>> streams_;
  bool closed_ = false;
};

// The wire form of one event, exposed for tests.
std::string traces_event(const std::vector<std::string>& trace_ids);

}  // namespace localray::web
