#pragma once
// application/x-www-form-urlencoded and percent-encoding.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/percent_encoding.hpp"

namespace localray::http {

using base::form_encode;
using base::percent_decode;
using base::percent_encode;

using FormFields = std::vector<std::pair<std::string, std::string>>;
std::optional<FormFields> parse_form(std::string_view body);
// First value of a key, if any.
std::optional<std::string_view> form_value(const FormFields& f, std::string_view key);

}  // namespace localray::http
