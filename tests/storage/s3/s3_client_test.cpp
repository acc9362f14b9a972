// Tests of storage/s3/s3_client against the real gateway the `rgw` fixture starts
// (tests/storage/s3/rgw.sh), and through FaultProxy for the retries.

#include "storage/s3/s3_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "storage/s3/fault_proxy.h"
#include "storage/s3/rgw_env.h"
#include "storage/s3/xml.h"

namespace streampro::s3 {
namespace {

using streampro::testing::FaultProxy;
using streampro::testing::NewBucket;
using streampro::testing::Rgw;
using streampro::testing::RgwOptions;

constexpr int64_t kMiB = int64_t{1} << 20;

std::shared_ptr<S3Client> MakeClient(const S3Options& options) {
  auto client = S3Client::Make(options);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? *client : nullptr;
}

std::shared_ptr<S3Client> RgwClient() {
  return MakeClient(RgwOptions());
}

// Every byte value, then pseudo-random bytes.
std::string BinaryBytes(size_t size, uint64_t seed) {
  std::string bytes(size, '\0');
  std::mt19937_64 random(seed);
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>(i < 256 ? i : random() & 0xFF);
  }
  return bytes;
}

std::string GetAll(S3Client& client, const std::string& bucket, const std::string& key) {
  std::string out;
  const Status status = client.GetObjectStream(bucket, key, [&](std::string_view piece) {
    out.append(piece);
    return Status::OK();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

std::vector<std::string> Keys(const std::vector<ObjectMeta>& objects) {
  std::vector<std::string> keys;
  for (const ObjectMeta& meta : objects) keys.push_back(meta.key);
  return keys;
}

// The port of `endpoint` (`http://host:PORT`).
int PortOf(const std::string& endpoint) {
  return std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
}

// A loopback port that nothing listens on (bound, then closed).
int ClosedLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A loopback HTTP server that answers the connections it accepts, in order, with scripted
// raw replies (then closes each one) and keeps every request head: how the tests break a
// transfer in the middle of a body, which FaultProxy (faults at connection start) cannot.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> replies) : replies_(std::move(replies)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    EXPECT_EQ(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes a blocked accept()
    thread_.join();
    ::close(listen_fd_);
  }

  std::string endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }
  /// Request heads received so far.
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void Serve() {
    for (const std::string& reply : replies_) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::string head;
      char buffer[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        head.append(buffer, static_cast<size_t>(n));
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(head);
      }
      size_t sent = 0;
      while (sent < reply.size()) {
        const ssize_t n = ::send(fd, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      ::shutdown(fd, SHUT_WR);
      ::close(fd);
    }
  }

  std::vector<std::string> replies_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// --- Options and the small parsers (no server) ----------------------------------------------

S3Options ValidOptions() {
  S3Options options;
  options.endpoint = "http://127.0.0.1:1";
  options.credentials = {"AKID", "SECRET", ""};
  return options;
}

TEST(S3ClientOptions, AcceptsTheEndpointForms) {
  for (const char* endpoint : {"http://127.0.0.1:7480", "https://s3.eu-west-1.amazonaws.com",
                               "localhost:7480", "http://127.0.0.1:7480/"}) {
    S3Options options = ValidOptions();
    options.endpoint = endpoint;
    EXPECT_TRUE(S3Client::Make(options).ok()) << endpoint;
  }
}

TEST(S3ClientOptions, RejectsBadOptions) {
  std::vector<std::pair<std::string, S3Options>> cases;
  auto with = [&](std::string what, auto change) {
    S3Options options = ValidOptions();
    change(options);
    cases.emplace_back(std::move(what), std::move(options));
  };
  with("empty endpoint", [](S3Options& o) { o.endpoint.clear(); });
  with("ftp endpoint", [](S3Options& o) { o.endpoint = "ftp://host"; });
  with("endpoint with a path", [](S3Options& o) { o.endpoint = "http://host/prefix"; });
  with("no access key", [](S3Options& o) { o.credentials.access_key_id.clear(); });
  with("no secret", [](S3Options& o) { o.credentials.secret_access_key.clear(); });
  with("no region", [](S3Options& o) { o.region.clear(); });
  with("zero attempts", [](S3Options& o) { o.max_attempts = 0; });
  with("negative backoff", [](S3Options& o) { o.base_backoff_ms = -1; });
  with("max below base backoff", [](S3Options& o) { o.max_backoff_ms = o.base_backoff_ms - 1; });
  with("zero connect timeout", [](S3Options& o) { o.connect_timeout_ms = 0; });
  with("zero low-speed timeout", [](S3Options& o) { o.low_speed_timeout_s = 0; });
  with("small part", [](S3Options& o) { o.part_size = 5 * kMiB - 1; });
  with("zero parallelism", [](S3Options& o) { o.upload_parallelism = 0; });
  for (const auto& [what, options] : cases) {
    const auto client = S3Client::Make(options);
    ASSERT_FALSE(client.ok()) << what;
    EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument) << what;
    EXPECT_EQ(client.status().message().find("SECRET"), std::string::npos) << what;
  }
}

TEST(S3ClientOptions, UriNamesBucketAndKey) {
  EXPECT_EQ(S3Client::Uri("lake", "raw/x.csv"), "s3://lake/raw/x.csv");
}

TEST(S3ClientXml, FindsElementsAndDecodesEntities) {
  const std::string document =
      "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"x\"><KeyCount>2</KeyCount>"
      "<Contents><Key>a &amp; b&lt;&gt;&quot;&apos;&#65;&#x42;&#xe9;&#x1F600;</Key></Contents>"
      "<Contents><Key/></Contents></ListBucketResult>";
  const std::vector<std::string_view> keys = xml::Elements(document, "Key");
  ASSERT_EQ(keys.size(), 2u);
  auto decoded = xml::Unescape(keys[0]);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "a & b<>\"'AB\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(keys[1], "");
  EXPECT_EQ(xml::FirstElement(document, "KeyCount").value_or("?"), "2");
  EXPECT_FALSE(xml::FirstElement(document, "Missing").has_value());
  for (const char* bad : {"&bogus;", "&#;", "&#xZZ;", "& no semicolon", "&#0;", "&#xD800;"}) {
    EXPECT_FALSE(xml::Unescape(bad).ok()) << bad;
  }
  EXPECT_EQ(xml::Escape("a&<>\"'"), "a&amp;&lt;&gt;&quot;&apos;");
}

// --- Objects --------------------------------------------------------------------------------

TEST(S3ClientObjects, PutGetHeadDeleteRoundTripIsByteIdentical) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("roundtrip");
  const std::string bytes = BinaryBytes(100'000, 1);

  ASSERT_TRUE(client->HeadBucket(bucket).ok());
  auto put = client->PutObject(bucket, "dir/data.bin", bytes);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_TRUE(*put);

  auto meta = client->HeadObject(bucket, "dir/data.bin");
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  ASSERT_TRUE(meta->has_value());
  EXPECT_EQ((*meta)->key, "dir/data.bin");
  EXPECT_EQ((*meta)->size, 100'000);
  EXPECT_EQ((*meta)->etag.size(), 32u) << (*meta)->etag;  // hex MD5, quotes removed
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_LT(std::abs(now_ns - (*meta)->last_modified_ns), int64_t{600} * 1'000'000'000);

  EXPECT_EQ(GetAll(*client, bucket, "dir/data.bin"), bytes);
  std::string whole;
  ASSERT_TRUE(client->GetRange(bucket, "dir/data.bin", 0, 100'000, &whole).ok());
  EXPECT_EQ(whole, bytes);

  auto listed = client->ListAll(bucket, "");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "dir/data.bin");
  EXPECT_EQ((*listed)[0].size, 100'000);
  EXPECT_EQ((*listed)[0].etag, (*meta)->etag);
  EXPECT_LT(std::abs((*listed)[0].last_modified_ns - (*meta)->last_modified_ns),
            int64_t{2'000'000'000});

  ASSERT_TRUE(client->DeleteObject(bucket, "dir/data.bin").ok());
  meta = client->HeadObject(bucket, "dir/data.bin");
  ASSERT_TRUE(meta.ok());
  EXPECT_FALSE(meta->has_value());
  EXPECT_TRUE(client->DeleteObject(bucket, "dir/data.bin").ok()) << "a missing key is fine";

  std::string out;
  const Status missing = client->GetRange(bucket, "dir/data.bin", 0, 10, &out);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound) << missing.ToString();
  EXPECT_NE(missing.message().find(fmt::format("s3://{}/dir/data.bin", bucket)), std::string::npos)
      << missing.message();
  const auto open_missing = OpenObject(client, bucket, "dir/data.bin");
  EXPECT_EQ(open_missing.status().code(), StatusCode::kNotFound);
}

TEST(S3ClientObjects, EmptyObject) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("empty");
  ASSERT_TRUE(client->PutObject(bucket, "empty", "").ok());
  EXPECT_EQ(GetAll(*client, bucket, "empty"), "");
  auto file = OpenObject(client, bucket, "empty");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), 0);
  std::string out = "stale";
  ASSERT_TRUE((*file)->ReadAt(0, 10, &out).ok());
  EXPECT_EQ(out, "");
}

// n with tilde, u with acute, two CJK characters and an emoji, in UTF-8.
constexpr std::string_view kUnicodeKey =
    "unicode/\xC3\xB1"
    "and\xC3\xBA-\xE6\x97\xA5\xE6\x9C\xAC-\xF0\x9F\x98\x80.bin";

TEST(S3ClientObjects, OddKeysRoundTripAndListBackExactly) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("oddkeys");
  std::vector<std::string> keys = {
      "with space.txt",
      std::string(kUnicodeKey),
      "plus+sign",
      "equals=sign&amp=x",
      "percent%20%zz%",
      "amp&ersand",
      "xml<>\"'chars",
      "dots/./x/../y",
      "tilde~star*paren()",
      "a//double/slash",
      "semi;colon,comma:colon@at!bang$dollar",
      "question?mark#hash",
      "caret^back`tick[brackets]{braces}|pipe\\backslash",
      "/leading/slash",
      "trailing space ",
      "control\tchars\nin\rkey\x01",
      "..",
      "x/..",
  };
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto put = client->PutObject(bucket, keys[i], fmt::format("body {}", i));
    ASSERT_TRUE(put.ok()) << keys[i] << ": " << put.status().ToString();
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(GetAll(*client, bucket, keys[i]), fmt::format("body {}", i)) << keys[i];
    auto meta = client->HeadObject(bucket, keys[i]);
    ASSERT_TRUE(meta.ok() && meta->has_value()) << keys[i];
  }
  auto listed = client->ListAll(bucket, "");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(Keys(*listed), keys);

  // Odd characters in the prefix and delimiter travel in the query string.
  auto page = client->ListObjectsV2(bucket, "unicode/\xC3\xB1", "", std::nullopt);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, kUnicodeKey);
  page = client->ListObjectsV2(bucket, "equals=", "&", std::nullopt);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->objects.empty());
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"equals=sign&"});

  for (const std::string& key : keys) ASSERT_TRUE(client->DeleteObject(bucket, key).ok()) << key;
  listed = client->ListAll(bucket, "");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST(S3ClientObjects, RangeReads) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("ranges");
  const std::string bytes = BinaryBytes(1000, 2);
  ASSERT_TRUE(client->PutObject(bucket, "r", bytes).ok());

  std::string out;
  ASSERT_TRUE(client->GetRange(bucket, "r", 0, 10, &out).ok());
  EXPECT_EQ(out, bytes.substr(0, 10));
  ASSERT_TRUE(client->GetRange(bucket, "r", 400, 123, &out).ok());
  EXPECT_EQ(out, bytes.substr(400, 123));
  ASSERT_TRUE(client->GetRange(bucket, "r", 990, 100, &out).ok());
  EXPECT_EQ(out, bytes.substr(990)) << "fewer bytes at the end";
  ASSERT_TRUE(client->GetRange(bucket, "r", 999, 1, &out).ok());
  EXPECT_EQ(out, bytes.substr(999));
  const Status past_end = client->GetRange(bucket, "r", 1000, 10, &out);
  EXPECT_FALSE(past_end.ok());
  EXPECT_NE(past_end.message().find("416"), std::string::npos) << past_end.message();

  auto meta = client->HeadObject(bucket, "r");
  ASSERT_TRUE(meta.ok() && meta->has_value());
  ASSERT_TRUE(client->GetRange(bucket, "r", 5, 5, &out, (*meta)->etag).ok());
  EXPECT_EQ(out, bytes.substr(5, 5));
  const Status changed =
      client->GetRange(bucket, "r", 5, 5, &out, "0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(changed.ok());
  EXPECT_NE(changed.message().find("412"), std::string::npos) << changed.message();

  auto file = OpenObject(client, bucket, "r");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->size(), 1000);
  EXPECT_EQ((*file)->name(), fmt::format("s3://{}/r", bucket));
  ASSERT_TRUE((*file)->ReadAt(100, 50, &out).ok());
  EXPECT_EQ(out, bytes.substr(100, 50));
  ASSERT_TRUE((*file)->ReadAt(950, 500, &out).ok());
  EXPECT_EQ(out, bytes.substr(950));
  out = "stale";
  ASSERT_TRUE((*file)->ReadAt(1000, 0, &out).ok());
  EXPECT_EQ(out, "");
  const Status outside = (*file)->ReadAt(1001, 1, &out);
  EXPECT_FALSE(outside.ok());
  EXPECT_NE(outside.message().find(fmt::format("s3://{}/r", bucket)), std::string::npos)
      << outside.message();

  // Every read is pinned to the ETag seen at open: an overwrite is an error, not a mix.
  ASSERT_TRUE(client->PutObject(bucket, "r", BinaryBytes(1000, 3)).ok());
  const Status overwritten = (*file)->ReadAt(0, 10, &out);
  EXPECT_FALSE(overwritten.ok());
  EXPECT_NE(overwritten.message().find("412"), std::string::npos) << overwritten.message();
}

