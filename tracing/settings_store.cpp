#include "tracing/settings_store.hpp"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

namespace localray::tracing {
namespace {

constexpr const char* kSettingsSchema = R"sql(
CREATE TABLE IF NOT EXISTS settings_groups(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, arn TEXT NOT NULL, filter_expression TEXT NOT NULL,
  insights_enabled INTEGER NOT NULL, notifications_enabled INTEGER NOT NULL,
  PRIMARY KEY (account, region, name));
CREATE TABLE IF NOT EXISTS settings_sampling_rules(
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, arn TEXT NOT NULL, resource_arn TEXT NOT NULL, priority INTEGER NOT NULL,
  fixed_rate REAL NOT NULL, reservoir_size INTEGER NOT NULL, service_name TEXT NOT NULL, service_type TEXT NOT NULL,
  host TEXT NOT NULL, http_method TEXT NOT NULL, url_path TEXT NOT NULL, version INTEGER NOT NULL, attributes TEXT NOT NULL,
  created_at REAL NOT NULL, modified_at REAL NOT NULL,
  PRIMARY KEY (account, region, name));
)sql";

// Binds text as given: unlike bind_text, an empty string stays an empty string (columns are NOT NULL).
// Not named bind: std::bind would win overload resolution for a temporary string argument.
void bind_string(sqlite3_stmt* s, int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }

// Every settings row belongs to one account and region: statements take them as parameters 1 and 2.
Result<void> prepare_scoped(sqlite3* db, const char* sql, const base::Scope& scope, Statement& st) {
  if (auto r = prepare_sql(db, sql, &st.stmt); !r) return r;
  bind_string(st.stmt, 1, scope.account);
  bind_string(st.stmt, 2, scope.region);
  return {};
}

// The first layout kept no scope: the ARN has it (the topology's defaults when it has none).
base::Scope scope_of(const std::string& arn) {
  auto s = base::scope_of_arn(arn);
  if (s.region.empty()) s.region = "us-east-1";
  if (s.account.empty()) s.account = "000000000000";
  return s;
}

std::string attributes_text(const std::map<std::string, std::string>& attributes) { return nlohmann::json(attributes).dump(); }

std::map<std::string, std::string> attributes_of(const std::string& text) {
  std::map<std::string, std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_object())
    for (const auto& [k, v] : j.items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

bool table_exists(sqlite3* db, const char* name) {
  Statement probe;
  if (!prepare_sql(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", &probe.stmt)) return false;
  sqlite3_bind_text(probe.stmt, 1, name, -1, SQLITE_STATIC);
  return sqlite3_step(probe.stmt) == SQLITE_ROW;
}

}  // namespace

Result<std::unique_ptr<SettingsStore>> SettingsStore::open(const std::string& uri) {
  auto conn = Connection::open(uri, false);
  if (!conn) return conn.error();
  if (auto r = (*conn)->exec(kSettingsSchema); !r) return r.error();
  std::unique_ptr<SettingsStore> store{new SettingsStore{std::move(*conn)}};
  if (auto r = store->migrate_first_layout(); !r) return Error{"moving X-Ray groups and sampling rules to the current layout: " + r.error().message};
  return store;
}

Result<void> SettingsStore::migrate_first_layout() {
  sqlite3* db = conn_->handle();
  bool groups = table_exists(db, "xray_groups"), rules = table_exists(db, "xray_sampling_rules");
  if (!groups && !rules) return {};
  if (auto r = conn_->exec("BEGIN IMMEDIATE"); !r) return r;
  auto fail = [&](Error e) -> Result<void> {
    conn_->exec("ROLLBACK");
    return e;
  };
  if (groups) {
    Statement old;
    if (auto r = prepare_sql(db, "SELECT name,arn,filter_expression,insights_enabled,notifications_enabled FROM xray_groups", &old.stmt); !r)
      return fail(r.error());
    std::vector<StoredGroup> rows;
    while (sqlite3_step(old.stmt) == SQLITE_ROW)
      rows.push_back({column_text(old.stmt, 0), column_text(old.stmt, 1), column_text(old.stmt, 2), sqlite3_column_int(old.stmt, 3) != 0,
                      sqlite3_column_int(old.stmt, 4) != 0});
    for (const auto& g : rows)
      if (auto r = put_group(scope_of(g.arn), g); !r) return fail(r.error());
    if (auto r = conn_->exec("DROP TABLE xray_groups"); !r) return fail(r.error());
  }
  if (rules) {
    Statement old;
    if (auto r = prepare_sql(db, "SELECT rule,created_at,modified_at FROM xray_sampling_rules", &old.stmt); !r) return fail(r.error());
    std::vector<SamplingRuleRecord> rows;
    while (sqlite3_step(old.stmt) == SQLITE_ROW) {
      auto j = nlohmann::json::parse(column_text(old.stmt, 0), nullptr, false);
      if (!j.is_object()) continue;  // never written so: the first layout stored validated rules only
      SamplingRuleRecord r;
      r.rule.name = j.value("RuleName", "");
      r.rule.arn = j.value("RuleARN", "");
      r.rule.resource_arn = j.value("ResourceARN", "*");
      r.rule.priority = j.value("Priority", 10000);
      r.rule.fixed_rate = j.value("FixedRate", 0.05);
      r.rule.reservoir_size = j.value("ReservoirSize", 1);
      r.rule.service_name = j.value("ServiceName", "*");
      r.rule.service_type = j.value("ServiceType", "*");
      r.rule.host = j.value("Host", "*");
      r.rule.http_method = j.value("HTTPMethod", "*");
      r.rule.url_path = j.value("URLPath", "*");
      r.rule.version = j.value("Version", 1);
      if (auto a = j.find("Attributes"); a != j.end() && a->is_object())
        for (const auto& [k, v] : a->items())
          if (v.is_string()) r.rule.attributes[k] = v.get<std::string>();
      r.created_at = sqlite3_column_double(old.stmt, 1);
      r.modified_at = sqlite3_column_double(old.stmt, 2);
      if (!r.rule.name.empty()) rows.push_back(std::move(r));
    }
    for (const auto& r : rows)
      if (auto put = put_sampling_rule(scope_of(r.rule.arn), r); !put) return fail(put.error());
    if (auto r = conn_->exec("DROP TABLE xray_sampling_rules"); !r) return fail(r.error());
  }
  return conn_->exec("COMMIT");
}

Result<std::vector<base::Scope>> SettingsStore::scopes() {
  std::lock_guard lock{mutex_};
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_sql(db,
                           "SELECT account,region FROM settings_groups UNION SELECT account,region FROM settings_sampling_rules"
                           " ORDER BY 1,2",
                           &st.stmt);
      !r)
    return r.error();
  std::vector<base::Scope> out;
  int rc;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) out.push_back({column_text(st.stmt, 0), column_text(st.stmt, 1)});
  if (rc != SQLITE_DONE) return sql_error(db, "read scopes");
  return out;
}

Result<std::vector<StoredGroup>> SettingsStore::groups(const base::Scope& scope) {
  std::lock_guard lock{mutex_};
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_scoped(db,
                              "SELECT name,arn,filter_expression,insights_enabled,notifications_enabled FROM settings_groups"
                              " WHERE account=? AND region=? ORDER BY name",
                              scope, st);
      !r)
    return r.error();
  std::vector<StoredGroup> out;
  int rc;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW)
    out.push_back({column_text(st.stmt, 0), column_text(st.stmt, 1), column_text(st.stmt, 2), sqlite3_column_int(st.stmt, 3) != 0,
                   sqlite3_column_int(st.stmt, 4) != 0});
  if (rc != SQLITE_DONE) return sql_error(db, "read groups");
  return out;
}

