#pragma once
// How a topology's entries become the services' own definitions and resources: a function's code
// folder, a template's layers, API Gateway's mapped integrations, DynamoDB table definitions.
// Used by apply_topology (wiring.cpp), which makes and names them.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "config/topology.hpp"
#include "emulator/wiring.hpp"

namespace localray::emulator {

// The folder or package a function's code is in: a topology's `code` is relative to its file, a
// template's absolute; inline code (CloudFormation's ZipFile) is written where packages go, as the
// index file of its runtime.
tracing::Result<std::filesystem::path> function_code(const config::Function& f, const std::filesystem::path& base, const std::string& code_root);
// A template's layer, published as a new version: a .zip is unpacked as PublishLayerVersion's
// is, a folder used in place.
tracing::Result<lambda::model::LayerVersion> publish_layer(Region& home, const config::Layer& l);
// A function's layer: one this topology published, a version ARN, or else the latest version of a
// layer of that name (one an earlier apply published and this one kept).
tracing::Result<lambda::model::LayerVersion> function_layer(Region& home, const std::map<std::string, lambda::model::LayerVersion>& published,
                                                            const std::string& layer);
// A template's AWS or MOCK integration, its mapping templates parsed now so a bad one stops the start.
tracing::Result<std::shared_ptr<apigateway::model::Integration>> mapped_integration(Services& s, const config::ApiIntegration& i,
                                                                                    const base::Scope& scope);
dynamodb::model::TableDefinition table_definition(const config::Table& tb);

}  // namespace localray::emulator
