#include "tracing/trace_header.hpp"

#include <algorithm>
#include <cctype>

namespace localray::tracing {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

bool is_valid_trace_id(std::string_view id) {
  // 1-{8 hex epoch seconds}-{24 hex}
  return id.size() == 35 && id[0] == '1' && id[1] == '-' && id[10] == '-' && is_lower_hex(id.substr(2, 8)) &&
         is_lower_hex(id.substr(11));
}

bool is_valid_segment_id(std::string_view id) { return id.size() == 16 && is_lower_hex(id); }

std::optional<TraceHeader> TraceHeader::parse(std::string_view text) {
  TraceHeader h;
  bool have_root = false;
  while (!text.empty()) {
    auto semi = text.find(';');
    std::string_view pair = trim(text.substr(0, semi));
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(pair.substr(0, eq));
    std::string_view value = trim(pair.substr(eq + 1));
    if (iequals(key, "Root")) {
      if (!is_valid_trace_id(value)) return std::nullopt;
      h.root = value;
      have_root = true;
    } else if (iequals(key, "Parent")) {
      if (is_valid_segment_id(value)) h.parent = value;
    } else if (iequals(key, "Sampled")) {
      if (value == "1") h.sampled = Sampled::Yes;
      else if (value == "0") h.sampled = Sampled::No;
      else if (value == "?") h.sampled = Sampled::Requested;
    } else {
      h.extra.emplace_back(std::string{key}, std::string{value});
    }
  }
  if (!have_root) return std::nullopt;
  return h;
}

std::string TraceHeader::to_string() const {
  std::string out = "Root=" + root;
  if (!parent.empty()) out += ";Parent=" + parent;
  switch (sampled) {
    case Sampled::Yes: out += ";Sampled=1"; break;
    case Sampled::No: out += ";Sampled=0"; break;
    case Sampled::Requested: out += ";Sampled=?"; break;
    case Sampled::Unknown: break;
  }
  for (const auto& [k, v] : extra) out += ";" + k + "=" + v;
  return out;
}

TraceHeader TraceHeader::child(std::string parent_id) const {
  TraceHeader c = *this;
  c.parent = std::move(parent_id);
  return c;
}

}  // namespace localray::tracing
