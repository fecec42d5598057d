#pragma once
// Threads for work that blocks: X-Ray queries that scan stored traces, SQLite writes of groups and
// sampling rules. They run below the I/O threads' scheduling priority, so on a busy machine a long
// scan gets the CPU the I/O threads leave and an SQS call never waits behind it.
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace localray::emulator {

class BlockingPool {
 public:
  explicit BlockingPool(unsigned threads);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  boost::asio::any_io_executor executor();
  // Work already running finishes; queued work is dropped. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace localray::emulator
