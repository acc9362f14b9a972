#include "storage/s3/s3_client.h"

#include <openssl/evp.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <random>
#include <thread>

#include "common/date.h"
#include "common/hex.h"
#include "common/timestamp.h"
#include "storage/s3/http.h"
#include "storage/s3/xml.h"

namespace streampro::s3 {

namespace {

constexpr int64_t kMinPartSize = int64_t{5} << 20;
constexpr int64_t kMaxPartSize = int64_t{5} << 30;
// Seconds without a byte after which a CopyObject or CompleteMultipartUpload counts as stalled.
constexpr int kServerSideWorkTimeoutS = 600;
constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // host[:port], as sent in the Host header
};

Result<Endpoint> ParseEndpoint(std::string_view endpoint, bool secure) {
  Endpoint parsed;
  std::string_view rest = endpoint;
  if (rest.starts_with("http://")) {
    parsed.scheme = "http";
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    parsed.scheme = "https";
    rest.remove_prefix(8);
  } else if (rest.find("://") != std::string_view::npos) {
    return Status::InvalidArgument(
        fmt::format("S3 endpoint '{}': only http:// and https:// are supported", endpoint));
  } else {
    parsed.scheme = secure ? "https" : "http";
  }
  while (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ \t\r\n") != std::string_view::npos) {
    return Status::InvalidArgument(fmt::format(
        "S3 endpoint '{}' must be host[:port], optionally after http:// or https://", endpoint));
  }
  parsed.host = std::string(rest);
  return parsed;
}

Status ValidateOptions(const S3Options& options) {
  auto invalid = [](std::string_view what) {
    return Status::InvalidArgument(fmt::format("S3 options: {}", what));
  };
  if (options.endpoint.empty()) return invalid("endpoint is empty");
  if (options.region.empty()) return invalid("region is empty");
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return invalid("the access key id and the secret access key are both required");
  }
  if (options.max_attempts < 1) return invalid("max_attempts must be at least 1");
  if (options.base_backoff_ms < 0 || options.max_backoff_ms < options.base_backoff_ms) {
    return invalid("backoff must satisfy 0 <= base_backoff_ms <= max_backoff_ms");
  }
  if (options.connect_timeout_ms < 1) return invalid("connect_timeout_ms must be positive");
  if (options.low_speed_timeout_s < 1) return invalid("low_speed_timeout_s must be positive");
  if (options.part_size < kMinPartSize || options.part_size > kMaxPartSize) {
    return invalid(
        fmt::format("part_size {} is outside S3's part limits [5 MiB, 5 GiB]", options.part_size));
  }
  if (options.upload_parallelism < 1) return invalid("upload_parallelism must be at least 1");
  return Status::OK();
}

std::string Base64(const unsigned char* bytes, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(static_cast<size_t>(std::max(written, 0)));
  return out;
}

std::array<unsigned char, 16> Md5(std::string_view body) {
  std::array<unsigned char, 16> digest{};
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest.data(), &length, EVP_md5(), nullptr);
  return digest;
}

/// Content-MD5: base64 of the body's MD5.
std::string ContentMd5(std::string_view body) {
  const std::array<unsigned char, 16> digest = Md5(body);
  return Base64(digest.data(), digest.size());
}

/// Lowercase hex of the body's MD5: the ETag S3 gives an object stored by one plain PUT.
std::string Md5Hex(std::string_view body) {
  return LowerHex(Md5(body));
}

/// The ETag S3 gives the object a multipart upload completes: the MD5 of the parts' binary
/// MD5s, then `-{parts}`. Empty when a part's ETag is not a plain MD5 (encrypted objects).
std::string MultipartEtag(const std::vector<std::string>& part_etags) {
  std::string digests;
  for (const std::string& etag : part_etags) {
    if (etag.size() != 32 || etag.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return {};
    }
    for (size_t i = 0; i < etag.size(); i += 2) {
      digests += static_cast<char>(std::stoi(etag.substr(i, 2), nullptr, 16));
    }
  }
  return fmt::format("{}-{}", Md5Hex(digests), part_etags.size());
}

std::string_view StripQuotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

