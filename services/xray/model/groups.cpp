#include "services/xray/model/groups.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>

namespace localray::xray::model {

using nlohmann::json;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS xray_groups(
  name TEXT PRIMARY KEY, arn TEXT NOT NULL, filter_expression TEXT NOT NULL,
  insights_enabled INTEGER NOT NULL, notifications_enabled INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS xray_sampling_rules(
  name TEXT PRIMARY KEY, rule TEXT NOT NULL, created_at REAL NOT NULL, modified_at REAL NOT NULL);
)sql";

struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

std::string text(sqlite3_stmt* s, int i) {
  auto p = sqlite3_column_text(s, i);
  return p ? reinterpret_cast<const char*>(p) : "";
}

ConfigError storage(sqlite3* db) { return {GroupError::Storage, std::string{"trace database: "} + sqlite3_errmsg(db)}; }

bool valid_group_name(const std::string& n) {
  return !n.empty() && n.size() <= 32 &&
         std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

std::string name_of(const std::string& name_or_arn) {
  // arn:aws:xray:region:account:group/name/id or .../sampling-rule/name
  if (name_or_arn.rfind("arn:", 0) != 0) return name_or_arn;
  auto slash = name_or_arn.find('/');
  if (slash == std::string::npos) return name_or_arn;
  auto rest = name_or_arn.substr(slash + 1);
  return rest.substr(0, rest.find('/'));
}

}  // namespace

tracing::Result<std::unique_ptr<XrayConfig>> XrayConfig::open(const std::string& uri, std::string region, std::string account,
                                                              tracing::IdGenerator& ids, const tracing::Clock& clock) {
  auto conn = tracing::Connection::open(uri, false);
  if (!conn) return conn.error();
  if (auto r = (*conn)->exec(kSchema); !r) return r.error();
  return std::unique_ptr<XrayConfig>{new XrayConfig{std::move(*conn), std::move(region), std::move(account), ids, clock}};
}

Group XrayConfig::default_group() const {
  return {"Default", "arn:aws:xray:" + region_ + ":" + account_ + ":group/Default", "", false, false};
}

ConfigResult<void> XrayConfig::save_group(const Group& g, bool insert) {
  sqlite3* db = conn_->handle();
  Stmt st;
  const char* sql = insert ? "INSERT INTO xray_groups(name,arn,filter_expression,insights_enabled,notifications_enabled) VALUES(?1,?2,?3,?4,?5)"
                           : "UPDATE xray_groups SET arn=?2, filter_expression=?3, insights_enabled=?4, notifications_enabled=?5 WHERE name=?1";
  if (sqlite3_prepare_v2(db, sql, -1, &st.s, nullptr) != SQLITE_OK) return storage(db);
  sqlite3_bind_text(st.s, 1, g.name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 2, g.arn.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 3, g.filter_expression.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st.s, 4, g.insights_enabled);
  sqlite3_bind_int(st.s, 5, g.notifications_enabled);
  if (sqlite3_step(st.s) != SQLITE_DONE) return storage(db);
  return {};
}

ConfigResult<Group> XrayConfig::create_group(Group g) {
  if (!valid_group_name(g.name))
    return ConfigError{GroupError::Invalid, "GroupName must be 1 to 32 letters, digits, '-' or '_'"};
  if (g.name == "Default") return ConfigError{GroupError::Invalid, "Default is a reserved group name"};
  if (validate_filter && !g.filter_expression.empty())
    if (auto err = validate_filter(g.filter_expression)) return ConfigError{GroupError::Invalid, *err};
  std::lock_guard lock{mutex_};
  if (find_group(g.name)) return ConfigError{GroupError::AlreadyExists, "Group " + g.name + " already exists"};
  auto id = ids_.uuid();
  std::erase(id, '-');
  g.arn = "arn:aws:xray:" + region_ + ":" + account_ + ":group/" + g.name + "/" + id.substr(0, 26);
  if (auto r = save_group(g, true); !r) return r.error();
  return g;
}

ConfigResult<Group> XrayConfig::group(const std::string& name_or_arn) const {
  std::lock_guard lock{mutex_};
  return find_group(name_or_arn);
}

ConfigResult<Group> XrayConfig::find_group(const std::string& name_or_arn) const {
  auto name = name_of(name_or_arn);
  if (name == "Default") return default_group();
  sqlite3* db = conn_->handle();
  Stmt st;
  if (sqlite3_prepare_v2(db, "SELECT name,arn,filter_expression,insights_enabled,notifications_enabled FROM xray_groups WHERE name=?", -1,
                         &st.s, nullptr) != SQLITE_OK)
    return storage(db);
  sqlite3_bind_text(st.s, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) != SQLITE_ROW) return ConfigError{GroupError::NotFound, "Group not found"};
  return Group{text(st.s, 0), text(st.s, 1), text(st.s, 2), sqlite3_column_int(st.s, 3) != 0, sqlite3_column_int(st.s, 4) != 0};
}

