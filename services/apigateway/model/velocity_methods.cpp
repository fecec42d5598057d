#include <algorithm>

#include <boost/regex.hpp>

#include "services/apigateway/model/velocity_syntax.hpp"

namespace localray::apigateway::model::velocity {

using tracing::Error;

namespace {


tracing::Result<json> string_method(const std::string& s, const std::string& m, const std::vector<json>& a) {
  auto arg = [&](std::size_t i) -> std::string { return i < a.size() ? velocity_string(a[i]) : std::string{}; };
  auto index = [&](std::size_t i) -> long long { return i < a.size() && a[i].is_number() ? a[i].get<long long>() : 0; };
  if (m == "length" || m == "size") return ok(json(s.size()));
  if (m == "isEmpty") return ok(json(s.empty()));
  if (m == "toString") return ok(json(s));
  if (m == "toUpperCase" || m == "toLowerCase") {
    std::string out = s;
    for (auto& c : out) c = static_cast<char>(m == "toUpperCase" ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
    return ok(json(out));
  }
  if (m == "trim") {
    auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return ok(json(b == std::string::npos ? "" : s.substr(b, e - b + 1)));
  }
  if (m == "contains") return ok(json(s.find(arg(0)) != std::string::npos));
  if (m == "startsWith") return ok(json(s.rfind(arg(0), 0) == 0));
  if (m == "endsWith") return ok(json(s.size() >= arg(0).size() && s.compare(s.size() - arg(0).size(), arg(0).size(), arg(0)) == 0));
  if (m == "equals") return ok(json(!a.empty() && s == velocity_string(a[0])));
  if (m == "equalsIgnoreCase") {
    std::string x = s, y = arg(0);
    for (auto* str : {&x, &y})
      for (auto& c : *str) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ok(json(x == y));
  }
  if (m == "indexOf") {
    auto at = s.find(arg(0));
    return ok(json(at == std::string::npos ? -1LL : static_cast<long long>(at)));
  }
  if (m == "lastIndexOf") {
    auto at = s.rfind(arg(0));
    return ok(json(at == std::string::npos ? -1LL : static_cast<long long>(at)));
  }
  if (m == "charAt") {
    auto i = index(0);
    if (i < 0 || static_cast<std::size_t>(i) >= s.size()) return Error{"charAt(" + std::to_string(i) + ") is out of range"};
    return ok(json(std::string(1, s[i])));
  }
  if (m == "substring") {
    long long b = index(0), e = a.size() > 1 ? index(1) : static_cast<long long>(s.size());
    if (b < 0 || e < b || static_cast<std::size_t>(e) > s.size()) return Error{"substring is out of range"};
    return ok(json(s.substr(b, e - b)));
  }
  if (m == "replace") {
    std::string out = s, from = arg(0), to = arg(1);
    if (from.empty()) return ok(json(out));
    for (std::size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) out.replace(at, from.size(), to);
    return ok(json(out));
  }
  if (m == "replaceAll" || m == "replaceFirst" || m == "matches" || m == "split") {
    // Boost.Regex, not std::regex: the string is request data, and libstdc++'s matcher recurses
    // once per character (a long body overflowed the stack); Boost's has bounds and throws.
    // Perl syntax without `.` matching line ends is what Java's Pattern does by default.
    constexpr auto flags = boost::match_not_dot_newline;
    try {
      boost::regex re{arg(0), boost::regex::perl};
      if (m == "matches") return ok(json(boost::regex_match(s, re, flags)));
      if (m == "split") {
        json parts = json::array();
        boost::sregex_token_iterator it{s.begin(), s.end(), re, -1, flags}, end;
        for (; it != end; ++it) parts.push_back(it->str());
        while (!parts.empty() && parts.back() == "") parts.erase(parts.end() - 1);  // as Java drops trailing empties
        return ok(std::move(parts));
      }
      auto how = m == "replaceFirst" ? flags | boost::format_first_only : flags;
      return ok(json(boost::regex_replace(s, re, arg(1), how)));
    } catch (const boost::regex_error& e) {
      return Error{m + ": the pattern '" + arg(0) + "' is not a regular expression"};
    } catch (const std::runtime_error& e) {
      return Error{m + ": the pattern '" + arg(0) + "' took too long to match: " + e.what()};
    }
  }
  return Error{"a string has no method " + m + "()"};
}


}  // namespace

tracing::Result<std::optional<json>> step_on(const json& v, const Step& step, const std::vector<json>& args) {
  using Opt = std::optional<json>;
  if (step.kind == Step::Index) {
    const json& k = args.at(0);
    if (v.is_array() && k.is_number_integer()) {
      auto i = k.get<long long>();
      if (i < 0 || static_cast<std::size_t>(i) >= v.size()) return Opt{};
      return Opt{v[i]};
    }
    if (v.is_object()) {
      auto it = v.find(velocity_string(k));
      return it == v.end() ? Opt{} : Opt{*it};
    }
    return Opt{};
  }
  if (step.kind == Step::Property) {
    if (v.is_object()) {
      auto it = v.find(step.name);
      if (it != v.end()) return Opt{*it};
      if (step.name == "empty") return Opt{json(v.empty())};
      return Opt{};
    }
    if (step.name == "empty" && (v.is_array() || v.is_string())) return Opt{json(v.is_array() ? v.empty() : v.get<std::string>().empty())};
    return Opt{};
  }
  const std::string& m = step.name;
  if (v.is_string()) {
    auto r = string_method(v.get<std::string>(), m, args);
    if (!r) return r.error();
    return Opt{std::move(*r)};
  }
  if (v.is_array()) {
    if (m == "size") return Opt{json(v.size())};
    if (m == "isEmpty") return Opt{json(v.empty())};
    if (m == "get") {
      if (args.empty() || !args[0].is_number_integer()) return Error{"get() needs an index"};
      auto i = args[0].get<long long>();
      if (i < 0 || static_cast<std::size_t>(i) >= v.size()) return Error{"get(" + std::to_string(i) + ") is out of range"};
      return Opt{v[i]};
    }
    if (m == "contains") return Opt{json(!args.empty() && std::find(v.begin(), v.end(), args[0]) != v.end())};
    if (m == "toString") return Opt{json(velocity_string(v))};
    return Error{"a list has no method " + m + "()"};
  }
  if (v.is_object()) {
    if (m == "keySet") {
      json keys = json::array();
      for (const auto& [k, x] : v.items()) keys.push_back(k);
      return Opt{keys};
    }
    if (m == "values") {
      json values = json::array();
      for (const auto& [k, x] : v.items()) values.push_back(x);
      return Opt{values};
    }
    if (m == "entrySet") {
      json entries = json::array();
      for (const auto& [k, x] : v.items()) entries.push_back({{"key", k}, {"value", x}});
      return Opt{entries};
    }
    if (m == "get") {
      auto it = args.empty() ? v.end() : v.find(velocity_string(args[0]));
      return it == v.end() ? Opt{json(nullptr)} : Opt{*it};
    }
    if (m == "containsKey") return Opt{json(!args.empty() && v.contains(velocity_string(args[0])))};
    if (m == "size") return Opt{json(v.size())};
    if (m == "isEmpty") return Opt{json(v.empty())};
    if (m == "toString") return Opt{json(velocity_string(v))};
    return Error{"a map has no method " + m + "()"};
  }
  if (m == "toString") return Opt{json(velocity_string(v))};
  if (v.is_number() && m == "intValue") return Opt{json(v.get<long long>())};
  return Error{"no method " + m + "() on " + velocity_string(v)};
}


}  // namespace localray::apigateway::model::velocity
