#include "emulator/blocking_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace localray::emulator {

namespace asio = boost::asio;

// Ten nice levels down: about a tenth of the CPU share of an I/O thread when both want a core.
constexpr int kNiceness = 10;

struct BlockingPool::Impl {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::vector<std::thread> threads;
};

BlockingPool::BlockingPool(unsigned threads) : impl_{std::make_unique<Impl>()} {
  for (unsigned i = 0; i < threads; ++i)
    impl_->threads.emplace_back([io = &impl_->io] {
      // Per thread on Linux: a thread id names the thread alone. Failing leaves it at the default.
      (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kNiceness);
      io->run();
    });
}

BlockingPool::~BlockingPool() { stop(); }

asio::any_io_executor BlockingPool::executor() { return impl_->io.get_executor(); }

void BlockingPool::stop() {
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
}

}  // namespace localray::emulator
