#include "services/apigateway/model/velocity.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "services/apigateway/model/velocity_syntax.hpp"

namespace localray::apigateway::model {

using tracing::Error;
using velocity::SyntaxError;
using velocity::Token;

namespace {


constexpr std::size_t kMaxOutput = 10 * 1024 * 1024;
constexpr std::size_t kMaxRange = 10000;

std::vector<VelocityNode> build(const std::vector<Token>& tokens, std::size_t& i, const std::string_view text, Token::Kind* ended_by);

VelocityNode node(VelocityNode::Kind kind, std::string text = {}) {
  VelocityNode n;
  n.kind = kind;
  n.text = std::move(text);
  return n;
}

std::string where(std::string_view text, std::size_t pos) {
  std::size_t line = 1, column = 1;
  for (std::size_t k = 0; k < pos && k < text.size(); ++k) {
    if (text[k] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::vector<VelocityNode> build(const std::vector<Token>& tokens, std::size_t& i, const std::string_view text, Token::Kind* ended_by) {
  std::vector<VelocityNode> out;
  while (i < tokens.size()) {
    const Token& t = tokens[i];
    switch (t.kind) {
      case Token::Text:
        if (!t.text.empty()) out.push_back(node(VelocityNode::Text, t.text));
        ++i;
        break;
      case Token::Ref: {
        VelocityNode n = node(VelocityNode::Ref);
        n.ref = t.ref;
        out.push_back(std::move(n));
        ++i;
        break;
      }
      case Token::Set: {
        VelocityNode n = node(VelocityNode::Set);
        n.target = t.target;
        n.value = t.expr;
        out.push_back(std::move(n));
        ++i;
        break;
      }
      case Token::Break:
      case Token::Stop:
        out.push_back(node(t.kind == Token::Break ? VelocityNode::Break : VelocityNode::Stop));
        ++i;
        break;
      case Token::If: {
        VelocityNode n = node(VelocityNode::If);
        ExprPtr condition = t.expr;
        std::size_t opened = t.pos;
        ++i;
        for (;;) {
          Token::Kind end = Token::Text;
          auto block = build(tokens, i, text, &end);
          n.branches.emplace_back(condition, std::move(block));
          if (end == Token::End) break;
          if (end == Token::ElseIf) {
            condition = tokens[i].expr;
            ++i;
            continue;
          }
          if (end == Token::Else) {
            if (!condition) throw SyntaxError("a second #else in one #if", tokens[i].pos);
            condition = nullptr;
            ++i;
            continue;
          }
          throw SyntaxError("#if without #end", opened);
        }
        ++i;  // #end
        out.push_back(std::move(n));
        break;
      }
      case Token::Foreach: {
        VelocityNode n = node(VelocityNode::Foreach);
        n.variable = t.variable;
        n.value = t.expr;
        std::size_t opened = t.pos;
        ++i;
        Token::Kind end = Token::Text;
        n.body = build(tokens, i, text, &end);
        if (end != Token::End) throw SyntaxError("#foreach without #end", opened);
        ++i;
        out.push_back(std::move(n));
        break;
      }
      case Token::ElseIf:
      case Token::Else:
      case Token::End:
        if (!ended_by) throw SyntaxError(std::string{t.kind == Token::End ? "#end" : "#else"} + " without #if or #foreach", t.pos);
        *ended_by = t.kind;
        return out;
    }
  }
  return out;
}

// ---- evaluation ----

struct Runtime {
  json& variables;
  VelocityHost& host;
  std::string out;
  bool stopped = false;
  bool breaking = false;
};

bool truthy(const std::optional<json>& v) { return v && !v->is_null() && !(v->is_boolean() && !v->get<bool>()); }

std::string number_string(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  double d = v.get<double>();
  if (std::floor(d) == d && std::fabs(d) < 1e15) {
    // Java prints a double with ".0"; JSON numbers from $input.path print as their JSON text.
    return v.dump();
  }
  return v.dump();
}

tracing::Result<json> eval(const Expr& e, Runtime& rt);
tracing::Result<void> run(const std::vector<VelocityNode>& nodes, Runtime& rt);

tracing::Result<std::optional<json>> resolve(const Reference& r, Runtime& rt) {
  using Opt = std::optional<json>;
  std::optional<json> current;
  std::size_t first = 0;
  auto arguments = [&rt](const Step& step) -> tracing::Result<std::vector<json>> {
    std::vector<json> args;
    for (const auto& a : step.args) {
      auto v = eval(*a, rt);
      if (!v) return v.error();
      args.push_back(std::move(*v));
    }
    return args;
  };
  if (rt.host.owns(r.root)) {
    if (r.steps.empty()) return Opt{};
    auto args = arguments(r.steps[0]);
    if (!args) return args.error();
    auto v = rt.host.call(r.root, r.steps[0].name, *args, r.steps[0].kind != Step::Method);
    if (!v) return v.error();
    current = std::move(*v);
    first = 1;
  } else {
    auto it = rt.variables.find(r.root);
    if (it == rt.variables.end()) return Opt{};
    current = *it;
  }
  for (std::size_t i = first; i < r.steps.size(); ++i) {
    if (!current || current->is_null()) return Opt{};
    auto args = arguments(r.steps[i]);
    if (!args) return args.error();
    auto next = velocity::step_on(*current, r.steps[i], *args);
    if (!next) return next.error();
    current = std::move(*next);
  }
  return current;
}

bool numeric(const json& v) { return v.is_number(); }
double as_double(const json& v) { return v.get<double>(); }

tracing::Result<json> arithmetic(const std::string& op, const json& l, const json& r) {
  if (op == "+" && (l.is_string() || r.is_string())) return ok(json(velocity_string(l) + velocity_string(r)));
  if (!numeric(l) || !numeric(r)) return ok(json(nullptr));  // Velocity: a non-number operand gives null
  bool integers = l.is_number_integer() && r.is_number_integer();
  if (integers) {
    long long a = l.get<long long>(), b = r.get<long long>();
    if (op == "+") return ok(json(a + b));
    if (op == "-") return ok(json(a - b));
    if (op == "*") return ok(json(a * b));
    if (b == 0) return ok(json(nullptr));
    if (op == "/") return ok(json(a / b));
    return ok(json(a % b));
  }
  double a = as_double(l), b = as_double(r);
  if (op == "+") return ok(json(a + b));
  if (op == "-") return ok(json(a - b));
  if (op == "*") return ok(json(a * b));
  if (b == 0) return ok(json(nullptr));
  if (op == "/") return ok(json(a / b));
  return ok(json(std::fmod(a, b)));
}

tracing::Result<json> eval(const Expr& e, Runtime& rt) {
  switch (e.kind) {
    case Expr::Literal: return ok(e.value);
    case Expr::Interpolated: {
      auto s = e.interpolated->render(rt.variables, rt.host);
      if (!s) return s.error();
      return ok(json(*s));
    }
    case Expr::Ref: {
      auto v = resolve(e.ref, rt);
      if (!v) return v.error();
      return ok(*v ? **v : json(nullptr));
    }
    case Expr::List: {
      json out = json::array();
      for (const auto& item : e.items) {
        auto v = eval(*item, rt);
        if (!v) return v;
        out.push_back(std::move(*v));
      }
      return ok(std::move(out));
    }
    case Expr::Range: {
      auto a = eval(*e.items[0], rt), b = eval(*e.items[1], rt);
      if (!a) return a;
      if (!b) return b;
      if (!a->is_number_integer() || !b->is_number_integer()) return Error{"a range needs integers"};
      long long from = a->get<long long>(), to = b->get<long long>();
      if (static_cast<std::size_t>(std::llabs(to - from)) >= kMaxRange) return Error{"a range of more than " + std::to_string(kMaxRange) + " numbers"};
      json out = json::array();
      for (long long i = from;; i += from <= to ? 1 : -1) {
        out.push_back(i);
        if (i == to) break;
      }
      return ok(std::move(out));
    }
    case Expr::Map: {
      json out = json::object();
      for (std::size_t i = 0; i + 1 < e.items.size(); i += 2) {
        auto k = eval(*e.items[i], rt);
        if (!k) return k;
        auto v = eval(*e.items[i + 1], rt);
        if (!v) return v;
        out[velocity_string(*k)] = std::move(*v);
      }
      return ok(std::move(out));
    }
    case Expr::Not: {
      auto v = eval(*e.items[0], rt);
      if (!v) return v;
      return ok(json(!truthy(*v)));
    }
    case Expr::Negate: {
      auto v = eval(*e.items[0], rt);
      if (!v) return v;
      return arithmetic("-", json(0), *v);
    }
    case Expr::Binary: {
      auto l = eval(*e.items[0], rt);
      if (!l) return l;
      if (e.op == "&&" && !truthy(*l)) return ok(json(false));
      if (e.op == "||" && truthy(*l)) return ok(json(true));
      auto r = eval(*e.items[1], rt);
      if (!r) return r;
      if (e.op == "&&" || e.op == "||") return ok(json(truthy(*r)));
      if (e.op == "==" || e.op == "!=") {
        bool equal;
        if (numeric(*l) && numeric(*r)) equal = as_double(*l) == as_double(*r);
        else if (l->is_null() || r->is_null()) equal = l->is_null() && r->is_null();
        else equal = velocity_string(*l) == velocity_string(*r);
        return ok(json(e.op == "==" ? equal : !equal));
      }
      if (e.op == "<" || e.op == ">" || e.op == "<=" || e.op == ">=") {
        int c;
        if (numeric(*l) && numeric(*r)) c = as_double(*l) < as_double(*r) ? -1 : as_double(*l) > as_double(*r) ? 1 : 0;
        else if (l->is_string() && r->is_string()) c = l->get<std::string>().compare(r->get<std::string>());
        else return ok(json(false));
        return ok(json(e.op == "<" ? c < 0 : e.op == ">" ? c > 0 : e.op == "<=" ? c <= 0 : c >= 0));
      }
      return arithmetic(e.op, *l, *r);
    }
  }
  return ok(json(nullptr));
}

tracing::Result<void> assign(const Reference& target, json value, Runtime& rt) {
  if (rt.host.owns(target.root)) return Error{"$" + target.root + " cannot be set"};
  json* slot = &rt.variables[target.root];
  for (const auto& step : target.steps) {
    if (!slot->is_object()) *slot = json::object();
    slot = &(*slot)[step.name];
  }
  *slot = std::move(value);
  return {};
}

tracing::Result<void> run(const std::vector<VelocityNode>& nodes, Runtime& rt) {
  for (const auto& n : nodes) {
    if (rt.stopped || rt.breaking) return {};
    if (rt.out.size() > kMaxOutput) return Error{"the output is larger than 10 MB"};
    switch (n.kind) {
      case VelocityNode::Text: rt.out += n.text; break;
      case VelocityNode::Ref: {
        auto v = resolve(n.ref, rt);
        if (!v) return v.error();
        if (*v && !(*v)->is_null()) rt.out += velocity_string(**v);
        else if (!n.ref.quiet) rt.out += n.ref.source;
        break;
      }
      case VelocityNode::Set: {
        auto v = eval(*n.value, rt);
        if (!v) return v.error();
        if (auto r = assign(n.target, std::move(*v), rt); !r) return r;
        break;
      }
      case VelocityNode::If:
        for (const auto& [condition, block] : n.branches) {
          bool take = true;
          if (condition) {
            auto v = eval(*condition, rt);
            if (!v) return v.error();
            take = truthy(*v);
          }
          if (take) {
            if (auto r = run(block, rt); !r) return r;
            break;
          }
        }
        break;
      case VelocityNode::Foreach: {
        auto v = eval(*n.value, rt);
        if (!v) return v.error();
        json items = json::array();
        if (v->is_array()) items = std::move(*v);
        else if (v->is_object())
          for (const auto& [k, x] : v->items()) items.push_back(x);
        else if (!v->is_null()) items.push_back(std::move(*v));
        json saved_var = rt.variables.value(n.variable, json()), saved_foreach = rt.variables.value("foreach", json());
        for (std::size_t i = 0; i < items.size() && !rt.stopped; ++i) {
          rt.variables[n.variable] = items[i];
          rt.variables["foreach"] = {{"index", i}, {"count", i + 1}, {"hasNext", i + 1 < items.size()}, {"first", i == 0}, {"last", i + 1 == items.size()}};
          rt.variables["velocityCount"] = i + 1;
          if (auto r = run(n.body, rt); !r) return r;
          if (rt.breaking) {
            rt.breaking = false;
            break;
          }
        }
        rt.variables[n.variable] = saved_var;
        rt.variables["foreach"] = saved_foreach;
        break;
      }
      case VelocityNode::Break: rt.breaking = true; return {};
      case VelocityNode::Stop: rt.stopped = true; return {};
    }
  }
  return {};
}

}  // namespace

std::string velocity_string(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return number_string(v);
    case json::value_t::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + velocity_string(v[i]);
      return out + "]";
    }
    case json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, x] : v.items()) {
        out += (first ? "" : ", ") + k + "=" + velocity_string(x);
        first = false;
      }
      return out + "}";
    }
    default: return "";
  }
}

tracing::Result<VelocityTemplate> VelocityTemplate::parse(std::string_view text) {
  try {
    auto tokens = velocity::lex(text);
    std::size_t i = 0;
    VelocityTemplate t;
    t.nodes_ = std::make_shared<const std::vector<VelocityNode>>(build(tokens, i, text, nullptr));
    return t;
  } catch (const SyntaxError& e) {
    return Error{std::string{e.what()} + " at " + where(text, e.at)};
  }
}

tracing::Result<std::string> VelocityTemplate::render(json& variables, VelocityHost& host) const {
  if (!variables.is_object()) variables = json::object();
  Runtime rt{variables, host, {}};
  if (auto r = run(*nodes_, rt); !r) return r.error();
  return tracing::success(std::move(rt.out));
}

}  // namespace localray::apigateway::model
