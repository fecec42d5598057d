#pragma once
// An account's SMS settings (SetSMSAttributes) and the phone numbers that opted out of its texts.
// Thread-safe: the calls that read and change them come from any of the edge's threads.
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "services/sns/model/error.hpp"

namespace localray::sns::model {

// E.164: '+' and 1 to 15 digits, the first not 0.
bool valid_phone_number(std::string_view number);

class SmsSettings {
 public:
  // All or nothing: an unknown name or a bad DefaultSMSType refuses the whole call.
  Result<void> set(const std::map<std::string, std::string>& attributes);
  // The attributes set, those named in `names` only (all when empty); SNS's MonthlySpendLimit of 1
  // until any is set.
  std::map<std::string, std::string> get(const std::vector<std::string>& names) const;

  bool opted_out(const std::string& number) const;
  std::vector<std::string> opted_out_numbers() const;  // sorted
  void opt_out(const std::string& number);
  void opt_in(const std::string& number);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> attributes_;
  std::set<std::string> opted_out_;
};

}  // namespace localray::sns::model
