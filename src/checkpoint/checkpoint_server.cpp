#include "checkpoint_server.h"

#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>

#include "addressing.h"
#include "object_store.h"
#include "request_log.h"
#include "s3_errors.h"
#include "tracestrip/sigv4/crypto.h"
#include "tracestrip/sigv4/request.h"
#include "tracestrip/sigv4/uri.h"
#include "tracestrip/sigv4/verifier.h"

namespace tracestrip::checkpoint {

namespace {

const char *const kXmlType = "application/xml";
const char *const kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// httplib stores the peer's addresses among the request headers; they
// never came over the wire and must not reach the verifier or the log.
bool is_httplib_pseudo_header(const std::string &name)
{
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

// httplib keeps repeated headers in arrival order within one name, which
// is the order SigV4 joins them in.
sigv4::HttpRequest to_sigv4_request(const httplib::Request &req)
{
  sigv4::HttpRequest request;
  request.method = req.method;
  size_t question = req.target.find('?');
  request.path = req.target.substr(0, question);
  if(question != std::string::npos)
    request.query = req.target.substr(question + 1);
  for(const auto &[name, value] : req.headers) {
    if(!is_httplib_pseudo_header(name))
      request.headers.push_back({name, value});
  }
  return request;
}

std::map<std::string, std::string> query_params(const std::string &query)
{
  std::map<std::string, std::string> params;
  size_t start = 0;
  while(start <= query.size()) {
    size_t amp = query.find('&', start);
    if(amp == std::string::npos)
      amp = query.size();
    std::string item = query.substr(start, amp - start);
    if(!item.empty()) {
      size_t equals = item.find('=');
      params[sigv4::uri_decode(item.substr(0, equals))] =
          equals == std::string::npos ? std::string() : sigv4::uri_decode(item.substr(equals + 1));
    }
    start = amp + 1;
  }
  return params;
}

// A parameter's decoded value, "" when absent (without inserting it).
std::string param_or_empty(const std::map<std::string, std::string> &params,
                           const std::string &name)
{
  auto found = params.find(name);
  return found == params.end() ? std::string() : found->second;
}

std::string iso_time(std::time_t when)
{
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S.000Z", &parts);
  return text;
}

std::string http_date(std::time_t when)
{
  std::tm parts{};
  gmtime_r(&when, &parts);
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char text[40];
  std::snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d GMT", days[parts.tm_wday],
                parts.tm_mday, months[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour,
                parts.tm_min, parts.tm_sec);
  return text;
}

bool starts_with(const std::string &text, const std::string &prefix)
{
  return text.compare(0, prefix.size(), prefix) == 0;
}

// Sub-resources S3 has and this endpoint does not: refuse them rather than
// pretend, so that a client's "success" always means the real operation.
bool names_unsupported_subresource(const std::map<std::string, std::string> &params)
{
  static const char *const names[] = {
      "acl", "cors", "delete", "encryption", "lifecycle", "logging", "notification", "partNumber",
      "policy", "replication", "restore", "select", "tagging", "torrent", "uploadId", "uploads",
      "versionId", "versioning", "versions", "website", "object-lock", "retention", "legal-hold",
      "attributes", "accelerate", "requestPayment", "ownershipControls", "publicAccessBlock"};
  for(const char *name : names) {
    if(params.count(name))
      return true;
  }
  return false;
}

// What one request turned into, for the response and the log line.
struct Outcome {
  int status = 200;
  std::string verdict = "OK";
  std::string operation;
  std::string reason;
};

}  // namespace

class CheckpointServer::Impl {
public:
  explicit Impl(CheckpointConfig config)
      : config_(std::move(config)), store_(config_.data_dir)
  {
    auto handler = [this](const httplib::Request &req, httplib::Response &res) {
      handle(req, res);
    };
    server_.Get(".*", handler);  // GET and HEAD
    server_.Put(".*", handler);
    server_.Post(".*", handler);
    server_.Delete(".*", handler);
    server_.Patch(".*", handler);
    server_.Options(".*", handler);
    server_.set_exception_handler(
        [this](const httplib::Request &req, httplib::Response &res, std::exception_ptr error) {
          handle_exception(req, res, error);
        });
    server_.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request &req, httplib::Response &res) {
          return handle_refusal(req, res);
        }));
  }

  int bind()
  {
    if(config_.port == 0)
      return server_.bind_to_any_port(config_.bind_address);
    return server_.bind_to_port(config_.bind_address, config_.port) ? config_.port : -1;
  }

  bool serve() { return server_.listen_after_bind(); }
  void stop() { server_.stop(); }

