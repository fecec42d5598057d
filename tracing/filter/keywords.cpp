#include "tracing/filter/keywords.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace localray::tracing::filter {
namespace {

constexpr unsigned bit(Scope s) { return 1u << static_cast<unsigned>(s); }

// Where segments are the subject: the trace's entry at the top level, a service's segments, an
// edge's called segment.
constexpr unsigned kSegments = bit(Scope::Trace) | bit(Scope::Service) | bit(Scope::Edge);
constexpr unsigned kServiceOrEdge = bit(Scope::Service) | bit(Scope::Edge);
constexpr unsigned kCauseServices = bit(Scope::CauseService) | bit(Scope::ResponseTimeCauseService);
constexpr unsigned kCauseEntities = bit(Scope::CauseEntity) | bit(Scope::ResponseTimeCauseEntity);
// Enumerated lists, where first/last/index mean something: entity paths and exception lists.
constexpr unsigned kLists = kCauseEntities | bit(Scope::CauseException);

constexpr std::array kKeywords{
    KeywordSpec{Keyword::Ok, "ok", ValueKind::Boolean, kSegments},
    KeywordSpec{Keyword::Error, "error", ValueKind::Boolean, kSegments},
    KeywordSpec{Keyword::Throttle, "throttle", ValueKind::Boolean, kSegments},
    KeywordSpec{Keyword::Fault, "fault", ValueKind::Boolean, kSegments},
    KeywordSpec{Keyword::Partial, "partial", ValueKind::Boolean, kSegments},
    KeywordSpec{Keyword::Inferred, "inferred", ValueKind::Boolean, kSegments | kCauseServices},
    KeywordSpec{Keyword::First, "first", ValueKind::Boolean, kLists},
    KeywordSpec{Keyword::Last, "last", ValueKind::Boolean, kLists},
    KeywordSpec{Keyword::Remote, "remote", ValueKind::Boolean, kCauseServices | kCauseEntities},
    // The top level is always about the root, and a called segment never is one.
    KeywordSpec{Keyword::Root, "root", ValueKind::Boolean, bit(Scope::Service)},
    KeywordSpec{Keyword::Duration, "duration", ValueKind::Number, kSegments},
    KeywordSpec{Keyword::ResponseTime, "responsetime", ValueKind::Number, kSegments},
    KeywordSpec{Keyword::HttpStatus, "http.status", ValueKind::Number, kSegments},
    KeywordSpec{Keyword::Index, "index", ValueKind::Number, kLists},
    KeywordSpec{Keyword::Coverage, "coverage", ValueKind::Number,
                bit(Scope::ResponseTimeCauseService) | bit(Scope::ResponseTimeCauseEntity)},
    KeywordSpec{Keyword::HttpUrl, "http.url", ValueKind::String, kSegments},
    KeywordSpec{Keyword::HttpMethod, "http.method", ValueKind::String, kSegments},
    KeywordSpec{Keyword::HttpUserAgent, "http.useragent", ValueKind::String, kSegments},
    KeywordSpec{Keyword::HttpClientIp, "http.clientip", ValueKind::String, kSegments},
    KeywordSpec{Keyword::User, "user", ValueKind::String, kSegments},
    KeywordSpec{Keyword::Name, "name", ValueKind::String, kServiceOrEdge | kCauseServices | kLists},
    KeywordSpec{Keyword::Type, "type", ValueKind::String, kServiceOrEdge | kCauseServices},
    // Response time root causes carry no exceptions.
    KeywordSpec{Keyword::Message, "message", ValueKind::String,
                kServiceOrEdge | bit(Scope::CauseEntity) | bit(Scope::CauseException)},
    KeywordSpec{Keyword::AvailabilityZone, "availabilityzone", ValueKind::String, kSegments},
    KeywordSpec{Keyword::InstanceId, "instance.id", ValueKind::String, kSegments},
    KeywordSpec{Keyword::ResourceArn, "resource.arn", ValueKind::String, kSegments},
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const KeywordSpec* find_keyword(std::string_view word) {
  for (const auto& k : kKeywords)
    if (equals_ignoring_case(k.name, word)) return &k;
  return nullptr;
}

const KeywordSpec& spec_of(Keyword keyword) {
  // The table lists the enum in order; a static_assert below keeps them in step.
  return kKeywords[static_cast<std::size_t>(keyword)];
}

static_assert([] {
  for (std::size_t i = 0; i < kKeywords.size(); ++i)
    if (static_cast<std::size_t>(kKeywords[i].keyword) != i) return false;
  return kKeywords.size() == static_cast<std::size_t>(Keyword::ResourceArn) + 1;
}());

bool allowed_in(const KeywordSpec& spec, Scope scope) { return (spec.scopes & bit(scope)) != 0; }

std::string_view scope_description(Scope scope) {
  switch (scope) {
    case Scope::Trace: return "at the top level";
    case Scope::Service: return "inside service braces";
    case Scope::Edge: return "inside edge braces";
    case Scope::CauseService: return "inside rootcause service braces";
    case Scope::CauseEntity: return "inside rootcause entity braces";
    case Scope::CauseException: return "inside rootcause exception braces";
    case Scope::ResponseTimeCauseService: return "inside rootcause.responsetime.service braces";
    case Scope::ResponseTimeCauseEntity: return "inside rootcause.responsetime.entity braces";
  }
  return "here";
}

bool op_applies(Op op, ValueKind kind) {
  switch (kind) {
    case ValueKind::Boolean: return op == Op::Eq || op == Op::Ne;
    case ValueKind::Number: return op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge;
    case ValueKind::String:
      return op == Op::Eq || op == Op::Ne || op == Op::Contains || op == Op::BeginsWith || op == Op::EndsWith;
  }
  return false;
}

}  // namespace localray::tracing::filter
