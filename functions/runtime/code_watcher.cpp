#include "functions/runtime/code_watcher.hpp"

#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>

#include "functions/runtime/worker_pool.hpp"

namespace localray::functions::runtime {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t kEvents = IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB;

bool skipped_folder(const fs::path& p) {
  auto name = p.filename().string();
  return name == "node_modules" || name == ".git" || name == "__pycache__";
}

}  // namespace

struct CodeWatcher::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, std::shared_ptr<spdlog::logger> log) : strand{asio::make_strand(ex)}, events{strand}, log{std::move(log)} {}

  struct Root {
    std::vector<std::pair<std::weak_ptr<WorkerPool>, std::string>> pools;
    std::unique_ptr<asio::steady_timer> settle;  // armed while changes come in
  };

  asio::strand<asio::any_io_executor> strand;
  asio::posix::stream_descriptor events;
  std::shared_ptr<spdlog::logger> log;
  std::map<int, std::pair<std::string, fs::path>> watches;  // wd -> (root, folder); strand only
  std::map<std::string, Root> roots;                        // strand only

  void add_folder(const std::string& root, const fs::path& folder) {
    int wd = inotify_add_watch(events.native_handle(), folder.c_str(), kEvents | IN_ONLYDIR);
    if (wd < 0) {
      log->warn("--watch: cannot watch {}: {}", folder.string(), std::strerror(errno));
      return;
    }
    watches[wd] = {root, folder};
    std::error_code ec;
    for (fs::directory_iterator it{folder, ec}, end; !ec && it != end; it.increment(ec))
      if (it->is_directory(ec) && !it->is_symlink(ec) && !skipped_folder(it->path())) add_folder(root, it->path());
  }

  // Folders whose functions are all gone (replaced by new code, deleted) stop being watched, so
  // repeated deployments do not pile up watches.
  void forget_unused_roots() {
    for (auto it = roots.begin(); it != roots.end();) {
      auto& pools = it->second.pools;
      std::erase_if(pools, [](const auto& p) { return p.first.expired(); });
      if (!pools.empty()) {
        ++it;
        continue;
      }
      for (auto w = watches.begin(); w != watches.end();) {
        if (w->second.first == it->first) {
          inotify_rm_watch(events.native_handle(), w->first);
          w = watches.erase(w);
        } else {
          ++w;
        }
      }
      if (it->second.settle) it->second.settle->cancel();
      it = roots.erase(it);
    }
  }

  void changed(const std::string& root) {
    auto& r = roots[root];
    if (!r.settle) r.settle = std::make_unique<asio::steady_timer>(strand);
    // Restarted by each change: an editor's save or a build's burst of writes is one change.
    r.settle->expires_after(150ms);
    r.settle->async_wait([self = shared_from_this(), root](boost::system::error_code ec) {
      if (ec) return;
      auto& pools = self->roots[root].pools;
      std::erase_if(pools, [](const auto& p) { return p.first.expired(); });
      for (auto& [weak, name] : pools)
        if (auto pool = weak.lock()) {
          self->log->info("[{}] code changed in {}: the next invocation runs it", name, root);
          pool->refresh();
        }
    });
  }

  asio::awaitable<void> read_events() {
    auto self = shared_from_this();
    alignas(inotify_event) char buffer[16 * 1024];
    for (;;) {
      auto [ec, n] = co_await events.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      std::set<std::string> touched;
      for (std::size_t at = 0; at + sizeof(inotify_event) <= n;) {
        auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
        at += sizeof(inotify_event) + e->len;
        auto w = watches.find(e->wd);
        if (w == watches.end()) continue;
        std::string name = e->len ? std::string{e->name} : std::string{};
        if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)) && !skipped_folder(name))
          add_folder(w->second.first, w->second.second / name);
        if (e->mask & IN_IGNORED) {
          watches.erase(w);
          continue;
        }
        if (name.ends_with(".pyc") || name.ends_with(".swp") || name.ends_with("~")) continue;
        if (e->mask & IN_ISDIR && skipped_folder(name)) continue;
        touched.insert(w->second.first);
      }
      for (const auto& root : touched) changed(root);
    }
  }
};

CodeWatcher::CodeWatcher(asio::any_io_executor ex, std::shared_ptr<spdlog::logger> log)
    : impl_{std::make_shared<Impl>(std::move(ex), std::move(log))} {}

CodeWatcher::~CodeWatcher() { stop(); }

tracing::Result<void> CodeWatcher::start() {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return tracing::Error{std::string{"--watch: inotify: "} + std::strerror(errno)};
  impl_->events.assign(fd);
  asio::co_spawn(impl_->strand, impl_->read_events(), asio::detached);
  return {};
}

void CodeWatcher::watch(const std::string& folder, std::weak_ptr<WorkerPool> pool, std::string function_name) {
  asio::dispatch(impl_->strand, [impl = impl_, folder, pool = std::move(pool), name = std::move(function_name)]() mutable {
    if (!impl->events.is_open()) return;
    impl->forget_unused_roots();
    auto& root = impl->roots[folder];
    bool first = root.pools.empty();
    root.pools.emplace_back(std::move(pool), std::move(name));
    if (first) impl->add_folder(folder, folder);
  });
}

void CodeWatcher::stop() {
  asio::dispatch(impl_->strand, [impl = impl_] {
    boost::system::error_code ignored;
    impl->events.close(ignored);
    for (auto& [root, r] : impl->roots)
      if (r.settle) r.settle->cancel();
  });
}

}  // namespace localray::functions::runtime