Result<void> SettingsStore::put_group(const base::Scope& scope, const StoredGroup& g) {
  std::lock_guard lock{mutex_};
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_scoped(db,
                              "INSERT OR REPLACE INTO settings_groups(account,region,name,arn,filter_expression,insights_enabled,notifications_enabled)"
                              " VALUES(?,?,?,?,?,?,?)",
                              scope, st);
      !r)
    return r;
  bind_string(st.stmt, 3, g.name);
  bind_string(st.stmt, 4, g.arn);
  bind_string(st.stmt, 5, g.filter_expression);
  sqlite3_bind_int(st.stmt, 6, g.insights_enabled);
  sqlite3_bind_int(st.stmt, 7, g.notifications_enabled);
  return step_done(db, st.stmt, "write group");
}

Result<void> SettingsStore::remove_group(const base::Scope& scope, const std::string& name) {
  std::lock_guard lock{mutex_};
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_scoped(db, "DELETE FROM settings_groups WHERE account=? AND region=? AND name=?", scope, st); !r) return r;
  bind_string(st.stmt, 3, name);
  return step_done(db, st.stmt, "delete group");
}

Result<std::vector<SamplingRuleRecord>> SettingsStore::sampling_rules(const base::Scope& scope) {
  std::lock_guard lock{mutex_};
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_scoped(db,
                              "SELECT name,arn,resource_arn,priority,fixed_rate,reservoir_size,service_name,service_type,host,http_method,"
                              "url_path,version,attributes,created_at,modified_at FROM settings_sampling_rules WHERE account=? AND region=? ORDER BY name",
                              scope, st);
      !r)
    return r.error();
  std::vector<SamplingRuleRecord> out;
  int rc;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) {
    SamplingRuleRecord r;
    r.rule.name = column_text(st.stmt, 0);
    r.rule.arn = column_text(st.stmt, 1);
    r.rule.resource_arn = column_text(st.stmt, 2);
    r.rule.priority = sqlite3_column_int(st.stmt, 3);
    r.rule.fixed_rate = sqlite3_column_double(st.stmt, 4);
    r.rule.reservoir_size = sqlite3_column_int(st.stmt, 5);
    r.rule.service_name = column_text(st.stmt, 6);
    r.rule.service_type = column_text(st.stmt, 7);
    r.rule.host = column_text(st.stmt, 8);
    r.rule.http_method = column_text(st.stmt, 9);
    r.rule.url_path = column_text(st.stmt, 10);
    r.rule.version = sqlite3_column_int(st.stmt, 11);
    r.rule.attributes = attributes_of(column_text(st.stmt, 12));
    r.created_at = sqlite3_column_double(st.stmt, 13);
    r.modified_at = sqlite3_column_double(st.stmt, 14);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return sql_error(db, "read sampling rules");
  return out;
}

