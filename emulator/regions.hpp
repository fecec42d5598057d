#pragma once
// Every service of one account and region, as AWS keeps them apart: a client signing for
// eu-west-1 meets eu-west-1's topics, queues, tables, functions, APIs, groups and sampling rules,
// with ARNs and URLs that say so. A scope's services are made when it is first addressed.
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "base/scope.hpp"
#include "emulator/sqs_event_source.hpp"
#include "services/apigateway/model/backend.hpp"
#include "services/dynamodb/model/backend.hpp"
#include "services/lambda/model/event_source_mappings.hpp"
#include "services/lambda/model/function.hpp"
#include "services/sns/model/backend.hpp"
#include "services/sqs/model/backend.hpp"
#include "services/xray/model/backend.hpp"
#include "tracing/sampling.hpp"

namespace localray::emulator {

struct Region {
  base::Scope scope;
  std::unique_ptr<tracing::Sampler> sampler;  // decides for the traces this scope's services start
  std::unique_ptr<xray::model::Groups> xray_groups;
  std::unique_ptr<xray::model::SamplingRules> xray_rules;
  std::unique_ptr<xray::model::Backend> xray;
  std::unique_ptr<sns::model::Backend> sns;
  std::unique_ptr<sqs::model::Backend> sqs;
  std::unique_ptr<dynamodb::model::Backend> dynamodb;
  std::unique_ptr<lambda::model::CodeRunners> code_runners;  // what CreateFunction's code runs in
  std::unique_ptr<lambda::model::AsyncDestinations> destinations;  // where async invocations' records go
  std::unique_ptr<lambda::model::Runner> lambda;
  std::unique_ptr<SqsEventSources> event_sources;
  std::unique_ptr<lambda::model::EventSourceMappings> mappings;
  std::unique_ptr<apigateway::model::Backend> apis;
};

class Regions {
 public:
  using Factory = std::function<std::unique_ptr<Region>(const base::Scope&)>;
  void set_factory(Factory make) { make_ = std::move(make); }

  // The scope's services, made on first use. Safe from any thread; a Region never moves.
  Region& at(const base::Scope& scope);
  // Takes a scope's services made elsewhere (at start, from stored settings).
  Region& add(std::unique_ptr<Region> region);
  // The scope's services if they were made; null otherwise (nothing is made).
  Region* find(const base::Scope& scope) const;
  // Every scope made so far, in scope order.
  std::vector<Region*> all() const;

 private:
  Factory make_;
  mutable std::shared_mutex mutex_;
  std::map<base::Scope, std::unique_ptr<Region>> regions_;
};

}  // namespace localray::emulator
