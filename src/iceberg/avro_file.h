#pragma once

// Avro object container files on Debian's avro-c: avro-c checks each record against the
// schema and encodes it; the container framing (magic, header metadata, sync marker,
// blocks) is written here, because Iceberg manifests need header keys of their own
// (`schema`, `partition-spec`, ...) that avro-c's file writer cannot add. Uncompressed
// (`avro.codec` null). Reading goes through avro-c's file reader.

#include <avro.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streampro/status.h"

namespace streampro::iceberg {

/// An avro-c value of a schema, freed with it. Fill it through value(), then Append it.
class AvroRecord {
 public:
  /// Parses `schema_json`; InvalidArgument naming the schema's error.
  static Result<std::unique_ptr<AvroRecord>> Make(std::string_view schema_json);
  ~AvroRecord();
  AvroRecord(const AvroRecord&) = delete;
  AvroRecord& operator=(const AvroRecord&) = delete;

  avro_value_t* value() { return &value_; }
  avro_schema_t schema() const { return schema_; }

 private:
  AvroRecord() = default;
  avro_schema_t schema_ = nullptr;
  avro_value_iface_t* iface_ = nullptr;
  avro_value_t value_{};
  bool has_value_ = false;
};

/// Builds one container file in memory.
class AvroFileBuilder {
 public:
  /// `schema_json` is written as `avro.schema` as given (with Iceberg's `field-id`s, which
  /// avro-c ignores); `metadata` are further header keys.
  static Result<std::unique_ptr<AvroFileBuilder>> Make(std::string schema_json,
                                                       std::map<std::string, std::string> metadata);

  /// A fresh record of the file's schema (reset before each use).
  AvroRecord& record() { return *record_; }
  /// Encodes record() as the next datum.
  Status Append();
  /// The whole file.
  Result<std::string> Finish();

 private:
  AvroFileBuilder() = default;
  std::string schema_json_;
  std::map<std::string, std::string> metadata_;
  std::unique_ptr<AvroRecord> record_;
  std::string block_;
  int64_t count_ = 0;
};

/// Reads every record of a container file held in memory; `on_record` is called with each
/// one (valid during the call). Errors name `origin`.
Status ReadAvroFile(const std::string& bytes, const std::string& origin,
                    const std::function<Status(avro_value_t&)>& on_record);

/// The header metadata of a container file (`avro.schema`, ...). Errors name `origin`.
Result<std::map<std::string, std::string>> ReadAvroMetadata(std::string_view bytes,
                                                            const std::string& origin);

/// avro-c's last error, for messages.
std::string AvroError();

}  // namespace streampro::iceberg
