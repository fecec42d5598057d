#include "services/apigateway/model/resources.hpp"

#include <algorithm>
#include <cctype>

namespace localray::apigateway::model {

namespace {

enum class Part { Literal, Variable, Greedy };

Part kind_of(const std::string& part) {
  if (part.size() > 2 && part.front() == '{' && part.back() == '}') return part[part.size() - 2] == '+' ? Part::Greedy : Part::Variable;
  return Part::Literal;
}

std::string variable_name(const std::string& part) {
  auto inner = part.substr(1, part.size() - 2);
  if (!inner.empty() && inner.back() == '+') inner.pop_back();
  return inner;
}

bool valid_method(const std::string& m) {
  static const char* methods[] = {"ANY", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
  return std::find(std::begin(methods), std::end(methods), m) != std::end(methods);
}

std::string resource_id(const std::string& path) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : path) h = (h ^ c) * 1099511628211ULL;
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id;
  for (int i = 0; i < 10; ++i, h /= 36) id += alphabet[h % 36];
  return id;
}

// How closely a template fits the request's parts, part by part (higher fits closer); nullopt
// when it does not fit. Greedy parts take the rest, one part at least.
std::optional<std::vector<int>> fit(const Resource& r, const std::vector<std::string>& request, std::map<std::string, std::string>& params) {
  std::vector<int> score;
  std::size_t i = 0;
  for (std::size_t p = 0; p < r.parts.size(); ++p) {
    const auto& part = r.parts[p];
    switch (kind_of(part)) {
      case Part::Literal:
        if (i >= request.size() || request[i] != part) return std::nullopt;
        score.push_back(2);
        ++i;
        break;
      case Part::Variable:
        if (i >= request.size()) return std::nullopt;
        params[variable_name(part)] = request[i];
        score.push_back(1);
        ++i;
        break;
      case Part::Greedy: {
        if (i >= request.size()) return std::nullopt;
        std::string rest;
        for (; i < request.size(); ++i) rest += (rest.empty() ? "" : "/") + request[i];
        params[variable_name(part)] = rest;
        score.push_back(0);
        return score;
      }
    }
  }
  if (i != request.size()) return std::nullopt;
  return score;
}

}  // namespace

std::vector<std::string> path_parts(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) out.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

tracing::Result<void> Resources::add(const std::string& path, const std::string& http_method, std::shared_ptr<Integration> integration) {
  if (path.empty() || path.front() != '/') return tracing::Error{"resource path '" + path + "' must start with '/'"};
  auto parts = path_parts(path);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto k = kind_of(parts[i]);
    if (k == Part::Greedy && i + 1 != parts.size()) return tracing::Error{"resource path '" + path + "': a greedy {name+} part must come last"};
    if (k != Part::Literal && variable_name(parts[i]).empty()) return tracing::Error{"resource path '" + path + "': a variable needs a name"};
    if (k == Part::Literal && (parts[i].find('{') != std::string::npos || parts[i].find('}') != std::string::npos))
      return tracing::Error{"resource path '" + path + "': '" + parts[i] + "' is neither a literal nor a {variable}"};
  }
  std::string method = http_method;
  std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (!valid_method(method)) return tracing::Error{"method '" + http_method + "' is not an HTTP method API Gateway serves"};
  std::string normal = "/";
  for (std::size_t i = 0; i < parts.size(); ++i) normal += (i ? "/" : "") + parts[i];
  auto it = std::find_if(resources_.begin(), resources_.end(), [&](const Resource& r) { return r.path == normal; });
  if (it == resources_.end()) it = resources_.insert(resources_.end(), Resource{resource_id(normal), normal, parts, {}});
  if (it->methods.contains(method)) return tracing::Error{"resource " + normal + " has a " + method + " method already"};
  it->methods.emplace(method, Method{method, std::move(integration)});
  return {};
}

std::optional<Match> Resources::match(std::string_view http_method, const std::vector<std::string>& request) const {
  std::optional<Match> best;
  std::vector<int> best_score;
  for (const auto& r : resources_) {
    std::map<std::string, std::string> params;
    auto score = fit(r, request, params);
    if (!score) continue;
    // Closer is higher part by part; of two greedy fits, the longer template fits closer.
    if (best && !(*score > best_score)) continue;
    best_score = *score;
    best = Match{&r, nullptr, std::move(params)};
  }
  if (!best) return std::nullopt;
  const auto& methods = best->resource->methods;
  auto m = methods.find(std::string{http_method});
  if (m == methods.end()) m = methods.find("ANY");
  if (m != methods.end()) best->method = &m->second;
  return best;
}

}  // namespace localray::apigateway::model
