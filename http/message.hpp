#pragma once
// Our own HTTP request/response, so that codecs and handlers never include Beast.
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace localray::http {

class EventStream;  // http/event_stream.hpp

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

class Headers {
 public:
  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  void set(std::string name, std::string value) {
    erase(name);
    add(std::move(name), std::move(value));
  }
  void erase(std::string_view name) {
    std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
  }
  // Empty when absent; first occurrence wins.
  std::string_view get(std::string_view name) const {
    for (const auto& [k, v] : fields_)
      if (iequals(k, name)) return v;
    return {};
  }
  bool has(std::string_view name) const {
    return std::any_of(fields_.begin(), fields_.end(), [&](const auto& f) { return iequals(f.first, name); });
  }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;  // upper case
  std::string target;  // as sent: path and query, percent-encoded
  std::string path;    // percent-encoded path without the query
  std::string query;   // without '?'
  Headers headers;
  std::string body;
  std::string remote_address;
};

struct Response {
  unsigned status = 200;
  Headers headers;
  std::string body;
  // When set, the head is sent, then the stream's chunks as they come, and the connection closes
  // after the last one (server-sent events).
  std::shared_ptr<EventStream> stream;

  static Response json(unsigned status, std::string body, std::string_view type = "application/json") {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", std::string{type});
    r.body = std::move(body);
    return r;
  }
  static Response text(unsigned status, std::string body) {
    return json(status, std::move(body), "text/plain; charset=utf-8");
  }
};

}  // namespace localray::http
