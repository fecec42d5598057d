#pragma once
// A CloudFormation template read from JSON or YAML into one JSON tree. YAML's short-form tags
// become the long form (`!Ref X` -> {"Ref": "X"}, `!GetAtt A.B` -> {"Fn::GetAtt": ["A", "B"]},
// `!Sub s` -> {"Fn::Sub": s}), so everything after reading sees one syntax.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tracing/error.hpp"

namespace localray::config::cloudformation {

// `name` only labels errors ("template.yaml:12:3: ...").
tracing::Result<nlohmann::json> parse_template(std::string_view text, const std::string& name);
// Reads and parses a file.
tracing::Result<nlohmann::json> read_template(const std::string& path);

}  // namespace localray::config::cloudformation
