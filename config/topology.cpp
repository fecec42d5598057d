#include "config/topology.hpp"

#include <set>

#include <nlohmann/json.hpp>

namespace localray::config {

using nlohmann::json;
using tracing::Error;

namespace {

// Reads fields of one object, remembering the first problem with its path.
class Reader {
 public:
  Reader(const json& j, std::string path, std::optional<Error>& err) : j_{j}, path_{std::move(path)}, err_{err} {
    if (!j_.is_object()) fail("", "must be an object");
  }
  void fail(const std::string& field, const std::string& what) {
    if (!err_) err_ = Error{path_ + (field.empty() ? "" : (path_.empty() ? "" : ".") + field) + ": " + what};
  }
  std::string str(const char* field, bool required, std::string fallback = {}) {
    if (!j_.is_object()) return fallback;
    auto it = j_.find(field);
    if (it == j_.end()) {
      if (required) fail(field, "is required");
      return fallback;
    }
    if (!it->is_string() || (required && it->get<std::string>().empty())) {
      fail(field, "must be a non-empty string");
      return fallback;
    }
    return it->get<std::string>();
  }
  int integer(const char* field, int fallback, int min, int max) {
    if (!j_.is_object()) return fallback;
    auto it = j_.find(field);
    if (it == j_.end()) return fallback;
    if (!it->is_number_integer() || it->get<long>() < min || it->get<long>() > max) {
      fail(field, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return fallback;
    }
    return it->get<int>();
  }
  bool boolean(const char* field, bool fallback) {
    if (!j_.is_object()) return fallback;
    auto it = j_.find(field);
    if (it == j_.end()) return fallback;
    if (!it->is_boolean()) {
      fail(field, "must be true or false");
      return fallback;
    }
    return it->get<bool>();
  }
  std::map<std::string, std::string> string_map(const char* field) {
    std::map<std::string, std::string> out;
    if (!j_.is_object()) return out;
    auto it = j_.find(field);
    if (it == j_.end()) return out;
    if (!it->is_object()) {
      fail(field, "must be an object of strings");
      return out;
    }
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) fail(std::string{field} + "." + k, "must be a string");
      else out[k] = v.get<std::string>();
    }
    return out;
  }
  const json* child(const char* field) const {
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(field);
    return it == j_.end() ? nullptr : &*it;
  }
  const std::string& path() const { return path_; }

 private:
  const json& j_;
  std::string path_;
  std::optional<Error>& err_;
};

const json& or_empty(const json* j) {
  static const json empty;
  return j ? *j : empty;
}

template <class T, class F>
std::vector<T> read_list(const json& root, const char* field, std::optional<Error>& err, F read_one) {
  std::vector<T> out;
  auto it = root.find(field);
  if (it == root.end()) return out;
  if (!it->is_array()) {
    if (!err) err = Error{std::string{field} + ": must be an array"};
    return out;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    Reader r{(*it)[i], std::string{field} + "[" + std::to_string(i) + "]", err};
    out.push_back(read_one(r));
  }
  return out;
}

// A DeliveryPolicy document, written as a JSON object; checked against SNS's rules when applied.
std::string delivery_policy_of(Reader& r) {
  const json* policy = r.child("delivery_policy");
  if (!policy) return {};
  if (!policy->is_object()) {
    r.fail("delivery_policy", "must be an object (a DeliveryPolicy document)");
    return {};
  }
  return policy->dump();
}

KeyAttribute key_attribute(Reader& parent, const json* j, const char* field, std::optional<Error>& err) {
  Reader r{or_empty(j), parent.path() + "." + field, err};
  KeyAttribute k{r.str("name", true), r.str("type", true)};
  if (k.type != "S" && k.type != "N" && k.type != "B") r.fail("type", "must be S, N or B");
  return k;
}

template <class T>
bool has_name(const std::vector<T>& v, const std::string& name) {
  return std::any_of(v.begin(), v.end(), [&](const T& x) { return x.name == name; });
}

}  // namespace