/// An entity tag as If-Match wants it: quoted.
std::string Quoted(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return std::string(etag);
  return fmt::format("\"{}\"", etag);
}

template <typename Int>
bool ParseInt(std::string_view text, Int* value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

int64_t NanosFromCivil(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  const int64_t days = DaysFromCivil(year, month, day);
  return ((days * kSecondsPerDay) + hour * 3600 + minute * 60 + second) * 1'000'000'000;
}

/// `Tue, 02 Jan 2024 03:04:05 GMT` (Last-Modified); 0 when malformed.
int64_t ParseHttpDate(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const size_t comma = text.find(", ");
  if (comma == std::string_view::npos) return 0;
  text.remove_prefix(comma + 2);
  // "02 Jan 2024 03:04:05 GMT"
  unsigned day = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (text.size() < 20 || text[2] != ' ' || text[6] != ' ' || text[11] != ' ' || text[14] != ':' ||
      text[17] != ':' || !ParseInt(text.substr(0, 2), &day) ||
      !ParseInt(text.substr(7, 4), &year) || !ParseInt(text.substr(12, 2), &hour) ||
      !ParseInt(text.substr(15, 2), &minute) || !ParseInt(text.substr(18, 2), &second)) {
    return 0;
  }
  const auto month_it = std::find(kMonths.begin(), kMonths.end(), text.substr(3, 3));
  if (month_it == kMonths.end()) return 0;
  const auto month = static_cast<unsigned>(month_it - kMonths.begin() + 1);
  if (!IsValidCivilDate(year, month, day)) return 0;
  return NanosFromCivil(year, month, day, hour, minute, second);
}

bool IsRetryableHttpStatus(long status) {
  return status == 500 || status == 502 || status == 503 || status == 504 || status == 429;
}

bool IsRetryableErrorCode(std::string_view code) {
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError";
}

/// The Code and Message of an S3 `<Error>` document (both empty when `body` is none).
struct S3Error {
  std::string code;
  std::string message;
};

S3Error ParseError(std::string_view body) {
  S3Error error;
  const std::optional<std::string_view> element = xml::FirstElement(body, "Error");
  if (!element) return error;
  // A malformed entity leaves the raw text, which still helps a person reading the message.
  const std::optional<std::string_view> code = xml::FirstElement(*element, "Code");
  const std::optional<std::string_view> message = xml::FirstElement(*element, "Message");
  if (code) {
    Result<std::string> text = xml::Unescape(*code);
    error.code = text.ok() ? std::move(text).value() : std::string(*code);
  }
  if (message) {
    Result<std::string> text = xml::Unescape(*message);
    error.message = text.ok() ? std::move(text).value() : std::string(*message);
  }
  return error;
}

int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Full jitter: uniform(0, min(max_backoff, base * 2^retry)).
void SleepBeforeRetry(const S3Options& options, int retry) {
  thread_local std::mt19937_64 random_engine{std::random_device{}()};
  const int64_t ceiling = std::min<int64_t>(
      options.max_backoff_ms, int64_t{options.base_backoff_ms} << std::min(retry, 30));
  if (ceiling <= 0) return;
  std::uniform_int_distribution<int64_t> distribution(0, ceiling);
  std::this_thread::sleep_for(std::chrono::milliseconds(distribution(random_engine)));
}

/// One S3 operation, sent (and re-sent) by S3Client::Impl::Execute.
struct Call {
  std::string op;  ///< for messages: "PUT", "GET", "ListObjectsV2", "UploadPart 3", ...
  std::string_view method;
  std::string_view bucket;  ///< empty: the service itself
  std::string_view key;     ///< empty: the bucket itself
  /// What messages name after the bucket when `key` is empty (a listing's prefix).
  std::string_view message_key;
  QueryList query;
  HeaderList headers;  ///< besides host and the signer's own; all signed
  std::string_view body;
  std::string payload_sha256 = std::string(kEmptyPayloadSha256);
  http::BodySink sink;
  /// Adds the headers of one attempt (a resumed GET asks for the rest of the object).
  std::function<void(HeaderList*)> attempt_headers;
  /// Non-2xx statuses handed back to the caller instead of becoming an error.
  std::vector<long> accepted_statuses;
  /// CopyObject and CompleteMultipartUpload: the server works on the data before it answers
  /// (keeping the connection alive with a trickle of whitespace at best), and may answer 200
  /// with an `<Error>` body.
  bool server_side_work = false;
  /// Set, when not null, to the number of attempts a successful Execute made.
  int* attempts_made = nullptr;

  void SetBody(std::string_view bytes) {
    body = bytes;
    payload_sha256 = Sha256Hex(bytes);
  }
};

}  // namespace

