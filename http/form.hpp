#pragma once
// application/x-www-form-urlencoded and percent-encoding.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace localray::http {

// nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);
// Form encoding: unreserved characters kept, space as '+', the rest %XX.
std::string form_encode(std::string_view s);
// RFC 3986 unreserved kept, everything else %XX (path segments, query values).
std::string percent_encode(std::string_view s);

using FormFields = std::vector<std::pair<std::string, std::string>>;
std::optional<FormFields> parse_form(std::string_view body);
// First value of a key, if any.
std::optional<std::string_view> form_value(const FormFields& f, std::string_view key);

}  // namespace localray::http
