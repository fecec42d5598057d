#include "services/sqs/protocol/query_codec.hpp"

#include <charconv>
#include <map>

#include "http/form.hpp"
#include "services/sqs/protocol/errors.hpp"

namespace localray::sqs::protocol {
namespace {

constexpr std::string_view kXmlns = "http://queue.amazonaws.com/doc/2012-11-05/";

// ---- form fields -> Tree ----

// Flattened lists: `<form name>.N` (strings) or `<form name>.N.<member>` (structures).
const std::map<std::string_view, std::string_view> kFormLists = {
    {"AttributeName", "AttributeNames"},
    {"MessageAttributeName", "MessageAttributeNames"},
    {"MessageSystemAttributeName", "MessageSystemAttributeNames"},
    {"TagKey", "TagKeys"},
    {"AWSAccountId", "AWSAccountIds"},
    {"ActionName", "Actions"},
    {"SendMessageBatchRequestEntry", "Entries"},
    {"DeleteMessageBatchRequestEntry", "Entries"},
    {"ChangeMessageVisibilityBatchRequestEntry", "Entries"},
};
// Flattened maps: `<form name>.N.Name|Key` and `<form name>.N.Value[.<member>]`.
const std::map<std::string_view, std::string_view> kFormMaps = {
    {"Attribute", "Attributes"},
    {"MessageAttribute", "MessageAttributes"},
    {"MessageSystemAttribute", "MessageSystemAttributes"},
    {"Tag", "tags"},  // CreateQueue's member; TagQueue (not served) would read "Tags"
};

// Form keys split at '.', as a tree: `A.1.Name=x` is node A, child 1, child Name holding x.
struct FormNode {
  std::optional<std::string> value;
  std::map<std::string, FormNode, std::less<>> children;
};

std::optional<std::uint64_t> index_of(std::string_view s) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return n;
}

// Members `1`, `2`, … in numeric order; anything else under a list or map name is ignored.
std::map<std::uint64_t, const FormNode*> indexed(const FormNode& n) {
  std::map<std::uint64_t, const FormNode*> out;
  for (const auto& [k, child] : n.children)
    if (auto i = index_of(k)) out.emplace(*i, &child);
  return out;
}

Tree to_tree(const FormNode& n);

Tree value_of(const FormNode& n) {
  if (n.children.empty()) return n.value.value_or("");
  return to_tree(n);
}

Tree to_tree(const FormNode& n) {
  Tree out = Tree::object();
  for (const auto& [name, child] : n.children) {
    if (auto l = kFormLists.find(name); l != kFormLists.end()) {
      Tree list = Tree::array();
      for (const auto& [i, item] : indexed(child)) list.push_back(value_of(*item));
      out[std::string{l->second}] = std::move(list);
    } else if (auto m = kFormMaps.find(name); m != kFormMaps.end()) {
      Tree map = Tree::object();
      for (const auto& [i, entry] : indexed(child)) {
        auto key = entry->children.find("Name");
        if (key == entry->children.end()) key = entry->children.find("Key");
        auto value = entry->children.find("Value");
        if (key == entry->children.end() || !key->second.value) continue;
        map[*key->second.value] = value == entry->children.end() ? Tree("") : value_of(value->second);
      }
      out[std::string{m->second}] = std::move(map);
    } else {
      out[name] = value_of(child);
    }
  }
  return out;
}

void insert(FormNode& root, std::string_view key, std::string value) {
  FormNode* n = &root;
  while (true) {
    auto dot = key.find('.');
    auto part = key.substr(0, dot);
    auto it = n->children.find(part);
    if (it == n->children.end()) it = n->children.emplace(std::string{part}, FormNode{}).first;
    n = &it->second;
    if (dot == std::string_view::npos) break;
    key.remove_prefix(dot + 1);
  }
  if (!n->value) n->value = std::move(value);  // first occurrence wins, as form_value() does
}

// ---- Tree -> XML ----

// Flattened output lists and maps: JSON member -> repeated element name.
std::string_view list_element(std::string_view member, std::string_view operation, std::string& scratch) {
  if (member == "QueueUrls" || member == "queueUrls") return "QueueUrl";
  if (member == "Messages") return "Message";
  if (member == "Failed") return "BatchResultErrorEntry";
  if (member == "Successful") {  // SendMessageBatchResultEntry, DeleteMessageBatchResultEntry, …
    scratch = std::string{operation} + "ResultEntry";
    return scratch;
  }
  return member;
}
std::string_view map_element(std::string_view member) {
  if (member == "Attributes") return "Attribute";
  if (member == "MessageAttributes") return "MessageAttribute";
  if (member == "Tags") return "Tag";
  return {};
}

std::string scalar_text(const Tree& v) {
  if (v.is_string()) return xml_escape(v.get_ref<const std::string&>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return {};
  return v.dump();
}

void write_members(std::string& out, const Tree& object, std::string_view operation);

void write_value(std::string& out, const Tree& v, std::string_view operation) {
  if (v.is_object()) write_members(out, v, operation);
  else out += scalar_text(v);
}

void element(std::string& out, std::string_view name, const Tree& v, std::string_view operation) {
  out += '<';
  out += name;
  out += '>';
  write_value(out, v, operation);
  out += "</";
  out += name;
  out += '>';
}

void write_members(std::string& out, const Tree& object, std::string_view operation) {
  for (const auto& [member, v] : object.items()) {
    if (v.is_array()) {
      std::string scratch;
      auto name = list_element(member, operation, scratch);
      for (const auto& item : v) element(out, name, item, operation);
    } else if (auto name = map_element(member); !name.empty() && v.is_object()) {
      bool tag = name == "Tag";
      for (const auto& [key, value] : v.items()) {
        out += '<';
        out += name;
        out += '>';
        element(out, tag ? "Key" : "Name", Tree(key), operation);
        element(out, "Value", value, operation);
        out += "</";
        out += name;
        out += '>';
      }
    } else {
      element(out, member, v, operation);
    }
  }
}

http::Response xml_response(unsigned status, std::string body, const std::string& request_id) {
  auto r = http::Response::json(status, std::move(body), "text/xml");
  r.headers.set("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace

model::Result<QueryRequest> decode_query(const http::Request& request) {
  FormNode root;
  for (std::string_view source : {std::string_view{request.query}, std::string_view{request.body}}) {
    auto fields = http::parse_form(source);
    if (!fields) return model::Error{model::Code::MalformedInput, "The request contains a malformed percent-encoding."};
    for (auto& [k, v] : *fields) insert(root, k, std::move(v));
  }
  QueryRequest out;
  if (auto a = root.children.find("Action"); a != root.children.end() && a->second.value) out.action = *a->second.value;
  root.children.erase("Action");
  root.children.erase("Version");
  out.input = to_tree(root);
  return out;
}

http::Response encode_query(std::string_view operation, bool has_result, const Tree& output, const std::string& request_id) {
  std::string op{operation};
  std::string body = "<?xml version=\"1.0\"?><" + op + "Response xmlns=\"" + std::string{kXmlns} + "\">";
  if (has_result) {
    std::string members;
    if (output.is_object()) write_members(members, output, operation);
    body += members.empty() ? "<" + op + "Result/>" : "<" + op + "Result>" + members + "</" + op + "Result>";
  }
  body += "<ResponseMetadata><RequestId>" + xml_escape(request_id) + "</RequestId></ResponseMetadata></" + op + "Response>";
  return xml_response(200, std::move(body), request_id);
}

http::Response encode_query_error(const model::Error& error, const std::string& request_id) {
  const WireError& w = wire_error(error.code);
  std::string message = w.query_message.empty() ? error.message : std::string{w.query_message};
  std::string body = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"" + std::string{kXmlns} + "\"><Error><Type>" +
                     (w.sender_fault ? "Sender" : "Receiver") + "</Type><Code>" + std::string{w.query_code} + "</Code><Message>" +
                     xml_escape(message) + "</Message><Detail/></Error><RequestId>" + xml_escape(request_id) +
                     "</RequestId></ErrorResponse>";
  return xml_response(w.status, std::move(body), request_id);
}

}  // namespace localray::sqs::protocol
