#include "tracing/filter/subject.hpp"

#include <functional>

namespace localray::tracing::filter {

using nlohmann::json;

void for_each_entity(const Segment& s, const std::function<void(const Segment&)>& visit) {
  visit(s);
  for (const auto& c : s.subsegments) for_each_entity(c, visit);
}

namespace {

using Values = std::vector<Literal>;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// `object.outer.inner` when it is a string; nothing otherwise.
Values string_at(const json& object, const char* outer, const char* inner) {
  const json* o = member(object, outer);
  const json* v = o ? member(*o, inner) : nullptr;
  if (v == nullptr || !v->is_string()) return {};
  return {v->get<std::string>()};
}

std::optional<double> http_status(const Segment& s) {
  const json* response = member(s.http, "response");
  const json* status = response ? member(*response, "status") : nullptr;
  if (status == nullptr || !status->is_number()) return std::nullopt;
  return status->get<double>();
}

bool status_in(const Segment& s, double low, double high) {
  auto status = http_status(s);
  return status && *status >= low && *status < high;
}

bool is_fault(const Segment& s) { return s.fault || status_in(s, 500, 600); }
bool is_throttle(const Segment& s) { return s.throttle || status_in(s, 429, 430); }
bool is_error(const Segment& s) { return s.error || is_throttle(s) || status_in(s, 400, 500); }
bool is_ok(const Segment& s) {
  return !is_fault(s) && !is_error(s) && (!http_status(s) || status_in(s, 200, 300));
}

bool any_in_progress(const Segment& s) {
  bool partial = false;
  for_each_entity(s, [&](const Segment& e) { partial = partial || e.in_progress; });
  return partial;
}

void add_users(const Segment& s, Values& out) {
  for_each_entity(s, [&](const Segment& e) {
    if (const json* user = member(e.extra, "user"); user && user->is_string()) out.emplace_back(user->get<std::string>());
  });
}

void add_exception_messages(const Segment& s, Values& out) {
  for_each_entity(s, [&](const Segment& e) {
    const json* exceptions = member(e.cause, "exceptions");
    if (exceptions == nullptr || !exceptions->is_array()) return;
    for (const auto& x : *exceptions)
      if (const json* m = member(x, "message"); m && m->is_string()) out.emplace_back(m->get<std::string>());
  });
}

// Fields a segment states about where it ran, for `availabilityzone`, `instance.id`, `resource.arn`.
Values placement(Keyword keyword, const Segment& s) {
  switch (keyword) {
    case Keyword::AvailabilityZone: return string_at(s.aws, "ec2", "availability_zone");
    case Keyword::InstanceId: return string_at(s.aws, "ec2", "instance_id");
    case Keyword::ResourceArn: return s.resource_arn.empty() ? Values{} : Values{s.resource_arn};
    default: return {};
  }
}

Values segment_values(Keyword keyword, const SegmentSubject& subject) {
  const Segment& s = *subject.segment;
  switch (keyword) {
    case Keyword::Ok: return {is_ok(s)};
    case Keyword::Error: return {is_error(s)};
    case Keyword::Throttle: return {is_throttle(s)};
    case Keyword::Fault: return {is_fault(s)};
    case Keyword::Partial: return {any_in_progress(s)};
    case Keyword::Inferred: return {subject.inferred};
    case Keyword::Root: return {!subject.inferred && subject.index->is_root(s)};
    case Keyword::Duration:
    case Keyword::ResponseTime: return s.in_progress ? Values{} : Values{s.duration()};
    case Keyword::HttpStatus: {
      auto status = http_status(s);
      return status ? Values{*status} : Values{};
    }
    case Keyword::HttpUrl: return string_at(s.http, "request", "url");
    case Keyword::HttpMethod: return string_at(s.http, "request", "method");
    case Keyword::HttpUserAgent: return string_at(s.http, "request", "user_agent");
    case Keyword::HttpClientIp: return string_at(s.http, "request", "client_ip");
    case Keyword::Name: return {s.name};
    case Keyword::Type: return {s.origin};
    case Keyword::User: {
      Values out;
      add_users(s, out);
      return out;
    }
    case Keyword::Message: {
      Values out;
      add_exception_messages(s, out);
      return out;
    }
    default: return placement(keyword, s);
  }
}

Values trace_values(Keyword keyword, const TraceSubject& subject) {
  const TraceIndex& index = *subject.index;
  Values out;
  switch (keyword) {
    case Keyword::Partial: {
      bool partial = false;
      for (const auto& s : index.trace().segments) partial = partial || any_in_progress(s);
      return {partial};
    }
    case Keyword::Inferred: return {!index.inferred_calls().empty()};
    case Keyword::Duration: {
      if (index.trace().segments.empty()) return {};
      TimeSpan span = trace_span(index.trace());
      return {span.end - span.start};
    }
    case Keyword::User:
      for (const auto& s : index.trace().segments) add_users(s, out);
      return out;
    case Keyword::AvailabilityZone:
    case Keyword::InstanceId:
    case Keyword::ResourceArn:
      for (const Segment* s : index.segments())
        for (auto& v : placement(keyword, *s)) out.push_back(std::move(v));
      return out;
    default:
      // Everything else is the entry segment's: status, HTTP fields, response time.
      if (subject.entry == nullptr) return {};
      return segment_values(keyword, SegmentSubject{&index, subject.entry, false});
  }
}

Values list_place(Keyword keyword, std::size_t index, std::size_t count) {
  switch (keyword) {
    case Keyword::First: return {index == 0};
    case Keyword::Last: return {index + 1 == count};
    case Keyword::Index: return {static_cast<double>(index)};
    default: return {};
  }
}

Values cause_service_values(Keyword keyword, const CauseServiceSubject& subject) {
  const RootCauseService& svc = *subject.service;
  switch (keyword) {
    case Keyword::Name: return {svc.service.name};
    case Keyword::Type: return {svc.service.type};
    case Keyword::Inferred: return {svc.inferred};
    // The culprit is the last entity of the path; a call to another service makes it remote.
    case Keyword::Remote: return {!svc.entity_path.empty() && svc.entity_path.back().remote};
    case Keyword::Coverage: return subject.coverage ? Values{*subject.coverage} : Values{};
    default: return {};
  }
}

Values cause_entity_values(Keyword keyword, const CauseEntitySubject& subject) {
  const RootCauseEntity& entity = *subject.entity;
  switch (keyword) {
    case Keyword::Name: return {entity.name};
    case Keyword::Remote: return {entity.remote};
    case Keyword::Coverage: return subject.coverage ? Values{*subject.coverage} : Values{};
    case Keyword::Message: {
      Values out;
      for (const auto& x : entity.exceptions) out.emplace_back(x.message);
      return out;
    }
    default: return list_place(keyword, subject.index, subject.count);
  }
}

Values cause_exception_values(Keyword keyword, const CauseExceptionSubject& subject) {
  switch (keyword) {
    case Keyword::Name: return {subject.exception->name};
    case Keyword::Message: return {subject.exception->message};
    default: return list_place(keyword, subject.index, subject.count);
  }
}

struct ValuesVisitor {
  Keyword keyword;
  Values operator()(const TraceSubject& s) const { return trace_values(keyword, s); }
  Values operator()(const SegmentSubject& s) const { return segment_values(keyword, s); }
  Values operator()(const CauseServiceSubject& s) const { return cause_service_values(keyword, s); }
  Values operator()(const CauseEntitySubject& s) const { return cause_entity_values(keyword, s); }
  Values operator()(const CauseExceptionSubject& s) const { return cause_exception_values(keyword, s); }
};

}  // namespace

std::vector<Literal> values_of(Keyword keyword, const Subject& subject) {
  return std::visit(ValuesVisitor{keyword}, subject);
}

}  // namespace localray::tracing::filter
