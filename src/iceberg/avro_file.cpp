#include "iceberg/avro_file.h"

#include <fmt/format.h>

#include <cstdio>
#include <random>

namespace streampro::iceberg {

namespace {

constexpr std::string_view kMagic("Obj\x01", 4);

// Avro's zig-zag variable-length long.
void AppendLong(int64_t value, std::string& out) {
  uint64_t n = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

void AppendBytes(std::string_view bytes, std::string& out) {
  AppendLong(static_cast<int64_t>(bytes.size()), out);
  out.append(bytes);
}

bool ReadLong(std::string_view bytes, size_t& at, int64_t* value) {
  uint64_t n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (at >= bytes.size()) return false;
    const auto byte = static_cast<uint8_t>(bytes[at++]);
    n |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *value = static_cast<int64_t>(n >> 1) ^ -static_cast<int64_t>(n & 1);
      return true;
    }
  }
  return false;
}

bool ReadBytes(std::string_view bytes, size_t& at, std::string* out) {
  int64_t size = 0;
  if (!ReadLong(bytes, at, &size) || size < 0 || static_cast<uint64_t>(size) > bytes.size() - at) {
    return false;
  }
  out->assign(bytes.substr(at, static_cast<size_t>(size)));
  at += static_cast<size_t>(size);
  return true;
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};

}  // namespace

std::string AvroError() {
  const char* error = avro_strerror();
  return error == nullptr || *error == '\0' ? std::string("unknown avro error") : error;
}

Result<std::unique_ptr<AvroRecord>> AvroRecord::Make(std::string_view schema_json) {
  std::unique_ptr<AvroRecord> record(new AvroRecord());
  if (avro_schema_from_json_length(schema_json.data(), schema_json.size(), &record->schema_) != 0) {
    return Status::InvalidArgument(fmt::format("avro schema: {}", AvroError()));
  }
  record->iface_ = avro_generic_class_from_schema(record->schema_);
  if (record->iface_ == nullptr) {
    return Status::Internal(fmt::format("avro value class: {}", AvroError()));
  }
  if (avro_generic_value_new(record->iface_, &record->value_) != 0) {
    return Status::Internal(fmt::format("avro value: {}", AvroError()));
  }
  record->has_value_ = true;
  return record;
}

AvroRecord::~AvroRecord() {
  if (has_value_) avro_value_decref(&value_);
  if (iface_ != nullptr) avro_value_iface_decref(iface_);
  if (schema_ != nullptr) avro_schema_decref(schema_);
}

Result<std::unique_ptr<AvroFileBuilder>> AvroFileBuilder::Make(
    std::string schema_json, std::map<std::string, std::string> metadata) {
  std::unique_ptr<AvroFileBuilder> builder(new AvroFileBuilder());
  ASSIGN_OR_RETURN(builder->record_, AvroRecord::Make(schema_json));
  builder->schema_json_ = std::move(schema_json);
  builder->metadata_ = std::move(metadata);
  builder->metadata_["avro.schema"] = builder->schema_json_;
  builder->metadata_["avro.codec"] = "null";
  avro_value_reset(builder->record_->value());
  return builder;
}

Status AvroFileBuilder::Append() {
  avro_value_t* value = record_->value();
  size_t size = 0;
  if (avro_value_sizeof(value, &size) != 0) {
    return Status::Internal(fmt::format("avro record size: {}", AvroError()));
  }
  const size_t at = block_.size();
  block_.resize(at + size);
  avro_writer_t writer = avro_writer_memory(block_.data() + at, static_cast<int64_t>(size));
  const int rc = avro_value_write(writer, value);
  avro_writer_free(writer);
  if (rc != 0) return Status::Internal(fmt::format("avro record: {}", AvroError()));
  ++count_;
  avro_value_reset(value);
  return Status::OK();
}

Result<std::string> AvroFileBuilder::Finish() {
  std::string out(kMagic);
  AppendLong(static_cast<int64_t>(metadata_.size()), out);
  for (const auto& [key, value] : metadata_) {
    AppendBytes(key, out);
    AppendBytes(value, out);
  }
  AppendLong(0, out);
  // A random sync marker, as the container format asks.
  std::string sync(16, '\0');
  std::random_device random;
  for (char& c : sync) c = static_cast<char>(random() & 0xFF);
  out += sync;
  if (count_ > 0) {
    AppendLong(count_, out);
    AppendLong(static_cast<int64_t>(block_.size()), out);
    out += block_;
    out += sync;
  }
  block_.clear();
  count_ = 0;
  return out;
}

