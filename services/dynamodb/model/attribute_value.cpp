#include "services/dynamodb/model/attribute_value.hpp"

namespace localray::dynamodb::model {

std::string_view type_name(Type t) {
  switch (t) {
    case Type::String: return "S";
    case Type::Number: return "N";
    case Type::Binary: return "B";
    case Type::Bool: return "BOOL";
    case Type::Null: return "NULL";
    case Type::Map: return "M";
    case Type::List: return "L";
    case Type::StringSet: return "SS";
    case Type::NumberSet: return "NS";
    case Type::BinarySet: return "BS";
  }
  return "?";
}

std::string_view long_type_name(Type t) {
  switch (t) {
    case Type::String: return "STRING";
    case Type::Number: return "NUMBER";
    case Type::Binary: return "BINARY";
    case Type::Bool: return "BOOLEAN";
    case Type::Null: return "NULL";
    case Type::Map: return "MAP";
    case Type::List: return "LIST";
    case Type::StringSet: return "STRING_SET";
    case Type::NumberSet: return "NUMBER_SET";
    case Type::BinarySet: return "BINARY_SET";
  }
  return "?";
}

bool is_key_type(Type t) { return t == Type::String || t == Type::Number || t == Type::Binary; }

std::weak_ordering compare_scalars(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return a.type() <=> b.type();
  switch (a.type()) {
    case Type::String: return a.as<std::string>().compare(b.as<std::string>()) <=> 0;  // char_traits: unsigned
    case Type::Number: return a.as<Number>() <=> b.as<Number>();
    case Type::Binary: return a.as<Binary>().bytes.compare(b.as<Binary>().bytes) <=> 0;
    default: return std::weak_ordering::equivalent;
  }
}

namespace {

std::size_t number_size(const Number& n) { return (n.significant_digits() + 1) / 2 + 1; }

}  // namespace

std::size_t attribute_size(const AttributeValue& v) {
  struct Visitor {
    std::size_t operator()(const std::string& s) const { return s.size(); }
    std::size_t operator()(const Number& n) const { return number_size(n); }
    std::size_t operator()(const Binary& b) const { return b.bytes.size(); }
    std::size_t operator()(bool) const { return 1; }
    std::size_t operator()(const Null&) const { return 1; }
    std::size_t operator()(const Map& m) const {
      std::size_t total = 3;
      for (const auto& [name, value] : m) total += name.size() + attribute_size(value) + 1;
      return total;
    }
    std::size_t operator()(const List& l) const {
      std::size_t total = 3;
      for (const auto& value : l) total += attribute_size(value) + 1;
      return total;
    }
    std::size_t operator()(const StringSet& s) const {
      std::size_t total = 0;
      for (const auto& e : s.values) total += e.size();
      return total;
    }
    std::size_t operator()(const NumberSet& s) const {
      std::size_t total = 0;
      for (const auto& e : s.values) total += number_size(e);
      return total;
    }
    std::size_t operator()(const BinarySet& s) const {
      std::size_t total = 0;
      for (const auto& e : s.values) total += e.size();
      return total;
    }
  };
  return std::visit(Visitor{}, v.variant());
}

std::size_t item_size(const Item& item) {
  std::size_t total = 0;
  for (const auto& [name, value] : item) total += name.size() + attribute_size(value);
  return total;
}

std::string describe(const AttributeValue& v) {
  struct Visitor {
    std::string operator()(const std::string& s) const { return "S:" + s; }
    std::string operator()(const Number& n) const { return "N:" + n.to_string(); }
    std::string operator()(const Binary&) const { return "B:<binary>"; }
    std::string operator()(bool b) const { return std::string{"BOOL:"} + (b ? "true" : "false"); }
    std::string operator()(const Null&) const { return "NULL:true"; }
    std::string operator()(const Map& m) const { return "M:<" + std::to_string(m.size()) + " entries>"; }
    std::string operator()(const List& l) const { return "L:<" + std::to_string(l.size()) + " elements>"; }
    std::string operator()(const StringSet& s) const { return join("SS:[", s.values); }
    std::string operator()(const NumberSet& s) const {
      std::string out = "NS:[";
      for (const auto& n : s.values) out += (out.size() > 4 ? ", " : "") + n.to_string();
      return out + "]";
    }
    std::string operator()(const BinarySet& s) const { return "BS:<" + std::to_string(s.values.size()) + " elements>"; }
    static std::string join(std::string out, const std::set<std::string>& values) {
      bool first = true;
      for (const auto& e : values) {
        out += (first ? "" : ", ") + e;
        first = false;
      }
      return out + "]";
    }
  };
  return "{" + std::visit(Visitor{}, v.variant()) + "}";
}

}  // namespace localray::dynamodb::model
