#pragma once
// An account's SMS settings (SetSMSAttributes), the phone numbers that opted out of its texts, and
// the destination numbers of its SMS sandbox. Thread-safe: the calls that read and change them come
// from any of the edge's threads.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "services/sns/model/error.hpp"

namespace localray::sns::model {

// E.164: '+' and 1 to 15 digits, the first not 0.
bool valid_phone_number(std::string_view number);

class SmsSettings;

// Told of each change to an account's SMS settings, opt-outs or sandbox numbers, with their whole
// state, under the settings' lock (so that changes are told in the order they were made);
// --persist keeps them.
class SmsChanges {
 public:
  virtual ~SmsChanges() = default;
  virtual void sms_changed(const SmsSettings& settings) = 0;
};

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

  // The SMS sandbox's destination numbers: added Pending with a one-time password, which
  // VerifySMSSandboxPhoneNumber must name to make the number Verified. localray's account is not
  // in the sandbox (texts go to any number), but the calls work as on an account that is.
  struct SandboxNumber {
    std::string number;
    bool verified = false;
    std::string password;
  };
  static constexpr std::size_t kMaxSandboxNumbers = 10;
  // Adding a Pending number again replaces its password; a Verified one stays as it is (answers false).
  Result<bool> add_sandbox_number(const std::string& number, std::string password);
  Result<void> verify_sandbox_number(const std::string& number, const std::string& password);
  Result<void> delete_sandbox_number(const std::string& number);
  std::vector<SandboxNumber> sandbox_numbers() const;  // by number

  // Set before the first change (--persist). The SmsChanges hook reads the state through these.
  void set_changes(std::shared_ptr<SmsChanges> changes) { changes_ = std::move(changes); }
  const std::map<std::string, std::string>& attributes_locked() const { return attributes_; }
  const std::set<std::string>& opted_out_locked() const { return opted_out_; }
  const std::map<std::string, SandboxNumber>& sandbox_locked() const { return sandbox_; }
  // Puts back what a copy kept (not reported as a change).
  void restore(std::map<std::string, std::string> attributes, std::set<std::string> opted_out, std::vector<SandboxNumber> sandbox);

 private:
  void report() const;  // under mutex_

  std::shared_ptr<SmsChanges> changes_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> attributes_;
  std::set<std::string> opted_out_;
  std::map<std::string, SandboxNumber> sandbox_;
};

}  // namespace localray::sns::model
