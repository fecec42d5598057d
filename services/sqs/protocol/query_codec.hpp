#pragma once
// Query wire form (`Action=<Operation>&Version=2012-11-05`, form body or query string; XML
// answers). Flattened form fields become the Tree's lists and maps by member name, and the
// Tree's lists and maps become flattened XML elements, so operations never see the difference.
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "http/xml.hpp"
#include "services/sqs/model/error.hpp"
#include "services/sqs/protocol/tree.hpp"

namespace localray::sqs::protocol {

struct QueryRequest {
  std::string action;  // empty when the request names none
  Tree input;          // every other field, in the JSON protocol's shape; scalar values as strings
};

// Fields of the query string, then of the body. MalformedInput on a bad percent-escape.
model::Result<QueryRequest> decode_query(const http::Request& request);

// `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…`; no `<OpResult>` for
// operations without output.
http::Response encode_query(std::string_view operation, bool has_result, const Tree& output, const std::string& request_id);
http::Response encode_query_error(const model::Error& error, const std::string& request_id);

// XML text: `& < > " '` as entities, CR as `&#xD;` (a raw CR would be normalised away by the
// client's parser and break the body MD5), never CDATA.
using http::xml_escape;

}  // namespace localray::sqs::protocol
