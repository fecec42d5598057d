#include "services/xray/model/groups.hpp"

#include <algorithm>
#include <cctype>

#include "tracing/filter/filter.hpp"

namespace localray::xray::model {

namespace {

constexpr std::size_t kMaxGroupNameChars = 32;  // X-Ray: GroupName 1 to 32 characters
constexpr std::size_t kMaxFilterChars = 2000;   // X-Ray: FilterExpression

bool valid_group_name(const std::string& n) {
  return !n.empty() && n.size() <= kMaxGroupNameChars &&
         std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

// Empty is every trace; anything else must parse, with the parser's words on the error.
Result<void> check_filter(const std::string& expression) {
  if (expression.size() > kMaxFilterChars) return Error{Code::Invalid, "FilterExpression must be at most 2000 characters"};
  if (expression.empty()) return {};
  auto parsed = tracing::filter::parse(expression);
  if (!parsed) return Error{Code::Invalid, tracing::filter::describe(parsed.error())};
  return {};
}

Error storage(const tracing::Error& e) { return Error{Code::Storage, "the group could not be saved: " + e.message}; }

}  // namespace

std::string name_of(const std::string& name_or_arn) {
  if (name_or_arn.rfind("arn:", 0) != 0) return name_or_arn;
  auto slash = name_or_arn.find('/');
  if (slash == std::string::npos) return name_or_arn;
  auto rest = name_or_arn.substr(slash + 1);
  return rest.substr(0, rest.find('/'));
}

std::unique_ptr<Groups> Groups::fresh(tracing::SettingsStore& store, base::Scope scope, tracing::IdGenerator& ids) {
  return std::unique_ptr<Groups>{new Groups{store, std::move(scope), ids}};
}

Result<std::unique_ptr<Groups>> Groups::load(tracing::SettingsStore& store, base::Scope scope, tracing::IdGenerator& ids) {
  auto out = fresh(store, std::move(scope), ids);
  auto rows = store.groups(out->scope_);
  if (!rows) return storage(rows.error());
  for (auto& g : *rows) out->groups_.emplace(g.name, std::move(g));
  return out;
}

Group Groups::default_group() const { return {"Default", "arn:aws:xray:" + scope_.region + ":" + scope_.account + ":group/Default", "", false, false}; }

Result<Group> Groups::create(Group g) {
  if (!valid_group_name(g.name)) return Error{Code::Invalid, "GroupName must be 1 to 32 letters, digits, '-' or '_'"};
  if (g.name == "Default") return Error{Code::Invalid, "Default is a reserved group name"};
  if (auto ok = check_filter(g.filter_expression); !ok) return ok.error();
  std::lock_guard writing{write_mutex_};
  if (exists(g.name)) return Error{Code::AlreadyExists, "Group " + g.name + " already exists"};
  auto id = ids_.uuid();
  std::erase(id, '-');
  g.arn = "arn:aws:xray:" + scope_.region + ":" + scope_.account + ":group/" + g.name + "/" + id.substr(0, 26);
  if (auto saved = store_.put_group(scope_, g); !saved) return storage(saved.error());
  std::lock_guard lock{mutex_};
  groups_.emplace(g.name, g);
  return g;
}

bool Groups::exists(const std::string& name) const {
  std::lock_guard lock{mutex_};
  return groups_.contains(name);
}

Result<Group> Groups::get(const std::string& name_or_arn) const {
  auto name = name_of(name_or_arn);
  if (name == "Default") return default_group();
  std::lock_guard lock{mutex_};
  auto it = groups_.find(name);
  if (it == groups_.end()) return Error{Code::NotFound, "Group not found"};
  return it->second;
}

std::vector<Group> Groups::list() const {
  std::vector<Group> out{default_group()};
  std::lock_guard lock{mutex_};
  for (const auto& [name, g] : groups_) out.push_back(g);
  return out;
}

Result<Group> Groups::update(const std::string& name_or_arn, std::optional<std::string> filter_expression,
                             std::optional<bool> insights_enabled, std::optional<bool> notifications_enabled) {
  if (filter_expression)
    if (auto ok = check_filter(*filter_expression); !ok) return ok.error();
  auto name = name_of(name_or_arn);
  if (name == "Default") return Error{Code::Invalid, "The Default group cannot be changed"};
  std::lock_guard writing{write_mutex_};
  auto current = get(name);
  if (!current) return current.error();
  Group g = std::move(*current);
  if (filter_expression) g.filter_expression = *filter_expression;
  if (insights_enabled) g.insights_enabled = *insights_enabled;
  if (notifications_enabled) g.notifications_enabled = *notifications_enabled;
  if (auto saved = store_.put_group(scope_, g); !saved) return storage(saved.error());
  std::lock_guard lock{mutex_};
  groups_[name] = g;
  return g;
}

Result<void> Groups::remove(const std::string& name_or_arn) {
  auto name = name_of(name_or_arn);
  if (name == "Default") return Error{Code::Invalid, "The Default group cannot be deleted"};
  std::lock_guard writing{write_mutex_};
  if (!exists(name)) return Error{Code::NotFound, "Group not found"};
  if (auto saved = store_.remove_group(scope_, name); !saved) return storage(saved.error());
  std::lock_guard lock{mutex_};
  groups_.erase(name);
  return {};
}

}  // namespace localray::xray::model
