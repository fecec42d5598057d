#pragma once
// Text escaping and just enough XML writing for the query protocols' answers (SNS, SQS,
// CloudFormation).
#include <string>
#include <string_view>

namespace localray::http {

// Escapes element content and attribute values. `"` and CR are escaped too: clients that
// compare MD5s of unescaped bodies break when a parser normalises a raw CR. Other C0 controls
// are not XML 1.0 characters at all; they become U+FFFD rather than invalid XML.
std::string xml_escape(std::string_view text);

// Nested elements with escaped text.
class XmlWriter {
 public:
  XmlWriter& open(std::string_view name);
  XmlWriter& close(std::string_view name);
  // <name>escaped text</name>
  XmlWriter& element(std::string_view name, std::string_view text);
  // Already-built XML, inserted verbatim.
  XmlWriter& raw(std::string_view xml);
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

}  // namespace localray::http