TEST(S3ClientObjects, ConditionalPut) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("ifnonematch");
  PutOptions options;
  options.if_none_match = true;
  options.content_type = "text/plain";
  auto first = client->PutObject(bucket, "once", "first", options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  auto second = client->PutObject(bucket, "once", "second", options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(*second);
  EXPECT_EQ(GetAll(*client, bucket, "once"), "first");
}

TEST(S3ClientObjects, CopyObject) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("copy");
  const std::string other = NewBucket("copy-target");
  const std::string bytes = BinaryBytes(5000, 4);
  ASSERT_TRUE(client->PutObject(bucket, "src key+&=.bin", bytes).ok());
  auto meta = client->HeadObject(bucket, "src key+&=.bin");
  ASSERT_TRUE(meta.ok() && meta->has_value());

  Status copied = client->CopyObject(bucket, "src key+&=.bin", other, "dst/ü key");
  ASSERT_TRUE(copied.ok()) << copied.ToString();
  EXPECT_EQ(GetAll(*client, other, "dst/ü key"), bytes);

  copied = client->CopyObject(bucket, "src key+&=.bin", bucket, "pinned", (*meta)->etag);
  ASSERT_TRUE(copied.ok()) << copied.ToString();
  EXPECT_EQ(GetAll(*client, bucket, "pinned"), bytes);

  const Status mismatch = client->CopyObject(bucket, "src key+&=.bin", bucket, "never",
                                             "0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.message().find("CopyObject"), std::string::npos) << mismatch.message();
  EXPECT_NE(mismatch.message().find(fmt::format("s3://{}/never", bucket)), std::string::npos)
      << mismatch.message();
  auto never = client->HeadObject(bucket, "never");
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(never->has_value());

  const Status missing = client->CopyObject(bucket, "no such key", bucket, "never");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound) << missing.ToString();
}