struct S3Client::Impl {
  S3Options options;
  Endpoint endpoint;
  http::Limits limits;
  http::Limits server_side_work_limits;
  http::CurlPool pool;
  std::atomic<int64_t> requests_sent{0};
  std::atomic<int64_t> requests_retried{0};

  /// Sends `call` until it succeeds, fails for good, or runs out of attempts. A 2xx response
  /// or an accepted status comes back as the response; anything else is an error Status.
  Result<http::Response> Execute(const Call& call);

  /// The Status for a failed response or transport error.
  Status Failure(const Call& call, int attempts, std::string_view detail, bool not_found) const;
  static std::string HttpDetail(long status, const S3Error& error);
};

std::string S3Client::Impl::HttpDetail(long status, const S3Error& error) {
  std::string detail = fmt::format("HTTP {}", status);
  if (!error.code.empty()) detail += fmt::format(" {}", error.code);
  if (!error.message.empty()) detail += fmt::format(": {}", error.message);
  return detail;
}

Status S3Client::Impl::Failure(const Call& call, int attempts, std::string_view detail,
                               bool not_found) const {
  std::string message =
      fmt::format("{}: {} failed after {} attempt{}: {}",
                  S3Client::Uri(call.bucket, call.key.empty() ? call.message_key : call.key),
                  call.op, attempts, attempts == 1 ? "" : "s", detail);
  return not_found ? Status::NotFound(std::move(message)) : Status::IOError(std::move(message));
}

Result<http::Response> S3Client::Impl::Execute(const Call& call) {
  const bool virtual_host = options.virtual_host && !call.bucket.empty();
  const std::string host =
      virtual_host ? fmt::format("{}.{}", call.bucket, endpoint.host) : endpoint.host;
  std::string path;
  if (!virtual_host && !call.bucket.empty()) {
    path = fmt::format("/{}", UriEncode(call.bucket, true));
  }
  if (!call.key.empty() || path.empty()) path += fmt::format("/{}", UriEncode(call.key, false));
  const std::string query = CanonicalQueryString(call.query);
  std::string url = fmt::format("{}://{}{}", endpoint.scheme, host, path);
  if (!query.empty()) url += fmt::format("?{}", query);

  std::string last_detail;
  bool last_not_found = false;
  int attempt = 0;
  while (attempt < options.max_attempts) {
    if (attempt > 0) {
      SleepBeforeRetry(options, attempt - 1);
      requests_retried.fetch_add(1, std::memory_order_relaxed);
    }
    ++attempt;

    SigningRequest signing;
    signing.method = std::string(call.method);
    signing.canonical_uri = path;
    signing.query = call.query;
    signing.headers = call.headers;
    if (call.attempt_headers) call.attempt_headers(&signing.headers);
    signing.headers.emplace_back("Host", host);
    signing.payload_sha256 = call.payload_sha256;
    // Signed at each attempt: a retry after a long backoff must not carry a stale date.
    SignedRequest signed_request =
        SignV4(signing, options.credentials, options.region, "s3", NowUnixSeconds());

    http::Request request;
    request.method = call.method;
    request.url = url;
    request.headers = std::move(signed_request.headers);
    request.body = call.body;
    request.sink = call.sink;
    requests_sent.fetch_add(1, std::memory_order_relaxed);
    http::Outcome outcome =
        pool.Perform(request, call.server_side_work ? server_side_work_limits : limits);

    if (!outcome.sink_status.ok()) return outcome.sink_status;
    if (!outcome.transport_ok()) {
      last_detail = fmt::format("{} (curl error {}) at {}://{}", outcome.curl_error,
                                static_cast<int>(outcome.curl_code), endpoint.scheme, host);
      last_not_found = false;
      if (http::IsRetryableCurlCode(outcome.curl_code)) continue;
      break;
    }

    http::Response& response = outcome.response;
    const long status = response.status;
    if (status >= 200 && status < 300) {
      if (!call.server_side_work || response.body.find("<Error>") == std::string::npos) {
        if (call.attempts_made != nullptr) *call.attempts_made = attempt;
        return std::move(response);
      }
      const S3Error error = ParseError(response.body);
      last_detail = HttpDetail(status, error);
      last_not_found = false;
      if (IsRetryableErrorCode(error.code)) continue;
      break;
    }
    if (std::find(call.accepted_statuses.begin(), call.accepted_statuses.end(), status) !=
        call.accepted_statuses.end()) {
      if (call.attempts_made != nullptr) *call.attempts_made = attempt;
      return std::move(response);
    }
    const S3Error error = ParseError(response.body);
    last_detail = HttpDetail(status, error);
    if (error.code.empty() && call.method == "HEAD") {
      // HEAD answers carry no error document: say what the status usually means.
      if (status == 404) {
        last_detail += call.key.empty() ? " (no such bucket)" : " (not found)";
      } else if (status == 403) {
        last_detail +=
            " Forbidden (a HEAD answer carries no error code: check the access key, "
            "the secret and the permissions)";
      }
    }
    last_not_found = status == 404 || error.code == "NoSuchKey" || error.code == "NoSuchBucket";
    if (IsRetryableHttpStatus(status) || IsRetryableErrorCode(error.code)) continue;
    break;
  }
  return Failure(call, attempt, last_detail, last_not_found);
}

