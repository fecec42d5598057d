#pragma once
// Compiles one CloudFormation stack into the topology the JSON loader produces, so that a
// template is wired exactly as a topology file is. Resources are taken in dependency order (Ref,
// Fn::GetAtt, Fn::Sub and DependsOn), each named as CloudFormation names it when the template
// gives no name, and every type localray does not emulate is listed, never fatal.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/topology.hpp"
#include "tracing/error.hpp"

namespace localray::config::cloudformation {

// Where a stack runs and what it can reach.
struct Environment {
  std::string region = "us-east-1";
  std::string account = "000000000000";
  std::string edge_url;  // queue URLs are made of it
  std::uint64_t seed = 0;  // physical names
};

// The exports of every stack compiled so far (one table per account and region).
struct Exports {
  struct Entry {
    std::string value, stack;
  };
  std::map<std::string, Entry> by_name;
};

// Finds the local file or folder behind an S3 location a template names (a CDK asset), or nothing.
using AssetLocator = std::function<std::optional<std::filesystem::path>(const std::string& bucket, const std::string& key)>;

struct StackInput {
  std::string file;  // the template's file name, for errors
  nlohmann::json body;
  std::string stack_name;
  std::map<std::string, std::string> parameters;  // overrides of the template's defaults; others are ignored
  std::filesystem::path base_dir;                 // relative code paths are taken from here
  AssetLocator assets;
};

// Adds the stack's resources to `into` and its record to `into.stacks`; on error `into` may hold
// part of the stack and must be dropped.
tracing::Result<void> compile_stack(const StackInput& input, const Environment& env, Exports& exports, Topology& into);

}  // namespace localray::config::cloudformation
