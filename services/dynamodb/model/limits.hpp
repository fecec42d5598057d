#pragma once
// DynamoDB quotas and number bounds, each with where it comes from.
#include <cstddef>

namespace localray::dynamodb::model {

constexpr std::size_t kMaxItemBytes = 400 * 1024;       // item size quota (names + values)
constexpr std::size_t kMaxPageBytes = 1024 * 1024;      // Query/Scan read at most 1 MB per call
constexpr std::size_t kMaxNumberDigits = 38;            // Number: significant digits
constexpr int kMinNumberExponent = -130;                // smallest magnitude 1E-130
constexpr int kMaxNumberExponent = 125;                 // largest magnitude 9.99...E+125
constexpr std::size_t kMaxInOperands = 100;             // IN (...) list
constexpr std::size_t kMaxListTablesLimit = 100;        // ListTables Limit
constexpr std::size_t kMaxHashKeyBytes = 2048;          // partition key value
constexpr std::size_t kMaxRangeKeyBytes = 1024;         // sort key value
constexpr int kMaxTotalSegments = 1'000'000;            // Scan TotalSegments
constexpr std::size_t kMaxTablesPerRegion = 2500;       // tables per account and region (default quota)

}  // namespace localray::dynamodb::model