TEST(S3ClientObjects, SinkErrorStopsTheStream) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("sink");
  ASSERT_TRUE(client->PutObject(bucket, "k", BinaryBytes(300'000, 5)).ok());
  int64_t seen = 0;
  const Status status = client->GetObjectStream(bucket, "k", [&](std::string_view piece) {
    seen += std::ssize(piece);
    return Status::InvalidData("the consumer gave up");
  });
  EXPECT_EQ(status.code(), StatusCode::kInvalidData);
  EXPECT_EQ(status.message(), "the consumer gave up");
  EXPECT_GT(seen, 0);
  EXPECT_EQ(client->requests_retried(), 0);
}

TEST(S3ClientObjects, ManyThreadsShareOneClient) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("threads");
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string key = fmt::format("t{}/{}", t, i);
        const std::string body = BinaryBytes(static_cast<size_t>(1000 + t * 100 + i), t * 100 + i);
        if (!client->PutObject(bucket, key, body).ok()) ++failures[t];
        if (GetAll(*client, bucket, key) != body) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  auto listed = client->ListAll(bucket, "");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 80u);
  EXPECT_EQ(client->requests_sent(), 80 * 2 + 1);
}

// --- Resuming a broken GET -----------------------------------------------------------------

S3Options ScriptedOptions(const ScriptedServer& server) {
  S3Options options = ValidOptions();
  options.endpoint = server.endpoint();
  options.base_backoff_ms = 1;
  options.max_backoff_ms = 5;
  return options;
}

