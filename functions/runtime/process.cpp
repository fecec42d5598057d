#include "functions/runtime/process.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace localray::functions::runtime {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    // Go's os/exec wording, which AWS's runtime errors repeat.
    if (sig == SIGKILL) return "signal: killed";
    if (sig == SIGSEGV) return "signal: segmentation fault";
    if (sig == SIGABRT) return "signal: aborted";
    if (sig == SIGTERM) return "signal: terminated";
    return "signal: " + std::string{strsignal(sig)};
  }
  return "status " + std::to_string(status);
}

struct ChildProcess::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, pid_t pid, int pidfd, int out, int err, LineSink sink)
      : strand{asio::make_strand(ex)}, pid{pid}, exited{strand, pidfd}, out{strand, out}, err{strand, err},
        readers_done{strand, asio::steady_timer::time_point::max()}, sink{std::move(sink)} {}

  asio::strand<asio::any_io_executor> strand;
  pid_t pid;
  asio::posix::stream_descriptor exited;  // the pidfd: readable once the process has exited
  asio::posix::stream_descriptor out, err;
  asio::steady_timer readers_done;         // cancelled when both readers reach the end (strand only)
  int open_readers = 2;                    // strand only
  // Set once waitpid has returned: the pid (and its group id) may then belong to someone else.
  std::atomic<bool> reaped{false};
  int status = 0;
  LineSink sink;

  asio::awaitable<void> read_lines(asio::posix::stream_descriptor& fd, bool is_stderr) {
    auto self = shared_from_this();
    std::string pending;
    char buf[16 * 1024];
    for (;;) {
      auto [ec, n] = co_await fd.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      pending.append(buf, n);
      std::size_t start = 0;
      for (;;) {
        auto nl = pending.find('\n', start);
        if (nl == std::string::npos) break;
        std::string_view line{pending.data() + start, nl - start};
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        sink(line, is_stderr);
        start = nl + 1;
      }
      pending.erase(0, start);
      while (pending.size() >= kMaxLineBytes) {
        sink(std::string_view{pending}.substr(0, kMaxLineBytes), is_stderr);
        pending.erase(0, kMaxLineBytes);
      }
    }
    if (!pending.empty()) sink(pending, is_stderr);
    boost::system::error_code ignored;
    fd.close(ignored);
    if (--open_readers == 0) readers_done.cancel();
  }

  // Whether the process has ended, leaving it unreaped (its group id stays reserved). A failing
  // waitid (the child reaped elsewhere) counts as ended: the pidfd would stay readable and the
  // wait would never settle otherwise.
  bool has_exited() const {
    siginfo_t info{};
    int r;
    do r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    while (r != 0 && errno == EINTR);
    return r != 0 || info.si_pid == pid;
  }

  // Strand only. What the program left running in its group goes with it first, while the
  // unreaped leader still holds the group's id.
  void reap() {
    if (reaped) return;
    ::kill(-pid, SIGKILL);
    int st = 0;
    if (::waitpid(pid, &st, 0) == pid) status = st;
    reaped = true;
  }
};

