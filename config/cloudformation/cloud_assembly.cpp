#include "config/cloudformation/cloud_assembly.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "config/cloudformation/json_result.hpp"
#include "config/cloudformation/template_document.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;
using tracing::Error;
namespace fs = std::filesystem;

namespace {

tracing::Result<json> read_json(const fs::path& path) {
  std::ifstream in{path};
  if (!in) return Error{path.string() + ": cannot read"};
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error{path.string() + ": not a JSON object"};
  return ok(std::move(j));
}

// Object keys of the file assets an asset manifest publishes, mapped to their local source.
void index_asset_manifest(const fs::path& dir, const json& manifest, std::map<std::string, fs::path>& by_key) {
  // Every value() below is named first: a range-for over items() of a temporary would dangle.
  const json files = manifest.value("files", json::object());
  for (const auto& [id, asset] : files.items()) {
    std::string source = asset.value("/source/path"_json_pointer, "");
    if (source.empty()) continue;
    const json destinations = asset.value("destinations", json::object());
    for (const auto& [where, destination] : destinations.items()) {
      std::string key = destination.value("objectKey", "");
      if (!key.empty()) by_key[key] = dir / source;
    }
  }
}

struct Artifact {
  std::string id;
  json spec;
  fs::path dir;  // the assembly folder it belongs to
};

tracing::Result<void> collect(const fs::path& dir, std::vector<Artifact>& out, int depth) {
  if (depth > 8) return Error{dir.string() + ": cloud assemblies nested too deep"};
  auto manifest = read_json(dir / "manifest.json");
  if (!manifest) return Error{manifest.error().message + " (is " + dir.string() + " the output of cdk synth?)"};
  const json listed = manifest->value("artifacts", json::object());
  for (const auto& [id, spec] : listed.items()) {
    std::string type = spec.value("type", "");
    if (type == "cdk:cloud-assembly") {
      std::string nested = spec.value("/properties/directoryName"_json_pointer, "");
      if (nested.empty()) return Error{(dir / "manifest.json").string() + ": artifacts." + id + ": a nested assembly without directoryName"};
      if (auto r = collect(dir / nested, out, depth + 1); !r) return r;
    } else {
      out.push_back(Artifact{id, spec, dir});
    }
  }
  return {};
}

// CDK v1 templates take their assets' locations as parameters; the CLI supplied them, so do we.
void legacy_asset_parameters(const json& spec, StackInput& in) {
  const json metadata = spec.value("metadata", json::object());
  for (const auto& [path, entries] : metadata.items())
    for (const auto& entry : entries) {
      if (entry.value("type", "") != "aws:cdk:asset") continue;
      const json d = entry.value("data", json::object());
      if (!d.is_object()) continue;
      std::string local = d.value("path", "");
      if (auto p = d.value("s3BucketParameter", ""); !p.empty()) in.parameters[p] = "localray-assets";
      if (auto p = d.value("s3KeyParameter", ""); !p.empty()) in.parameters[p] = "||" + local;
      if (auto p = d.value("artifactHashParameter", ""); !p.empty()) in.parameters[p] = d.value("sourceHash", "");
    }
}

}  // namespace

tracing::Result<std::vector<StackInput>> read_cloud_assembly(const std::string& directory) {
  fs::path root = fs::absolute(directory).lexically_normal();
  std::vector<Artifact> artifacts;
  if (auto r = collect(root, artifacts, 0); !r) return r.error();

  std::map<std::string, const Artifact*> by_id;
  for (const auto& a : artifacts) by_id[a.id] = &a;
  // Asset object keys of every asset manifest, shared: keys are content hashes.
  auto assets = std::make_shared<std::map<std::string, fs::path>>();
  for (const auto& a : artifacts) {
    if (a.spec.value("type", "") != "cdk:asset-manifest") continue;
    fs::path file = a.dir / a.spec.value("/properties/file"_json_pointer, "");
    auto manifest = read_json(file);
    if (!manifest) return manifest.error();
    index_asset_manifest(file.parent_path(), *manifest, *assets);
  }

  // Stacks in dependency order; dependencies on other kinds of artifact are met already.
  std::vector<const Artifact*> stacks;
  std::set<std::string> placed;
  std::vector<const Artifact*> pending;
  for (const auto& a : artifacts)
    if (a.spec.value("type", "") == "aws:cloudformation:stack") pending.push_back(&a);
  auto is_stack = [&](const std::string& id) {
    auto it = by_id.find(id);
    return it != by_id.end() && it->second->spec.value("type", "") == "aws:cloudformation:stack";
  };
  while (!pending.empty()) {
    bool progressed = false;
    for (auto it = pending.begin(); it != pending.end();) {
      bool ready = true;
      for (const auto& dep : (*it)->spec.value("dependencies", json::array()))
        if (dep.is_string() && is_stack(dep.get<std::string>()) && !placed.count(dep.get<std::string>())) ready = false;
      if (ready) {
        placed.insert((*it)->id);
        stacks.push_back(*it);
        it = pending.erase(it);
        progressed = true;
      } else {
        ++it;
      }
    }
    if (!progressed) {
      std::string names;
      for (const auto* a : pending) names += (names.empty() ? "" : ", ") + a->id;
      return Error{(root / "manifest.json").string() + ": stacks depend on each other in a cycle: " + names};
    }
  }
  if (stacks.empty()) return Error{(root / "manifest.json").string() + ": the assembly has no stacks"};

  std::vector<StackInput> out;
  for (const auto* a : stacks) {
    const json props = a->spec.value("properties", json::object());
    std::string template_file = props.value("templateFile", "");
    if (template_file.empty()) return Error{(a->dir / "manifest.json").string() + ": artifacts." + a->id + ": no templateFile"};
    fs::path file = a->dir / template_file;
    auto body = read_template(file.string());
    if (!body) return body.error();
    StackInput in;
    in.file = file.string();
    in.body = std::move(*body);
    in.stack_name = props.value("stackName", a->id);
    in.base_dir = a->dir;
    const json parameters = props.value("parameters", json::object());
    for (const auto& [k, v] : parameters.items())
      if (v.is_string()) in.parameters[k] = v.get<std::string>();
    legacy_asset_parameters(a->spec, in);
    fs::path dir = a->dir;
    in.assets = [assets, dir](const std::string& bucket, const std::string& key) -> std::optional<fs::path> {
      if (auto it = assets->find(key); it != assets->end()) return it->second;
      // The asset's folder or archive by the key's hash, as cdk synth names them.
      std::string stem = key.substr(key.rfind('/') + 1);
      if (stem.size() > 4 && stem.substr(stem.size() - 4) == ".zip") stem.resize(stem.size() - 4);
      for (const auto& candidate : {dir / ("asset." + stem), dir / ("asset." + stem + ".zip"), dir / stem})
        if (fs::exists(candidate)) return candidate;
      return std::nullopt;
    };
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace localray::config::cloudformation