std::string Reply(std::string_view status_line, std::string_view headers, std::string_view body,
                  size_t content_length) {
  return fmt::format("HTTP/1.1 {}\r\nContent-Length: {}\r\nConnection: close\r\n{}\r\n{}",
                     status_line, content_length, headers, body);
}

TEST(S3ClientResume, BrokenTransferResumesAtTheFirstUndeliveredByte) {
  const std::string bytes = BinaryBytes(100'000, 13);
  ScriptedServer server({
      // Cut off after 40000 of 100000 bytes.
      Reply("200 OK", "ETag: \"v1\"\r\n", std::string_view(bytes).substr(0, 40'000), bytes.size()),
      Reply("206 Partial Content", "ETag: \"v1\"\r\nContent-Range: bytes 40000-99999/100000\r\n",
            std::string_view(bytes).substr(40'000), 60'000),
  });
  auto client = MakeClient(ScriptedOptions(server));
  const std::string streamed = GetAll(*client, "b", "k");
  EXPECT_TRUE(streamed == bytes) << streamed.size();
  EXPECT_EQ(client->requests_retried(), 1);
  const std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].find("Range:"), std::string::npos);
  EXPECT_NE(requests[1].find("Range: bytes=40000-\r\n"), std::string::npos) << requests[1];
  EXPECT_NE(requests[1].find("If-Match: \"v1\"\r\n"), std::string::npos) << requests[1];
}

TEST(S3ClientResume, ServerThatIgnoresTheRangeStillDeliversEachByteOnce) {
  const std::string bytes = BinaryBytes(50'000, 14);
  ScriptedServer server({
      Reply("200 OK", "ETag: \"v1\"\r\n", std::string_view(bytes).substr(0, 20'000), bytes.size()),
      Reply("200 OK", "ETag: \"v1\"\r\n", bytes, bytes.size()),
  });
  auto client = MakeClient(ScriptedOptions(server));
  const std::string streamed = GetAll(*client, "b", "k");
  EXPECT_TRUE(streamed == bytes) << streamed.size();
}

TEST(S3ClientResume, ChangedObjectFailsInsteadOfMixingVersions) {
  const std::string bytes = BinaryBytes(50'000, 15);
  const std::string precondition_failed =
      "<?xml version=\"1.0\"?><Error><Code>PreconditionFailed</Code><Message></Message></Error>";
  ScriptedServer server({
      Reply("200 OK", "ETag: \"v1\"\r\n", std::string_view(bytes).substr(0, 20'000), bytes.size()),
      Reply("412 Precondition Failed", "", precondition_failed, precondition_failed.size()),
  });
  auto client = MakeClient(ScriptedOptions(server));
  int64_t delivered = 0;
  const Status status = client->GetObjectStream("b", "k", [&](std::string_view piece) {
    delivered += std::ssize(piece);
    return Status::OK();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("HTTP 412 PreconditionFailed"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("after 2 attempts"), std::string::npos) << status.message();
  EXPECT_EQ(delivered, 20'000);
}

TEST(S3ClientScripted, ErrorInsideA200CopyAnswerIsAFailure) {
  const std::string error_body =
      "<?xml version=\"1.0\"?>\n\n<Error><Code>AccessDenied</Code><Message>no</Message></Error>";
  ScriptedServer server({Reply("200 OK", "", error_body, error_body.size())});
  auto client = MakeClient(ScriptedOptions(server));
  const Status status = client->CopyObject("b", "from", "b", "to");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("HTTP 200 AccessDenied: no"), std::string::npos)
      << status.message();
}

TEST(S3ClientScripted, InternalErrorInsideA200CompleteIsRetried) {
  const std::string error_body =
      "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code><Message></Message></Error>";
  const std::string result_body =
      "<?xml version=\"1.0\"?>\n<CompleteMultipartUploadResult><ETag></ETag>"
      "</CompleteMultipartUploadResult>";
  ScriptedServer server({Reply("200 OK", "", error_body, error_body.size()),
                         Reply("200 OK", "", result_body, result_body.size())});
  auto client = MakeClient(ScriptedOptions(server));
  const Status status = client->CompleteMultipartUpload("b", "k", "upload-1", {"e1", "e2"});
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(client->requests_retried(), 1);
  const std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].rfind("POST /b/k?uploadId=upload-1 HTTP/1.1\r\n", 0), 0u) << requests[0];
}

// The parts' ETags are MD5("") and MD5("a"); the object they make has ETag
// MD5(binary MD5("") + binary MD5("a")) + "-2", computed with Python's hashlib.
const std::vector<std::string> kTwoPartEtags = {"d41d8cd98f00b204e9800998ecf8427e",
                                                "0cc175b9c0f1b6a831c399e269772661"};
constexpr std::string_view kTwoPartObjectEtag = "68083ea43d0307eecfa2b4749f19df15-2";
constexpr std::string_view kNoSuchUpload =
    "<?xml version=\"1.0\"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload "
    "does not exist.</Message></Error>";

TEST(S3ClientScripted, CompleteRetriedAfterALostAnswerFindsTheObjectItMade) {
  ScriptedServer server({
      "",  // the completion lands; its answer is lost (the connection closes unanswered)
      Reply("404 Not Found", "", kNoSuchUpload, kNoSuchUpload.size()),
      Reply("200 OK", fmt::format("ETag: \"{}\"\r\n", kTwoPartObjectEtag), "", 5),  // HEAD
  });
  auto client = MakeClient(ScriptedOptions(server));
  const Status status = client->CompleteMultipartUpload("b", "k", "upload-1", kTwoPartEtags);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(client->requests_retried(), 1);
  const std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].rfind("HEAD /b/k HTTP/1.1\r\n", 0), 0u) << requests[2];
}

TEST(S3ClientScripted, CompleteThatFindsNoUploadAndNoMatchingObjectFails) {
  ScriptedServer server({
      "",
      Reply("404 Not Found", "", kNoSuchUpload, kNoSuchUpload.size()),
      Reply("200 OK", "ETag: \"68083ea43d0307eecfa2b4749f19df15-3\"\r\n", "", 5),
  });
  auto client = MakeClient(ScriptedOptions(server));
  const Status status = client->CompleteMultipartUpload("b", "k", "upload-1", kTwoPartEtags);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("after 2 attempts: HTTP 404 NoSuchUpload"), std::string::npos)
      << status.message();
}

TEST(S3ClientScripted, CompleteThatFindsNoUploadAtFirstFailsWithoutLooking) {
  ScriptedServer server({Reply("404 Not Found", "", kNoSuchUpload, kNoSuchUpload.size())});
  auto client = MakeClient(ScriptedOptions(server));
  const Status status = client->CompleteMultipartUpload("b", "k", "upload-1", kTwoPartEtags);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("after 1 attempt: HTTP 404 NoSuchUpload"), std::string::npos)
      << status.message();
  EXPECT_EQ(server.requests().size(), 1u);
}

// --- Listing --------------------------------------------------------------------------------

TEST(S3ClientList, PaginatesWithMaxKeys) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("pages");
  std::vector<std::string> keys;
  for (int i = 0; i < 7; ++i) {
    keys.push_back(fmt::format("p/{:02d}", i));
    ASSERT_TRUE(
        client->PutObject(bucket, keys.back(), std::string(static_cast<size_t>(i), 'x')).ok());
  }
  ASSERT_TRUE(client->PutObject(bucket, "q/outside", "x").ok());

  std::vector<std::string> seen;
  std::optional<std::string> token;
  int pages = 0;
  do {
    auto page = client->ListObjectsV2(bucket, "p/", "", token, 2);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->objects.size(), 2u);
    for (const ObjectMeta& meta : page->objects) {
      seen.push_back(meta.key);
      EXPECT_EQ(meta.size, meta.key.back() - '0');
    }
    token = page->next_continuation_token;
    ++pages;
    ASSERT_LT(pages, 10);
  } while (token);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(seen, keys);

  auto all = client->ListAll(bucket, "p/");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Keys(*all), keys);
}

TEST(S3ClientList, DelimiterGivesCommonPrefixes) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("delimiter");
  for (const char* key : {"a/1", "a/2", "b/x/1", "c", "d"}) {
    ASSERT_TRUE(client->PutObject(bucket, key, "x").ok());
  }
  auto page = client->ListObjectsV2(bucket, "", "/", std::nullopt);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(Keys(page->objects), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"a/", "b/"}));
  EXPECT_FALSE(page->next_continuation_token.has_value());

  page = client->ListObjectsV2(bucket, "b/", "/", std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->objects.empty());
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"b/x/"}));

  // Prefixes and objects share the max-keys budget; pages still cover everything.
  std::vector<std::string> entries;
  std::optional<std::string> token;
  int pages = 0;
  do {
    page = client->ListObjectsV2(bucket, "", "/", token, 1);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& meta : page->objects) entries.push_back(meta.key);
    for (const auto& prefix : page->common_prefixes) entries.push_back(prefix);
    token = page->next_continuation_token;
    ASSERT_LT(++pages, 10);
  } while (token);
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"a/", "b/", "c", "d"}));
}