// ---------------------------------------------------------------------------------------------

S3Client::S3Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
S3Client::~S3Client() = default;

Result<std::shared_ptr<S3Client>> S3Client::Make(S3Options options) {
  RETURN_NOT_OK(ValidateOptions(options));
  ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(options.endpoint, options.secure));
  auto impl = std::make_unique<Impl>();
  impl->limits.connect_timeout_ms = options.connect_timeout_ms;
  impl->limits.low_speed_timeout_s = options.low_speed_timeout_s;
  // A copy or a completion of a large object can take minutes before the answer comes: only a
  // connection silent for that long counts as stalled.
  impl->server_side_work_limits = impl->limits;
  impl->server_side_work_limits.low_speed_bytes_per_second = 1;
  impl->server_side_work_limits.low_speed_timeout_s =
      std::max(options.low_speed_timeout_s, kServerSideWorkTimeoutS);
  impl->options = std::move(options);
  impl->endpoint = std::move(endpoint);
  return std::shared_ptr<S3Client>(new S3Client(std::move(impl)));
}

const S3Options& S3Client::options() const {
  return impl_->options;
}

std::string S3Client::Uri(std::string_view bucket, std::string_view key) {
  return fmt::format("s3://{}/{}", bucket, key);
}

int64_t S3Client::requests_sent() const {
  return impl_->requests_sent.load(std::memory_order_relaxed);
}
int64_t S3Client::requests_retried() const {
  return impl_->requests_retried.load(std::memory_order_relaxed);
}

Status S3Client::HeadBucket(const std::string& bucket) {
  Call call;
  call.op = "HeadBucket";
  call.method = "HEAD";
  call.bucket = bucket;
  return impl_->Execute(call).status();
}

Status S3Client::CreateBucket(const std::string& bucket) {
  Call call;
  call.op = "CreateBucket";
  call.method = "PUT";
  call.bucket = bucket;
  call.accepted_statuses = {409};
  // us-east-1 is the default location and must not be named; every other region must be.
  std::string configuration;
  if (impl_->options.region != "us-east-1") {
    configuration = fmt::format(
        "<CreateBucketConfiguration xmlns=\"{}\"><LocationConstraint>{}</LocationConstraint>"
        "</CreateBucketConfiguration>",
        kS3Namespace, xml::Escape(impl_->options.region));
    call.SetBody(configuration);
  }
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  if (response.status == 409) {
    const S3Error error = ParseError(response.body);
    if (error.code != "BucketAlreadyOwnedByYou") {
      return impl_->Failure(call, 1, Impl::HttpDetail(response.status, error), false);
    }
  }
  return Status::OK();
}