std::vector<Group> XrayConfig::groups() const {
  std::lock_guard lock{mutex_};
  std::vector<Group> out{default_group()};
  Stmt st;
  if (sqlite3_prepare_v2(conn_->handle(), "SELECT name,arn,filter_expression,insights_enabled,notifications_enabled FROM xray_groups ORDER BY name",
                         -1, &st.s, nullptr) != SQLITE_OK)
    return out;
  while (sqlite3_step(st.s) == SQLITE_ROW)
    out.push_back({text(st.s, 0), text(st.s, 1), text(st.s, 2), sqlite3_column_int(st.s, 3) != 0, sqlite3_column_int(st.s, 4) != 0});
  return out;
}

ConfigResult<Group> XrayConfig::update_group(const std::string& name_or_arn, std::optional<std::string> filter_expression,
                                             std::optional<bool> insights_enabled, std::optional<bool> notifications_enabled) {
  if (validate_filter && filter_expression && !filter_expression->empty())
    if (auto err = validate_filter(*filter_expression)) return ConfigError{GroupError::Invalid, *err};
  std::lock_guard lock{mutex_};
  auto g = find_group(name_or_arn);
  if (!g) return g.error();
  if (g->name == "Default") return ConfigError{GroupError::Invalid, "The Default group cannot be changed"};
  if (filter_expression) g->filter_expression = *filter_expression;
  if (insights_enabled) g->insights_enabled = *insights_enabled;
  if (notifications_enabled) g->notifications_enabled = *notifications_enabled;
  if (auto r = save_group(*g, false); !r) return r.error();
  return *g;
}

ConfigResult<void> XrayConfig::delete_group(const std::string& name_or_arn) {
  std::lock_guard lock{mutex_};
  auto g = find_group(name_or_arn);
  if (!g) return g.error();
  if (g->name == "Default") return ConfigError{GroupError::Invalid, "The Default group cannot be deleted"};
  Stmt st;
  sqlite3* db = conn_->handle();
  if (sqlite3_prepare_v2(db, "DELETE FROM xray_groups WHERE name=?", -1, &st.s, nullptr) != SQLITE_OK) return storage(db);
  sqlite3_bind_text(st.s, 1, g->name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) != SQLITE_DONE) return storage(db);
  return {};
}

SamplingRuleRecord XrayConfig::default_rule() const {
  // localray records every request: the Default rule samples all of them, unlike AWS's 1/s + 5 %.
  json rule = {{"RuleName", "Default"},
               {"RuleARN", "arn:aws:xray:" + region_ + ":" + account_ + ":sampling-rule/Default"},
               {"ResourceARN", "*"},
               {"Priority", 10000},
               {"FixedRate", 1.0},
               {"ReservoirSize", 1},
               {"ServiceName", "*"},
               {"ServiceType", "*"},
               {"Host", "*"},
               {"HTTPMethod", "*"},
               {"URLPath", "*"},
               {"Version", 1},
               {"Attributes", json::object()}};
  return {rule, 0, 0};
}

ConfigResult<void> XrayConfig::save_rule(const SamplingRuleRecord& r, bool insert) {
  sqlite3* db = conn_->handle();
  Stmt st;
  const char* sql = insert ? "INSERT INTO xray_sampling_rules(name,rule,created_at,modified_at) VALUES(?1,?2,?3,?4)"
                           : "UPDATE xray_sampling_rules SET rule=?2, created_at=?3, modified_at=?4 WHERE name=?1";
  if (sqlite3_prepare_v2(db, sql, -1, &st.s, nullptr) != SQLITE_OK) return storage(db);
  std::string name = r.rule.at("RuleName"), doc = r.rule.dump();
  sqlite3_bind_text(st.s, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 2, doc.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(st.s, 3, r.created_at);
  sqlite3_bind_double(st.s, 4, r.modified_at);
  if (sqlite3_step(st.s) != SQLITE_DONE) return storage(db);
  return {};
}

std::vector<SamplingRuleRecord> XrayConfig::sampling_rules() const {
  std::lock_guard lock{mutex_};
  std::vector<SamplingRuleRecord> out;
  Stmt st;
  if (sqlite3_prepare_v2(conn_->handle(), "SELECT rule,created_at,modified_at FROM xray_sampling_rules", -1, &st.s, nullptr) == SQLITE_OK)
    while (sqlite3_step(st.s) == SQLITE_ROW)
      out.push_back({json::parse(text(st.s, 0), nullptr, false), sqlite3_column_double(st.s, 1), sqlite3_column_double(st.s, 2)});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.rule.value("Priority", 0) < b.rule.value("Priority", 0); });
  out.push_back(default_rule());
  return out;
}