// --- Upload streams -------------------------------------------------------------------------

S3Options SmallPartOptions() {
  S3Options options = RgwOptions();
  options.part_size = 5 * kMiB;
  options.upload_parallelism = 3;
  return options;
}

TEST(S3ClientUpload, LargeObjectGoesUpInParallelParts) {
  auto client = MakeClient(SmallPartOptions());
  const std::string bucket = NewBucket("multipart");
  const std::string bytes = BinaryBytes(static_cast<size_t>(21 * kMiB + 12345), 6);

  auto stream = ObjectUploadStream::Open(client, bucket, "big/object.bin");
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  // Odd write sizes so that writes straddle part boundaries.
  const size_t chunk = 1 * kMiB + 4097;
  for (size_t offset = 0; offset < bytes.size(); offset += chunk) {
    const Status written = (*stream)->Write(std::string_view(bytes).substr(offset, chunk));
    ASSERT_TRUE(written.ok()) << written.ToString();
  }
  EXPECT_EQ((*stream)->position(), std::ssize(bytes));
  const Status closed = (*stream)->Close();
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  EXPECT_EQ((*stream)->parts(), 5);

  auto meta = client->HeadObject(bucket, "big/object.bin");
  ASSERT_TRUE(meta.ok() && meta->has_value());
  EXPECT_EQ((*meta)->size, std::ssize(bytes));
  EXPECT_NE((*meta)->etag.find("-5"), std::string::npos) << (*meta)->etag;

  // Streamed back whole, in order, each byte once.
  std::string streamed;
  int pieces = 0;
  const Status got = client->GetObjectStream(bucket, "big/object.bin", [&](std::string_view p) {
    streamed.append(p);
    ++pieces;
    return Status::OK();
  });
  ASSERT_TRUE(got.ok()) << got.ToString();
  EXPECT_GT(pieces, 1);
  EXPECT_TRUE(streamed == bytes);

  // Ranged reads across the part boundaries.
  auto file = OpenObject(client, bucket, "big/object.bin");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  std::string out;
  for (int64_t boundary = 5 * kMiB; boundary < std::ssize(bytes); boundary += 5 * kMiB) {
    ASSERT_TRUE((*file)->ReadAt(boundary - 100, 200, &out).ok());
    EXPECT_TRUE(out == bytes.substr(static_cast<size_t>(boundary - 100), 200)) << boundary;
  }
  ASSERT_TRUE((*file)->ReadAt(3 * kMiB, 8 * kMiB, &out).ok());
  EXPECT_TRUE(out == bytes.substr(3 * kMiB, 8 * kMiB));
  ASSERT_TRUE((*file)->ReadAt(std::ssize(bytes) - 10, 100, &out).ok());
  EXPECT_TRUE(out == bytes.substr(bytes.size() - 10));
}

