#pragma once

// The Ceph RADOS Gateway that the `rgw` ctest fixture starts on loopback (tests/storage/s3/rgw.sh),
// for tests that need a real S3 server.

#include <string>
#include <string_view>

#include "storage/s3/s3_client.h"

namespace streampro::testing {

struct RgwServer {
  std::string endpoint;  ///< http://127.0.0.1:PORT
  std::string access_key;
  std::string secret_key;
};

/// Reads `{build}/rgw/env`, written by `tests/storage/s3/rgw.sh start` (once per process; the
/// result is shared by every thread). When it is absent (the test was run outside ctest
/// without starting the fixture) every call fails the calling test with a message saying how
/// to start the gateway, and returns a server whose fields are empty.
const RgwServer& Rgw();

/// Path-style options for the gateway with the fixture's keys, and short retry backoff
/// (50 ms base, 1 s at most) so that retry tests stay fast.
s3::S3Options RgwOptions();

/// Creates an empty bucket with a name no other test uses (`t-{label}-{pid}-{n}`, `label`
/// lower-cased, other characters than letters and digits turned into `-`, and cut to fit the
/// 63-character limit) and returns its name. When the bucket cannot be created the test
/// fails with the reason (the name is returned all the same). Thread-safe.
std::string NewBucket(std::string_view label);

}  // namespace streampro::testing
