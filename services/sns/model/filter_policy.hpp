#pragma once
// A subscription filter policy with scope MessageAttributes, as SNS evaluates it: every key of the
// policy must match (AND), and a key matches when any of its conditions does (OR). The wire codec
// turns the policy's JSON into this form; the model only evaluates it.
#include <map>
#include <string>
#include <utility>
#include <vector>

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
  };
  enum class Comparison { Equal, Less, LessOrEqual, Greater, GreaterOrEqual };

  Kind kind = Kind::Equals;
  std::string text;
  double number = 0;
  std::vector<std::string> texts;
  std::vector<double> numbers;
  std::vector<std::pair<Comparison, double>> range;
  bool exists = true;

  // `value` is one value of a present attribute; `numeric` says whether it may be compared as a
  // number (Number attributes, and numbers inside a String.Array).
  bool matches(const std::string& value, bool numeric) const;
};

struct FilterPolicy {
  std::string source;  // the policy as the caller wrote it; GetSubscriptionAttributes answers with it
  std::map<std::string, std::vector<FilterCondition>> conditions;  // attribute name -> any of these

  bool matches(const MessageAttributes& attributes) const;
};

}  // namespace localray::sns::model
