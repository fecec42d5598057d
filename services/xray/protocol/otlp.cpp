#include "services/xray/protocol/otlp.hpp"

#include <zlib.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <nlohmann/json.hpp>

#include "base/offload.hpp"
#include "tracing/otlp/json_codec.hpp"
#include "tracing/otlp/protobuf_codec.hpp"
#include "tracing/otlp/xray_mapping.hpp"

namespace localray::xray::protocol {

using nlohmann::json;
namespace otlp = tracing::otlp;

namespace {

// Bodies above this are decoded off the I/O thread.
constexpr std::size_t kInlineDecodeBytes = 256 * 1024;

enum class Encoding { Json, Protobuf };

// google.rpc.Status, OTLP's error body, in the request's encoding.
http::Response failure(unsigned status, int rpc_code, const std::string& message, Encoding enc) {
  if (enc == Encoding::Json)
    return http::Response::json(status, json{{"code", rpc_code}, {"message", message}}.dump());
  std::string body;
  {
    google::protobuf::io::StringOutputStream stream{&body};
    google::protobuf::io::CodedOutputStream out{&stream};
    out.WriteTag(1 << 3 | 0);
    out.WriteVarint32(static_cast<std::uint32_t>(rpc_code));
    out.WriteTag(2 << 3 | 2);
    out.WriteVarint32(static_cast<std::uint32_t>(message.size()));
    out.WriteRaw(message.data(), static_cast<int>(message.size()));
  }
  return http::Response::json(status, std::move(body), "application/x-protobuf");
}

// gzip (RFC 1952) with a bound on what it may grow to; nothing when the data is not gzip or grows past it.
std::optional<std::string> gunzip(std::string_view in, std::size_t limit) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  char chunk[64 * 1024];
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(chunk, sizeof chunk - z.avail_out);
    if (out.size() > limit) {
      rc = Z_MEM_ERROR;
      break;
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      rc = Z_DATA_ERROR;  // truncated
      break;
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

struct Decoded {
  std::optional<std::string> error;
  otlp::Converted converted;
  std::size_t spans = 0;
};

Decoded decode(std::string_view body, Encoding enc) {
  Decoded out;
  auto data = enc == Encoding::Json ? otlp::decode_json(body) : otlp::decode_protobuf(body);
  if (!data) {
    out.error = data.error().message;
    return out;
  }
  out.spans = otlp::span_count(*data);
  out.converted = otlp::to_segments(*data);
  return out;
}

}  // namespace

boost::asio::awaitable<std::optional<http::Response>> handle_otlp(const http::Request& request, model::Backend& backend,
                                                                  const http::CallContext& call) {
  std::string_view path = request.path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path != kOtlpTracesPath) co_return std::nullopt;

  std::string type{request.headers.get("Content-Type")};
  type = type.substr(0, type.find(';'));
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  const Encoding enc = type == "application/x-protobuf" || type == "application/protobuf" ? Encoding::Protobuf : Encoding::Json;
  http::Response response;
  if (request.method != "POST") {
    response = failure(405, 12, "OTLP traces are sent with POST", enc);
    response.headers.set("Allow", "POST");
    co_return response;
  }
  if (type != "application/json" && enc != Encoding::Protobuf) {
    co_return failure(415, 3, "Content-Type must be application/json or application/x-protobuf, not '" + type + "'", enc);
  }
  std::string inflated;
  std::string_view body = request.body;
  std::string encoding{request.headers.get("Content-Encoding")};
  for (auto& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (encoding == "gzip") {
    auto out = gunzip(body, kMaxOtlpBodyBytes);
    if (!out) co_return failure(400, 3, "the body is not gzip data, or it inflates to more than 8 MiB", enc);
    inflated = std::move(*out);
    body = inflated;
  } else if (!encoding.empty() && encoding != "identity") {
    co_return failure(415, 3, "Content-Encoding must be gzip or none, not '" + encoding + "'", enc);
  }

  Decoded decoded;
  if (body.size() > kInlineDecodeBytes) {
    // GCC 12: no conditional around a co_await, and no temporary in its expression.
    auto work = [body, enc] { return decode(body, enc); };
    boost::asio::any_io_executor pool = backend.blocking_executor();
    decoded = co_await base::offload(pool, work);
  } else {
    decoded = decode(body, enc);
  }
  if (decoded.error) co_return failure(400, 3, *decoded.error, enc);

  std::size_t rejected = decoded.converted.rejected;
  std::string message = decoded.converted.first_error;
  const std::size_t accepted = decoded.converted.segments.size();
  std::size_t refused = co_await backend.record_segments(std::move(decoded.converted.segments));
  if (refused > 0 && refused == accepted) {
    // Overload, as OTLP defines it: the exporter retries after the delay.
    response = failure(503, 14, "localray's trace store is behind: no span was stored; send them again", enc);
    response.headers.set("Retry-After", "1");
    co_return response;
  }
  if (refused > 0) {
    rejected += refused;
    if (message.empty()) message = "localray's trace store is behind: " + std::to_string(refused) + " spans were not stored";
  }
  if (enc == Encoding::Json) {
    json out = json::object();
    if (rejected > 0 || !message.empty())
      out["partialSuccess"] = {{"rejectedSpans", std::to_string(rejected)}, {"errorMessage", message}};
    response = http::Response::json(200, out.dump());
  } else {
    response = http::Response::json(200, otlp::encode_protobuf_response(static_cast<std::int64_t>(rejected), message), "application/x-protobuf");
  }
  response.headers.set("x-amzn-RequestId", call.request_id);
  co_return response;
}

}  // namespace localray::xray::protocol
