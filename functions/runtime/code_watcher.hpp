#pragma once
// --watch: when a file under a function's code folder changes, the function's idle workers stop
// and the next invocation starts one on the new code (busy workers finish their run first).
// Linux inotify, one watch per folder (node_modules, .git and __pycache__ are not watched: they
// change when code is installed or imported, not edited), changes within 150 ms taken together.
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/fwd.h>

#include "tracing/error.hpp"

namespace localray::functions::runtime {

class WorkerPool;

class CodeWatcher {
 public:
  CodeWatcher(boost::asio::any_io_executor ex, std::shared_ptr<spdlog::logger> log);
  ~CodeWatcher();
  CodeWatcher(const CodeWatcher&) = delete;
  CodeWatcher& operator=(const CodeWatcher&) = delete;

  tracing::Result<void> start();
  // From any thread. The pool is held weakly: a function replaced or deleted is forgotten.
  void watch(const std::string& folder, std::weak_ptr<WorkerPool> pool, std::string function_name);
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace localray::functions::runtime