ConfigResult<SamplingRuleRecord> XrayConfig::create_sampling_rule(json rule) {
  for (const char* k : {"RuleName", "ResourceARN", "ServiceName", "ServiceType", "Host", "HTTPMethod", "URLPath"})
    if (!rule.contains(k) || !rule[k].is_string()) return ConfigError{GroupError::Invalid, std::string{k} + " is required"};
  for (const char* k : {"Priority", "FixedRate", "ReservoirSize"})
    if (!rule.contains(k) || !rule[k].is_number()) return ConfigError{GroupError::Invalid, std::string{k} + " is required"};
  if (rule["RuleName"] == "Default") return ConfigError{GroupError::AlreadyExists, "Default already exists"};
  std::lock_guard lock{mutex_};
  std::string name = rule["RuleName"];
  rule["RuleARN"] = "arn:aws:xray:" + region_ + ":" + account_ + ":sampling-rule/" + name;
  rule["Version"] = 1;
  if (!rule.contains("Attributes")) rule["Attributes"] = json::object();
  double now = tracing::epoch_seconds(clock_.now());
  SamplingRuleRecord r{rule, now, now};
  if (auto saved = save_rule(r, true); !saved)
    return ConfigError{GroupError::AlreadyExists, "A sampling rule named " + name + " already exists"};
  return r;
}

ConfigResult<SamplingRuleRecord> XrayConfig::update_sampling_rule(const json& update) {
  std::string name = update.contains("RuleName") && update["RuleName"].is_string() ? update["RuleName"].get<std::string>()
                     : update.contains("RuleARN") && update["RuleARN"].is_string() ? name_of(update["RuleARN"].get<std::string>())
                                                                                    : "";
  auto rules = sampling_rules();
  std::lock_guard lock{mutex_};
  for (auto& r : rules) {
    if (r.rule.value("RuleName", "") != name || name == "Default") continue;
    for (const auto& [k, v] : update.items()) {
      if (k == "RuleName" || k == "RuleARN") continue;
      bool number = k == "Priority" || k == "FixedRate" || k == "ReservoirSize";
      bool text = k == "ResourceARN" || k == "ServiceName" || k == "ServiceType" || k == "Host" || k == "HTTPMethod" || k == "URLPath";
      if ((number && !v.is_number()) || (text && !v.is_string()) || (k == "Attributes" && !v.is_object()))
        return ConfigError{GroupError::Invalid, k + " has the wrong type"};
      if (number || text || k == "Attributes") r.rule[k] = v;
    }
    r.modified_at = tracing::epoch_seconds(clock_.now());
    if (auto saved = save_rule(r, false); !saved) return saved.error();
    return r;
  }
  return ConfigError{GroupError::NotFound, "Sampling rule not found: " + name};
}

ConfigResult<SamplingRuleRecord> XrayConfig::delete_sampling_rule(const std::string& name_or_arn) {
  auto name = name_of(name_or_arn);
  auto rules = sampling_rules();
  std::lock_guard lock{mutex_};
  for (auto& r : rules) {
    if (r.rule.value("RuleName", "") != name || name == "Default") continue;
    Stmt st;
    sqlite3* db = conn_->handle();
    if (sqlite3_prepare_v2(db, "DELETE FROM xray_sampling_rules WHERE name=?", -1, &st.s, nullptr) != SQLITE_OK) return storage(db);
    sqlite3_bind_text(st.s, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st.s) != SQLITE_DONE) return storage(db);
    return r;
  }
  return ConfigError{GroupError::NotFound, "Sampling rule not found: " + name};
}

}  // namespace localray::xray::model