private:
  std::time_t now() const { return config_.clock ? config_.clock() : std::time(nullptr); }

  std::string next_request_id()
  {
    char text[17];
    std::snprintf(text, sizeof(text), "%016llX",
                  static_cast<unsigned long long>(++request_counter_));
    return text;
  }

  void handle(const httplib::Request &req, httplib::Response &res)
  {
    sigv4::HttpRequest request = to_sigv4_request(req);
    std::string request_id = next_request_id();
    res.set_header("x-amz-request-id", request_id);
    res.set_header("Server", "tracestrip-checkpoint");

    sigv4::Verification verification = verify(request, req.body);
    Outcome outcome;
    if(!verification.ok()) {
      S3Error error = error_for(verification, now());
      send_error(req, res, error, request_id);
      std::string verdict = error.code;
      std::string_view why = sigv4::verdict_name(verification.verdict);
      if(why != error.code)  // "AccessDenied (HeadersNotSigned)"
        verdict += " (" + std::string(why) + ")";
      outcome = Outcome{error.status, verdict, "", verification.message};
    }
    else {
      outcome = dispatch(req, request, res, request_id);
    }
    log_request(request, verification, outcome);
  }

  // httplib answers some requests itself (a PUT without Content-Length, a
  // method nobody routes) before handle() runs. Give those an S3 answer
  // and a log line too; our own answers all carry x-amz-request-id.
  httplib::Server::HandlerResponse handle_refusal(const httplib::Request &req,
                                                  httplib::Response &res)
  {
    if(res.has_header("x-amz-request-id"))
      return httplib::Server::HandlerResponse::Unhandled;
    std::string request_id = next_request_id();
    res.set_header("x-amz-request-id", request_id);
    res.set_header("Server", "tracestrip-checkpoint");
    S3Error error = make_error(res.status, "BadRequest", "The request could not be parsed");
    bool has_length = req.has_header("Content-Length") || req.has_header("Transfer-Encoding");
    if(res.status == 400 && !has_length)
      error = make_error(411, "MissingContentLength",
                         "You must provide the Content-Length HTTP header.");
    else if(res.status == 404)
      error = make_error(405, "MethodNotAllowed", "The specified method is not allowed");
    send_error(req, res, error, request_id);
    sigv4::Verification unverified;
    log_request(to_sigv4_request(req), unverified,
                Outcome{error.status, error.code, "", "refused before verification: " + error.message});
    return httplib::Server::HandlerResponse::Handled;
  }

  // A failure of ours (a disk full under --data-dir, say) still gets an
  // S3-shaped answer and a log line.
  void handle_exception(const httplib::Request &req, httplib::Response &res,
                        std::exception_ptr error)
  {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(error);
    }
    catch(const std::exception &caught) {
      what = caught.what();
    }
    catch(...) {
    }
    res.headers.erase("x-amz-request-id");
    std::string request_id = next_request_id();
    res.set_header("x-amz-request-id", request_id);
    S3Error failure = make_error(500, "InternalError", "We encountered an internal error: " + what);
    send_error(req, res, failure, request_id);
    sigv4::Verification unverified;
    log_request(to_sigv4_request(req), unverified,
                Outcome{500, failure.code, "", failure.message});
  }

  sigv4::Verification verify(const sigv4::HttpRequest &request, const std::string &body)
  {
    sigv4::VerifyOptions options;
    options.region = config_.region;
    options.now = now();
    sigv4::SecretLookup lookup = [this](std::string_view key) -> std::optional<std::string> {
      if(key == config_.access_key)
        return config_.secret_key;
      return std::nullopt;
    };
    return sigv4::verify_request(sigv4::VerifyInput{request, sigv4::sha256_hex(body)}, lookup,
                                 options);
  }

  void send_error(const httplib::Request &req, httplib::Response &res, const S3Error &error,
                  const std::string &request_id)
  {
    res.status = error.status;
    // A HEAD answer has no body; S3 sends the status alone.
    if(req.method != "HEAD")
      res.set_content(error_xml(error, req.path, request_id), kXmlType);
  }

  Outcome fail(const httplib::Request &req, httplib::Response &res, const std::string &request_id,
               std::string operation, S3Error error)
  {
    send_error(req, res, error, request_id);
    return Outcome{error.status, error.code, std::move(operation), error.message};
  }

  Outcome dispatch(const httplib::Request &req, const sigv4::HttpRequest &request,
                   httplib::Response &res, const std::string &request_id)
  {
    S3Address address = resolve_address(req.get_header_value("Host"), request.path,
                                        config_.bind_address);
    std::map<std::string, std::string> params = query_params(request.query);
    const std::string &method = req.method;

    if(names_unsupported_subresource(params))
      return fail(req, res, request_id, "",
                  make_error(501, "NotImplemented",
                             "tracestrip-checkpoint does not implement this sub-resource"));
    if(address.bucket.empty()) {
      if(method == "GET")
        return list_buckets(res);
      return fail(req, res, request_id, "",
                  make_error(405, "MethodNotAllowed", "The specified method is not allowed"));
    }
    if(address.key.empty()) {
      if(method == "PUT")
        return create_bucket(req, res, request_id, address);
      if(method == "HEAD")
        return head_bucket(req, res, request_id, address);
      if(method == "DELETE")
        return delete_bucket(req, res, request_id, address);
      if(method == "GET" && params.count("location"))
        return bucket_location(req, res, request_id, address);
      if(method == "GET")
        return list_objects(req, res, request_id, address, params);
    }
    else {
      if(method == "PUT" && !req.has_header("x-amz-copy-source"))
        return put_object(req, res, request_id, address);
      if(method == "GET" || method == "HEAD")
        return get_object(req, res, request_id, address);
      if(method == "DELETE")
        return delete_object(req, res, request_id, address);
    }
    return fail(req, res, request_id, "",
                make_error(501, "NotImplemented",
                           "tracestrip-checkpoint does not implement " + method +
                               " on this resource"));
  }

  S3Error no_such_bucket(const S3Address &address)
  {
    S3Error error = make_error(404, "NoSuchBucket", "The specified bucket does not exist");
    error.details = {{"BucketName", address.bucket}};
    return error;
  }

  Outcome list_buckets(httplib::Response &res)
  {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"" +
                      std::string(kS3Namespace) +
                      "\"><Owner><ID>tracestrip</ID><DisplayName>tracestrip</DisplayName></Owner>"
                      "<Buckets>";
    for(const std::string &bucket : store_.buckets())
      xml += "<Bucket><Name>" + xml_escape(bucket) + "</Name><CreationDate>" +
             iso_time(now()) + "</CreationDate></Bucket>";
    xml += "</Buckets></ListAllMyBucketsResult>";
    res.set_content(xml, kXmlType);
    return Outcome{200, "OK", "ListBuckets", ""};
  }

  Outcome create_bucket(const httplib::Request &req, httplib::Response &res,
                        const std::string &request_id, const S3Address &address)
  {
    StoreResult result = store_.create_bucket(address.bucket);
    // us-east-1 answers 200 to re-creating one's own bucket; other regions 409.
    if(result == StoreResult::kBucketExists && config_.region != "us-east-1") {
      S3Error error = make_error(409, "BucketAlreadyOwnedByYou",
                                 "Your previous request to create the named bucket succeeded "
                                 "and you already own it.");
      error.details = {{"BucketName", address.bucket}};
      return fail(req, res, request_id, "CreateBucket", error);
    }
    res.set_header("Location", "/" + address.bucket);
    return Outcome{200, "OK", "CreateBucket", ""};
  }

  Outcome head_bucket(const httplib::Request &req, httplib::Response &res,
                      const std::string &request_id, const S3Address &address)
  {
    if(!store_.has_bucket(address.bucket))
      return fail(req, res, request_id, "HeadBucket", no_such_bucket(address));
    res.set_header("x-amz-bucket-region", config_.region);
    return Outcome{200, "OK", "HeadBucket", ""};
  }

  Outcome delete_bucket(const httplib::Request &req, httplib::Response &res,
                        const std::string &request_id, const S3Address &address)
  {
    StoreResult result = store_.delete_bucket(address.bucket);
    if(result == StoreResult::kNoSuchBucket)
      return fail(req, res, request_id, "DeleteBucket", no_such_bucket(address));
    if(result == StoreResult::kBucketNotEmpty)
      return fail(req, res, request_id, "DeleteBucket",
                  make_error(409, "BucketNotEmpty",
                             "The bucket you tried to delete is not empty"));
    res.status = 204;
    return Outcome{204, "OK", "DeleteBucket", ""};
  }

  Outcome bucket_location(const httplib::Request &req, httplib::Response &res,
                          const std::string &request_id, const S3Address &address)
  {
    if(!store_.has_bucket(address.bucket))
      return fail(req, res, request_id, "GetBucketLocation", no_such_bucket(address));
    // S3 spells us-east-1 as an empty constraint.
    std::string region = config_.region == "us-east-1" ? "" : config_.region;
    res.set_content("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"" +
                        std::string(kS3Namespace) + "\">" + xml_escape(region) +
                        "</LocationConstraint>",
                    kXmlType);
    return Outcome{200, "OK", "GetBucketLocation", ""};
  }

  Outcome list_objects(const httplib::Request &req, httplib::Response &res,
                       const std::string &request_id, const S3Address &address,
                       const std::map<std::string, std::string> &params)
  {
    std::string prefix = param_or_empty(params, "prefix");
    std::size_t max_keys = 1000;
    if(params.count("max-keys")) {
      try {
        max_keys = std::min<std::size_t>(std::stoul(param_or_empty(params, "max-keys")), 1000);
      }
      catch(const std::exception &) {
        return fail(req, res, request_id, "ListObjectsV2",
                    make_error(400, "InvalidArgument", "max-keys is not a number"));
      }
    }
    std::string start_after = param_or_empty(params, "continuation-token");
    if(start_after.empty())
      start_after = param_or_empty(params, "start-after");
    // SDKs ask for encoding-type=url so that any key survives XML 1.0.
    bool url_encoded = param_or_empty(params, "encoding-type") == "url";

    Listing listing;
    if(store_.list_objects(address.bucket, prefix, start_after, max_keys, listing) ==
       StoreResult::kNoSuchBucket)
      return fail(req, res, request_id, "ListObjectsV2", no_such_bucket(address));

    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"" +
                      std::string(kS3Namespace) + "\"><Name>" + xml_escape(address.bucket) +
                      "</Name><Prefix>" +
                      xml_escape(url_encoded ? sigv4::uri_encode(prefix, true) : prefix) +
                      "</Prefix><KeyCount>" +
                      std::to_string(listing.objects.size()) + "</KeyCount><MaxKeys>" +
                      std::to_string(max_keys) + "</MaxKeys><IsTruncated>" +
                      (listing.truncated ? "true" : "false") + "</IsTruncated>";
    if(params.count("continuation-token"))
      xml += "<ContinuationToken>" + xml_escape(param_or_empty(params, "continuation-token")) +
             "</ContinuationToken>";
    if(listing.truncated)
      xml += "<NextContinuationToken>" + xml_escape(listing.next_token) +
             "</NextContinuationToken>";
    if(url_encoded)
      xml += "<EncodingType>url</EncodingType>";
    for(const ObjectSummary &object : listing.objects)
      xml += "<Contents><Key>" +
             xml_escape(url_encoded ? sigv4::uri_encode(object.key, true) : object.key) +
             "</Key><LastModified>" +
             iso_time(object.last_modified) + "</LastModified><ETag>&quot;" + object.etag +
             "&quot;</ETag><Size>" + std::to_string(object.size) +
             "</Size><StorageClass>STANDARD</StorageClass></Contents>";
    xml += "</ListBucketResult>";
    res.set_content(xml, kXmlType);
    return Outcome{200, "OK", "ListObjectsV2", ""};
  }

  Outcome put_object(const httplib::Request &req, httplib::Response &res,
                     const std::string &request_id, const S3Address &address)
  {
    std::string content_sha256 = req.get_header_value("x-amz-content-sha256");
    // aws-chunked bodies carry per-chunk signatures this endpoint does not
    // check; refusing them beats storing framing bytes as object data.
    if(starts_with(content_sha256, "STREAMING-"))
      return fail(req, res, request_id, "PutObject",
                  make_error(501, "NotImplemented",
                             "tracestrip-checkpoint does not accept aws-chunked uploads (" +
                                 content_sha256 + ")"));
    StoredObject object;
    object.data = req.body;
    object.content_type = req.has_header("Content-Type") ? req.get_header_value("Content-Type")
                                                         : "binary/octet-stream";
    for(const auto &[name, value] : req.headers) {
      std::string lower = sigv4::to_lower(name);
      if(starts_with(lower, "x-amz-meta-"))
        object.metadata[lower] = value;
    }
    object.last_modified = now();
    if(store_.put_object(address.bucket, address.key, std::move(object)) ==
       StoreResult::kNoSuchBucket)
      return fail(req, res, request_id, "PutObject", no_such_bucket(address));
    res.set_header("ETag", "\"" + md5_hex(req.body) + "\"");
    return Outcome{200, "OK", "PutObject", ""};
  }

  Outcome get_object(const httplib::Request &req, httplib::Response &res,
                     const std::string &request_id, const S3Address &address)
  {
    const char *operation = req.method == "HEAD" ? "HeadObject" : "GetObject";
    StoredObject object;
    StoreResult result = store_.get_object(address.bucket, address.key, object);
    if(result == StoreResult::kNoSuchBucket)
      return fail(req, res, request_id, operation, no_such_bucket(address));
    if(result == StoreResult::kNoSuchKey) {
      S3Error error = make_error(404, "NoSuchKey", "The specified key does not exist.");
      error.details = {{"Key", address.key}};
      return fail(req, res, request_id, operation, error);
    }
    res.set_header("ETag", "\"" + object.etag + "\"");
    res.set_header("Last-Modified", http_date(object.last_modified));
    for(const auto &[name, value] : object.metadata)
      res.set_header(name.c_str(), value);
    // For HEAD httplib sends the length and drops the body.
    res.set_content(std::move(object.data), object.content_type.c_str());
    return Outcome{200, "OK", operation, ""};
  }

  Outcome delete_object(const httplib::Request &req, httplib::Response &res,
                        const std::string &request_id, const S3Address &address)
  {
    if(store_.delete_object(address.bucket, address.key) == StoreResult::kNoSuchBucket)
      return fail(req, res, request_id, "DeleteObject", no_such_bucket(address));
    res.status = 204;
    return Outcome{204, "OK", "DeleteObject", ""};
  }

  void log_request(const sigv4::HttpRequest &request, const sigv4::Verification &verification,
                   const Outcome &outcome)
  {
    if(!config_.log)
      return;
    static const std::vector<std::string> none;
    const std::vector<std::string> &signed_headers =
        verification.authorization ? verification.authorization->signed_headers : none;
    std::string text = format_log_entry(LogEntry{request, outcome.status, outcome.verdict,
                                                 outcome.operation, signed_headers,
                                                 outcome.reason});
    std::lock_guard<std::mutex> lock(log_mutex_);
    *config_.log << text << std::flush;
  }

  CheckpointConfig config_;
  ObjectStore store_;
  httplib::Server server_;
  std::mutex log_mutex_;
  std::atomic<unsigned long long> request_counter_{0};
};

CheckpointServer::CheckpointServer(CheckpointConfig config)
    : impl_(std::make_unique<Impl>(std::move(config)))
{
}

CheckpointServer::~CheckpointServer() = default;

int CheckpointServer::bind() { return impl_->bind(); }
bool CheckpointServer::serve() { return impl_->serve(); }
void CheckpointServer::stop() { impl_->stop(); }

}  // namespace tracestrip::checkpoint
