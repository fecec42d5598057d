#include "services/sqs/protocol/params.hpp"

#include <algorithm>

#include "http/base64.hpp"

#include <charconv>
#include <limits>

namespace localray::sqs::protocol {
namespace {

const Tree* member_of(const Tree& in, std::string_view member) {
  if (!in.is_object()) return nullptr;
  auto it = in.find(member);
  if (it == in.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

model::Error missing_parameter(std::string_view member) {
  return {model::Code::MissingParameter, "The request must contain the parameter " + std::string{member} + "."};
}

model::Error invalid_parameter(std::string_view member, std::string_view value, std::string_view reason) {
  return {model::Code::InvalidParameterValue,
          "Value " + std::string{value} + " for parameter " + std::string{member} + " is invalid. Reason: " + std::string{reason}};
}

model::Result<std::optional<std::string>> optional_string(const Tree& in, std::string_view member) {
  const Tree* v = member_of(in, member);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) return invalid_parameter(member, v->dump(-1, ' ', false, Tree::error_handler_t::replace), "must be a string.");
  return std::optional<std::string>{v->get<std::string>()};
}

model::Result<std::string> required_string(const Tree& in, std::string_view member) {
  auto v = optional_string(in, member);
  if (!v) return v.error();
  if (!*v) return missing_parameter(member);
  return std::move(**v);
}

model::Result<std::optional<int>> optional_int(const Tree& in, std::string_view member) {
  const Tree* v = member_of(in, member);
  if (!v) return std::optional<int>{};
  constexpr auto lo = std::numeric_limits<int>::min(), hi = std::numeric_limits<int>::max();
  if (v->is_number_integer()) {
    auto n = v->get<std::int64_t>();
    if (v->is_number_unsigned() ? v->get<std::uint64_t>() > static_cast<std::uint64_t>(hi) : (n < lo || n > hi))
      return invalid_parameter(member, v->dump(), "out of range.");
    return std::optional<int>{static_cast<int>(n)};
  }
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    int n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return invalid_parameter(member, s, "must be an integer.");
    return std::optional<int>{n};
  }
  return invalid_parameter(member, v->dump(-1, ' ', false, Tree::error_handler_t::replace), "must be an integer.");
}

model::Result<int> required_int(const Tree& in, std::string_view member) {
  auto v = optional_int(in, member);
  if (!v) return v.error();
  if (!*v) return missing_parameter(member);
  return **v;
}

model::Result<std::vector<std::string>> string_list(const Tree& in, std::string_view member) {
  std::vector<std::string> out;
  const Tree* v = member_of(in, member);
  if (!v) return out;
  if (!v->is_array()) return invalid_parameter(member, "", "must be a list of strings.");
  for (const auto& item : *v) {
    if (!item.is_string()) return invalid_parameter(member, "", "must be a list of strings.");
    out.push_back(item.get<std::string>());
  }
  return out;
}

model::Result<std::map<std::string, std::string>> string_map(const Tree& in, std::string_view member) {
  std::map<std::string, std::string> out;
  const Tree* v = member_of(in, member);
  if (!v) return out;
  if (!v->is_object()) return invalid_parameter(member, "", "must be a map of strings.");
  for (const auto& [k, item] : v->items()) {
    if (!item.is_string()) return invalid_parameter(member, k, "map values must be strings.");
    out.emplace(k, item.get<std::string>());
  }
  return out;
}

model::Result<std::vector<const Tree*>> structure_list(const Tree& in, std::string_view member) {
  const Tree* v = member_of(in, member);
  if (!v) return missing_parameter(member);
  if (!v->is_array()) return invalid_parameter(member, "", "must be a list of structures.");
  std::vector<const Tree*> out;
  for (const auto& item : *v) {
    if (!item.is_object()) return invalid_parameter(member, "", "must be a list of structures.");
    out.push_back(&item);
  }
  return out;
}

model::Result<QueuePage> queue_page(const Tree& in, const std::vector<std::shared_ptr<model::QueueHandle>>& queues) {
  constexpr int kMaxPage = 1000;  // SQS: at most 1,000 URLs a page
  auto max = optional_int(in, "MaxResults");
  if (!max) return max.error();
  if (*max && (**max < 1 || **max > kMaxPage))
    return invalid_parameter("MaxResults", std::to_string(**max), "MaxResults must be an integer between 1 and 1000.");
  auto token = optional_string(in, "NextToken");
  if (!token) return token.error();
  std::string start;
  if (*token) {
    auto decoded = http::base64_decode(**token);
    if (!decoded || decoded->empty()) return model::Error{model::Code::InvalidParameterValue, "Invalid NextToken value."};
    start = std::move(*decoded);
  }
  auto it = std::find_if(queues.begin(), queues.end(), [&](const auto& q) { return q->queue.name() >= start; });
  auto limit = static_cast<std::size_t>(max->value_or(kMaxPage));
  QueuePage page;
  for (; it != queues.end() && page.urls.size() < limit; ++it) page.urls.push_back((*it)->queue.url());
  if (*max && it != queues.end()) page.next_token = http::base64_encode((*it)->queue.name());
  return page;
}

model::Result<std::shared_ptr<model::QueueHandle>> target_queue(const Call& c) {
  auto url = optional_string(c.input, "QueueUrl");
  if (!url) return url.error();
  if (*url) return c.backend.find(**url);
  // A query request posted to a queue URL: `/queue/{region}/{account}/{name}` or `/{account}/{name}`.
  std::string_view path = c.path;
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  bool legacy = path.size() >= 4 && path.front() == '/' && slash != 0 && slash != std::string_view::npos && slash + 1 < path.size() &&
                path.find('/', 1) == slash;
  if (!legacy && !model::scope_of_queue_url(path)) return missing_parameter("QueueUrl");
  return c.backend.find(path);
}

}  // namespace localray::sqs::protocol
