#include "tracing/recent_traces.hpp"

#include <unordered_map>

namespace localray::tracing {

std::optional<RecentTraces::Entry> RecentTraces::take(const std::string& trace_id) {
  auto it = index_.find(trace_id);
  if (it == index_.end()) return std::nullopt;
  auto slot = it->second;
  Entry out = std::move(slot->entry);
  if (out.first_write) ++first_returns_;
  out.first_write = false;
  documents_ -= out.documents.size();
  order_.erase(slot);
  index_.erase(it);
  return out;
}

void RecentTraces::put(const std::string& trace_id, Entry entry, double now) {
  erase(trace_id);
  if (!keeps(entry.documents.size())) {
    if (entry.tally_pending && entry.digest.tally) leaving_.push_back({entry.digest.row, std::move(*entry.digest.tally)});
    return;
  }
  if (entry.first_write && ++first_puts_ == 1024) {
    remember_all_ = first_returns_ * 50 >= first_puts_;
    first_puts_ = first_returns_ = 0;
  }
  documents_ += entry.documents.size();
  order_.push_front(Slot{trace_id, now, std::move(entry)});
  index_[trace_id] = order_.begin();
  while (documents_ > max_documents_) evict_oldest();
}

void RecentTraces::erase(const std::string& trace_id) {
  auto it = index_.find(trace_id);
  if (it == index_.end()) return;
  documents_ -= it->second->entry.documents.size();
  order_.erase(it->second);
  index_.erase(it);
}

void RecentTraces::clear() {
  order_.clear();
  index_.clear();
  leaving_.clear();
  documents_ = 0;
}

void RecentTraces::expire(double now, bool all) {
  while (!order_.empty() && (all || now - order_.back().written > max_idle_)) evict_oldest();
}

void RecentTraces::evict_oldest() {
  auto& entry = order_.back().entry;
  if (entry.tally_pending && entry.digest.tally) leaving_.push_back({entry.digest.row, std::move(*entry.digest.tally)});
  documents_ -= order_.back().entry.documents.size();
  index_.erase(order_.back().trace_id);
  order_.pop_back();
}

void RecentTraces::merge(std::vector<Segment>& stored, std::vector<Segment>&& fresh) {
  std::unordered_map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < stored.size(); ++i) at.emplace(stored[i].id, i);
  for (auto& s : fresh) {
    auto [it, added] = at.emplace(s.id, stored.size());
    if (added) stored.push_back(std::move(s));
    else stored[it->second] = std::move(s);
  }
}

}  // namespace localray::tracing
