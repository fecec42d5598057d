#pragma once
// Lambda event source mappings over REST-JSON: CreateEventSourceMapping, ListEventSourceMappings,
// GetEventSourceMapping, UpdateEventSourceMapping, DeleteEventSourceMapping.
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "services/lambda/model/event_source_mappings.hpp"

namespace localray::lambda::protocol {

// `parts`: the path's segments, "2015-03-31" and "event-source-mappings" first; nullopt for no
// mapping operation.
std::optional<http::Response> mapping_call(const http::Request& r, model::EventSourceMappings& mappings, const std::vector<std::string>& parts);

}  // namespace localray::lambda::protocol