tracing::Result<Topology> parse_topology(std::string_view text) {
  json root = json::parse(text, nullptr, false, /*ignore_comments=*/true);
  if (root.is_discarded()) return Error{"topology is not valid JSON"};
  if (!root.is_object()) return Error{"topology must be a JSON object"};
  std::optional<Error> err;
  Topology t;
  Reader top{root, "", err};
  t.description = top.str("description", false);
  t.region = top.str("region", false, t.region);
  t.account = top.str("account", false, t.account);
  t.topics = read_list<Topic>(root, "topics", err, [](Reader& r) {
    Topic topic{r.str("name", true)};
    topic.fifo = topic.name.ends_with(".fifo");
    topic.content_based_deduplication = r.boolean("content_based_deduplication", false);
    if (topic.content_based_deduplication && !topic.fifo) r.fail("content_based_deduplication", "is for FIFO topics only (a name ending in .fifo)");
    topic.delivery_policy = delivery_policy_of(r);
    return topic;
  });
  t.queues = read_list<Queue>(root, "queues", err, [](Reader& r) {
    Queue q;
    q.name = r.str("name", true);
    q.visibility_timeout = r.integer("visibility_timeout", 30, 0, 43200);
    q.delay_seconds = r.integer("delay_seconds", 0, 0, 900);
    q.receive_wait = r.integer("receive_wait", 0, 0, 20);
    if (auto dlq = r.str("dead_letter_queue", false); !dlq.empty()) q.dead_letter_queue = dlq;
    q.max_receive_count = r.integer("max_receive_count", q.dead_letter_queue ? 5 : 0, 0, 1000);
    q.fifo = q.name.ends_with(".fifo");
    q.content_based_deduplication = r.boolean("content_based_deduplication", false);
    if (q.content_based_deduplication && !q.fifo) r.fail("content_based_deduplication", "is for FIFO queues only (a name ending in .fifo)");
    return q;
  });
  t.tables = read_list<Table>(root, "tables", err, [&err](Reader& r) {
    Table tb;
    tb.name = r.str("name", true);
    tb.hash_key = key_attribute(r, r.child("hash_key"), "hash_key", err);
    if (const json* rk = r.child("range_key")) tb.range_key = key_attribute(r, rk, "range_key", err);
    return tb;
  });
  t.functions = read_list<Function>(root, "functions", err, [&err](Reader& r) {
    Function f;
    f.name = r.str("name", true);
    f.handler = r.str("handler", true);
    f.runtime = r.str("runtime", false);
    f.code = r.str("code", false);
    if (!f.code.empty() && f.runtime.empty()) r.fail("runtime", "is required with code");
    if (f.code.empty() && !f.runtime.empty()) r.fail("code", "is required with runtime (a folder with the function's code)");
    f.timeout = r.integer("timeout", 3, 1, 900);
    f.concurrency = r.integer("concurrency", 10, 1, 1000);
    f.memory = r.integer("memory", 128, 128, 10240);
    f.environment = r.string_map("environment");
    f.dead_letter_target = r.str("dead_letter_target", false);
    if (const json* e = r.child("event_invoke")) {
      Reader er{*e, r.path() + ".event_invoke", err};
      Function::EventInvoke ei;
      ei.maximum_retry_attempts = er.integer("maximum_retry_attempts", 2, 0, 2);
      ei.maximum_event_age_seconds = er.integer("maximum_event_age_seconds", 21600, 60, 21600);
      ei.on_success = er.str("on_success", false);
      ei.on_failure = er.str("on_failure", false);
      f.event_invoke = ei;
    }
    return f;
  });
  t.subscriptions = read_list<Subscription>(root, "subscriptions", err, [](Reader& r) {
    Subscription s{r.str("topic", true), r.str("protocol", true), r.str("endpoint", true)};
    static const std::set<std::string> kProtocols{"lambda", "sqs", "http", "https", "email", "email-json", "sms"};
    if (!kProtocols.contains(s.protocol)) r.fail("protocol", "must be lambda, sqs, http, https, email, email-json or sms");
    s.raw_message_delivery = r.boolean("raw_message_delivery", false);
    s.dead_letter_queue = r.str("dead_letter_queue", false);
    s.delivery_policy = delivery_policy_of(r);
    return s;
  });
  t.event_source_mappings = read_list<EventSourceMapping>(root, "event_source_mappings", err, [](Reader& r) {
    EventSourceMapping m{r.str("queue", true), r.str("function", true)};
    m.batching_window_seconds = r.integer("batching_window_seconds", 0, 0, 300);
    m.batch_size = r.integer("batch_size", 10, 1, m.batching_window_seconds > 0 ? 10000 : 10);
    m.report_batch_item_failures = r.boolean("report_batch_item_failures", false);
    if (r.child("maximum_concurrency")) m.maximum_concurrency = r.integer("maximum_concurrency", 2, 2, 1000);
    return m;
  });
  t.apis = read_list<Api>(root, "apis", err, [&err](Reader& r) {
    Api a;
    a.name = r.str("name", true);
    auto integration = [&err](const json* j, const std::string& path) {
      Reader ir{or_empty(j), path, err};
      ApiIntegration i;
      if (ir.str("type", false) == "lambda_proxy") {
        i.type = "lambda_proxy";
        i.function = ir.str("function", true);
        return i;
      }
      i.type = "sns";
      if (ir.str("service", true) != "sns") ir.fail("service", "must be sns, or type must be lambda_proxy");
      if (ir.str("action", true) != "Publish") ir.fail("action", "only 'Publish' is supported");
      i.topic = ir.str("topic", true);
      i.message = ir.str("message", true);
      i.message_attributes = ir.string_map("message_attributes");
      return i;
    };
    if (const json* stages = r.child("stages")) {
      if (!stages->is_array() || stages->empty()) r.fail("stages", "must be a non-empty list of names");
      else
        for (const auto& s : *stages) {
          if (!s.is_string() || s.get<std::string>().empty()) r.fail("stages", "must be a non-empty list of names");
          else a.stages.push_back(s.get<std::string>());
        }
    } else {
      a.stages.push_back(r.str("stage", true));
    }
    if (const json* routes = r.child("routes")) {
      if (!routes->is_array() || routes->empty()) r.fail("routes", "must be a non-empty list");
      else
        for (std::size_t i = 0; i < routes->size(); ++i) {
          std::string at = r.path() + ".routes[" + std::to_string(i) + "]";
          Reader rr{(*routes)[i], at, err};
          ApiRoute route;
          route.path = rr.str("path", false, route.path);
          route.method = rr.str("method", false, route.method);
          if (route.path.empty() || route.path.front() != '/') rr.fail("path", "must start with '/'");
          route.integration = integration(rr.child("integration"), at + ".integration");
          a.routes.push_back(std::move(route));
        }
    } else {
      auto i = integration(r.child("integration"), r.path() + ".integration");
      a.routes.push_back(ApiRoute{"/", "ANY", i});
      a.routes.push_back(ApiRoute{"/{proxy+}", "ANY", i});
    }
    return a;
  });
  if (err) return *err;

  // Cross references.
  std::set<std::string> seen;
  auto unique = [&](const std::string& kind, const std::string& name) {
    if (!seen.insert(kind + ":" + name).second && !err) err = Error{kind + " '" + name + "' is declared twice"};
  };
  for (const auto& x : t.topics) unique("topic", x.name);
  for (const auto& x : t.queues) unique("queue", x.name);
  for (const auto& x : t.tables) unique("table", x.name);
  for (const auto& x : t.functions) unique("function", x.name);
  for (std::size_t i = 0; i < t.subscriptions.size() && !err; ++i) {
    const auto& s = t.subscriptions[i];
    std::string at = "subscriptions[" + std::to_string(i) + "]";
    if (!has_name(t.topics, s.topic)) err = Error{at + ".topic: no topic named '" + s.topic + "'"};
    else if (s.protocol == "lambda" && !has_name(t.functions, s.endpoint)) err = Error{at + ".endpoint: no function named '" + s.endpoint + "'"};
    else if (s.protocol == "sqs" && !has_name(t.queues, s.endpoint)) err = Error{at + ".endpoint: no queue named '" + s.endpoint + "'"};
  }
  for (std::size_t i = 0; i < t.event_source_mappings.size() && !err; ++i) {
    const auto& m = t.event_source_mappings[i];
    std::string at = "event_source_mappings[" + std::to_string(i) + "]";
    if (!has_name(t.queues, m.queue)) err = Error{at + ".queue: no queue named '" + m.queue + "'"};
    else if (!has_name(t.functions, m.function)) err = Error{at + ".function: no function named '" + m.function + "'"};
  }
  for (std::size_t i = 0; i < t.queues.size() && !err; ++i)
    if (t.queues[i].dead_letter_queue && !has_name(t.queues, *t.queues[i].dead_letter_queue))
      err = Error{"queues[" + std::to_string(i) + "].dead_letter_queue: no queue named '" + *t.queues[i].dead_letter_queue + "'"};
  for (std::size_t i = 0; i < t.apis.size() && !err; ++i)
    for (std::size_t k = 0; k < t.apis[i].routes.size() && !err; ++k) {
      const auto& integ = t.apis[i].routes[k].integration;
      std::string at = "apis[" + std::to_string(i) + "].routes[" + std::to_string(k) + "].integration";
      if (integ.type == "sns" && !has_name(t.topics, integ.topic)) err = Error{at + ".topic: no topic named '" + integ.topic + "'"};
      if (integ.type == "lambda_proxy" && !has_name(t.functions, integ.function))
        err = Error{at + ".function: no function named '" + integ.function + "'"};
    }
  if (err) return *err;
  return t;
}

}  // namespace localray::config
