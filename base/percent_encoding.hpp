#pragma once
// Percent-encoding and its form variant (space as '+'): URLs, query strings, form bodies, and API
// Gateway's $util.urlEncode.
#include <optional>
#include <string>
#include <string_view>

namespace localray::base {

// nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);
// Form encoding: unreserved characters kept, space as '+', the rest %XX.
std::string form_encode(std::string_view s);
// RFC 3986 unreserved kept, everything else %XX (path segments, query values).
std::string percent_encode(std::string_view s);

}  // namespace localray::base
