#pragma once
// A child process localray starts and owns: started from an argument vector (never a shell), its
// stdout and stderr read line by line, its exit awaited without a SIGCHLD handler (a pidfd), and
// killed with its whole process group. It also dies with localray (PR_SET_PDEATHSIG), so a crash
// of the emulator leaves no worker behind.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <sys/types.h>

#include "tracing/error.hpp"

namespace localray::functions::runtime {

struct LaunchSpec {
  std::string program;            // executed as is: an absolute path
  std::vector<std::string> args;  // argv, argv[0] included
  std::vector<std::string> env;   // "NAME=value", the whole environment
  std::string cwd;
  // The program is one of localray's bootstraps: before it answers a run it writes an end mark
  // (kOutputEndMark + request id) on stdout and on stderr, so every line of that run is known to
  // have been read before the run is answered.
  bool marks_output_ends = false;
};

constexpr std::string_view kOutputEndMark = "\x1eLOCALRAY_END ";

// How a process ended, in the words AWS's runtime errors use: "exit status 1", "signal: killed".
std::string describe_wait_status(int status);

class ChildProcess {
 public:
  // Called for each line (without its newline) the process writes; lines longer than
  // kMaxLineBytes are cut into pieces.
  using LineSink = std::function<void(std::string_view line, bool is_stderr)>;
  static constexpr std::size_t kMaxLineBytes = 64 * 1024;

  // Fails with the reason exec failed (e.g. "No such file or directory") when the program cannot start.
  static tracing::Result<std::unique_ptr<ChildProcess>> spawn(boost::asio::any_io_executor ex, const LaunchSpec& spec, LineSink sink);
  ~ChildProcess();  // kills the process group and reaps it if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const;
  // Completes once the process has exited and its output has been read to the end; the wait status.
  boost::asio::awaitable<int> wait();
  // SIGKILL to the process group (children the program started go too).
  void kill();

 private:
  struct Impl;
  explicit ChildProcess(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace localray::functions::runtime
