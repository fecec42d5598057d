#include "emulator/topology_delta.hpp"

#include <algorithm>
#include <set>

namespace localray::emulator {

namespace {

template <class T>
const T* named(const std::vector<T>& v, const std::string& name) {
  auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.name == name; });
  return it == v.end() ? nullptr : &*it;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Resources kept by name when their definition is equal in both; the rest of `before` is removed,
// the rest of `after` created. Returns the names replaced or removed.
template <class T>
std::set<std::string> by_name(const std::vector<T>& before, const std::vector<T>& after, const std::vector<std::string>& made_names,
                              std::vector<std::string>& keep, std::vector<std::string>& remove, std::vector<T>& create,
                              const std::string& prefix = {}) {
  std::set<std::string> gone;
  for (const auto& b : before) {
    const T* a = named(after, b.name);
    if (!has(made_names, prefix + b.name)) continue;  // not made by this topology
    if (a && *a == b) keep.push_back(prefix + b.name);
    else {
      remove.push_back(prefix + b.name);
      gone.insert(b.name);
    }
  }
  for (const auto& a : after)
    if (!has(keep, prefix + a.name)) create.push_back(a);
  return gone;
}

}  // namespace

bool TopologyDelta::empty() const {
  const auto& r = remove;
  const auto& c = create;
  return r.topics.empty() && r.queues.empty() && r.tables.empty() && r.functions.empty() && r.apis.empty() && r.subscriptions.empty() &&
         r.mappings.empty() && c.topics.empty() && c.queues.empty() && c.tables.empty() && c.layers.empty() && c.functions.empty() &&
         c.apis.empty() && c.subscriptions.empty() && c.event_source_mappings.empty();
}

TopologyDelta topology_delta(const config::Topology& before, const AppliedResources& made, const config::Topology& after) {
  TopologyDelta d;
  d.create.region = after.region;
  d.create.account = after.account;
  d.create.description = after.description;
  d.create.stacks = after.stacks;
  const std::string topic_prefix = "arn:aws:sns:" + after.region + ":" + after.account + ":";
  auto topics = by_name(before.topics, after.topics, made.topics, d.keep.topics, d.remove.topics, d.create.topics, topic_prefix);
  auto queues = by_name(before.queues, after.queues, made.queues, d.keep.queues, d.remove.queues, d.create.queues);
  auto tables = by_name(before.tables, after.tables, made.tables, d.keep.tables, d.remove.tables, d.create.tables);
  auto functions = by_name(before.functions, after.functions, made.functions, d.keep.functions, d.remove.functions, d.create.functions);
  // A layer that changed is published again, and the functions running it replaced with it: a
  // worker's module path holds the layer's folder.
  std::set<std::string> changed_layers;
  for (const auto& a : after.layers) {
    const auto* b = named(before.layers, a.name);
    if (!b || !(*b == a)) {
      changed_layers.insert(a.name);
      d.create.layers.push_back(a);
    }
  }
  for (const auto& f : after.functions) {
    bool stale = std::any_of(f.layers.begin(), f.layers.end(), [&](const std::string& l) { return changed_layers.count(l) > 0; });
    if (!stale || !has(d.keep.functions, f.name)) continue;
    std::erase(d.keep.functions, f.name);
    d.remove.functions.push_back(f.name);
    d.create.functions.push_back(f);
    functions.insert(f.name);
  }

  // APIs by id: an integration reaches its function or topic by name at each call.
  for (const auto& b : before.apis) {
    std::string id = b.id;
    auto a = std::find_if(after.apis.begin(), after.apis.end(), [&](const config::Api& x) { return x.id == id && x == b; });
    if (id.empty() || !has(made.apis, id)) continue;
    (a != after.apis.end() ? d.keep.apis : d.remove.apis).push_back(id);
  }
  for (const auto& a : after.apis)
    if (a.id.empty() || !has(d.keep.apis, a.id)) d.create.apis.push_back(a);

  // A subscription lives in its topic; one to a replaced queue is made again with it, as a stack update does.
  for (const auto& [key, arn] : made.subscriptions) {
    const std::string& wanted = key;  // clang 14: a lambda cannot capture a structured binding
    auto same = [&](const config::Subscription& s) { return subscription_key(s) == wanted; };
    auto b = std::find_if(before.subscriptions.begin(), before.subscriptions.end(), same);
    auto a = std::find_if(after.subscriptions.begin(), after.subscriptions.end(), same);
    bool stays = b != before.subscriptions.end() && a != after.subscriptions.end() && *a == *b && !topics.count(a->topic) &&
                 !(a->protocol == "sqs" && queues.count(a->endpoint));
    (stays ? d.keep.subscriptions : d.remove.subscriptions)[key] = arn;
  }
  for (const auto& a : after.subscriptions)
    if (!d.keep.subscriptions.count(subscription_key(a))) d.create.subscriptions.push_back(a);

  // A mapping holds its queue (or its table's stream) and its function.
  for (const auto& [key, uuid] : made.mappings) {
    const std::string& wanted = key;  // clang 14: a lambda cannot capture a structured binding
    auto same = [&](const config::EventSourceMapping& m) { return mapping_key(m) == wanted; };
    auto b = std::find_if(before.event_source_mappings.begin(), before.event_source_mappings.end(), same);
    auto a = std::find_if(after.event_source_mappings.begin(), after.event_source_mappings.end(), same);
    bool stays = b != before.event_source_mappings.end() && a != after.event_source_mappings.end() && *a == *b && !queues.count(a->queue) &&
                 !tables.count(a->table) && !functions.count(a->function);
    (stays ? d.keep.mappings : d.remove.mappings)[key] = uuid;
  }
  for (const auto& a : after.event_source_mappings)
    if (!d.keep.mappings.count(mapping_key(a))) d.create.event_source_mappings.push_back(a);
  return d;
}

AppliedResources merge(AppliedResources kept, const AppliedResources& created) {
  auto append = [](std::vector<std::string>& to, const std::vector<std::string>& from) { to.insert(to.end(), from.begin(), from.end()); };
  append(kept.topics, created.topics);
  append(kept.queues, created.queues);
  append(kept.tables, created.tables);
  append(kept.functions, created.functions);
  append(kept.apis, created.apis);
  for (const auto& [k, v] : created.subscriptions) kept.subscriptions[k] = v;
  for (const auto& [k, v] : created.mappings) kept.mappings[k] = v;
  return kept;
}

}  // namespace localray::emulator
