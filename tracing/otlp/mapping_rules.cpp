#include "tracing/otlp/mapping_rules.hpp"

#include <cctype>
#include <cmath>

namespace localray::tracing::otlp::rules {

using nlohmann::json;

bool lower_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  bool nonzero = false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    nonzero = nonzero || c != '0';
  }
  return nonzero;
}

// X-Ray's name alphabet: what it refuses becomes '_', as AWS's exporter does.
std::string xray_name(std::string_view name) {
  std::string out;
  if (name.size() > 200) {
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    name = name.substr(0, cut);
  }
  for (unsigned char c : name) {
    bool ok = c >= 0x80 || std::isalnum(c) || c == ' ' || std::string_view{"_.:/%&#=+\\-@"}.find(static_cast<char>(c)) != std::string_view::npos;
    out += ok ? static_cast<char>(c) : '_';
  }
  return out.empty() ? "unnamed" : out;
}

// Annotation keys are letters, digits and underscores (AWS's own add a colon: `aws:api_id`).
std::string annotation_key(std::string_view key) {
  std::string out;
  for (unsigned char c : key.substr(0, 500)) out += std::isalnum(c) || c == ':' ? static_cast<char>(c) : '_';
  return out;
}

// A member that is a string, else `fallback`: stored documents come from any client.
std::string text_of(const json& object, std::string_view key, std::string fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

const json& object_of(const json& object, std::string_view key) {
  static const json empty = json::object();
  if (!object.is_object()) return empty;
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : empty;
}

// Takes an attribute out of `attrs` (so that it does not also land in metadata).
std::optional<json> take(json& attrs, std::string_view key) {
  auto it = attrs.find(key);
  if (it == attrs.end()) return std::nullopt;
  json v = std::move(*it);
  attrs.erase(it);
  if (v.is_null()) return std::nullopt;
  return v;
}

// The first of `keys` present, every one of them taken out.
std::optional<json> take_first(json& attrs, std::initializer_list<std::string_view> keys) {
  std::optional<json> found;
  for (auto k : keys) {
    auto v = take(attrs, k);
    if (!found && v) found = std::move(v);
  }
  return found;
}

std::optional<std::string> as_string(const std::optional<json>& v) {
  if (v && v->is_string()) return v->get<std::string>();
  return std::nullopt;
}

std::optional<bool> take_bool(json& attrs, std::string_view key) {
  auto v = take(attrs, key);
  if (v && v->is_boolean()) return v->get<bool>();
  return std::nullopt;
}

std::string host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  auto rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest[0] != '[') rest = rest.substr(0, rest.find(':'));
  return std::string{rest};
}

bool is_http_method_name(std::string_view n) {
  if (n.rfind("HTTP ", 0) == 0) n.remove_prefix(5);
  for (auto m : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "_OTHER"})
    if (n == m) return true;
  return false;
}

const char* kind_name(SpanKind k) {
  switch (k) {
    case SpanKind::Internal: return "INTERNAL";
    case SpanKind::Server: return "SERVER";
    case SpanKind::Client: return "CLIENT";
    case SpanKind::Producer: return "PRODUCER";
    case SpanKind::Consumer: return "CONSUMER";
    case SpanKind::Unspecified: break;
  }
  return "UNSPECIFIED";
}

std::optional<SpanKind> kind_from_name(std::string_view n) {
  for (int k = 0; k <= 5; ++k)
    if (n == kind_name(static_cast<SpanKind>(k))) return static_cast<SpanKind>(k);
  return std::nullopt;
}

// resource `cloud.platform` <-> the segment origin X-Ray gives such a service.
constexpr std::pair<std::string_view, std::string_view> kPlatformOrigins[] = {
    {"aws_lambda", "AWS::Lambda::Function"},  {"aws_ec2", "AWS::EC2::Instance"},
    {"aws_ecs", "AWS::ECS::Container"},       {"aws_eks", "AWS::EKS::Container"},
    {"aws_elastic_beanstalk", "AWS::ElasticBeanstalk::Environment"}};

std::string origin_of_platform(std::string_view platform) {
  for (auto [p, o] : kPlatformOrigins)
    if (p == platform) return std::string{o};
  return {};
}

std::string platform_of_origin(std::string_view origin) {
  for (auto [p, o] : kPlatformOrigins)
    if (o == origin) return std::string{p};
  return {};
}