Result<bool> S3Client::PutObject(const std::string& bucket, const std::string& key,
                                 std::string_view body, const PutOptions& options) {
  Call call;
  call.op = "PUT";
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.SetBody(body);
  call.headers.emplace_back("Content-MD5", ContentMd5(body));
  if (!options.content_type.empty())
    call.headers.emplace_back("Content-Type", options.content_type);
  if (options.if_none_match) {
    call.headers.emplace_back("If-None-Match", "*");
    call.accepted_statuses = {412};
  }
  int attempts = 0;
  call.attempts_made = &attempts;
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  if (response.status != 412) return true;
  if (attempts == 1) return false;
  // An earlier attempt may have landed and lost its answer: the object is ours when it holds
  // exactly our bytes (a unique body, such as a lock's, cannot have come from anyone else).
  ASSIGN_OR_RETURN(const std::optional<ObjectMeta> existing, HeadObject(bucket, key));
  return existing.has_value() && existing->size == std::ssize(body) &&
         existing->etag == Md5Hex(body);
}

Result<std::optional<ObjectMeta>> S3Client::HeadObject(const std::string& bucket,
                                                       const std::string& key) {
  Call call;
  call.op = "HEAD";
  call.method = "HEAD";
  call.bucket = bucket;
  call.key = key;
  call.accepted_statuses = {404};
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  if (response.status == 404) return std::optional<ObjectMeta>();
  ObjectMeta meta;
  meta.key = key;
  meta.size = response.ContentLength();
  if (meta.size < 0) {
    return Status::IOError(
        fmt::format("{}: HEAD answered without a valid Content-Length", Uri(bucket, key)));
  }
  if (const std::string* etag = response.Header("etag")) meta.etag = StripQuotes(*etag);
  if (const std::string* modified = response.Header("last-modified")) {
    meta.last_modified_ns = ParseHttpDate(*modified);
  }
  return std::optional<ObjectMeta>(std::move(meta));
}

Status S3Client::GetRange(const std::string& bucket, const std::string& key, int64_t offset,
                          int64_t length, std::string* out, std::string_view if_match) {
  if (offset < 0 || length < 0) {
    return Status::InvalidArgument(fmt::format("{}: invalid range of {} bytes at offset {}",
                                               Uri(bucket, key), length, offset));
  }
  out->clear();
  if (length == 0) return Status::OK();
  Call call;
  call.op = "GET";
  call.method = "GET";
  call.bucket = bucket;
  call.key = key;
  call.headers.emplace_back("Range", fmt::format("bytes={}-{}", offset, offset + length - 1));
  if (!if_match.empty()) call.headers.emplace_back("If-Match", Quoted(if_match));
  ASSIGN_OR_RETURN(http::Response response, impl_->Execute(call));
  *out = std::move(response.body);
  if (response.status == 200) {
    // The server ignored the range and sent the whole object: keep the asked-for part.
    const auto begin = static_cast<size_t>(std::min<int64_t>(offset, std::ssize(*out)));
    const auto end = static_cast<size_t>(std::min<int64_t>(offset + length, std::ssize(*out)));
    out->resize(end);
    out->erase(0, begin);
  }
  return Status::OK();
}

