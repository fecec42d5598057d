#include "web/live_events.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>

#include "http/event_stream.hpp"

namespace localray::web {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {
// Proxies and browsers drop a silent connection; a comment line keeps it open.
constexpr auto kKeepAlive = 15s;
// A page only needs to know that something changed; the ids are a hint, capped per event.
constexpr std::size_t kMaxIdsPerEvent = 50;
// A client that stops reading must not hold memory without bound.
constexpr std::size_t kMaxPendingEvents = 64;
}  // namespace

std::string traces_event(const std::vector<std::string>& trace_ids) {
  nlohmann::json ids = nlohmann::json::array();
  for (std::size_t i = 0; i < trace_ids.size() && i < kMaxIdsPerEvent; ++i) ids.push_back(trace_ids[i]);
  return "event: traces\ndata: " + nlohmann::json{{"traceIds", ids}, {"count", trace_ids.size()}}.dump() + "\n\n";
}

// Every member is touched only on the strand: push() posts to it, next() runs on it, so a chunk
// pushed between the check and the wait cancels the wait instead of being missed.
class LiveEvents::Stream : public http::EventStream, public std::enable_shared_from_this<Stream> {
 public:
  explicit Stream(asio::any_io_executor ex) : strand_{asio::make_strand(ex)}, timer_{strand_} {}

  void push(std::string chunk) {
    asio::post(strand_, [self = shared_from_this(), chunk = std::move(chunk)]() mutable {
      if (self->pending_.size() >= kMaxPendingEvents) self->pending_.pop_front();
      self->pending_.push_back(std::move(chunk));
      self->timer_.cancel();
    });
  }
  void end() {
    asio::post(strand_, [self = shared_from_this()] {
      self->ended_ = true;
      self->timer_.cancel();
    });
  }

  asio::awaitable<std::optional<std::string>> next() override {
    auto self = shared_from_this();
    co_await asio::dispatch(strand_, asio::use_awaitable);
    for (;;) {
      if (!pending_.empty()) {
        std::string chunk = std::move(pending_.front());
        pending_.pop_front();
        co_return chunk;
      }
      if (ended_) co_return std::nullopt;
      timer_.expires_after(kKeepAlive);
      auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
      if (!ec) co_return std::string{": keepalive\n\n"};
    }
  }

 private:
  asio::strand<asio::any_io_executor> strand_;
  asio::steady_timer timer_;
  std::deque<std::string> pending_;
  bool ended_ = false;
};

http::Response LiveEvents::subscribe(asio::any_io_executor executor) {
  auto stream = std::make_shared<Stream>(std::move(executor));
  // The first chunk tells the browser how long to wait before reconnecting.
  stream->push("retry: 2000\n\n");
  {
    std::lock_guard lock{mutex_};
    std::erase_if(streams_, [](const auto& w) { return w.expired(); });
    if (closed_) stream->end();
    else streams_.push_back(stream);
  }
  http::Response r;
  r.status = 200;
  r.headers.set("Content-Type", "text/event-stream; charset=utf-8");
  r.headers.set("Cache-Control", "no-cache");
  r.headers.set("X-Accel-Buffering", "no");
  r.stream = std::move(stream);
  return r;
}

void LiveEvents::publish(const std::vector<std::string>& trace_ids) {
  if (trace_ids.empty()) return;
  std::vector<std::shared_ptr<Stream>> live;
  {
    std::lock_guard lock{mutex_};
    for (const auto& w : streams_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  if (live.empty()) return;
  std::string event = traces_event(trace_ids);
  for (auto& s : live) s->push(event);
}

void LiveEvents::close() {
  std::lock_guard lock{mutex_};
  closed_ = true;
  for (const auto& w : streams_)
    if (auto s = w.lock()) s->end();
  streams_.clear();
}

std::size_t LiveEvents::subscribers() {
  std::lock_guard lock{mutex_};
  std::erase_if(streams_, [](const auto& w) { return w.expired(); });
  return streams_.size();
}

}  // namespace localray::web
