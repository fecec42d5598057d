#include "tests/integration/localray_process.hpp"

#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>
#include <thread>

namespace localray::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::string binary_path() {
  if (const char* p = std::getenv("LOCALRAY_BINARY")) return p;
  return LOCALRAY_BINARY_PATH;
}

HttpResult http_request(unsigned short port, const std::string& method, const std::string& target, const std::string& body,
                        const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(socket, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(socket, buffer, parser);
  auto res = parser.release();
  HttpResult out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name{f.name_string()};
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string{f.value()};
  }
  out.body = std::move(res.body());
  beast::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

namespace {

// Starts `argv` with its stdout (and stderr when `with_stderr`) on a pipe; `out[0]` is left open
// for reading.
pid_t spawn(std::vector<std::string> argv, bool with_stderr, int out[2]) {
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    if (with_stderr) dup2(out[1], STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  return pid;
}

}  // namespace

ExitResult run_to_exit(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{binary_path(), "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--db", ":memory:"};
  argv.insert(argv.end(), args.begin(), args.end());
  int out[2];
  pid_t pid = spawn(std::move(argv), true, out);
  ExitResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    auto n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;  // closed: the process has ended
    result.output.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) != pid) {
    for (int i = 0; i < 20 && waitpid(pid, &status, WNOHANG) != pid; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{50});
    if (kill(pid, 0) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return result;
    }
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

LocalrayProcess::LocalrayProcess(std::vector<std::string> args) {
  std::vector<std::string> argv{binary_path(), "--port", "0", "--xray-udp-port", "0", "--otlp-port", "0", "--log-level", "warn"};
  argv.insert(argv.end(), args.begin(), args.end());
  int out[2];
  pid_ = spawn(std::move(argv), false, out);
  stdout_fd_ = out[0];
  std::string seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    auto n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
    auto pos = seen.find("LOCALRAY_READY ");
    if (pos != std::string::npos) {
      auto end = seen.find('\n', pos);
      if (end == std::string::npos) continue;
      ready_ = nlohmann::json::parse(seen.substr(pos + 15, end - pos - 15));
      port_ = ready_.at("port").get<unsigned short>();
      udp_port_ = ready_.at("xray_udp_port").get<unsigned short>();
      // Keep draining stdout so the child never blocks on a full pipe.
      std::thread([fd = stdout_fd_] {
        char sink[4096];
        while (read(fd, sink, sizeof sink) > 0) {
        }
      }).detach();
      return;
    }
  }
  stop();
  throw std::runtime_error("localray did not become ready; output: " + seen);
}

LocalrayProcess::~LocalrayProcess() { stop(); }

int LocalrayProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGINT);
  int status = 0;
  for (auto until = std::chrono::steady_clock::now() + grace;;) {
    bool last = std::chrono::steady_clock::now() >= until;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (last) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

void LocalrayProcess::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string LocalrayProcess::invoke_path() const {
  std::string url = ready_.at("apis").at(0).at("invoke_url");
  return url.substr(url.find('/', std::string{"http://"}.size()));
}

HttpResult LocalrayProcess::post_json(const std::string& target, const nlohmann::json& body) const {
  return http_request(port_, "POST", target, body.dump(), {{"Content-Type", "application/json"}});
}

nlohmann::json LocalrayProcess::xray(const std::string& path, const nlohmann::json& body) const {
  auto r = post_json(path, body);
  if (r.status != 200) throw std::runtime_error("X-Ray " + path + " answered " + std::to_string(r.status) + ": " + r.body);
  return nlohmann::json::parse(r.body);
}

void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path{path}.parent_path());
  std::ofstream{path} << text;
}

bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (probe()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

}  // namespace localray::testing
