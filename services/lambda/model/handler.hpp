#pragma once
// What runs inside a function: built-in C++ handlers implement Handler. The runner hands each
// invocation the trace context `Root=T;Parent=<Invocation subsegment>;Sampled=1` and the
// Invocation subsegment itself, so handler subsegments nest where the Lambda runtime puts them.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <spdlog/fwd.h>

#include "tracing/clock.hpp"
#include "tracing/ids.hpp"
#include "tracing/segment.hpp"
#include "tracing/trace_header.hpp"

namespace localray::lambda::model {

struct FunctionError {
  std::string type;     // e.g. "Error"
  std::string message;  // e.g. "SSL Cert Exception"
};

struct Span {
  tracing::TimePoint start, end;
};

struct HandlerResult {
  // JSON text returned by the function; with an error, the error document the runtime reported
  // (empty: the runner writes {"errorType","errorMessage"}).
  std::string payload;
  std::optional<FunctionError> error;
  // The cold start this run waited for (a runtime starting and loading the handler), when there was one.
  std::optional<Span> initialization;
};

struct InvocationContext {
  std::string request_id;
  std::string function_name;
  std::string function_arn;
  std::string event;  // JSON text
  std::string client_context;  // JSON text, when the caller sent one
  std::chrono::milliseconds timeout;
  tracing::TraceHeader trace;
  tracing::Segment& invocation;  // the Invocation subsegment: handlers add children here
  tracing::IdGenerator& ids;
  const tracing::Clock& clock;
  boost::asio::any_io_executor executor;
  std::shared_ptr<spdlog::logger> log;  // the function's log stream
  std::string output;                   // this run's log lines, for LogType=Tail

  // One line of the function's log: to the process log with request and trace id, and to `output`.
  void print(std::string_view line);

  // Opens a child of `parent` named `name`; close it with close().
  tracing::Segment& open(tracing::Segment& parent, std::string name) const {
    return parent.add_subsegment(std::move(name), ids.segment_id(), tracing::epoch_seconds(clock.now()));
  }
  void close(tracing::Segment& s) const { s.end_time = tracing::epoch_seconds(clock.now()); }
};

// "Task timed out after 3.00 seconds", as Lambda words a timeout.
std::string timeout_message(std::chrono::milliseconds timeout);

class Handler {
 public:
  virtual ~Handler() = default;
  virtual boost::asio::awaitable<HandlerResult> handle(InvocationContext& ctx) = 0;
  // True when the handler stops a run at ctx.timeout itself (and reports Sandbox.Timedout);
  // otherwise the runner abandons the run at the timeout.
  virtual bool enforces_timeout() const { return false; }
  // True when the handler reports its own cold starts in HandlerResult::initialization; otherwise
  // the runner counts warm environments itself.
  virtual bool reports_initialization() const { return false; }
};

}  // namespace localray::lambda::model
