#include "emulator/app_reload.hpp"

#include <fstream>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <spdlog/spdlog.h>

#include "config/cloudformation/loader.hpp"
#include "emulator/topology_delta.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds{500};

std::string read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

AppReloader::AppReloader(Services& s, asio::any_io_executor ex, const Options& options, std::uint64_t seed, StackDeployer& deployer,
                         cloudformation::model::Stacks& stacks, config::Topology loaded, AppliedResources made, std::shared_ptr<spdlog::logger> log)
    : s_{s}, ex_{ex}, options_{options}, seed_{seed}, deployer_{deployer}, stacks_{stacks}, topology_{std::move(loaded)}, made_{std::move(made)},
      log_{std::move(log)}, timer_{ex} {}

AppReloader::Stamps AppReloader::stamps() const {
  Stamps out;
  std::vector<std::string> files = options_.templates;
  if (options_.cdk_out) {
    files.push_back((fs::path{*options_.cdk_out} / "manifest.json").string());
    for (const auto& stack : topology_.stacks) files.push_back(stack.file);
  }
  for (const auto& f : files) {
    std::error_code ec;
    auto t = fs::last_write_time(f, ec);
    out[f] = ec ? fs::file_time_type::min() : t;
  }
  return out;
}

void AppReloader::start() {
  seen_ = stamps();
  schedule();
}

void AppReloader::stop() {
  stopped_ = true;
  timer_.cancel();
}

void AppReloader::schedule() {
  timer_.expires_after(kPollInterval);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    auto now = stamps();
    if (now != seen_) {
      seen_ = std::move(now);
      changed_ = true;  // wait for the files to settle
    } else if (changed_ && !reloading_) {
      changed_ = false;
      reloading_ = true;
      asio::co_spawn(ex_, reload(), [this](std::exception_ptr) {
        reloading_ = false;
        if (!stopped_) schedule();
      });
      return;
    }
    schedule();
  });
}

asio::awaitable<void> AppReloader::reload() {
  config::cloudformation::Environment env{topology_.region, topology_.account, s_.edge_url, seed_};
  auto loaded = config::cloudformation::load_app({options_.templates, options_.cdk_out, options_.parameters}, env);
  if (!loaded) {
    log_->error("--watch: not reloaded: {}", loaded.error().message);
    co_return;
  }
  TopologyDelta delta = topology_delta(topology_, made_, *loaded);
  auto count = [](const AppliedResources& r) {
    return r.topics.size() + r.queues.size() + r.tables.size() + r.functions.size() + r.apis.size() + r.subscriptions.size() + r.mappings.size();
  };
  const std::size_t removed = count(delta.remove), kept = count(delta.keep);
  {
    std::lock_guard lock{s_.stacks_mutex};
    std::erase_if(s_.stacks, [this](const config::Stack& st) {
      return std::any_of(topology_.stacks.begin(), topology_.stacks.end(), [&st](const config::Stack& old) { return old.name == st.name; });
    });
  }
  co_await remove_resources(s_, delta.remove);
  AppliedResources created;
  auto applied = co_await apply_topology(s_, ex_, options_, delta.create, log_, created);
  made_ = merge(std::move(delta.keep), created);
  deployer_.adopt(&topology_, *loaded);
  topology_ = std::move(*loaded);
  if (!applied) {
    log_->error("--watch: reloaded in part: {}", applied.error().message);
    co_return;
  }
  for (const auto& stack : topology_.stacks)
    stacks_.record_existing(stack.name, stack.id, read_all(stack.file), deployed_of(stack, s_.clock.now()));
  log_->info("--watch: templates reloaded: {} resources kept, {} removed, {} made", kept, removed, count(created));
}

}  // namespace localray::emulator
