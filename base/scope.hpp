#pragma once
// Where an AWS resource lives: an account and a region. Resources of two scopes never meet, as
// on AWS: each scope has its own topics, queues, tables, functions, APIs, groups and rules.
#include <compare>
#include <string>

namespace localray::base {

struct Scope {
  std::string account;
  std::string region;
  auto operator<=>(const Scope&) const = default;
};

// arn:partition:service:REGION:ACCOUNT:resource -> {ACCOUNT, REGION}; empty parts when the text is
// no ARN.
inline Scope scope_of_arn(const std::string& arn) {
  std::string parts[5];
  std::size_t pos = 0;
  for (int i = 0; i < 5; ++i) {
    auto colon = arn.find(':', pos);
    if (colon == std::string::npos) return {};
    parts[i] = arn.substr(pos, colon - pos);
    pos = colon + 1;
  }
  if (parts[0] != "arn") return {};
  return {parts[4], parts[3]};
}

}  // namespace localray::base
