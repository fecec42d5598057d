#pragma once
// A subscription filter policy as SNS evaluates it: every key of the policy must match (AND), a
// key matches when any of its conditions does (OR), and each `$or` needs one of its alternatives.
// With scope MessageAttributes keys name attributes; with scope MessageBody they are paths into
// the JSON message (nested policy objects are flattened to dotted paths by the codec). The wire
// codec turns the policy's JSON into this form; the model only evaluates it.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "services/sns/model/message_attribute.hpp"

namespace localray::sns::model {

struct FilterCondition {
  enum class Kind {
    Equals,             // "red": the value is exactly `text`
    EqualsNumber,       // 301.5: the value is a number equal to `number`
    Prefix,             // {"prefix": "re"}
    Suffix,             // {"suffix": "ed"}
    EqualsIgnoreCase,   // {"equals-ignore-case": "RED"}
    AnythingBut,        // {"anything-but": ["red", 5]}: the value is none of `texts` / `numbers`
    AnythingButPrefix,  // {"anything-but": {"prefix": "re"}}
    Numeric,            // {"numeric": [">", 0, "<=", 5]}: every bound in `range` holds
    Exists,             // {"exists": true|false}: only this kind looks at absent attributes
    EqualsNull,         // null: a JSON null in the message body
    Cidr,               // {"cidr": "10.0.0.0/24"}: an IPv4 or IPv6 address inside `network`/`mask_bits`
  };
  enum class Comparison { Equal, Less, LessOrEqual, Greater, GreaterOrEqual };

  Kind kind = Kind::Equals;
  std::string text;
  double number = 0;
  std::vector<std::string> texts;
  std::vector<double> numbers;
  std::vector<std::pair<Comparison, double>> range;
  bool exists = true;
  std::array<std::uint8_t, 16> network{};  // Cidr: the address, IPv4 in the first four bytes
  bool ipv6 = false;
  int mask_bits = 0;

  // `value` is one value of a present attribute; `numeric` says whether it may be compared as a
  // number (Number attributes, and numbers inside a String.Array).
  bool matches(const std::string& value, bool numeric) const;
};

struct FilterPolicy {
  std::string source;  // the policy as the caller wrote it; GetSubscriptionAttributes answers with it
  std::map<std::string, std::vector<FilterCondition>> conditions;  // attribute name or body path -> any of these
  std::vector<std::vector<FilterPolicy>> ors{};  // `$or`: one alternative of each must match too
  bool nested = false;  // written with nested objects: only scope MessageBody can take it

  bool matches(const MessageAttributes& attributes) const;
  // Scope MessageBody: `body` is the message parsed as JSON (a message that is not JSON matches
  // no policy with a key). Dotted keys step into objects; arrays match when an element does.
  bool matches_body(const nlohmann::json& body) const;
};

}  // namespace localray::sns::model
