#include "emulator/regions.hpp"

#include <mutex>

namespace localray::emulator {

Region& Regions::at(const base::Scope& scope) {
  {
    std::shared_lock lock{mutex_};
    if (auto it = regions_.find(scope); it != regions_.end()) return *it->second;
  }
  std::unique_lock lock{mutex_};
  if (auto it = regions_.find(scope); it != regions_.end()) return *it->second;
  // Made before it is inserted: a factory that throws leaves no empty slot behind.
  auto made = make_(scope);
  return *regions_.emplace(scope, std::move(made)).first->second;
}

Region& Regions::add(std::unique_ptr<Region> region) {
  std::unique_lock lock{mutex_};
  auto& slot = regions_[region->scope];
  slot = std::move(region);
  return *slot;
}

Region* Regions::find(const base::Scope& scope) const {
  std::shared_lock lock{mutex_};
  auto it = regions_.find(scope);
  return it == regions_.end() ? nullptr : it->second.get();
}

std::vector<Region*> Regions::all() const {
  std::shared_lock lock{mutex_};
  std::vector<Region*> out;
  for (const auto& [scope, r] : regions_) out.push_back(r.get());
  return out;
}

}  // namespace localray::emulator