Status S3Client::GetObjectStream(const std::string& bucket, const std::string& key,
                                 const std::function<Status(std::string_view)>& sink,
                                 std::string_view if_match) {
  // Bytes already handed to `sink`, and where the body of the current attempt starts in the
  // object (-1 until its first piece arrives).
  int64_t delivered = 0;
  int64_t attempt_offset = -1;
  int64_t object_size = -1;
  std::string pinned_etag = if_match.empty() ? std::string() : Quoted(if_match);

  Call call;
  call.op = "GET";
  call.method = "GET";
  call.bucket = bucket;
  call.key = key;
  call.accepted_statuses = {416};
  call.attempt_headers = [&](HeaderList* headers) {
    attempt_offset = -1;
    if (delivered > 0) headers->emplace_back("Range", fmt::format("bytes={}-", delivered));
    if (!pinned_etag.empty()) headers->emplace_back("If-Match", pinned_etag);
  };
  call.sink = [&](const http::Response& head, std::string_view piece) -> Status {
    if (attempt_offset < 0) {
      attempt_offset = 0;
      if (head.status == 206) {
        // Content-Range: bytes FIRST-LAST/SIZE
        const std::string* range = head.Header("content-range");
        const size_t dash = range == nullptr ? std::string::npos : range->find('-');
        const size_t space = range == nullptr ? std::string::npos : range->find(' ');
        if (dash == std::string::npos || space == std::string::npos || space > dash ||
            !ParseInt(std::string_view(*range).substr(space + 1, dash - space - 1),
                      &attempt_offset)) {
          return Status::IOError(
              fmt::format("{}: GET answered 206 without a usable Content-Range", Uri(bucket, key)));
        }
      } else {
        object_size = head.ContentLength();
      }
      if (pinned_etag.empty()) {
        if (const std::string* etag = head.Header("etag")) pinned_etag = Quoted(StripQuotes(*etag));
      }
      if (attempt_offset > delivered) {
        return Status::IOError(fmt::format("{}: resumed GET starts at byte {}, expected {}",
                                           Uri(bucket, key), attempt_offset, delivered));
      }
    }
    const int64_t piece_end = attempt_offset + std::ssize(piece);
    if (piece_end > delivered) {
      const std::string_view fresh = piece.substr(static_cast<size_t>(delivered - attempt_offset));
      RETURN_NOT_OK(sink(fresh));
      delivered = piece_end;
    }
    attempt_offset = piece_end;
    return Status::OK();
  };
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  // 416 after a break: every byte was delivered before the connection dropped.
  if (response.status == 416 && !(delivered > 0 && delivered == object_size)) {
    return impl_->Failure(call, 1, Impl::HttpDetail(response.status, ParseError(response.body)),
                          false);
  }
  return Status::OK();
}

Result<ListPage> S3Client::ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                         const std::string& delimiter,
                                         const std::optional<std::string>& continuation_token,
                                         int max_keys) {
  if (max_keys < 0) {
    return Status::InvalidArgument(
        fmt::format("{}: ListObjectsV2 max_keys {} is negative", Uri(bucket, prefix), max_keys));
  }
  Call call;
  call.op = "ListObjectsV2";
  call.method = "GET";
  call.bucket = bucket;
  call.message_key = prefix;
  call.query.emplace_back("list-type", "2");
  call.query.emplace_back("max-keys", std::to_string(max_keys));
  if (!prefix.empty()) call.query.emplace_back("prefix", prefix);
  if (!delimiter.empty()) call.query.emplace_back("delimiter", delimiter);
  if (continuation_token) call.query.emplace_back("continuation-token", *continuation_token);
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));

  const std::string where = fmt::format("{}: ListObjectsV2 response", Uri(bucket, prefix));
  auto with_context = [&](const Status& status) {
    return Status::IOError(fmt::format("{}: {}", where, status.message()));
  };
  const std::string_view body = response.body;
  if (!xml::FirstElement(body, "ListBucketResult")) {
    return Status::IOError(fmt::format("{} has no ListBucketResult", where));
  }
  ListPage page;
  for (const std::string_view contents : xml::Elements(body, "Contents")) {
    ObjectMeta meta;
    Result<std::string> key = xml::FirstText(contents, "Key");
    if (!key.ok()) return with_context(key.status());
    meta.key = std::move(key).value();
    const std::optional<std::string_view> size = xml::FirstElement(contents, "Size");
    if (!size || !ParseInt(*size, &meta.size)) {
      return Status::IOError(fmt::format("{}: object '{}' has no valid Size", where, meta.key));
    }
    Result<std::string> etag = xml::FirstText(contents, "ETag");
    if (!etag.ok()) return with_context(etag.status());
    meta.etag = StripQuotes(*etag);
    if (const auto modified = xml::FirstElement(contents, "LastModified")) {
      // `2024-01-02T03:04:05.678Z`; 0 when malformed.
      meta.last_modified_ns = ParseIsoTimestamp(*modified).value_or(0) * 1000;
    }
    page.objects.push_back(std::move(meta));
  }
  for (const std::string_view common : xml::Elements(body, "CommonPrefixes")) {
    Result<std::string> common_prefix = xml::FirstText(common, "Prefix");
    if (!common_prefix.ok()) return with_context(common_prefix.status());
    page.common_prefixes.push_back(std::move(common_prefix).value());
  }
  const std::optional<std::string_view> truncated = xml::FirstElement(body, "IsTruncated");
  if (truncated && *truncated == "true") {
    Result<std::string> token = xml::FirstText(body, "NextContinuationToken");
    if (!token.ok()) return with_context(token.status());
    if (token->empty()) {
      return Status::IOError(
          fmt::format("{} is truncated but has no NextContinuationToken", where));
    }
    page.next_continuation_token = std::move(token).value();
  }
  return page;
}

