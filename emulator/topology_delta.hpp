#pragma once
// What changes when a stack's (or the whole app's) topology is compiled again: the resources to
// remove and those to create, so that the rest keep their state (a queue's messages, a table's
// items, warm workers). A resource whose definition changed is replaced; so is what points at a
// replaced resource through a handle (a subscription to a replaced topic or queue, a mapping from
// a replaced queue or to a replaced function).
#include "config/topology.hpp"
#include "emulator/wiring.hpp"

namespace localray::emulator {

struct TopologyDelta {
  AppliedResources remove;  // the part of what was made that goes
  AppliedResources keep;    // the part that stays
  config::Topology create;  // what `after` adds or replaces (its region, account and stacks)
  bool empty() const;
};

TopologyDelta topology_delta(const config::Topology& before, const AppliedResources& made, const config::Topology& after);

// `made` of the kept resources together with what applying the delta made.
AppliedResources merge(AppliedResources kept, const AppliedResources& created);

}  // namespace localray::emulator
