#pragma once
// Text escaping for the query protocols' XML answers (SNS, SQS).
#include <string>
#include <string_view>

namespace localray::http {

// Escapes element content and attribute values. `"` and CR are escaped too: clients that
// compare MD5s of unescaped bodies break when a parser normalises a raw CR. Other C0 controls
// are not XML 1.0 characters at all; they become U+FFFD rather than invalid XML.
std::string xml_escape(std::string_view text);

}  // namespace localray::http
