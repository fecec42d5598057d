#include "services/sns/model/sms.hpp"

#include <algorithm>
#include <array>

namespace localray::sns::model {

namespace {

constexpr std::array<std::string_view, 6> kSmsAttributes = {"MonthlySpendLimit", "DeliveryStatusIAMRole", "DeliveryStatusSuccessSamplingRate",
                                                            "DefaultSenderID",   "DefaultSMSType",        "UsageReportS3Bucket"};

}  // namespace

bool valid_phone_number(std::string_view number) {
  if (number.size() < 2 || number.size() > 16 || number[0] != '+' || number[1] == '0') return false;
  return std::all_of(number.begin() + 1, number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<void> SmsSettings::set(const std::map<std::string, std::string>& attributes) {
  for (const auto& [name, value] : attributes) {
    if (std::find(kSmsAttributes.begin(), kSmsAttributes.end(), name) == kSmsAttributes.end())
      return Error{Code::InvalidParameter, name + " is not a valid attribute"};
    if (name == "DefaultSMSType" && value != "Promotional" && value != "Transactional")
      return Error{Code::InvalidParameter, "DefaultSMSType is invalid"};
  }
  std::lock_guard lock{mutex_};
  for (const auto& [name, value] : attributes) attributes_[name] = value;
  report();
  return {};
}

std::map<std::string, std::string> SmsSettings::get(const std::vector<std::string>& names) const {
  std::lock_guard lock{mutex_};
  std::map<std::string, std::string> all = attributes_.empty() ? std::map<std::string, std::string>{{"MonthlySpendLimit", "1"}} : attributes_;
  if (names.empty()) return all;
  std::map<std::string, std::string> out;
  for (const auto& n : names)
    if (auto it = all.find(n); it != all.end()) out.insert(*it);
  return out;
}

bool SmsSettings::opted_out(const std::string& number) const {
  std::lock_guard lock{mutex_};
  return opted_out_.contains(number);
}

std::vector<std::string> SmsSettings::opted_out_numbers() const {
  std::lock_guard lock{mutex_};
  return {opted_out_.begin(), opted_out_.end()};
}

void SmsSettings::opt_out(const std::string& number) {
  std::lock_guard lock{mutex_};
  if (opted_out_.insert(number).second) report();
}

void SmsSettings::opt_in(const std::string& number) {
  std::lock_guard lock{mutex_};
  if (opted_out_.erase(number) > 0) report();
}

Result<bool> SmsSettings::add_sandbox_number(const std::string& number, std::string password) {
  std::lock_guard lock{mutex_};
  if (opted_out_.contains(number)) return Error{Code::OptedOut, "Phone number " + number + " has opted out of receiving SMS messages"};
  auto it = sandbox_.find(number);
  if (it != sandbox_.end() && it->second.verified) return false;
  if (it == sandbox_.end() && sandbox_.size() >= kMaxSandboxNumbers)
    return Error{Code::UserError, "The SMS sandbox holds at most 10 destination phone numbers"};
  sandbox_[number] = SandboxNumber{number, false, std::move(password)};
  report();
  return true;
}

Result<void> SmsSettings::verify_sandbox_number(const std::string& number, const std::string& password) {
  std::lock_guard lock{mutex_};
  auto it = sandbox_.find(number);
  if (it == sandbox_.end()) return Error{Code::ResourceNotFound, "Phone number " + number + " is not in the SMS sandbox"};
  if (it->second.verified) return {};
  if (it->second.password != password) return Error{Code::Verification, "Invalid one-time password"};
  it->second.verified = true;
  it->second.password.clear();
  report();
  return {};
}

Result<void> SmsSettings::delete_sandbox_number(const std::string& number) {
  std::lock_guard lock{mutex_};
  if (sandbox_.erase(number) == 0) return Error{Code::ResourceNotFound, "Phone number " + number + " is not in the SMS sandbox"};
  report();
  return {};
}

std::vector<SmsSettings::SandboxNumber> SmsSettings::sandbox_numbers() const {
  std::lock_guard lock{mutex_};
  std::vector<SandboxNumber> out;
  for (const auto& [number, n] : sandbox_) out.push_back(n);
  return out;
}

void SmsSettings::restore(std::map<std::string, std::string> attributes, std::set<std::string> opted_out, std::vector<SandboxNumber> sandbox) {
  std::lock_guard lock{mutex_};
  attributes_ = std::move(attributes);
  opted_out_ = std::move(opted_out);
  sandbox_.clear();
  for (auto& n : sandbox) {
    auto number = n.number;
    sandbox_[number] = std::move(n);
  }
}

void SmsSettings::report() const {
  if (changes_) changes_->sms_changed(*this);
}

}  // namespace localray::sns::model
