#pragma once
// SNS's XML namespace; the writer is http's.
#include <string_view>

#include "http/xml.hpp"

namespace localray::sns::protocol {

constexpr std::string_view kXmlns = "http://sns.amazonaws.com/doc/2010-03-31/";

using http::xml_escape;
using http::XmlWriter;

}  // namespace localray::sns::protocol