TEST(S3ClientUpload, SmallObjectIsOnePut) {
  auto client = MakeClient(SmallPartOptions());
  const std::string bucket = NewBucket("singleput");
  for (const int64_t size : {int64_t{0}, int64_t{1000}, 5 * kMiB}) {
    const std::string key = fmt::format("obj-{}", size);
    const std::string bytes = BinaryBytes(static_cast<size_t>(size), 7);
    auto stream = ObjectUploadStream::Open(client, bucket, key);
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write(bytes).ok());
    const int64_t sent_before = client->requests_sent();
    ASSERT_TRUE((*stream)->Close().ok());
    EXPECT_EQ((*stream)->parts(), 0) << size;
    EXPECT_EQ(client->requests_sent() - sent_before, 1) << size;
    EXPECT_TRUE(GetAll(*client, bucket, key) == bytes) << size;
  }
}

TEST(S3ClientUpload, StreamDestroyedWithoutCloseLeavesNothing) {
  auto client = MakeClient(SmallPartOptions());
  const std::string bucket = NewBucket("abandoned");
  {
    auto stream = ObjectUploadStream::Open(client, bucket, "half");
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write(BinaryBytes(static_cast<size_t>(12 * kMiB), 8)).ok());
    EXPECT_EQ((*stream)->parts(), 2);  // the third part is still in the buffer
  }
  {
    auto stream = ObjectUploadStream::Open(client, bucket, "small");
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write("never sent").ok());
  }
  auto meta = client->HeadObject(bucket, "half");
  ASSERT_TRUE(meta.ok());
  EXPECT_FALSE(meta->has_value());
  auto listed = client->ListAll(bucket, "");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST(S3ClientUpload, PartFailureFailsTheStreamAndLeavesNothing) {
  auto direct = RgwClient();
  const std::string bucket = NewBucket("partfail");
  auto proxy = FaultProxy::Start("127.0.0.1", PortOf(Rgw().endpoint));
  ASSERT_NE(proxy, nullptr);
  S3Options options = SmallPartOptions();
  options.endpoint = proxy->endpoint();
  options.max_attempts = 2;
  options.base_backoff_ms = 1;
  options.max_backoff_ms = 5;
  auto client = MakeClient(options);

  auto stream = ObjectUploadStream::Open(client, bucket, "doomed");
  ASSERT_TRUE(stream.ok());
  const std::string part = BinaryBytes(static_cast<size_t>(5 * kMiB), 9);
  // A full part goes up when the next byte arrives: this starts the multipart upload.
  ASSERT_TRUE((*stream)->Write(part).ok());
  ASSERT_TRUE((*stream)->Write("x").ok());
  // From here every new connection fails: the parts after the first go up on fresh handles.
  proxy->InjectFaults(FaultProxy::Fault::kHttp500, 1000);
  Status status;
  int writes = 0;
  while (status.ok() && writes < 40) {
    status = (*stream)->Write(part);
    ++writes;
  }
  ASSERT_FALSE(status.ok()) << "40 parts went up through a proxy that fails every connection";
  EXPECT_NE(status.message().find("UploadPart"), std::string::npos) << status.message();
  const Status again = (*stream)->Write("x");
  EXPECT_FALSE(again.ok());
  EXPECT_FALSE((*stream)->Close().ok());
  stream->reset();

  auto meta = direct->HeadObject(bucket, "doomed");
  ASSERT_TRUE(meta.ok());
  EXPECT_FALSE(meta->has_value());
}

// --- Errors ---------------------------------------------------------------------------------

TEST(S3ClientErrors, WrongSecretIsSignatureDoesNotMatch) {
  const std::string bucket = NewBucket("wrongsecret");
  S3Options options = RgwOptions();
  options.credentials.secret_access_key = "not-the-secret-0123456789abcdefghijklmn";
  auto client = MakeClient(options);
  const auto put = client->PutObject(bucket, "k", "body");
  ASSERT_FALSE(put.ok());
  const std::string message = put.status().message();
  EXPECT_EQ(put.status().code(), StatusCode::kIOError);
  EXPECT_NE(message.find("SignatureDoesNotMatch"), std::string::npos) << message;
  EXPECT_NE(message.find("403"), std::string::npos) << message;
  EXPECT_NE(message.find(fmt::format("s3://{}/k", bucket)), std::string::npos) << message;
  EXPECT_EQ(message.find(options.credentials.secret_access_key), std::string::npos) << message;
  EXPECT_EQ(message.find(Rgw().secret_key), std::string::npos) << message;
  EXPECT_EQ(client->requests_retried(), 0) << "a 403 is not retried";

  const auto list = client->ListObjectsV2(bucket, "", "", std::nullopt);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("SignatureDoesNotMatch"), std::string::npos);
  const Status head = client->HeadBucket(bucket);
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.code(), StatusCode::kIOError);
  EXPECT_NE(head.message().find("403"), std::string::npos) << head.message();
}

