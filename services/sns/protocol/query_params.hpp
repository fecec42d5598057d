#pragma once
// The decoded parameters of an AWS query request, and the `Prefix.N.Rest` member lists that the
// query protocol makes of lists (`Tags.member.1.Key`) and maps (`Attributes.entry.1.key`).
#include <cstdint>
#include <map>
#include <vector>
#include <optional>
#include <string_view>

#include "http/form.hpp"

namespace localray::sns::protocol {

class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(http::FormFields fields) : fields_{std::move(fields)} {}

  // First value of a key, if any.
  std::optional<std::string_view> get(std::string_view key) const { return http::form_value(fields_, key); }
  // The members of `prefix`: for each `prefix.N.rest=value` (N = 1, 2, ...), N -> {rest=value}.
  // Keys whose N is not a positive number are no member and are left out.
  std::map<std::uint32_t, QueryParams> members(std::string_view prefix) const;
  // The values of a list of strings, `prefix.N=value` (N = 1, 2, ...), in the order of N.
  std::vector<std::string> list(std::string_view prefix) const;

 private:
  http::FormFields fields_;
};

}  // namespace localray::sns::protocol
