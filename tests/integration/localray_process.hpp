#pragma once
// Starts the real `localray` binary on free ports and talks to it over loopback.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/types.h>

namespace localray::testing {

struct HttpResult {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One synchronous request to 127.0.0.1:port; throws on transport errors (a test failure).
HttpResult http_request(unsigned short port, const std::string& method, const std::string& target, const std::string& body = {},
                        const std::map<std::string, std::string>& headers = {});

class LocalrayProcess {
 public:
  // `args` are appended to `--port 0 --xray-udp-port 0`; waits for the LOCALRAY_READY line.
  explicit LocalrayProcess(std::vector<std::string> args);
  ~LocalrayProcess();
  LocalrayProcess(const LocalrayProcess&) = delete;
  LocalrayProcess& operator=(const LocalrayProcess&) = delete;

  // SIGINT, then the exit status: 128 + signal if a signal ended it, -1 if it did not end within
  // `grace` and had to be killed.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds{10});
  // SIGKILL, as a crash or `kill -9` ends it.
  void kill_hard();

  pid_t pid() const { return pid_; }
  unsigned short port() const { return port_; }
  unsigned short udp_port() const { return udp_port_; }
  const nlohmann::json& ready() const { return ready_; }
  // The path part of the first API's invoke URL, e.g. /restapis/abc/prod/_user_request_
  std::string invoke_path() const;

  HttpResult post_json(const std::string& target, const nlohmann::json& body) const;
  // X-Ray APIs: POST + JSON, answer parsed; fails the test on a non-200.
  nlohmann::json xray(const std::string& path, const nlohmann::json& body) const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  unsigned short port_ = 0, udp_port_ = 0;
  nlohmann::json ready_;
};

std::string binary_path();

// Runs localray with `args` (after `--port 0 --xray-udp-port 0 --db :memory:`) until it exits on
// its own, as a start-up that must fail does; killed after `timeout`.
struct ExitResult {
  int status = -1;  // the exit code, or -1 if it had to be killed
  std::string output;  // stdout and stderr together
};
ExitResult run_to_exit(const std::vector<std::string>& args, std::chrono::milliseconds timeout = std::chrono::seconds{20});

// Writes `text` to `path`, making its folders first.
void write_file(const std::string& path, const std::string& text);

// Repeats `probe` until it returns true or `timeout` passes; returns the last result.
bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout);

}  // namespace localray::testing
