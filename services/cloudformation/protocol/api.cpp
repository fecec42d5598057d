#include "services/cloudformation/protocol/api.hpp"

#include <ctime>
#include <map>
#include <set>

#include "http/xml.hpp"

namespace localray::cloudformation::protocol {

namespace {

using model::Code;
using model::Error;
constexpr const char* kXmlns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

std::string iso(tracing::TimePoint t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

http::Response error_response(const Error& e, const std::string& request_id) {
  const char* code = "ValidationError";
  unsigned status = 400;
  switch (e.code) {
    case Code::ValidationError: code = "ValidationError"; break;
    case Code::AlreadyExists: code = "AlreadyExistsException"; break;
    case Code::ChangeSetNotFound: code = "ChangeSetNotFound"; status = 404; break;
    case Code::InvalidChangeSetStatus: code = "InvalidChangeSetStatus"; break;
    case Code::InsufficientCapabilities: code = "InsufficientCapabilitiesException"; break;
  }
  http::XmlWriter x;
  x.raw("<ErrorResponse xmlns=\"").raw(kXmlns).raw("\">").open("Error").element("Type", "Sender").element("Code", code).element("Message", e.message);
  x.close("Error").element("RequestId", request_id).close("ErrorResponse");
  return http::Response::json(status, x.str(), "text/xml");
}

http::Response answer(const std::string& action, const std::string& result, const std::string& request_id) {
  http::XmlWriter x;
  x.raw("<" + action + "Response xmlns=\"").raw(kXmlns).raw("\">");
  // Present even when empty: botocore looks the wrapper up for every output shape that has one.
  x.raw("<" + action + "Result>").raw(result).raw("</" + action + "Result>");
  x.open("ResponseMetadata").element("RequestId", request_id).close("ResponseMetadata").close(action + "Response");
  return http::Response::json(200, x.str(), "text/xml");
}

// The members of a list parameter: Prefix.member.1[.Field], in order.
std::vector<std::map<std::string, std::string>> members(const http::FormFields& form, const std::string& prefix) {
  std::map<int, std::map<std::string, std::string>> by_index;
  const std::string start = prefix + ".member.";
  for (const auto& [k, v] : form) {
    if (k.rfind(start, 0) != 0) continue;
    std::string rest = k.substr(start.size());
    auto dot = rest.find('.');
    int index = std::atoi(rest.substr(0, dot).c_str());
    by_index[index][dot == std::string::npos ? "" : rest.substr(dot + 1)] = v;
  }
  std::vector<std::map<std::string, std::string>> out;
  for (auto& [i, m] : by_index) out.push_back(std::move(m));
  return out;
}

std::string value(const http::FormFields& form, std::string_view key) { return std::string{http::form_value(form, key).value_or("")}; }

model::Result<model::StackRequest> stack_request(const http::FormFields& form) {
  model::StackRequest r;
  r.name = value(form, "StackName");
  if (r.name.empty()) return Error{Code::ValidationError, "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null"};
  r.template_body = value(form, "TemplateBody");
  if (r.template_body.empty() && http::form_value(form, "TemplateURL"))
    return Error{Code::ValidationError, "TemplateURL is not supported: S3 is not emulated; send the template as TemplateBody (aws cloudformation deploy does so up to 51,200 bytes)"};
  for (auto& p : members(form, "Parameters")) {
    if (p["UsePreviousValue"] == "true") r.use_previous.push_back(p["ParameterKey"]);
    else r.parameters.push_back({p["ParameterKey"], p["ParameterValue"]});
  }
  for (auto& c : members(form, "Capabilities")) r.capabilities.push_back(c[""]);
  for (auto& t : members(form, "Tags")) r.tags.emplace_back(t["Key"], t["Value"]);
  return r;
}

void parameters_xml(http::XmlWriter& x, const std::vector<model::Parameter>& parameters) {
  x.open("Parameters");
  for (const auto& p : parameters) x.open("member").element("ParameterKey", p.key).element("ParameterValue", p.value).close("member");
  x.close("Parameters");
}

void stack_xml(http::XmlWriter& x, const model::Stack& s) {
  x.open("member").element("StackName", s.name).element("StackId", s.id).element("CreationTime", iso(s.created)).element("StackStatus", s.status);
  if (!s.status_reason.empty()) x.element("StackStatusReason", s.status_reason);
  if (s.updated) x.element("LastUpdatedTime", iso(*s.updated));
  if (s.deleted) x.element("DeletionTime", iso(*s.deleted));
  if (!s.description.empty()) x.element("Description", s.description);
  parameters_xml(x, s.parameters);
  x.open("Capabilities");
  for (const auto& c : s.capabilities) x.element("member", c);
  x.close("Capabilities").open("Outputs");
  for (const auto& o : s.outputs) {
    x.open("member").element("OutputKey", o.key).element("OutputValue", o.value);
    if (!o.description.empty()) x.element("Description", o.description);
    if (!o.export_name.empty()) x.element("ExportName", o.export_name);
    x.close("member");
  }
  x.close("Outputs").open("Tags");
  for (const auto& [k, v] : s.tags) x.open("member").element("Key", k).element("Value", v).close("member");
  x.close("Tags").element("DisableRollback", "false").element("EnableTerminationProtection", "false").open("NotificationARNs").close("NotificationARNs");
  x.open("DriftInformation").element("StackDriftStatus", "NOT_CHECKED").close("DriftInformation").close("member");
}

std::string summary_xml(const model::TemplateSummary& t, bool with_types) {
  http::XmlWriter x;
  x.open("Parameters");
  for (const auto& p : t.parameters) {
    x.open("member").element("ParameterKey", p.key).element("NoEcho", "false");
    if (p.has_default) x.element("DefaultValue", p.default_value);
    if (with_types) x.element("ParameterType", p.type);
    if (!p.description.empty()) x.element("Description", p.description);
    x.close("member");
  }
  x.close("Parameters");
  if (!t.description.empty()) x.element("Description", t.description);
  x.open("Capabilities");
  for (const auto& c : t.capabilities_needed) x.element("member", c);
  x.close("Capabilities");
  if (!t.capabilities_needed.empty()) x.element("CapabilitiesReason", "The following resource(s) require capabilities: [AWS::IAM::Role]");
  if (with_types) {
    std::set<std::string> types;
    for (const auto& [id, type] : t.resource_types) types.insert(type);
    x.open("ResourceTypes");
    for (const auto& type : types) x.element("member", type);
    x.close("ResourceTypes");
  }
  return x.str();
}

std::string change_set_xml(const model::ChangeSet& cs) {
  http::XmlWriter x;
  x.element("ChangeSetName", cs.name).element("ChangeSetId", cs.id).element("StackId", cs.stack_id).element("StackName", cs.stack_name);
  if (!cs.description.empty()) x.element("Description", cs.description);
  parameters_xml(x, cs.parameters);
  x.element("CreationTime", iso(cs.created)).element("ExecutionStatus", cs.execution_status).element("Status", cs.status);
  if (!cs.status_reason.empty()) x.element("StatusReason", cs.status_reason);
  x.open("NotificationARNs").close("NotificationARNs").open("Capabilities");
  for (const auto& c : cs.capabilities) x.element("member", c);
  x.close("Capabilities").open("Tags").close("Tags").open("Changes");
  for (const auto& c : cs.changes) {
    x.open("member").element("Type", "Resource").open("ResourceChange").element("Action", c.action).element("LogicalResourceId", c.logical_id);
    x.element("ResourceType", c.type);
    if (!c.replacement.empty()) x.element("Replacement", c.replacement);
    x.open("Scope").close("Scope").open("Details").close("Details").close("ResourceChange").close("member");
  }
  x.close("Changes").element("IncludeNestedStacks", "false");
  return x.str();
}

}  // namespace

boost::asio::awaitable<http::Response> handle(const http::Request& request, const http::FormFields& form, model::Stacks& stacks,
                                              const http::CallContext& call) {
  const std::string action = value(form, "Action");
  const std::string& rid = call.request_id;
  auto fail = [&rid](const Error& e) { return error_response(e, rid); };

  if (action == "CreateStack" || action == "UpdateStack") {
    auto r = stack_request(form);
    if (!r) co_return fail(r.error());
    // One co_await per statement: GCC 12 destroys temporaries of a co_await full-expression twice.
    model::Result<model::Stack> done = Error{Code::ValidationError, ""};
    if (action == "CreateStack") {
      auto created = co_await stacks.create_stack(std::move(*r));
      done = std::move(created);
    } else {
      auto updated = co_await stacks.update_stack(std::move(*r));
      done = std::move(updated);
    }
    if (!done) co_return fail(done.error());
    http::XmlWriter x;
    x.element("StackId", done->id);
    co_return answer(action, x.str(), rid);
  }
  if (action == "DeleteStack") {
    auto done = co_await stacks.delete_stack(value(form, "StackName"));
    if (!done) co_return fail(done.error());
    co_return answer(action, "", rid);
  }
  if (action == "DescribeStacks") {
    auto found = stacks.describe(value(form, "StackName"));
    if (!found) co_return fail(found.error());
    http::XmlWriter x;
    x.open("Stacks");
    for (const auto& s : *found) stack_xml(x, s);
    x.close("Stacks");
    co_return answer(action, x.str(), rid);
  }
  if (action == "ListStacks") {
    std::set<std::string> wanted;
    for (auto& m : members(form, "StackStatusFilter")) wanted.insert(m[""]);
    http::XmlWriter x;
    x.open("StackSummaries");
    for (const auto& s : stacks.list()) {
      if (!wanted.empty() && !wanted.count(s.status)) continue;
      x.open("member").element("StackId", s.id).element("StackName", s.name).element("CreationTime", iso(s.created)).element("StackStatus", s.status);
      if (!s.description.empty()) x.element("TemplateDescription", s.description);
      if (s.updated) x.element("LastUpdatedTime", iso(*s.updated));
      if (s.deleted) x.element("DeletionTime", iso(*s.deleted));
      x.close("member");
    }
    x.close("StackSummaries");
    co_return answer(action, x.str(), rid);
  }
  if (action == "DescribeStackResources" || action == "ListStackResources" || action == "DescribeStackResource") {
    auto found = stacks.describe(value(form, "StackName"));
    if (!found) co_return fail(found.error());
    const auto& s = found->front();
    std::string only = value(form, "LogicalResourceId");
    http::XmlWriter x;
    bool listed = action == "ListStackResources";
    if (action == "DescribeStackResource") {
      for (const auto& r : s.resources)
        if (r.logical_id == only) {
          x.open("StackResourceDetail").element("StackName", s.name).element("StackId", s.id).element("LogicalResourceId", r.logical_id);
          x.element("PhysicalResourceId", r.physical_id).element("ResourceType", r.type).element("LastUpdatedTimestamp", iso(r.timestamp));
          x.element("ResourceStatus", r.status).close("StackResourceDetail");
          co_return answer(action, x.str(), rid);
        }
      co_return fail(Error{Code::ValidationError, "Resource " + only + " does not exist for stack " + s.name});
    }
    x.open(listed ? "StackResourceSummaries" : "StackResources");
    for (const auto& r : s.resources) {
      if (!only.empty() && r.logical_id != only) continue;
      x.open("member");
      if (!listed) x.element("StackName", s.name).element("StackId", s.id);
      x.element("LogicalResourceId", r.logical_id).element("PhysicalResourceId", r.physical_id).element("ResourceType", r.type);
      x.element(listed ? "LastUpdatedTimestamp" : "Timestamp", iso(r.timestamp)).element("ResourceStatus", r.status);
      if (!r.reason.empty()) x.element("ResourceStatusReason", r.reason);
      x.close("member");
    }
    x.close(listed ? "StackResourceSummaries" : "StackResources");
    co_return answer(action, x.str(), rid);
  }
  if (action == "DescribeStackEvents") {
    auto found = stacks.describe(value(form, "StackName"));
    if (!found) co_return fail(found.error());
    const auto& s = found->front();
    http::XmlWriter x;
    x.open("StackEvents");
    for (auto it = s.events.rbegin(); it != s.events.rend(); ++it) {
      x.open("member").element("EventId", it->id).element("StackId", s.id).element("StackName", s.name).element("LogicalResourceId", it->logical_id);
      x.element("PhysicalResourceId", it->physical_id).element("ResourceType", it->type).element("Timestamp", iso(it->timestamp));
      x.element("ResourceStatus", it->status);
      if (!it->reason.empty()) x.element("ResourceStatusReason", it->reason);
      x.close("member");
    }
    x.close("StackEvents");
    co_return answer(action, x.str(), rid);
  }
  if (action == "GetTemplate") {
    std::string name = value(form, "StackName");
    if (auto cs = value(form, "ChangeSetName"); !cs.empty()) {
      auto found = stacks.describe_change_set(cs, name);
      if (!found) co_return fail(found.error());
      http::XmlWriter x;
      x.element("TemplateBody", found->template_body).open("StagesAvailable").element("member", "Original").close("StagesAvailable");
      co_return answer(action, x.str(), rid);
    }
    auto found = stacks.describe(name);
    if (!found) co_return fail(found.error());
    http::XmlWriter x;
    x.element("TemplateBody", found->front().template_body).open("StagesAvailable").element("member", "Original").close("StagesAvailable");
    co_return answer(action, x.str(), rid);
  }
  if (action == "ValidateTemplate" || action == "GetTemplateSummary") {
    std::string body = value(form, "TemplateBody");
    if (body.empty() && action == "GetTemplateSummary" && !value(form, "StackName").empty()) {
      auto found = stacks.describe(value(form, "StackName"));
      if (!found) co_return fail(found.error());
      body = found->front().template_body;
    }
    if (body.empty()) co_return fail(Error{Code::ValidationError, "Either Template URL or Template Body must be specified."});
    auto summary = stacks.summarize(body);
    if (!summary) co_return fail(summary.error());
    co_return answer(action, summary_xml(*summary, action == "GetTemplateSummary"), rid);
  }
  if (action == "CreateChangeSet") {
    auto r = stack_request(form);
    if (!r) co_return fail(r.error());
    auto cs = co_await stacks.create_change_set(std::move(*r), value(form, "ChangeSetName"), value(form, "ChangeSetType"), value(form, "Description"));
    if (!cs) co_return fail(cs.error());
    http::XmlWriter x;
    x.element("Id", cs->id).element("StackId", cs->stack_id);
    co_return answer(action, x.str(), rid);
  }
  if (action == "DescribeChangeSet") {
    auto cs = stacks.describe_change_set(value(form, "ChangeSetName"), value(form, "StackName"));
    if (!cs) co_return fail(cs.error());
    co_return answer(action, change_set_xml(*cs), rid);
  }
  if (action == "ExecuteChangeSet") {
    auto done = co_await stacks.execute_change_set(value(form, "ChangeSetName"), value(form, "StackName"));
    if (!done) co_return fail(done.error());
    co_return answer(action, "", rid);
  }
  if (action == "DeleteChangeSet") {
    auto done = stacks.delete_change_set(value(form, "ChangeSetName"), value(form, "StackName"));
    if (!done) co_return fail(done.error());
    co_return answer(action, "", rid);
  }
  if (action == "ListExports") {
    http::XmlWriter x;
    x.open("Exports");
    for (const auto& s : stacks.list()) {
      if (s.status == "DELETE_COMPLETE") continue;
      for (const auto& o : s.outputs)
        if (!o.export_name.empty())
          x.open("member").element("ExportingStackId", s.id).element("Name", o.export_name).element("Value", o.value).close("member");
    }
    x.close("Exports");
    co_return answer(action, x.str(), rid);
  }
  http::XmlWriter x;
  x.raw("<ErrorResponse xmlns=\"").raw(kXmlns).raw("\">").open("Error").element("Type", "Sender").element("Code", "InvalidAction");
  x.element("Message", "The action " + action + " is not valid for this web service (localray emulates the stack and change-set calls)");
  x.close("Error").element("RequestId", rid).close("ErrorResponse");
  co_return http::Response::json(400, x.str(), "text/xml");
}

}  // namespace localray::cloudformation::protocol
