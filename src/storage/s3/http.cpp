#include "storage/s3/http.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>

namespace streampro::s3::http {

namespace {

// Bodies larger than this are not reserved up front from a Content-Length the server sent.
constexpr int64_t kMaxReserve = int64_t{256} << 20;

std::once_flag global_init_once;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// The state one exchange's callbacks share.
struct Exchange {
  const Request* request = nullptr;
  size_t body_offset = 0;  // bytes of request->body handed to curl so far
  Response response;
  Status sink_status;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  const std::string_view line = Trim(std::string_view(data, bytes));
  Response& response = exchange->response;
  if (line.starts_with("HTTP/")) {
    // A new status line (after an interim 1xx response, too) starts a new header block.
    response.headers.clear();
    response.status = 0;
    const size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      const std::string_view code = line.substr(space + 1, 3);
      std::from_chars(code.data(), code.data() + code.size(), response.status);
    }
    return bytes;
  }
  if (line.empty()) {
    // End of the header block: a body that goes into memory is allocated once.
    const int64_t length = response.ContentLength();
    if (length > 0 && !exchange->request->sink && exchange->request->method != "HEAD") {
      response.body.reserve(static_cast<size_t>(std::min(length, kMaxReserve)));
    }
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    response.headers.emplace_back(AsciiLower(Trim(line.substr(0, colon))),
                                  std::string(Trim(line.substr(colon + 1))));
  }
  return bytes;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  Response& response = exchange->response;
  const bool success = response.status >= 200 && response.status < 300;
  if (success && exchange->request->sink) {
    Status status = exchange->request->sink(response, std::string_view(data, bytes));
    if (!status.ok()) {
      exchange->sink_status = std::move(status);
      return 0;  // anything but `bytes` aborts the transfer with CURLE_WRITE_ERROR
    }
    return bytes;
  }
  response.body.append(data, bytes);
  return bytes;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::string_view body = exchange->request->body;
  const size_t n = std::min(size * count, body.size() - exchange->body_offset);
  std::memcpy(buffer, body.data() + exchange->body_offset, n);
  exchange->body_offset += n;
  return n;
}

// curl rewinds the body when it sends the request again on a fresh connection (a reused
// connection that the server had closed).
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* exchange = static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 ||
      static_cast<size_t>(offset) > exchange->request->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  exchange->body_offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

const std::string* Response::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

int64_t Response::ContentLength() const {
  const std::string* value = Header("content-length");
  if (value == nullptr) return -1;
  int64_t length = -1;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), length);
  if (error != std::errc() || end != value->data() + value->size() || length < 0) return -1;
  return length;
}

bool IsRetryableCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

CurlPool::CurlPool() {
  std::call_once(global_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlPool::~CurlPool() {
  for (CURL* handle : free_) curl_easy_cleanup(handle);
}

CURL* CurlPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      CURL* handle = free_.back();
      free_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void CurlPool::Release(CURL* handle) {
  // Drops every option (and the pointers into this exchange) but keeps the connection.
  curl_easy_reset(handle);
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(handle);
}

Outcome CurlPool::Perform(const Request& request, const Limits& limits) {
  Outcome outcome;
  CURL* handle = Acquire();
  if (handle == nullptr) {
    outcome.curl_code = CURLE_FAILED_INIT;
    outcome.curl_error = "cannot create a curl handle";
    return outcome;
  }

  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  auto append = [&header_list](const std::string& line) {
    curl_slist* appended = curl_slist_append(header_list.get(), line.c_str());
    if (appended == nullptr) return false;
    header_list.release();  // `appended` is the same list, longer (or a new one)
    header_list.reset(appended);
    return true;
  };
  bool headers_built = true;
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    headers_built = headers_built && append(fmt::format("{}: {}", name, value));
    if (AsciiLower(name) == "content-type") has_content_type = true;
  }
  // "Name:" removes a header curl would add on its own: no "Expect: 100-continue" round trip
  // before a body, no "Accept: */*", and no form Content-Type on a POST unless given.
  headers_built = headers_built && append("Expect:") && append("Accept:");
  if (!has_content_type) headers_built = headers_built && append("Content-Type:");
  if (!headers_built) {
    Release(handle);
    outcome.curl_code = CURLE_OUT_OF_MEMORY;
    outcome.curl_error = "out of memory building the request headers";
    return outcome;
  }

  Exchange exchange;
  exchange.request = &request;
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  // Object keys may hold "." and ".." segments; they are names, not paths to normalize.
  curl_easy_setopt(handle, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, limits.low_speed_bytes_per_second);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.low_speed_timeout_s));
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &exchange);

  if (request.method == "GET") {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, &OnRead);
    curl_easy_setopt(handle, CURLOPT_READDATA, &exchange);
    curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, &OnSeek);
    curl_easy_setopt(handle, CURLOPT_SEEKDATA, &exchange);
  } else if (request.method == "POST") {
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    // A null POSTFIELDS would make curl read the body from stdin.
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
  } else {
    // DELETE and the like: curl copies the string.
    const std::string method(request.method);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  outcome.curl_code = curl_easy_perform(handle);

  if (outcome.curl_code != CURLE_OK) {
    outcome.curl_error = error_buffer[0] != '\0'
                             ? std::string(error_buffer)
                             : std::string(curl_easy_strerror(outcome.curl_code));
  }
  long status = 0;
  if (exchange.response.status == 0 &&
      curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK) {
    exchange.response.status = status;
  }
  Release(handle);
  outcome.sink_status = std::move(exchange.sink_status);
  outcome.response = std::move(exchange.response);
  return outcome;
}

}  // namespace streampro::s3::http
