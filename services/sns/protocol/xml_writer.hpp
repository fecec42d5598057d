#pragma once
// Just enough XML for query-protocol answers: nested elements with escaped text.
#include <string>

#include "http/xml.hpp"
#include <string_view>

namespace localray::sns::protocol {

constexpr std::string_view kXmlns = "http://sns.amazonaws.com/doc/2010-03-31/";

using http::xml_escape;

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

}  // namespace localray::sns::protocol
