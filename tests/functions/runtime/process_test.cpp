// ChildProcess: a worker's exit is the process's exit, whatever the reactor says about its pidfd.
#include "functions/runtime/process.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
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

// asio closes a socket it opened without removing it from epoll (close does that), which is only
// true when no other process holds the file: a worker forked and not yet exec'd holds every one.
// The registration then outlives the socket, and its readiness is reported to whatever asio made
// of the freed state next: here, the new worker's pidfd. That woke the wait for a worker's exit
// while the worker ran (Node.js workers starting by the dozen beside the edge's connections), and
// reaping it killed the worker in the middle of a run.
TEST(ChildProcessTest, AReadinessLeftOverFromAClosedDescriptorDoesNotEndALiveProcess) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  // A socket asio opened itself (one it accepted or was handed may have copies, and is removed
  // from epoll explicitly): a connection localray makes, or a Runtime API's listener.
  asio::ip::tcp::socket opened{io}, peer{io};
  opened.connect(acceptor.local_endpoint());
  acceptor.accept(peer);
  // Holds a copy of every descriptor, as a worker does between fork and exec.
  pid_t holder = ::fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    ::pause();
    ::_exit(0);
  }
  opened.close();
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
  asio::write(peer, asio::buffer("x", 1));  // readiness on the registration the closed socket left
  io.run_for(500ms);
  EXPECT_FALSE(ended) << "the wait ended with the process still running: " << describe_wait_status(status);
  EXPECT_EQ(::kill(child->pid(), 0), 0) << "the process is alive";

  child->kill();
  for (auto until = std::chrono::steady_clock::now() + 5s; !ended && std::chrono::steady_clock::now() < until;) io.run_for(50ms);
  EXPECT_TRUE(ended) << "the wait ends once the process is gone";
  EXPECT_EQ(describe_wait_status(status), "signal: killed");

  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
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
