#pragma once
// The resources of a REST API and their methods. A resource path is a template of literal parts,
// `{name}` parts and, last, a greedy `{name+}`; a request path matches the resource whose parts
// fit it most closely (a literal before a `{name}` before a greedy part), as API Gateway routes.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/apigateway/model/integration.hpp"
#include "tracing/error.hpp"

namespace localray::apigateway::model {

// The parts of a path between slashes; empty parts (doubled or trailing slashes) are dropped.
std::vector<std::string> path_parts(std::string_view path);

struct Method {
  std::string http_method;  // GET, POST, ... or ANY
  std::shared_ptr<Integration> integration;
};

struct Resource {
  std::string id;    // ten characters, stable for the path
  std::string path;  // the template, e.g. /items/{id}
  std::vector<std::string> parts;
  std::map<std::string, Method> methods;  // by HTTP method
};

struct Match {
  const Resource* resource = nullptr;
  const Method* method = nullptr;  // null: the resource has no method for the request's
  std::map<std::string, std::string> path_parameters;
};

class Resources {
 public:
  // Adds `http_method` (or ANY) on the resource at `path`, making the resource if needed.
  tracing::Result<void> add(const std::string& path, const std::string& http_method, std::shared_ptr<Integration> integration);
  // The best resource for a path given as its parts, each percent-decoded on its own (an encoded
  // `/` stays inside its part), and its method for `http_method`, ANY when it has no method of
  // that name; nullopt when no resource fits the path.
  std::optional<Match> match(std::string_view http_method, const std::vector<std::string>& parts) const;
  // The same for a path with no encoded `/`.
  std::optional<Match> match(std::string_view http_method, std::string_view path) const { return match(http_method, path_parts(path)); }
  const std::vector<Resource>& list() const { return resources_; }

 private:
  std::vector<Resource> resources_;
};


}  // namespace localray::apigateway::model
