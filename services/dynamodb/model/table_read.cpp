// Query and Scan: both collect candidate items in the order DynamoDB reads them (index key, then
// table key), resume after ExclusiveStartKey, and fill one page up to Limit items read or 1 MB.
#include <algorithm>
#include <cstdint>
#include <set>

#include "services/dynamodb/model/expression/condition.hpp"
#include "services/dynamodb/model/expression/projection.hpp"
#include "services/dynamodb/model/limits.hpp"
#include "services/dynamodb/model/table.hpp"

namespace localray::dynamodb::model {
namespace {

struct Candidate {
  const Item* item = nullptr;
  PrimaryKey table_key;
  std::optional<PrimaryKey> index_key;  // reading an index: the item's key in it
};

std::weak_ordering read_order(const Candidate& a, const Candidate& b) {
  if (a.index_key && b.index_key) {
    if (auto c = *a.index_key <=> *b.index_key; c != 0) return c;
  }
  return a.table_key <=> b.table_key;
}

// What is being read: the table itself or one of its indexes.
struct Source {
  const IndexDefinition* index = nullptr;
  bool local = false;
  const KeySchema* schema = nullptr;
};

auto find_source(const TableDefinition& definition, const std::optional<std::string>& index_name) -> Result<Source> {
  if (!index_name) return Source{nullptr, false, &definition.key};
  const IndexDefinition* index = definition.find_index(*index_name);
  if (index == nullptr) return validation_error("The table does not have the specified index: " + *index_name);
  bool local = std::any_of(definition.local_secondary_indexes.begin(), definition.local_secondary_indexes.end(),
                           [&](const IndexDefinition& lsi) { return lsi.name == *index_name; });
  return Source{index, local, &index->key};
}

auto check_limit(const std::optional<std::size_t>& limit) -> Result<void> {
  if (limit && *limit == 0) {
    return constraint_error("0", "limit", "have value greater than or equal to 1");
  }
  return {};
}

auto resolve_select(const Source& source, const std::optional<Select>& requested) -> Result<Select> {
  Select select = requested.value_or(source.index ? Select::AllProjectedAttributes : Select::AllAttributes);
  if (select == Select::AllAttributes && source.index && !source.local && source.index->projection != ProjectionType::All) {
    return invalid_parameter("Select type ALL_ATTRIBUTES is not supported for global secondary index " + source.index->name +
                             " because its projection type is not ALL");
  }
  return select;
}

// ExclusiveStartKey: the table key, plus the index key when reading an index.
auto parse_start_key(const TableDefinition& definition, const Source& source, const Item& start) -> Result<Candidate> {
  constexpr const char* kPrefix = "The provided starting key is invalid: ";
  if (!source.index) {
    auto key = parse_key(definition.key, start);
    if (!key) return validation_error(kPrefix + key.error().message);
    return Candidate{nullptr, std::move(*key), std::nullopt};
  }
  std::set<std::string> names;
  for (const KeySchema* schema : {&definition.key, &source.index->key}) {
    names.insert(schema->hash.name);
    if (schema->range) names.insert(schema->range->name);
  }
  bool same_names = start.size() == names.size() &&
                    std::all_of(names.begin(), names.end(), [&](const std::string& n) { return start.count(n) > 0; });
  auto table_key = try_key_of_item(definition.key, start);
  auto index_key = try_key_of_item(source.index->key, start);
  if (!same_names || !table_key || !index_key) {
    return validation_error(std::string{kPrefix} + "The provided key element does not match the schema");
  }
  return Candidate{nullptr, std::move(*table_key), std::move(index_key)};
}

std::uint64_t partition_hash(const AttributeValue& v) {
  std::string bytes = std::string{type_name(v.type())} + ":";
  if (v.is<std::string>()) bytes += v.as<std::string>();
  if (v.is<Number>()) bytes += v.as<Number>().to_string();
  if (v.is<Binary>()) bytes += v.as<Binary>().bytes;
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across runs and platforms
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return h;
}

struct PageOptions {
  const std::optional<expression::Condition>& filter;
  const std::optional<expression::Projection>& projection;
  Select select;
  std::optional<std::size_t> limit;
};

Page fill_page(const TableDefinition& definition, const Source& source, const std::vector<Candidate>& ordered, std::size_t first,
               const PageOptions& options) {
  Page page;
  std::size_t bytes = 0;
  std::size_t i = first;
  for (; i < ordered.size(); ++i) {
    if (options.limit && page.scanned_count == *options.limit) break;
    if (bytes >= kMaxPageBytes) break;
    const Item& stored = *ordered[i].item;
    // An LSI fetches unprojected attributes from the table when ALL_ATTRIBUTES is asked for.
    bool whole_item = !source.index || (source.local && options.select == Select::AllAttributes);
    Item view = whole_item ? stored : project_to_index(definition, *source.index, stored);
    ++page.scanned_count;
    bytes += item_size(view);
    if (options.filter && !expression::evaluate(*options.filter, view)) continue;
    ++page.count;
    if (options.select == Select::Count) continue;
    page.items.push_back(options.projection ? expression::project(view, options.projection->paths) : std::move(view));
  }
  if (i < ordered.size() && i > first) {
    const Item& last = *ordered[i - 1].item;
    Item key = key_attributes(definition.key, last);
    if (source.index) key.merge(key_attributes(source.index->key, last));
    page.last_evaluated_key = std::move(key);
  }
  return page;
}

// First position after the start key in `ordered` (read in `forward` order).
std::size_t resume_position(const std::vector<Candidate>& ordered, const std::optional<Candidate>& start, bool forward) {
  if (!start) return 0;
  auto after = std::find_if(ordered.begin(), ordered.end(), [&](const Candidate& c) {
    auto o = read_order(c, *start);
    return forward ? o > 0 : o < 0;
  });
  return static_cast<std::size_t>(after - ordered.begin());
}

}  // namespace

auto Table::query(const QueryRequest& request) const -> Result<Page> {
  auto source = find_source(definition_, request.index_name);
  if (!source) return source.error();
  if (auto ok = check_limit(request.limit); !ok) return ok.error();
  const KeySchema& schema = *source->schema;

  // Bind the key condition to the schema: hash key by equality, optionally one range key term.
  const expression::KeyTerm* hash_term = nullptr;
  const expression::KeyTerm* range_term = nullptr;
  for (const auto& term : request.key_condition.terms) {
    if (term.attribute == schema.hash.name) {
      hash_term = &term;
    } else if (schema.range && term.attribute == schema.range->name) {
      range_term = &term;
    } else if (!schema.range) {
      return validation_error("Query key condition not supported");
    } else {
      return validation_error("Query condition missed key schema element: " + schema.range->name);
    }
  }
  if (hash_term == nullptr) return validation_error("Query condition missed key schema element: " + schema.hash.name);
  if (hash_term->op != expression::KeyOperator::Eq) return validation_error("Query key condition not supported");
  for (const auto* term : {hash_term, range_term}) {
    if (term == nullptr) continue;
    Type declared = term == hash_term ? schema.hash.type : schema.range->type;
    for (const auto& v : term->values) {
      if (v.type() != declared) return invalid_parameter("Condition parameter type does not match schema type");
    }
    if (term->op == expression::KeyOperator::BeginsWith && declared == Type::Number) {
      return expression::invalid(expression::Kind::KeyCondition,
                                 "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
    }
  }
  if (request.filter) {
    for (const auto& name : expression::referenced_attributes(*request.filter)) {
      if (schema.contains(name)) {
        return validation_error(request.filter_name + " can only contain non-primary key attributes: Primary key attribute: " + name);
      }
    }
  }
  auto select = resolve_select(*source, request.select);
  if (!select) return select.error();
  std::optional<Candidate> start;
  if (request.exclusive_start_key) {
    auto parsed = parse_start_key(definition_, *source, *request.exclusive_start_key);
    if (!parsed) return parsed.error();
    start = std::move(*parsed);
  }

  const AttributeValue& hash = hash_term->values.front();
  auto in_range = [&](const PrimaryKey& key) { return !range_term || (key.range && expression::matches(*range_term, *key.range)); };
  std::vector<Candidate> ordered;
  if (!source->index) {
    // Items are stored by hash then range: one partition is one contiguous run.
    for (auto it = items_.lower_bound(PrimaryKey{hash, std::nullopt}); it != items_.end() && it->first.hash == hash; ++it) {
      if (in_range(it->first)) ordered.push_back(Candidate{&it->second, it->first, std::nullopt});
    }
  } else {
    for (const auto& [key, item] : items_) {
      auto index_key = try_key_of_item(schema, item);
      if (index_key && index_key->hash == hash && in_range(*index_key)) ordered.push_back(Candidate{&item, key, index_key});
    }
    std::sort(ordered.begin(), ordered.end(), [](const Candidate& a, const Candidate& b) { return read_order(a, b) < 0; });
  }
  if (!request.scan_index_forward) std::reverse(ordered.begin(), ordered.end());

  std::size_t first = resume_position(ordered, start, request.scan_index_forward);
  return fill_page(definition_, *source, ordered, first, PageOptions{request.filter, request.projection, *select, request.limit});
}

auto Table::scan(const ScanRequest& request) const -> Result<Page> {
  auto source = find_source(definition_, request.index_name);
  if (!source) return source.error();
  if (auto ok = check_limit(request.limit); !ok) return ok.error();
  if (request.segment && !request.total_segments) {
    return validation_error("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  }
  if (request.total_segments && !request.segment) {
    return validation_error("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  }
  if (request.total_segments) {
    int total = *request.total_segments;
    int segment = *request.segment;
    if (total < 1) return constraint_error(std::to_string(total), "totalSegments", "have value greater than or equal to 1");
    if (total > kMaxTotalSegments) {
      return constraint_error(std::to_string(total), "totalSegments", "have value less than or equal to 1000000");
    }
    if (segment < 0) return constraint_error(std::to_string(segment), "segment", "have value greater than or equal to 0");
    if (segment >= total) {
      return validation_error("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
                              std::to_string(segment) + " is not less than TotalSegments: " + std::to_string(total));
    }
  }
  auto select = resolve_select(*source, request.select);
  if (!select) return select.error();
  std::optional<Candidate> start;
  if (request.exclusive_start_key) {
    auto parsed = parse_start_key(definition_, *source, *request.exclusive_start_key);
    if (!parsed) return parsed.error();
    start = std::move(*parsed);
  }

  // A segment is a stable hash of the partition key, so segments are disjoint and together
  // cover every item, however the table changes between pages.
  auto in_segment = [&](const AttributeValue& hash) {
    if (!request.total_segments) return true;
    return partition_hash(hash) % static_cast<std::uint64_t>(*request.total_segments) == static_cast<std::uint64_t>(*request.segment);
  };
  std::vector<Candidate> ordered;
  for (const auto& [key, item] : items_) {
    if (!source->index) {
      if (in_segment(key.hash)) ordered.push_back(Candidate{&item, key, std::nullopt});
      continue;
    }
    auto index_key = try_key_of_item(*source->schema, item);
    if (index_key && in_segment(index_key->hash)) ordered.push_back(Candidate{&item, key, index_key});
  }
  if (source->index) {
    std::sort(ordered.begin(), ordered.end(), [](const Candidate& a, const Candidate& b) { return read_order(a, b) < 0; });
  }
  std::size_t first = resume_position(ordered, start, true);
  return fill_page(definition_, *source, ordered, first, PageOptions{request.filter, request.projection, *select, request.limit});
}

}  // namespace localray::dynamodb::model