tracing::Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(asio::any_io_executor ex, const LaunchSpec& spec, LineSink sink) {
  // Everything the child needs is prepared before fork: between fork and exec only system calls.
  std::vector<char*> argv, envp;
  for (const auto& a : spec.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const char* program = spec.program.c_str();
  const char* cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();

  int out[2], err[2], report[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return tracing::Error{std::string{"pipe: "} + std::strerror(errno)};
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]), ::close(out[1]);
    return tracing::Error{std::string{"pipe: "} + std::strerror(errno)};
  }
  // The child writes errno here when exec fails; a clean exec closes it (O_CLOEXEC) unwritten.
  if (::pipe2(report, O_CLOEXEC) != 0) {
    ::close(out[0]), ::close(out[1]), ::close(err[0]), ::close(err[1]);
    return tracing::Error{std::string{"pipe: "} + std::strerror(errno)};
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    int e = 0;
    if (cwd && ::chdir(cwd) != 0) e = errno;
    if (e == 0) {
      ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
      ::execve(program, argv.data(), envp.data());
      e = errno;
    }
    [[maybe_unused]] auto w = ::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  ::close(report[1]);
  if (pid < 0) {
    int e = errno;
    ::close(out[0]), ::close(err[0]), ::close(report[0]);
    return tracing::Error{std::string{"fork: "} + std::strerror(e)};
  }
  int exec_errno = 0;
  ssize_t got;
  do got = ::read(report[0], &exec_errno, sizeof exec_errno);
  while (got < 0 && errno == EINTR);
  ::close(report[0]);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    ::waitpid(pid, nullptr, 0);
    ::close(out[0]), ::close(err[0]);
    return tracing::Error{std::string{std::strerror(exec_errno)}};
  }
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int e = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::close(out[0]), ::close(err[0]);
    return tracing::Error{std::string{"pidfd_open: "} + std::strerror(e)};
  }
  auto impl = std::make_shared<Impl>(std::move(ex), pid, pidfd, out[0], err[0], std::move(sink));
  asio::co_spawn(impl->strand, impl->read_lines(impl->out, false), asio::detached);
  asio::co_spawn(impl->strand, impl->read_lines(impl->err, true), asio::detached);
  return std::unique_ptr<ChildProcess>{new ChildProcess{std::move(impl)}};
}

ChildProcess::ChildProcess(std::shared_ptr<Impl> impl) : impl_{std::move(impl)} {}

ChildProcess::~ChildProcess() {
  kill();
  // Reaped on its strand once dead (a process killed with SIGKILL is gone in microseconds); its
  // pipes closed, so that readers kept open by a descendant outside the group end too.
  asio::dispatch(impl_->strand, [impl = impl_] {
    impl->reap();
    boost::system::error_code ignored;
    impl->exited.close(ignored);
    impl->out.close(ignored);
    impl->err.close(ignored);
  });
}

pid_t ChildProcess::pid() const { return impl_->pid; }

void ChildProcess::kill() {
  if (impl_->reaped) return;
  ::kill(-impl_->pid, SIGKILL);
  ::kill(impl_->pid, SIGKILL);
}

asio::awaitable<int> ChildProcess::wait() {
  using namespace asio::experimental::awaitable_operators;
  auto impl = impl_;
  co_await asio::dispatch(asio::bind_executor(impl->strand, asio::use_awaitable));
  // The pidfd's readiness is taken as a hint, not as the exit: under load the reactor was seen to
  // wake this wait while the process still ran (many Node.js workers starting at once on two
  // cores), and reaping then would SIGKILL a live worker in the middle of its run.
  while (!impl->reaped) {
    auto [ec] = co_await impl->exited.async_wait(asio::posix::stream_descriptor::wait_read, asio::as_tuple(asio::use_awaitable));
    co_await asio::dispatch(asio::bind_executor(impl->strand, asio::use_awaitable));
    if (impl->reaped) break;  // reaped by the destructor, which closed the pidfd
    if (impl->has_exited() || !impl->exited.is_open()) {
      impl->reap();
      break;
    }
    if (ec) {
      // Not a spurious wake but a failing wait: look again a little later rather than spin.
      asio::steady_timer again{impl->strand, 50ms};
      co_await again.async_wait(asio::as_tuple(asio::use_awaitable));
      co_await asio::dispatch(asio::bind_executor(impl->strand, asio::use_awaitable));
    }
  }
  if (impl->open_readers > 0) {
    // Output still buffered is read to the end; a descendant that escaped the group and holds
    // the pipes open does not hold the exit up for longer than this.
    asio::steady_timer bound{impl->strand, 500ms};
    // Named: GCC 12 destroys temporaries made inside a co_await expression twice.
    auto read_out = impl->readers_done.async_wait(asio::as_tuple(asio::use_awaitable));
    auto give_up = bound.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await (std::move(read_out) || std::move(give_up));
  }
  co_return impl->status;
}

}  // namespace localray::functions::runtime