Result<std::vector<ObjectMeta>> S3Client::ListAll(const std::string& bucket,
                                                  const std::string& prefix) {
  std::vector<ObjectMeta> objects;
  std::optional<std::string> token;
  do {
    ASSIGN_OR_RETURN(ListPage page, ListObjectsV2(bucket, prefix, "", token));
    if (objects.empty()) {
      objects = std::move(page.objects);
    } else {
      std::move(page.objects.begin(), page.objects.end(), std::back_inserter(objects));
    }
    token = std::move(page.next_continuation_token);
  } while (token);
  return objects;
}

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key) {
  Call call;
  call.op = "DELETE";
  call.method = "DELETE";
  call.bucket = bucket;
  call.key = key;
  call.accepted_statuses = {404};
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  if (response.status == 404) {
    // A missing key is fine; a missing bucket is a mistake worth reporting.
    const S3Error error = ParseError(response.body);
    if (error.code == "NoSuchBucket") {
      return impl_->Failure(call, 1, Impl::HttpDetail(response.status, error), true);
    }
  }
  return Status::OK();
}

Status S3Client::CopyObject(const std::string& source_bucket, const std::string& source_key,
                            const std::string& bucket, const std::string& key,
                            std::string_view if_match) {
  Call call;
  call.op = "CopyObject";
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.server_side_work = true;
  call.headers.emplace_back(
      "x-amz-copy-source",
      fmt::format("/{}/{}", UriEncode(source_bucket, true), UriEncode(source_key, false)));
  if (!if_match.empty()) {
    call.headers.emplace_back("x-amz-copy-source-if-match", Quoted(if_match));
    // Ceph RADOS Gateway (through at least Pacific) reads the condition from this older name
    // and ignores the one above; other servers ignore this one.
    call.headers.emplace_back("x-amz-copy-if-match", Quoted(if_match));
  }
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  if (!xml::FirstElement(response.body, "CopyObjectResult")) {
    return Status::IOError(fmt::format("{}: CopyObject from {} answered without a CopyObjectResult",
                                       Uri(bucket, key), Uri(source_bucket, source_key)));
  }
  return Status::OK();
}

Result<std::string> S3Client::CreateMultipartUpload(const std::string& bucket,
                                                    const std::string& key) {
  Call call;
  call.op = "CreateMultipartUpload";
  call.method = "POST";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("uploads", "");
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  ASSIGN_OR_RETURN(std::string upload_id, xml::FirstText(response.body, "UploadId"));
  if (upload_id.empty()) {
    return Status::IOError(
        fmt::format("{}: CreateMultipartUpload answered without an UploadId", Uri(bucket, key)));
  }
  return upload_id;
}