// A stable exception id from the span and the event's position.
std::string exception_id(std::string_view span_id, std::size_t index) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : span_id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  h = (h ^ index) * 1099511628211ULL;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[i] = digits[h & 15];
  return out;
}

// "at label (path:line:col)" (Node, Java) and Python's `File "path", line N, in label`; any other
// line is kept as the frame's label.
json stack_frames(std::string_view text) {
  json frames = json::array();
  while (!text.empty() && frames.size() < 100) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    json frame = json::object();
    if (line.rfind("at ", 0) == 0) {
      line.remove_prefix(3);
      std::string_view label, where = line;
      if (auto open = line.rfind(" ("); open != std::string_view::npos && line.back() == ')') {
        label = line.substr(0, open);
        where = line.substr(open + 2, line.size() - open - 3);
      }
      // path:line[:column]
      auto last = where.rfind(':');
      auto before = last == std::string_view::npos ? std::string_view::npos : where.rfind(':', last - 1);
      std::string_view path = where, number;
      if (before != std::string_view::npos && before > 0) {
        path = where.substr(0, before);
        number = where.substr(before + 1, last - before - 1);
      } else if (last != std::string_view::npos) {
        path = where.substr(0, last);
        number = where.substr(last + 1);
      }
      frame["path"] = std::string{path};
      if (!number.empty() && number.find_first_not_of("0123456789") == std::string_view::npos && number.size() < 10)
        frame["line"] = std::stoi(std::string{number});
      if (!label.empty()) frame["label"] = std::string{label};
    } else if (line.rfind("File \"", 0) == 0) {
      auto close = line.find('"', 6);
      if (close == std::string_view::npos) continue;
      frame["path"] = std::string{line.substr(6, close - 6)};
      if (auto l = line.find(", line ", close); l != std::string_view::npos) {
        auto digits = line.substr(l + 7);
        digits = digits.substr(0, digits.find_first_not_of("0123456789"));
        if (!digits.empty() && digits.size() < 10) frame["line"] = std::stoi(std::string{digits});
      }
      if (auto in = line.find(", in ", close); in != std::string_view::npos) frame["label"] = std::string{line.substr(in + 5)};
    } else {
      continue;  // the message line, source excerpts
    }
    frames.push_back(std::move(frame));
  }
  return frames;
}

std::string stack_text(const json& stack) {
  std::string out;
  if (!stack.is_array()) return out;
  for (const auto& f : stack) {
    if (!f.is_object()) continue;
    std::string where = text_of(f, "path");
    if (f.contains("line") && f["line"].is_number_integer()) where += ":" + std::to_string(f["line"].get<long long>());
    std::string label = text_of(f, "label");
    out += "    at " + (label.empty() ? where : label + " (" + where + ")") + "\n";
  }
  return out;
}

// Attributes the mapping reads into X-Ray fields: a metadata key of that name must not be
// exported as a plain attribute, or it would come back as that field.
bool is_mapped_key(std::string_view k) {
  static constexpr std::string_view keys[] = {
      "rpc.system", "rpc.service", "rpc.method", "messaging.url", "http.request.method", "http.method", "url.full", "http.url",
      "url.scheme", "http.scheme", "server.address", "http.host", "net.host.name", "net.peer.name", "server.port", "net.host.port",
      "net.peer.port", "url.path", "url.query", "http.target", "user_agent.original", "http.user_agent", "client.address",
      "http.client_ip", "http.response.status_code", "http.status_code", "http.response.body.size", "http.response_content_length",
      "aws.region", "aws.request_id", "aws.request.id", "aws.requestId", "aws.dynamodb.table_names", "aws.sqs.queue_url",
      "aws.sns.topic.arn", "faas.invoked_name", "cloud.account.id", "peer.service"};
  for (auto key : keys)
    if (k == key) return true;
  return k.rfind(kXray, 0) == 0;
}

double seconds(std::uint64_t ns) { return static_cast<double>(ns / 1000000000) + static_cast<double>(ns % 1000000000) / 1e9; }
std::uint64_t nanos(double s) {
  if (!(s > 0) || s > 1.8e10) return 0;
  double whole = std::floor(s);
  return static_cast<std::uint64_t>(whole) * 1000000000ULL + static_cast<std::uint64_t>(std::llround((s - whole) * 1e9));
}

}  // namespace localray::tracing::otlp::rules