namespace {

struct AvroHeader {
  std::map<std::string, std::string> metadata;
  std::string_view sync;
  size_t end = 0;  ///< where the first block starts
};

Result<AvroHeader> ParseHeader(std::string_view bytes, const std::string& origin) {
  if (!bytes.starts_with(kMagic)) {
    return Status::InvalidData(fmt::format("{}: not an Avro container file", origin));
  }
  AvroHeader header;
  size_t at = kMagic.size();
  while (true) {
    int64_t count = 0;
    if (!ReadLong(bytes, at, &count)) break;
    if (count == 0) {
      if (bytes.size() - at < 16) break;  // the sync marker
      header.sync = bytes.substr(at, 16);
      header.end = at + 16;
      return header;
    }
    if (count < 0) {
      int64_t block_bytes = 0;
      if (!ReadLong(bytes, at, &block_bytes)) break;
      count = -count;
    }
    for (int64_t i = 0; i < count; ++i) {
      std::string key, value;
      if (!ReadBytes(bytes, at, &key) || !ReadBytes(bytes, at, &value)) {
        return Status::InvalidData(fmt::format("{}: truncated Avro header", origin));
      }
      header.metadata[std::move(key)] = std::move(value);
    }
  }
  return Status::InvalidData(fmt::format("{}: truncated Avro header", origin));
}

// Every block whole and followed by the file's sync marker, up to the end.
Status CheckBlocks(std::string_view bytes, const AvroHeader& header, const std::string& origin) {
  size_t at = header.end;
  while (at < bytes.size()) {
    int64_t count = 0;
    int64_t size = 0;
    if (!ReadLong(bytes, at, &count) || !ReadLong(bytes, at, &size) || count < 0 || size < 0 ||
        static_cast<uint64_t>(size) > bytes.size() - at ||
        bytes.size() - at - static_cast<size_t>(size) < 16 ||
        bytes.substr(at + static_cast<size_t>(size), 16) != header.sync) {
      return Status::InvalidData(
          fmt::format("{}: truncated or damaged Avro block at byte {}", origin, at));
    }
    at += static_cast<size_t>(size) + 16;
  }
  return Status::OK();
}

}  // namespace

Result<std::map<std::string, std::string>> ReadAvroMetadata(std::string_view bytes,
                                                            const std::string& origin) {
  ASSIGN_OR_RETURN(AvroHeader header, ParseHeader(bytes, origin));
  return std::move(header.metadata);
}

Status ReadAvroFile(const std::string& bytes, const std::string& origin,
                    const std::function<Status(avro_value_t&)>& on_record) {
  if (bytes.empty()) return Status::InvalidData(fmt::format("{}: empty Avro file", origin));
  // The framing is checked here first: avro-c's reader leaks what it allocated when it
  // refuses a header or meets a cut block.
  ASSIGN_OR_RETURN(const AvroHeader header, ParseHeader(bytes, origin));
  if (header.metadata.count("avro.schema") == 0) {
    return Status::InvalidData(fmt::format("{}: Avro header has no schema", origin));
  }
  RETURN_NOT_OK(CheckBlocks(bytes, header, origin));
  // avro-c reads a FILE*; fmemopen lends it the bytes without a copy.
  std::unique_ptr<FILE, FileCloser> file(
      ::fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb"));
  if (file == nullptr) return Status::IOError(fmt::format("{}: fmemopen failed", origin));
  avro_file_reader_t reader = nullptr;
  if (avro_file_reader_fp(file.get(), origin.c_str(), 0, &reader) != 0) {
    return Status::InvalidData(fmt::format("{}: {}", origin, AvroError()));
  }
  avro_schema_t schema = avro_file_reader_get_writer_schema(reader);
  avro_value_iface_t* iface = avro_generic_class_from_schema(schema);
  avro_value_t value;
  Status status = Status::OK();
  if (iface == nullptr || avro_generic_value_new(iface, &value) != 0) {
    status = Status::Internal(fmt::format("{}: {}", origin, AvroError()));
  } else {
    while (status.ok()) {
      const int rc = avro_file_reader_read_value(reader, &value);
      if (rc == EOF) break;
      if (rc != 0) {
        status = Status::InvalidData(fmt::format("{}: {}", origin, AvroError()));
        break;
      }
      status = on_record(value);
    }
    avro_value_decref(&value);
  }
  if (iface != nullptr) avro_value_iface_decref(iface);
  avro_schema_decref(schema);
  avro_file_reader_close(reader);
  return status;
}

}  // namespace streampro::iceberg
