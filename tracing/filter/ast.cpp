#include "tracing/filter/ast.hpp"

#include <cctype>
#include <charconv>

#include "tracing/filter/keywords.hpp"

namespace localray::tracing::filter {
namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string number_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back as v
  return std::string{buf, end};
}

std::string literal_text(const Literal& literal) {
  if (const bool* b = std::get_if<bool>(&literal)) return *b ? "true" : "false";
  if (const double* d = std::get_if<double>(&literal)) return number_text(*d);
  return quote(std::get<std::string>(literal));
}

bool plain_key(std::string_view key) {
  for (unsigned char c : key)
    if (!std::isalnum(c) && c != '_') return false;
  return !key.empty();
}

std::string selector_text(const ServiceSelector& s) {
  if (s.name && !s.type && !s.account_id) return quote(*s.name);
  std::string fields;
  auto add = [&](const char* field, const std::optional<std::string>& value) {
    if (!value) return;
    if (!fields.empty()) fields += ", ";
    fields += std::string{field} + ": " + quote(*value);
  };
  add("name", s.name);
  add("type", s.type);
  add("account.id", s.account_id);
  return fields.empty() ? std::string{} : "id(" + fields + ")";
}

std::string braces_text(const std::optional<Box<Expression>>& filter) {
  return filter ? " { " + format(**filter) + " }" : std::string{};
}

std::string_view kind_text(CauseKind kind) {
  switch (kind) {
    case CauseKind::Fault: return "fault";
    case CauseKind::Error: return "error";
    case CauseKind::ResponseTime: return "responsetime";
  }
  return "";
}

std::string_view level_text(CauseLevel level) {
  switch (level) {
    case CauseLevel::Service: return "service";
    case CauseLevel::Entity: return "entity";
    case CauseLevel::Exception: return "exception";
  }
  return "";
}

bool is_bare_flag(const Comparison& c) {
  const bool* b = std::get_if<bool>(&c.value);
  return c.op == Op::Eq && b != nullptr && *b;
}

// Terms that `!` can precede without parentheses: it binds tighter than any comparison.
bool negatable_as_written(const Expression& e) {
  if (const auto* c = std::get_if<Comparison>(&e.node)) return is_bare_flag(*c);
  if (const auto* a = std::get_if<AnnotationTest>(&e.node)) return !a->op;
  return !std::holds_alternative<GroupTest>(e.node);  // All and Any print their own parentheses
}

std::string join(const std::vector<Expression>& operands, std::string_view separator) {
  std::string out = "(";
  for (std::size_t i = 0; i < operands.size(); ++i) out += (i ? std::string{separator} : "") + format(operands[i]);
  return out + ")";
}

struct Formatter {
  std::string operator()(const Comparison& c) const {
    std::string name{spec_of(c.keyword).name};
    if (is_bare_flag(c)) return name;
    return name + " " + std::string{op_text(c.op)} + " " + literal_text(c.value);
  }
  std::string operator()(const AnnotationTest& a) const {
    std::string term = plain_key(a.key) ? "annotation." + a.key : "annotation[" + a.key + "]";
    if (!a.op) return term;
    return term + " " + std::string{op_text(*a.op)} + " " + literal_text(a.value);
  }
  std::string operator()(const Not& n) const {
    std::string inner = format(*n.operand);
    return negatable_as_written(*n.operand) ? "!" + inner : "!(" + inner + ")";
  }
  std::string operator()(const All& a) const { return join(a.operands, " AND "); }
  std::string operator()(const Any& a) const { return join(a.operands, " OR "); }
  std::string operator()(const ServiceTest& s) const {
    return "service(" + selector_text(s.service) + ")" + braces_text(s.filter);
  }
  std::string operator()(const EdgeTest& e) const {
    return "edge(" + selector_text(e.from) + ", " + selector_text(e.to) + ")" + braces_text(e.filter);
  }
  std::string operator()(const RootCauseTest& r) const {
    return "rootcause." + std::string{kind_text(r.kind)} + "." + std::string{level_text(r.level)} + braces_text(r.filter);
  }
  std::string operator()(const GroupTest& g) const {
    return std::string{g.field == GroupField::Name ? "group.name" : "group.arn"} + " " + std::string{op_text(g.op)} +
           " " + quote(g.value);
  }
};

}  // namespace

std::string_view op_text(Op op) {
  switch (op) {
    case Op::Eq: return "=";
    case Op::Ne: return "!=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::Contains: return "CONTAINS";
    case Op::BeginsWith: return "BEGINSWITH";
    case Op::EndsWith: return "ENDSWITH";
  }
  return "?";
}

std::string format(const Expression& expression) { return std::visit(Formatter{}, expression.node); }

}  // namespace localray::tracing::filter
