#pragma once
// CloudFormation's query protocol (Version=2010-05-15): the stack and change-set calls that
// `aws cloudformation deploy`, `describe-stacks`, `delete-stack` and the SDKs make, answered in
// AWS's XML, every list present even when empty (the CLI indexes them).
#include <boost/asio/awaitable.hpp>

#include "http/call_context.hpp"
#include "http/form.hpp"
#include "http/message.hpp"
#include "services/cloudformation/model/stacks.hpp"

namespace localray::cloudformation::protocol {

boost::asio::awaitable<http::Response> handle(const http::Request& request, const http::FormFields& form, model::Stacks& stacks,
                                              const http::CallContext& call);

}  // namespace localray::cloudformation::protocol