Result<void> SettingsStore::put_sampling_rule(const base::Scope& scope, const SamplingRuleRecord& r) {
  std::lock_guard lock{mutex_};
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto p = prepare_scoped(db,
                              "INSERT OR REPLACE INTO settings_sampling_rules(account,region,name,arn,resource_arn,priority,fixed_rate,reservoir_size,"
                              "service_name,service_type,host,http_method,url_path,version,attributes,created_at,modified_at)"
                              " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                              scope, st);
      !p)
    return p;
  const auto& rule = r.rule;
  bind_string(st.stmt, 3, rule.name);
  bind_string(st.stmt, 4, rule.arn);
  bind_string(st.stmt, 5, rule.resource_arn);
  sqlite3_bind_int(st.stmt, 6, rule.priority);
  sqlite3_bind_double(st.stmt, 7, rule.fixed_rate);
  sqlite3_bind_int(st.stmt, 8, rule.reservoir_size);
  bind_string(st.stmt, 9, rule.service_name);
  bind_string(st.stmt, 10, rule.service_type);
  bind_string(st.stmt, 11, rule.host);
  bind_string(st.stmt, 12, rule.http_method);
  bind_string(st.stmt, 13, rule.url_path);
  sqlite3_bind_int(st.stmt, 14, rule.version);
  bind_string(st.stmt, 15, attributes_text(rule.attributes));
  sqlite3_bind_double(st.stmt, 16, r.created_at);
  sqlite3_bind_double(st.stmt, 17, r.modified_at);
  return step_done(db, st.stmt, "write sampling rule");
}

Result<void> SettingsStore::remove_sampling_rule(const base::Scope& scope, const std::string& name) {
  std::lock_guard lock{mutex_};
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_scoped(db, "DELETE FROM settings_sampling_rules WHERE account=? AND region=? AND name=?", scope, st); !r) return r;
  bind_string(st.stmt, 3, name);
  return step_done(db, st.stmt, "delete sampling rule");
}

}  // namespace localray::tracing
