#include "services/sns/model/message_attribute.hpp"

#include <charconv>

namespace localray::sns::model {

std::optional<double> attribute_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return out;
}

}  // namespace localray::sns::model
