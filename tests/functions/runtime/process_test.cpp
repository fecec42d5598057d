// ChildProcess: a worker's exit is the process's exit, whatever the reactor says about its pidfd.
#include "functions/runtime/process.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace localray::functions::runtime {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

LaunchSpec sleep_for_a_minute() {
  LaunchSpec spec;
  spec.program = "/bin/sleep";
  spec.args = {"sleep", "60"};
  spec.env = {"PATH=/usr/bin:/bin"};
  return spec;
}

// A process holding a copy of every descriptor of this one, as a worker does between fork and
// exec; it dies with this process or this guard.
struct DescriptorHolder {
  pid_t pid = ::fork();
  DescriptorHolder() {
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      for (int fd : {0, 1, 2}) ::close(fd);  // not ctest's pipes: they would keep ctest waiting
      ::pause();
      ::_exit(0);
    }
  }
  ~DescriptorHolder() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

// A connected socket asio opened itself (one it accepted, or was handed, may have copies and is
// removed from epoll explicitly): a connection localray makes, or a Runtime API's listener.
struct OpenedSocket {
  explicit OpenedSocket(asio::io_context& io, asio::ip::tcp::acceptor& acceptor) : opened{io}, peer{io} {
    opened.connect(acceptor.local_endpoint());
    acceptor.accept(peer);
  }
  asio::ip::tcp::socket opened, peer;
};

// asio closes a socket it opened without removing it from epoll (close does that), which is only
// true when no other process holds the file: a worker forked and not yet exec'd holds every one.
// The registration then outlives the socket, and its readiness is reported to whatever asio made
// of the freed state next: here, the new worker's pidfd. That woke the wait for a worker's exit
// while the worker ran (Node.js workers starting by the dozen beside the edge's connections), and
// reaping it killed the worker in the middle of a run.
TEST(ChildProcessTest, AReadinessLeftOverFromAClosedSocketDoesNotEndALiveProcess) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  OpenedSocket premise{io, acceptor}, stale{io, acceptor};
  DescriptorHolder holder;
  ASSERT_GE(holder.pid, 0);

  // The premise, on a plain descriptor: the readiness of a closed socket reaches what took its place.
  premise.opened.close();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  asio::posix::stream_descriptor quiet{io, fds[0]};
  bool woken = false;
  quiet.async_wait(asio::posix::stream_descriptor::wait_read, [&](boost::system::error_code) { woken = true; });
  io.run_for(50ms);
  ASSERT_FALSE(woken);
  asio::write(premise.peer, asio::buffer("x", 1));
  io.run_for(200ms);
  ASSERT_TRUE(woken) << "asio no longer passes a closed socket's readiness on: this test would test nothing";
  ::close(fds[1]);
  io.restart();  // it ran out of work

  stale.opened.close();
  auto spawned = ChildProcess::spawn(io.get_executor(), sleep_for_a_minute(), [](std::string_view, bool) {});
  ASSERT_TRUE(spawned) << spawned.error().message;
  auto& child = *spawned;
  bool ended = false;
  int status = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    status = co_await child->wait();
    ended = true;
  }, asio::detached);
  io.run_for(100ms);  // the wait for its exit is under way, as for every worker
  ASSERT_FALSE(io.stopped()) << "the wait is pending";
  asio::write(stale.peer, asio::buffer("x", 1));  // readiness on the registration the closed socket left
  io.run_for(500ms);
  EXPECT_FALSE(ended) << "the wait ended with the process still running: " << describe_wait_status(status);
  EXPECT_EQ(::kill(child->pid(), 0), 0) << "the process is alive";

  child->kill();
  for (auto until = std::chrono::steady_clock::now() + 5s; !ended && std::chrono::steady_clock::now() < until;) io.run_for(50ms);
  EXPECT_TRUE(ended) << "the wait ends once the process is gone";
  EXPECT_EQ(describe_wait_status(status), "signal: killed");
}

TEST(ChildProcessTest, AnExitIsReportedWithItsStatus) {
  asio::io_context io;
  LaunchSpec spec;
  spec.program = "/bin/sh";
  spec.args = {"sh", "-c", "echo out; exit 3"};
  spec.env = {"PATH=/usr/bin:/bin"};
  std::vector<std::string> lines;
  auto spawned = ChildProcess::spawn(io.get_executor(), spec, [&](std::string_view line, bool) { lines.emplace_back(line); });
  ASSERT_TRUE(spawned) << spawned.error().message;
  int status = -1;
  asio::co_spawn(io, [&, child = spawned->get()]() -> asio::awaitable<void> { status = co_await child->wait(); }, asio::detached);
  io.run_for(5s);
  EXPECT_EQ(describe_wait_status(status), "exit status 3");
  EXPECT_EQ(lines, std::vector<std::string>{"out"}) << "the output is read to the end before the wait ends";
}

}  // namespace
}  // namespace localray::functions::runtime
