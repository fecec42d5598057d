// AWS::DynamoDB::Table.
#include "config/cloudformation/compile_context.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;

namespace {

struct Key {
  std::string hash, range;
};

tracing::Result<Key> key_schema(const Properties& p, const json* schema, const std::string& property) {
  if (!schema || !schema->is_array() || schema->empty() || schema->size() > 2)
    return p.error(property, "must list a HASH key and at most one RANGE key");
  Key k;
  for (const auto& element : *schema) {
    if (!element.is_object() || !element.contains("AttributeName") || !element["AttributeName"].is_string())
      return p.error(property, "each element needs AttributeName and KeyType");
    std::string type = element.value("KeyType", "");
    (type == "HASH" ? k.hash : type == "RANGE" ? k.range : type) = element["AttributeName"].get<std::string>();
    if (type != "HASH" && type != "RANGE") return p.error(property, "KeyType must be HASH or RANGE");
  }
  if (k.hash.empty()) return p.error(property, "needs a HASH key");
  return k;
}

tracing::Result<ResourceValues> table(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto name = p.optional_string("TableName");
  if (!name) return name.error();
  Table t;
  t.name = name->value_or(ctx.physical_name(id, 255));
  std::map<std::string, std::string> types;
  const json* definitions = p.find("AttributeDefinitions");
  if (!definitions || !definitions->is_array()) return p.error("AttributeDefinitions", "is required");
  for (const auto& d : *definitions) {
    std::string type = d.value("AttributeType", "");
    if (!d.contains("AttributeName") || (type != "S" && type != "N" && type != "B"))
      return p.error("AttributeDefinitions", "each needs AttributeName and AttributeType S, N or B");
    types[d["AttributeName"].get<std::string>()] = type;
  }
  auto typed = [&](const std::string& attribute, const std::string& property) -> tracing::Result<KeyAttribute> {
    auto it = types.find(attribute);
    if (it == types.end()) return p.error(property, "key attribute '" + attribute + "' is not in AttributeDefinitions");
    return KeyAttribute{attribute, it->second};
  };
  auto key = key_schema(p, p.find("KeySchema"), "KeySchema");
  if (!key) return key.error();
  auto hash = typed(key->hash, "KeySchema");
  if (!hash) return hash.error();
  t.hash_key = *hash;
  if (!key->range.empty()) {
    auto range = typed(key->range, "KeySchema");
    if (!range) return range.error();
    t.range_key = *range;
  }
  for (bool global : {true, false}) {
    const char* section = global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes";
    const json* indexes = p.find(section);
    if (!indexes) continue;
    if (!indexes->is_array()) return p.error(section, "must be a list");
    for (std::size_t i = 0; i < indexes->size(); ++i) {
      const json& x = (*indexes)[i];
      std::string at = std::string{section} + "[" + std::to_string(i) + "]";
      if (!x.is_object() || !x.contains("IndexName") || !x["IndexName"].is_string()) return p.error(at + ".IndexName", "is required");
      SecondaryIndex index;
      index.name = x["IndexName"].get<std::string>();
      index.global = global;
      auto k = key_schema(p, x.contains("KeySchema") ? &x["KeySchema"] : nullptr, at + ".KeySchema");
      if (!k) return k.error();
      auto h = typed(k->hash, at + ".KeySchema");
      if (!h) return h.error();
      index.hash_key = *h;
      if (!k->range.empty()) {
        auto r = typed(k->range, at + ".KeySchema");
        if (!r) return r.error();
        index.range_key = *r;
      }
      if (auto projection = x.find("Projection"); projection != x.end() && projection->is_object()) {
        index.projection = projection->value("ProjectionType", "ALL");
        if (index.projection != "ALL" && index.projection != "KEYS_ONLY" && index.projection != "INCLUDE")
          return p.error(at + ".Projection.ProjectionType", "must be ALL, KEYS_ONLY or INCLUDE");
        if (auto nk = projection->find("NonKeyAttributes"); nk != projection->end() && nk->is_array())
          for (const auto& a : *nk)
            if (a.is_string()) index.non_key_attributes.push_back(a.get<std::string>());
      }
      t.indexes.push_back(std::move(index));
    }
  }
  for (const auto& [attribute, type] : types)
    if (attribute != t.hash_key.name && (!t.range_key || attribute != t.range_key->name)) t.other_attributes.push_back({attribute, type});
  auto billing = p.optional_string("BillingMode");
  if (!billing) return billing.error();
  t.provisioned = billing->value_or("PROVISIONED") == "PROVISIONED";
  if (t.provisioned) {
    const json* throughput = p.find("ProvisionedThroughput");
    if (!throughput || !throughput->is_object())
      return p.error("ProvisionedThroughput", "is required unless BillingMode is PAY_PER_REQUEST");
    Properties tp{ctx, id, *throughput};
    auto read = tp.integer("ReadCapacityUnits", 1, 1LL << 40), write = tp.integer("WriteCapacityUnits", 1, 1LL << 40);
    if (!read || !write || !*read || !*write) return p.error("ProvisionedThroughput", "needs ReadCapacityUnits and WriteCapacityUnits");
    t.read_capacity = **read;
    t.write_capacity = **write;
  }
  std::string arn = ctx.arn("dynamodb", "table/" + t.name);
  ResourceValues v{"AWS::DynamoDB::Table", t.name, {{"Arn", arn}}};
  if (const json* stream = p.find("StreamSpecification")) {
    std::string view = stream->is_object() ? stream->value("StreamViewType", "") : "";
    if (view != "KEYS_ONLY" && view != "NEW_IMAGE" && view != "OLD_IMAGE" && view != "NEW_AND_OLD_IMAGES")
      return p.error("StreamSpecification.StreamViewType", "must be KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES");
    t.stream_view = view;
    // A template's table is made when the stack is, so its stream's label is not known here: the
    // stream is labelled with the epoch instead, and this ARN is the one it gets.
    v.attributes["StreamArn"] = arn + "/stream/1970-01-01T00:00:00.000";
  }
  ctx.topology.tables.push_back(std::move(t));
  return v;
}

}  // namespace

const std::vector<ResourceType>& dynamodb_types() {
  static const std::vector<ResourceType> types{{"AWS::DynamoDB::Table", "emulated", table}};
  return types;
}

}  // namespace localray::config::cloudformation
