#include "services/sns/protocol/query_params.hpp"

#include <charconv>

namespace localray::sns::protocol {

std::map<std::uint32_t, QueryParams> QueryParams::members(std::string_view prefix) const {
  std::map<std::uint32_t, QueryParams> out;
  for (const auto& [key, value] : fields_) {
    std::string_view k = key;
    if (k.size() <= prefix.size() + 1 || k.substr(0, prefix.size()) != prefix || k[prefix.size()] != '.') continue;
    k.remove_prefix(prefix.size() + 1);
    auto dot = k.find('.');
    if (dot == std::string_view::npos || dot + 1 == k.size()) continue;
    std::uint32_t n = 0;
    auto [end, ec] = std::from_chars(k.data(), k.data() + dot, n);
    if (ec != std::errc{} || end != k.data() + dot || n == 0) continue;
    out[n].fields_.emplace_back(std::string{k.substr(dot + 1)}, value);
  }
  return out;
}

std::vector<std::string> QueryParams::list(std::string_view prefix) const {
  std::map<std::uint32_t, std::string> by_index;
  for (const auto& [key, value] : fields_) {
    std::string_view k = key;
    if (k.size() <= prefix.size() + 1 || k.substr(0, prefix.size()) != prefix || k[prefix.size()] != '.') continue;
    k.remove_prefix(prefix.size() + 1);
    std::uint32_t n = 0;
    auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), n);
    if (ec != std::errc{} || end != k.data() + k.size() || n == 0) continue;
    by_index.emplace(n, value);
  }
  std::vector<std::string> out;
  for (auto& [n, v] : by_index) out.push_back(std::move(v));
  return out;
}

}  // namespace localray::sns::protocol