TEST(S3ClientErrors, UnknownAccessKeyIsInvalidAccessKeyId) {
  const std::string bucket = NewBucket("unknownkey");
  S3Options options = RgwOptions();
  options.credentials.access_key_id = "NOSUCHACCESSKEY00001";
  auto client = MakeClient(options);
  const auto put = client->PutObject(bucket, "k", "body");
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.status().message().find("InvalidAccessKeyId"), std::string::npos)
      << put.status().message();
  EXPECT_EQ(put.status().message().find(options.credentials.secret_access_key), std::string::npos);
}

TEST(S3ClientErrors, MissingBucketIsNotFound) {
  auto client = RgwClient();
  const std::string bucket = "t-no-such-bucket-streampro";
  const Status head = client->HeadBucket(bucket);
  EXPECT_EQ(head.code(), StatusCode::kNotFound) << head.ToString();
  EXPECT_NE(head.message().find("s3://t-no-such-bucket-streampro/"), std::string::npos);
  const auto put = client->PutObject(bucket, "k", "body");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kNotFound) << put.status().ToString();
  EXPECT_NE(put.status().message().find("NoSuchBucket"), std::string::npos);
  const Status deleted = client->DeleteObject(bucket, "k");
  EXPECT_EQ(deleted.code(), StatusCode::kNotFound) << deleted.ToString();
  const auto list = client->ListObjectsV2(bucket, "", "", std::nullopt);
  EXPECT_EQ(list.status().code(), StatusCode::kNotFound) << list.status().ToString();
}

TEST(S3ClientErrors, CreateBucketTwiceIsFine) {
  auto client = RgwClient();
  const std::string bucket = NewBucket("twice");
  const Status again = client->CreateBucket(bucket);
  EXPECT_TRUE(again.ok()) << again.ToString();
}

TEST(S3ClientErrors, UnreachableEndpointFailsFast) {
  S3Options options = RgwOptions();
  const int port = ClosedLoopbackPort();
  options.endpoint = fmt::format("http://127.0.0.1:{}", port);
  options.max_attempts = 3;
  options.base_backoff_ms = 10;
  options.max_backoff_ms = 50;
  auto client = MakeClient(options);
  const auto start = std::chrono::steady_clock::now();
  const auto put = client->PutObject("bucket", "key", "body");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kIOError);
  const std::string message = put.status().message();
  EXPECT_NE(message.find(fmt::format("127.0.0.1:{}", port)), std::string::npos) << message;
  EXPECT_NE(message.find("3 attempts"), std::string::npos) << message;
  EXPECT_NE(message.find("s3://bucket/key"), std::string::npos) << message;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(client->requests_sent(), 3);
  EXPECT_EQ(client->requests_retried(), 2);
}

// --- Retries through FaultProxy -------------------------------------------------------------

class S3ClientRetry : public ::testing::Test {
 protected:
  void SetUp() override {
    bucket_ = NewBucket("retry");
    proxy_ = FaultProxy::Start("127.0.0.1", PortOf(Rgw().endpoint));
    ASSERT_NE(proxy_, nullptr);
  }

  // A fresh client (no pooled connection), so the next request opens a new connection.
  std::shared_ptr<S3Client> ProxiedClient(int max_attempts = 5, int low_speed_timeout_s = 30) {
    S3Options options = RgwOptions();
    options.endpoint = proxy_->endpoint();
    options.max_attempts = max_attempts;
    options.base_backoff_ms = 5;
    options.max_backoff_ms = 50;
    options.low_speed_timeout_s = low_speed_timeout_s;
    return MakeClient(options);
  }

