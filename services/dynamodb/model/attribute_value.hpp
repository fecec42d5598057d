#pragma once
// DynamoDB's AttributeValue as plain C++: one of S, N, B, BOOL, NULL, M, L, SS, NS, BS.
// Sets are kept sorted and unique; the codec rejects empty or duplicated sets before they
// get here, and model operations that would empty a set remove the attribute instead.
#include <compare>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/number.hpp"

namespace localray::dynamodb::model {

struct Binary {
  std::string bytes;
  friend auto operator<=>(const Binary&, const Binary&) = default;
};
struct Null {
  friend bool operator==(const Null&, const Null&) = default;
};
struct StringSet {
  std::set<std::string> values;
  friend bool operator==(const StringSet&, const StringSet&) = default;
};
struct NumberSet {
  std::set<Number> values;
  friend bool operator==(const NumberSet&, const NumberSet&) = default;
};
struct BinarySet {
  std::set<std::string> values;
  friend bool operator==(const BinarySet&, const BinarySet&) = default;
};

using Map = std::map<std::string, AttributeValue>;
using List = std::vector<AttributeValue>;

// Same order as the variant alternatives below.
enum class Type { String, Number, Binary, Bool, Null, Map, List, StringSet, NumberSet, BinarySet };

// The wire's short names: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
std::string_view type_name(Type t);
// DynamoDB's long names in update-expression errors: "STRING", "NUMBER", "MAP", ...
std::string_view long_type_name(Type t);

class AttributeValue {
 public:
  using Variant = std::variant<std::string, Number, Binary, bool, Null, Map, List, StringSet, NumberSet, BinarySet>;

  AttributeValue() : value_{Null{}} {}
  AttributeValue(std::string s) : value_{std::move(s)} {}
  AttributeValue(const char* s) : value_{std::string{s}} {}
  AttributeValue(Number n) : value_{std::move(n)} {}
  AttributeValue(Binary b) : value_{std::move(b)} {}
  AttributeValue(bool b) : value_{b} {}
  AttributeValue(int) = delete;  // would silently become BOOL; use Number::from_integer
  AttributeValue(Null n) : value_{n} {}
  AttributeValue(Map m) : value_{std::move(m)} {}
  AttributeValue(List l) : value_{std::move(l)} {}
  AttributeValue(StringSet s) : value_{std::move(s)} {}
  AttributeValue(NumberSet s) : value_{std::move(s)} {}
  AttributeValue(BinarySet s) : value_{std::move(s)} {}

  Type type() const { return static_cast<Type>(value_.index()); }
  const Variant& variant() const { return value_; }
  Variant& variant() { return value_; }

  template <class T>
  bool is() const { return std::holds_alternative<T>(value_); }
  template <class T>
  const T& as() const { return std::get<T>(value_); }
  template <class T>
  T& as() { return std::get<T>(value_); }

  friend bool operator==(const AttributeValue& a, const AttributeValue& b) { return a.value_ == b.value_; }

 private:
  Variant value_;
};

using Item = Map;

// Key attributes (S, N, B) are ordered as DynamoDB sorts them: strings and binaries by unsigned
// bytes, numbers numerically. Values of different types order by type, which only matters for
// container use, never for a query (a key attribute has one declared type).
std::weak_ordering compare_scalars(const AttributeValue& a, const AttributeValue& b);
bool is_key_type(Type t);

// Bytes DynamoDB bills and limits: names and values in UTF-8, numbers about one byte per two
// significant digits plus one, 1 byte for BOOL and NULL, 3 bytes plus 1 per element for M and L.
std::size_t attribute_size(const AttributeValue& v);
std::size_t item_size(const Item& item);

// Renders a value in DynamoDB's error-message form, e.g. "{N:5}" or "{S:abc}".
std::string describe(const AttributeValue& v);

}  // namespace localray::dynamodb::model