Result<std::string> S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         std::string_view body) {
  Call call;
  call.op = fmt::format("UploadPart {}", part_number);
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("partNumber", std::to_string(part_number));
  call.query.emplace_back("uploadId", upload_id);
  call.SetBody(body);
  call.headers.emplace_back("Content-MD5", ContentMd5(body));
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  const std::string* etag = response.Header("etag");
  if (etag == nullptr || etag->empty()) {
    return Status::IOError(
        fmt::format("{}: UploadPart {} answered without an ETag", Uri(bucket, key), part_number));
  }
  return std::string(StripQuotes(*etag));
}

Status S3Client::CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id,
                                         const std::vector<std::string>& part_etags) {
  std::string document = fmt::format("<CompleteMultipartUpload xmlns=\"{}\">", kS3Namespace);
  for (size_t i = 0; i < part_etags.size(); ++i) {
    document += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1,
                            xml::Escape(Quoted(part_etags[i])));
  }
  document += "</CompleteMultipartUpload>";

  Call call;
  call.op = "CompleteMultipartUpload";
  call.method = "POST";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("uploadId", upload_id);
  call.headers.emplace_back("Content-Type", "application/xml");
  call.SetBody(document);
  call.server_side_work = true;
  call.accepted_statuses = {404};
  int attempts = 0;
  call.attempts_made = &attempts;
  ASSIGN_OR_RETURN(const http::Response response, impl_->Execute(call));
  if (response.status != 404) return Status::OK();
  const S3Error error = ParseError(response.body);
  if (error.code == "NoSuchUpload" && attempts > 1) {
    // An earlier attempt may have completed the upload and lost its answer: then the object
    // is there with the ETag these parts make.
    const std::string expected = MultipartEtag(part_etags);
    ASSIGN_OR_RETURN(const std::optional<ObjectMeta> existing, HeadObject(bucket, key));
    if (!expected.empty() && existing.has_value() && existing->etag == expected) {
      return Status::OK();
    }
  }
  return impl_->Failure(call, attempts, Impl::HttpDetail(response.status, error),
                        error.code == "NoSuchKey" || error.code == "NoSuchBucket");
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) {
  Call call;
  call.op = "AbortMultipartUpload";
  call.method = "DELETE";
  call.bucket = bucket;
  call.key = key;
  call.query.emplace_back("uploadId", upload_id);
  // An upload that is already gone (aborted before, or completed) leaves nothing to clean.
  call.accepted_statuses = {404};
  return impl_->Execute(call).status();
}

// ---------------------------------------------------------------------------------------------

namespace {

class S3File final : public RandomAccessFile {
 public:
  S3File(std::shared_ptr<S3Client> client, std::string bucket, std::string key, ObjectMeta meta)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        name_(S3Client::Uri(bucket_, key_)),
        meta_(std::move(meta)) {}

  const std::string& name() const override { return name_; }
  int64_t size() const override { return meta_.size; }

  Status ReadAt(int64_t offset, int64_t length, std::string* out) const override {
    if (offset < 0 || length < 0 || offset > meta_.size) {
      return Status::IOError(
          fmt::format("{}: read of {} bytes at offset {} is outside the object ({} bytes)", name_,
                      length, offset, meta_.size));
    }
    const int64_t wanted = std::min(length, meta_.size - offset);
    RETURN_NOT_OK(client_->GetRange(bucket_, key_, offset, wanted, out, meta_.etag));
    if (std::ssize(*out) != wanted) {
      return Status::IOError(fmt::format("{}: read {} bytes at offset {}, expected {}", name_,
                                         out->size(), offset, wanted));
    }
    return Status::OK();
  }

 private:
  std::shared_ptr<S3Client> client_;
  std::string bucket_;
  std::string key_;
  std::string name_;
  ObjectMeta meta_;
};

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> OpenObject(std::shared_ptr<S3Client> client,
                                                     std::string bucket, std::string key) {
  ASSIGN_OR_RETURN(std::optional<ObjectMeta> meta, client->HeadObject(bucket, key));
  if (!meta) {
    return Status::NotFound(fmt::format("{}: no such object", S3Client::Uri(bucket, key)));
  }
  return std::unique_ptr<RandomAccessFile>(
      new S3File(std::move(client), std::move(bucket), std::move(key), std::move(*meta)));
}

}  // namespace streampro::s3
