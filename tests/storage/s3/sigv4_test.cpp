// Tests of storage/s3/sigv4: AWS's documented S3 examples, botocore as an independent
// reference (tests/storage/s3/sigv4_reference.py), and the building blocks one by one.

#include "storage/s3/sigv4.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace streampro::s3 {
namespace {

// AWS's example credentials and time, from "Examples: Signature Calculations in AWS Signature
// Version 4" (Amazon S3 API reference, "Signature Calculations for the Authorization Header:
// Transferring Payload in a Single Chunk").
const Credentials kExampleCredentials{"AKIAIOSFODNN7EXAMPLE",
                                      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr int64_t kExampleTime = 1369353600;  // 20130524T000000Z
constexpr std::string_view kExampleHost = "examplebucket.s3.amazonaws.com";

// The same keys as the gateway the S3 tests start (tests/storage/s3/rgw.sh).
const Credentials kRgwCredentials{"TESTACCESSKEY0000001",
                                  "testsecretkey0000000000000000000000000001", ""};

std::string HeaderValue(const HeaderList& headers, std::string_view name) {
  for (const auto& [header_name, value] : headers) {
    if (header_name == name) return value;
  }
  return "<absent>";
}

// --- AWS's documented examples --------------------------------------------------------------

TEST(SigV4AwsExamples, GetObjectWithRange) {
  SigningRequest request{"GET",
                         "/test.txt",
                         {},
                         {{"Host", std::string(kExampleHost)}, {"Range", "bytes=0-9"}},
                         std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request =
      SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleTime);
  EXPECT_EQ(
      signed_request.canonical_request,
      "GET\n"
      "/test.txt\n"
      "\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(signed_request.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(signed_request.signature,
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderValue(signed_request.headers, "Authorization"),
            "AWS4-HMAC-SHA256 "
            "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4AwsExamples, PutObjectWithStorageClass) {
  const std::string body = "Welcome to Amazon S3.";
  const std::string payload_sha256 = Sha256Hex(body);
  ASSERT_EQ(payload_sha256, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  // The key is `test$file.text`; '$' is reserved, so the path carries it as %24.
  SigningRequest request{"PUT",
                         "/" + UriEncode("test$file.text", false),
                         {},
                         {{"Host", std::string(kExampleHost)},
                          {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                          {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                         payload_sha256};
  const SignedRequest signed_request =
      SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleTime);
  EXPECT_EQ(
      signed_request.canonical_request,
      "PUT\n"
      "/test%24file.text\n"
      "\n"
      "date:Fri, 24 May 2013 00:00:00 GMT\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
      "x-amz-date:20130524T000000Z\n"
      "x-amz-storage-class:REDUCED_REDUNDANCY\n"
      "\n"
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(signed_request.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(signed_request.signature,
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4AwsExamples, GetBucketLifecycle) {
  SigningRequest request{"GET",
                         "/",
                         {{"lifecycle", ""}},
                         {{"Host", std::string(kExampleHost)}},
                         std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request =
      SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleTime);
  EXPECT_EQ(
      signed_request.canonical_request,
      "GET\n"
      "/\n"
      "lifecycle=\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(signed_request.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  EXPECT_EQ(signed_request.signature,
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4AwsExamples, ListObjectsWithMaxKeysAndPrefix) {
  // Given out of order: the canonical query sorts them.
  SigningRequest request{"GET",
                         "/",
                         {{"prefix", "J"}, {"max-keys", "2"}},
                         {{"Host", std::string(kExampleHost)}},
                         std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request =
      SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleTime);
  EXPECT_EQ(
      signed_request.canonical_request,
      "GET\n"
      "/\n"
      "max-keys=2&prefix=J\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(signed_request.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(signed_request.signature,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// --- botocore outputs pinned here, so the signer is checked by this file alone --------------
// Each is a case of sigv4_reference.py (same name), as botocore 1.29 signed it.

TEST(SigV4BotocorePinned, UnicodeKeyPathStyle) {
  const std::string key = "trusted/genre=música/ünïcødé-日本語-😀.parquet";
  SigningRequest request{"GET",
                         "/lake/" + UriEncode(key, false),
                         {},
                         {{"Host", "127.0.0.1:7480"}},
                         std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request =
      SignV4(request, kRgwCredentials, "us-east-1", "s3", kExampleTime);
  EXPECT_EQ(
      signed_request.canonical_request,
      "GET\n"
      "/lake/trusted/genre%3Dm%C3%BAsica/"
      "%C3%BCn%C3%AFc%C3%B8d%C3%A9-%E6%97%A5%E6%9C%AC%E8%AA%9E-%F0%9F%98%80.parquet\n"
      "\n"
      "host:127.0.0.1:7480\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(signed_request.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "beb98e17decf63121400a731446e4a23e186d25de0d9197e49e479917faf874f");
  EXPECT_EQ(HeaderValue(signed_request.headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=TESTACCESSKEY0000001/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=71e454777c6ce68dd8de04fb80bd16642fe1ecf0b742244ef9f0a5f410a5c3f7");
}

TEST(SigV4BotocorePinned, ListV2ContinuationToken) {
  SigningRequest request{"GET",
                         "/lake",
                         {{"list-type", "2"},
                          {"prefix", "raw/date=2024-01-01/"},
                          {"delimiter", "/"},
                          {"continuation-token", "1/AbC+dEf/gh=="}},
                         {{"Host", "127.0.0.1:7480"}},
                         std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request =
      SignV4(request, kRgwCredentials, "us-east-1", "s3", 1704067200);  // 20240101T000000Z
  EXPECT_EQ(
      signed_request.canonical_request,
      "GET\n"
      "/lake\n"
      "continuation-token=1%2FAbC%2BdEf%2Fgh%3D%3D&delimiter=%2F&list-type=2&"
      "prefix=raw%2Fdate%3D2024-01-01%2F\n"
      "host:127.0.0.1:7480\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20240101T000000Z\n"
      "\n"
      "host;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(signed_request.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20240101T000000Z\n"
            "20240101/us-east-1/s3/aws4_request\n"
            "ffaf2238ab339af899bde416eef7182ef9537597ee771174d9563cfcf5e34138");
  EXPECT_EQ(HeaderValue(signed_request.headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=TESTACCESSKEY0000001/20240101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=31c9cccd41795920173cc28196c96a5718bfd14844fd3bda96c8edb74d68d97d");
}

TEST(SigV4BotocorePinned, SessionTokenInOtherRegion) {
  Credentials credentials = kExampleCredentials;
  credentials.session_token = "FwoGZXIvYXdzEJr//////////wEaDOr+token/with=padding==";
  SigningRequest request{"GET",
                         "/trusted/events.parquet",
                         {},
                         {{"Host", std::string(kExampleHost)}, {"Range", "bytes=100-199"}},
                         std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request =
      SignV4(request, credentials, "eu-west-1", "s3", 1709251199);  // 20240229T235959Z
  EXPECT_EQ(
      signed_request.canonical_request,
      "GET\n"
      "/trusted/events.parquet\n"
      "\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=100-199\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20240229T235959Z\n"
      "x-amz-security-token:FwoGZXIvYXdzEJr//////////wEaDOr+token/with=padding==\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(signed_request.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20240229T235959Z\n"
            "20240229/eu-west-1/s3/aws4_request\n"
            "37bd4cd3813587287d9abcfa5c885697eb00126c1b6e372a651896ff01f6af3d");
  EXPECT_EQ(HeaderValue(signed_request.headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240229/eu-west-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
            "Signature=e9b42f27fb05536460d780ae2c0651451b35b646829cb1ec13893e5b4d030d88");
  EXPECT_EQ(HeaderValue(signed_request.headers, "x-amz-security-token"), credentials.session_token);
}

// --- botocore as a live reference ------------------------------------------------------------

struct ReferenceOutput {
  int exit_status = -1;
  std::string text;
};

ReferenceOutput RunReferenceScript() {
  const std::string command = fmt::format(
      "/usr/bin/python3 {}/tests/storage/s3/sigv4_reference.py 2>&1", STREAMPRO_SOURCE_DIR);
  ReferenceOutput output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  std::array<char, 4096> buffer{};
  size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.text.append(buffer.data(), read);
  }
  output.exit_status = pclose(pipe);
  return output;
}

// The script's JSON lines. Anything else (a warning on stderr, say) is skipped here; the case
// count in the first JSON line still catches a missing case, and failures print everything.
std::vector<std::string_view> JsonLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (line.starts_with('{')) lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// Reads a JSON array of [string, string] pairs; a malformed one fails the test.
std::vector<std::pair<std::string, std::string>> ReadPairs(simdjson::dom::element object,
                                                           std::string_view field) {
  std::vector<std::pair<std::string, std::string>> out;
  simdjson::dom::array pairs;
  EXPECT_EQ(object[field].get(pairs), simdjson::SUCCESS) << field;
  for (simdjson::dom::element pair : pairs) {
    simdjson::dom::array items;
    std::string_view name;
    std::string_view value;
    EXPECT_EQ(pair.get(items), simdjson::SUCCESS) << field;
    EXPECT_EQ(items.at(0).get(name), simdjson::SUCCESS) << field;
    EXPECT_EQ(items.at(1).get(value), simdjson::SUCCESS) << field;
    out.emplace_back(name, value);
  }
  return out;
}

std::string ReadString(simdjson::dom::element object, std::string_view field) {
  std::string_view value;
  EXPECT_EQ(object[field].get(value), simdjson::SUCCESS) << field;
  return std::string(value);
}

int64_t ReadInt(simdjson::dom::element object, std::string_view field) {
  int64_t value = 0;
  EXPECT_EQ(object[field].get(value), simdjson::SUCCESS) << field;
  return value;
}

bool ReadBool(simdjson::dom::element object, std::string_view field) {
  bool value = false;
  EXPECT_EQ(object[field].get(value), simdjson::SUCCESS) << field;
  return value;
}

TEST(SigV4Botocore, EveryReferenceCaseMatches) {
  const ReferenceOutput output = RunReferenceScript();
  // python3-botocore is a declared test dependency: a script that cannot run is a failure.
  ASSERT_EQ(output.exit_status, 0) << "sigv4_reference.py failed:\n" << output.text;
  const std::vector<std::string_view> lines = JsonLines(output.text);
  ASSERT_GE(lines.size(), 2u) << output.text;

  simdjson::dom::parser parser;
  simdjson::dom::element header;
  ASSERT_EQ(parser.parse(simdjson::padded_string(lines[0])).get(header), simdjson::SUCCESS);
  const int64_t expected_cases = ReadInt(header, "cases");
  ASSERT_EQ(static_cast<int64_t>(lines.size() - 1), expected_cases) << output.text;
  ASSERT_GE(expected_cases, 15);

  for (size_t i = 1; i < lines.size(); ++i) {
    const simdjson::padded_string json(lines[i]);
    simdjson::dom::element reference;
    ASSERT_EQ(parser.parse(json).get(reference), simdjson::SUCCESS) << lines[i];
    const std::string name = ReadString(reference, "name");
    SCOPED_TRACE(name);

    // The logical request: our encoding of the decoded key must give botocore's path.
    const std::string key = ReadString(reference, "key");
    SigningRequest request;
    request.method = ReadString(reference, "method");
    request.canonical_uri = ReadString(reference, "path_prefix") + UriEncode(key, false);
    EXPECT_EQ(request.canonical_uri, ReadString(reference, "canonical_uri"));
    request.query = ReadPairs(reference, "query");
    request.headers = ReadPairs(reference, "headers");

    std::string body;
    simdjson::dom::element body_element;
    ASSERT_EQ(reference["body"].get(body_element), simdjson::SUCCESS);
    if (!body_element.is_null()) body = ReadString(reference, "body");
    if (ReadBool(reference, "unsigned")) {
      request.payload_sha256 = std::string(kUnsignedPayload);
    } else {
      request.payload_sha256 = Sha256Hex(body);
      EXPECT_EQ(request.payload_sha256, ReadString(reference, "body_sha256"));
    }
    EXPECT_EQ(request.payload_sha256, ReadString(reference, "payload_sha256"));

    const Credentials credentials{ReadString(reference, "access_key"),
                                  ReadString(reference, "secret_key"),
                                  ReadString(reference, "session_token")};
    const int64_t unix_seconds = ReadInt(reference, "unix_seconds");
    EXPECT_EQ(AmzDate(unix_seconds), ReadString(reference, "amz_date"));

    const SignedRequest signed_request =
        SignV4(request, credentials, ReadString(reference, "region"),
               ReadString(reference, "service"), unix_seconds);
    EXPECT_EQ(signed_request.canonical_request, ReadString(reference, "canonical_request"));
    EXPECT_EQ(signed_request.string_to_sign, ReadString(reference, "string_to_sign"));
    EXPECT_EQ(signed_request.signature, ReadString(reference, "signature"));
    EXPECT_EQ(HeaderValue(signed_request.headers, "Authorization"),
              ReadString(reference, "authorization"));
  }
}

// --- UriEncode -------------------------------------------------------------------------------

TEST(SigV4UriEncode, EveryByte) {
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    const std::string text(1, c);
    const std::string percent = fmt::format("%{:02X}", byte);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    SCOPED_TRACE(byte);
    if (unreserved) {
      EXPECT_EQ(UriEncode(text, true), text);
      EXPECT_EQ(UriEncode(text, false), text);
    } else if (byte == '/') {
      EXPECT_EQ(UriEncode(text, true), "%2F");
      EXPECT_EQ(UriEncode(text, false), "/");
    } else {
      EXPECT_EQ(UriEncode(text, true), percent);
      EXPECT_EQ(UriEncode(text, false), percent);
    }
  }
}

TEST(SigV4UriEncode, Strings) {
  EXPECT_EQ(UriEncode("", true), "");
  EXPECT_EQ(UriEncode("a b+c=d&e", true), "a%20b%2Bc%3Dd%26e");
  EXPECT_EQ(UriEncode("dir/sub dir/f~x.txt", false), "dir/sub%20dir/f~x.txt");
  EXPECT_EQ(UriEncode("dir/sub dir/f~x.txt", true), "dir%2Fsub%20dir%2Ff~x.txt");
  EXPECT_EQ(UriEncode("%41", true), "%2541");  // never decodes: encoded text is encoded again
  EXPECT_EQ(UriEncode("é", false), "%C3%A9");  // UTF-8 bytes, upper-case hex
  EXPECT_EQ(UriEncode(std::string_view("a\0b", 3), true), "a%00b");
}

// --- CanonicalQueryString --------------------------------------------------------------------

TEST(SigV4CanonicalQuery, SortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({}), "");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "1"}, {"c", ""}}), "a=1&b=2&c=");
  // Upper case sorts before lower case (byte order), as SigV4 requires.
  EXPECT_EQ(CanonicalQueryString({{"uploadId", "x"}, {"partNumber", "3"}, {"Z", "z"}}),
            "Z=z&partNumber=3&uploadId=x");
  // Repeated names sort by value.
  EXPECT_EQ(CanonicalQueryString({{"k", "b"}, {"k", "a"}}), "k=a&k=b");
  // Sorting happens after encoding: ' ' (0x20) sorts before '-' raw, but "%20" sorts after "-".
  EXPECT_EQ(CanonicalQueryString({{"a b", "1"}, {"a-b", "2"}}), "a%20b=1&a-b=2");
  EXPECT_EQ(CanonicalQueryString({{"a~", "1"}, {"a+", "2"}}), "a%2B=2&a~=1");
  // Names and values have '/' encoded.
  EXPECT_EQ(CanonicalQueryString({{"prefix", "raw/date=2024-01-01/"}, {"delimiter", "/"}}),
            "delimiter=%2F&prefix=raw%2Fdate%3D2024-01-01%2F");
}

// --- Header canonicalization -----------------------------------------------------------------

TEST(SigV4CanonicalHeaders, TrimCollapseLowerCaseSort) {
  SigningRequest request{"GET",
                         "/k",
                         {},
                         {{"X-Amz-Meta-B", "  two   inner\t\truns  "},
                          {"host", "h"},
                          {"Content-Type", "text/plain"},
                          {"X-AMZ-META-A", "\tquoted \"a  b\" "},
                          {"x-amz-meta-empty", "   "}},
                         std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request = SignV4(request, kRgwCredentials, "r", "s3", 0);
  EXPECT_EQ(
      signed_request.canonical_request,
      "GET\n"
      "/k\n"
      "\n"
      "content-type:text/plain\n"
      "host:h\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:19700101T000000Z\n"
      "x-amz-meta-a:quoted \"a b\"\n"
      "x-amz-meta-b:two inner runs\n"
      "x-amz-meta-empty:\n"
      "\n"
      "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-a;x-amz-meta-b;"
      "x-amz-meta-empty\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4CanonicalHeaders, RepeatedNamesJoinWithComma) {
  SigningRequest request{"GET",
                         "/",
                         {},
                         {{"X-Amz-Meta-List", "one"}, {"host", "h"}, {"x-amz-meta-list", " two "}},
                         std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request = SignV4(request, kRgwCredentials, "r", "s3", 0);
  EXPECT_NE(signed_request.canonical_request.find("\nx-amz-meta-list:one,two\n"), std::string::npos)
      << signed_request.canonical_request;
  EXPECT_NE(signed_request.canonical_request.find("\nhost;x-amz-content-sha256;x-amz-date;"
                                                  "x-amz-meta-list\n"),
            std::string::npos)
      << signed_request.canonical_request;
}

TEST(SigV4CanonicalHeaders, SignerOwnedHeadersAreReplaced) {
  // A caller's stale x-amz-date / x-amz-content-sha256 / Authorization (a retry, say) is
  // dropped: the request carries exactly the values that were signed.
  SigningRequest request{"PUT",
                         "/k",
                         {},
                         {{"Host", "h"},
                          {"X-Amz-Date", "20000101T000000Z"},
                          {"x-amz-content-sha256", "stale"},
                          {"Authorization", "AWS4-HMAC-SHA256 stale"},
                          {"Content-Length", "5"}},
                         Sha256Hex("hello")};
  const SignedRequest signed_request = SignV4(request, kRgwCredentials, "r", "s3", 86400);
  const HeaderList expected{{"Host", "h"},
                            {"Content-Length", "5"},
                            {"x-amz-date", "19700102T000000Z"},
                            {"x-amz-content-sha256", Sha256Hex("hello")},
                            {"Authorization",
                             "AWS4-HMAC-SHA256 Credential=TESTACCESSKEY0000001/19700102/r/s3/"
                             "aws4_request, SignedHeaders=content-length;host;"
                             "x-amz-content-sha256;x-amz-date, Signature=" +
                                 signed_request.signature}};
  EXPECT_EQ(signed_request.headers, expected);
}

TEST(SigV4CanonicalHeaders, EmptyPathSignsAsRoot) {
  SigningRequest request{"GET", "", {}, {{"host", "h"}}, std::string(kEmptyPayloadSha256)};
  const SignedRequest signed_request = SignV4(request, kRgwCredentials, "r", "s3", 0);
  EXPECT_EQ(signed_request.canonical_request.substr(0, 6), "GET\n/\n");
}

// --- AmzDate, Sha256Hex ----------------------------------------------------------------------

TEST(SigV4AmzDate, KnownInstants) {
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
  EXPECT_EQ(AmzDate(1369353600), "20130524T000000Z");
  EXPECT_EQ(AmzDate(951782400), "20000229T000000Z");   // leap day of a year divisible by 400
  EXPECT_EQ(AmzDate(1709164800), "20240229T000000Z");  // leap day
  EXPECT_EQ(AmzDate(1709251199), "20240229T235959Z");
  EXPECT_EQ(AmzDate(1709251200), "20240301T000000Z");
  EXPECT_EQ(AmzDate(4107542400), "21000301T000000Z");  // 2100 is not a leap year
  EXPECT_EQ(AmzDate(4107456000), "21000228T000000Z");
  EXPECT_EQ(AmzDate(1704067199), "20231231T235959Z");
  EXPECT_EQ(AmzDate(2147483648), "20380119T031408Z");  // past 32-bit time_t
  EXPECT_EQ(AmzDate(-1), "19691231T235959Z");
}

TEST(SigV4Sha256, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadSha256);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// --- Sanity ----------------------------------------------------------------------------------

TEST(SigV4Sanity, WrongSecretGivesDifferentSignature) {
  SigningRequest request{"GET",
                         "/test.txt",
                         {},
                         {{"Host", std::string(kExampleHost)}, {"Range", "bytes=0-9"}},
                         std::string(kEmptyPayloadSha256)};
  Credentials wrong = kExampleCredentials;
  wrong.secret_access_key.back() = 'Z';
  const SignedRequest right_signed =
      SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleTime);
  const SignedRequest wrong_signed = SignV4(request, wrong, "us-east-1", "s3", kExampleTime);
  // Same request, same string to sign; only the key differs.
  EXPECT_EQ(wrong_signed.canonical_request, right_signed.canonical_request);
  EXPECT_EQ(wrong_signed.string_to_sign, right_signed.string_to_sign);
  EXPECT_NE(wrong_signed.signature, right_signed.signature);
  EXPECT_EQ(wrong_signed.signature.size(), 64u);
  // Region, service and time are in the key too.
  EXPECT_NE(SignV4(request, kExampleCredentials, "us-west-2", "s3", kExampleTime).signature,
            right_signed.signature);
  EXPECT_NE(SignV4(request, kExampleCredentials, "us-east-1", "s3", kExampleTime + 86400).signature,
            right_signed.signature);
}

}  // namespace
}  // namespace streampro::s3
