#include "emulator/regions.hpp"

#include <mutex>

namespace localray::emulator {

Region& Regions::at(const base::Scope& scope) {
  {
    std::shared_lock lock{mutex_};
    if (auto it = regions_.find(scope); it != regions_.end()) return *it->second;
  }
  std::unique_lock lock{mutex_};
  auto& slot = regions_[scope];
  if (!slot) slot = make_(scope);
  return *slot;
}

Region& Regions::add(std::unique_ptr<Region> region) {
  std::unique_lock lock{mutex_};
  auto& slot = regions_[region->scope];
  slot = std::move(region);
  return *slot;
}

std::vector<Region*> Regions::all() const {
  std::shared_lock lock{mutex_};
  std::vector<Region*> out;
  for (const auto& [scope, r] : regions_) out.push_back(r.get());
  return out;
}

}  // namespace localray::emulator