  std::string bucket_;
  std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(S3ClientRetry, Two503sThenSuccess) {
  auto client = ProxiedClient();
  proxy_->InjectFaults(FaultProxy::Fault::kHttp503, 2);
  const std::string bytes = BinaryBytes(10'000, 10);
  const auto put = client->PutObject(bucket_, "k", bytes);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(client->requests_retried(), 2);
  EXPECT_EQ(client->requests_sent(), 3);
  EXPECT_EQ(proxy_->faults_injected(), 2);
  EXPECT_EQ(GetAll(*client, bucket_, "k"), bytes);
}

TEST_F(S3ClientRetry, ResetThenSuccess) {
  auto client = ProxiedClient();
  const std::string bytes = BinaryBytes(10'000, 11);
  ASSERT_TRUE(client->PutObject(bucket_, "k", bytes).ok());
  auto fresh = ProxiedClient();
  proxy_->InjectFaults(FaultProxy::Fault::kReset, 1);
  EXPECT_EQ(GetAll(*fresh, bucket_, "k"), bytes);
  EXPECT_EQ(fresh->requests_retried(), 1);
  EXPECT_EQ(proxy_->faults_injected(), 1);
}

TEST_F(S3ClientRetry, StallThenSuccess) {
  auto client = ProxiedClient(5, /*low_speed_timeout_s=*/1);
  proxy_->InjectFaults(FaultProxy::Fault::kStall, 1);
  const auto start = std::chrono::steady_clock::now();
  const auto listed = client->ListObjectsV2(bucket_, "", "", std::nullopt);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(client->requests_retried(), 1);
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST_F(S3ClientRetry, TooManyRequestsThen500ThenSuccess) {
  auto client = ProxiedClient();
  proxy_->InjectFaults(FaultProxy::Fault::kHttp429, 1);
  const Status head = client->HeadBucket(bucket_);
  ASSERT_TRUE(head.ok()) << head.ToString();
  EXPECT_EQ(client->requests_retried(), 1);

  auto fresh = ProxiedClient();
  proxy_->InjectFaults(FaultProxy::Fault::kHttp500, 1);
  auto put = fresh->PutObject(bucket_, "k", "x");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(fresh->requests_retried(), 1);
}

TEST_F(S3ClientRetry, ConditionalPutWhoseAnswerWasLostCountsAsCreated) {
  // The first PUT lands but its answer is lost; the retry sees 412 for our own object.
  auto client = ProxiedClient();
  proxy_->InjectFaults(FaultProxy::Fault::kLoseReply, 1);
  const std::string body = "{\"run_id\": \"mine\"}\n";
  PutOptions if_absent;
  if_absent.if_none_match = true;
  const auto put = client->PutObject(bucket_, "_lock", body, if_absent);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_TRUE(*put);
  EXPECT_EQ(client->requests_retried(), 1);
  EXPECT_EQ(proxy_->faults_injected(), 1);
  EXPECT_EQ(GetAll(*client, bucket_, "_lock"), body);

  // Without a lost answer, our own bytes already there are still "exists".
  const auto again = client->PutObject(bucket_, "_lock", body, if_absent);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(*again);
}

TEST_F(S3ClientRetry, ConditionalPutAfterALostAnswerStillSeesAnotherWritersObject) {
  auto direct = MakeClient(RgwOptions());
  ASSERT_TRUE(direct->PutObject(bucket_, "_lock", "theirs").ok());
  auto client = ProxiedClient();
  proxy_->InjectFaults(FaultProxy::Fault::kLoseReply, 1);
  PutOptions if_absent;
  if_absent.if_none_match = true;
  const auto put = client->PutObject(bucket_, "_lock", "mine!!", if_absent);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_FALSE(*put);
  EXPECT_EQ(client->requests_retried(), 1);
  EXPECT_EQ(GetAll(*client, bucket_, "_lock"), "theirs");
}

// RADOS Gateway answers a repeated completion of a completed upload with success itself;
// AWS may answer NoSuchUpload, which S3ClientScripted below plays.
TEST_F(S3ClientRetry, CompleteMultipartWhoseAnswerWasLostSucceeds) {
  auto direct = MakeClient(RgwOptions());
  const std::string bytes = BinaryBytes((5 << 20) + 1000, 21);
  auto upload_id = direct->CreateMultipartUpload(bucket_, "big");
  ASSERT_TRUE(upload_id.ok()) << upload_id.status().ToString();
  std::vector<std::string> etags;
  for (const auto& [number, piece] : {std::pair{1, std::string_view(bytes).substr(0, 5 << 20)},
                                      std::pair{2, std::string_view(bytes).substr(5 << 20)}}) {
    auto etag = direct->UploadPart(bucket_, "big", *upload_id, number, piece);
    ASSERT_TRUE(etag.ok()) << etag.status().ToString();
    etags.push_back(*etag);
  }

  // The completion lands but its answer is lost; the retry finds the upload gone.
  auto client = ProxiedClient();
  proxy_->InjectFaults(FaultProxy::Fault::kLoseReply, 1);
  const Status completed = client->CompleteMultipartUpload(bucket_, "big", *upload_id, etags);
  ASSERT_TRUE(completed.ok()) << completed.ToString();
  EXPECT_EQ(client->requests_retried(), 1);
  EXPECT_EQ(proxy_->faults_injected(), 1);
  auto meta = client->HeadObject(bucket_, "big");
  ASSERT_TRUE(meta.ok() && meta->has_value());
  EXPECT_TRUE((*meta)->etag.ends_with("-2")) << (*meta)->etag;
  EXPECT_TRUE(GetAll(*client, bucket_, "big") == bytes);
}

TEST_F(S3ClientRetry, MoreFaultsThanAttemptsFails) {
  auto client = ProxiedClient(3);
  proxy_->InjectFaults(FaultProxy::Fault::kHttp503, 10);
  const auto put = client->PutObject(bucket_, "k", "x");
  ASSERT_FALSE(put.ok());
  const std::string message = put.status().message();
  EXPECT_EQ(put.status().code(), StatusCode::kIOError);
  EXPECT_NE(message.find("after 3 attempts"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 503 SlowDown"), std::string::npos) << message;
  EXPECT_NE(message.find(fmt::format("s3://{}/k", bucket_)), std::string::npos) << message;
  EXPECT_EQ(client->requests_sent(), 3);
  EXPECT_EQ(client->requests_retried(), 2);
}

TEST_F(S3ClientRetry, ResetsUntilAttemptsRunOutNameTheCurlError) {
  auto client = ProxiedClient(2);
  proxy_->InjectFaults(FaultProxy::Fault::kReset, 10);
  std::string out;
  const Status got = client->GetRange(bucket_, "k", 0, 10, &out);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.message().find("after 2 attempts"), std::string::npos) << got.message();
  EXPECT_NE(got.message().find("curl error"), std::string::npos) << got.message();
  EXPECT_NE(got.message().find(proxy_->endpoint()), std::string::npos) << got.message();
}

// --- Virtual-host addressing ----------------------------------------------------------------

TEST(S3ClientVirtualHost, PutGetListThroughBucketSubdomain) {
  const std::string bucket = NewBucket("vhost");
  S3Options options = RgwOptions();
  options.endpoint = fmt::format("http://localhost:{}", PortOf(Rgw().endpoint));
  options.virtual_host = true;
  auto client = MakeClient(options);
  const std::string bytes = BinaryBytes(3000, 12);
  auto put = client->PutObject(bucket, "v/a b+c.bin", bytes);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(GetAll(*client, bucket, "v/a b+c.bin"), bytes);
  std::string out;
  ASSERT_TRUE(client->GetRange(bucket, "v/a b+c.bin", 10, 10, &out).ok());
  EXPECT_EQ(out, bytes.substr(10, 10));
  auto listed = client->ListAll(bucket, "v/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(Keys(*listed), std::vector<std::string>{"v/a b+c.bin"});
  EXPECT_TRUE(client->HeadBucket(bucket).ok());

  // What one addressing style wrote, the other reads.
  auto path_style = RgwClient();
  EXPECT_EQ(GetAll(*path_style, bucket, "v/a b+c.bin"), bytes);
}

}  // namespace
}  // namespace streampro::s3
