#include "formats/parquet/thrift_compact.h"

#include <fmt/format.h>

#include <limits>

namespace streampro::parquet::thrift {

void CompactWriter::BeginStruct() {
  stack_.push_back(last_id_);
  last_id_ = 0;
}

void CompactWriter::EndStruct() {
  out_->push_back(0);
  last_id_ = stack_.empty() ? 0 : stack_.back();
  if (!stack_.empty()) stack_.pop_back();
}

void CompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::FieldHeader(int16_t id, CType type) {
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag(id));
  }
  last_id_ = id;
}

void CompactWriter::FieldI16(int16_t id, int16_t value) {
  FieldHeader(id, CType::kI16);
  Varint(ZigZag(value));
}

void CompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(id, CType::kI32);
  Varint(ZigZag(value));
}

void CompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(id, CType::kI64);
  Varint(ZigZag(value));
}

void CompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(id, value ? CType::kTrue : CType::kFalse);
}

void CompactWriter::FieldBinary(int16_t id, std::string_view value) {
  FieldHeader(id, CType::kBinary);
  ElementBinary(value);
}

void CompactWriter::ElementBinary(std::string_view value) {
  Varint(value.size());
  out_->append(value);
}

void CompactWriter::FieldStruct(int16_t id) {
  FieldHeader(id, CType::kStruct);
  BeginStruct();
}

void CompactWriter::FieldList(int16_t id, CType element, size_t size) {
  FieldHeader(id, CType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<size_t>(element)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<int>(element)));
    Varint(size);
  }
}

// ---------------------------------------------------------------------------------------

namespace {
int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
Status Truncated() {
  return Status::InvalidData("thrift metadata is truncated");
}
Status WrongType(CType got, const char* wanted) {
  return Status::InvalidData(
      fmt::format("thrift field has type {} where {} was expected", static_cast<int>(got), wanted));
}
}  // namespace

Status CompactReader::ReadByte(uint8_t* out) {
  if (pos_ >= size_) return Truncated();
  *out = data_[pos_++];
  return Status::OK();
}

Status CompactReader::ReadVarint(uint64_t* out) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    uint8_t byte = 0;
    RETURN_NOT_OK(ReadByte(&byte));
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *out = result;
      return Status::OK();
    }
    if (shift == 63) break;
  }
  return Status::InvalidData("thrift varint is longer than 10 bytes");
}

Status CompactReader::BeginStruct() {
  if (static_cast<int>(stack_.size()) >= kMaxDepth) {
    return Status::InvalidData("thrift structs are nested too deeply");
  }
  stack_.push_back(last_id_);
  last_id_ = 0;
  return Status::OK();
}

Status CompactReader::EndStruct() {
  if (stack_.empty()) return Status::InvalidData("thrift struct end without a start");
  last_id_ = stack_.back();
  stack_.pop_back();
  return Status::OK();
}

Status CompactReader::ReadFieldHeader(CType* type, int16_t* id) {
  uint8_t byte = 0;
  RETURN_NOT_OK(ReadByte(&byte));
  const int t = byte & 0x0F;
  if (t > static_cast<int>(CType::kStruct)) {
    return Status::InvalidData(fmt::format("thrift field type {} is unknown", t));
  }
  *type = static_cast<CType>(t);
  if (*type == CType::kStop) {
    if (byte != 0) return Status::InvalidData("thrift stop byte carries a field id");
    return Status::OK();
  }
  const int delta = byte >> 4;
  int64_t field_id;
  if (delta != 0) {
    field_id = last_id_ + delta;
  } else {
    uint64_t raw;
    RETURN_NOT_OK(ReadVarint(&raw));
    field_id = UnZigZag(raw);
  }
  if (field_id < std::numeric_limits<int16_t>::min() ||
      field_id > std::numeric_limits<int16_t>::max()) {
    return Status::InvalidData("thrift field id is out of range");
  }
  *id = static_cast<int16_t>(field_id);
  last_id_ = *id;
  return Status::OK();
}

Status CompactReader::ReadI32(CType type, int32_t* out) {
  if (type != CType::kI32 && type != CType::kI16 && type != CType::kByte) {
    return WrongType(type, "i32");
  }
  if (type == CType::kByte) {
    uint8_t b = 0;
    RETURN_NOT_OK(ReadByte(&b));
    *out = static_cast<int8_t>(b);
    return Status::OK();
  }
  uint64_t raw;
  RETURN_NOT_OK(ReadVarint(&raw));
  const int64_t v = UnZigZag(raw);
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return Status::InvalidData("thrift i32 is out of range");
  }
  *out = static_cast<int32_t>(v);
  return Status::OK();
}

Status CompactReader::ReadI64(CType type, int64_t* out) {
  if (type != CType::kI64 && type != CType::kI32 && type != CType::kI16) {
    return WrongType(type, "i64");
  }
  uint64_t raw;
  RETURN_NOT_OK(ReadVarint(&raw));
  *out = UnZigZag(raw);
  return Status::OK();
}

Status CompactReader::ReadBool(CType type, bool* out) {
  if (type == CType::kTrue || type == CType::kFalse) {
    *out = type == CType::kTrue;
    return Status::OK();
  }
  return WrongType(type, "bool");
}

Status CompactReader::ReadBinary(CType type, std::string* out) {
  if (type != CType::kBinary) return WrongType(type, "binary");
  uint64_t length;
  RETURN_NOT_OK(ReadVarint(&length));
  if (length > size_ - pos_) return Truncated();
  out->assign(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(length));
  pos_ += static_cast<size_t>(length);
  return Status::OK();
}

Status CompactReader::ReadListHeader(CType type, CType* element, int32_t* size) {
  if (type != CType::kList && type != CType::kSet) return WrongType(type, "list");
  uint8_t byte = 0;
  RETURN_NOT_OK(ReadByte(&byte));
  const int t = byte & 0x0F;
  if (t > static_cast<int>(CType::kStruct)) {
    return Status::InvalidData("thrift list element type is unknown");
  }
  *element = static_cast<CType>(t);
  uint64_t n = byte >> 4;
  if (n == 15) RETURN_NOT_OK(ReadVarint(&n));
  // Every element takes at least one byte, so a longer list cannot fit.
  if (n > size_ - pos_) return Truncated();
  if (n > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidData("thrift list is too long");
  }
  *size = static_cast<int32_t>(n);
  return Status::OK();
}

Status CompactReader::ExpectStruct(CType type) const {
  return type == CType::kStruct ? Status::OK() : WrongType(type, "struct");
}

Status CompactReader::Skip(CType type) {
  return SkipDepth(type, 0);
}

Status CompactReader::SkipDepth(CType type, int depth) {
  if (depth > kMaxDepth) return Status::InvalidData("thrift values are nested too deeply");
  uint64_t raw;
  switch (type) {
    case CType::kStop:
      return Status::InvalidData("thrift stop where a value was expected");
    case CType::kTrue:
    case CType::kFalse:
      return Status::OK();
    case CType::kByte: {
      uint8_t b = 0;
      return ReadByte(&b);
    }
    case CType::kI16:
    case CType::kI32:
    case CType::kI64:
      return ReadVarint(&raw);
    case CType::kDouble:
      if (size_ - pos_ < 8) return Truncated();
      pos_ += 8;
      return Status::OK();
    case CType::kBinary: {
      RETURN_NOT_OK(ReadVarint(&raw));
      if (raw > size_ - pos_) return Truncated();
      pos_ += static_cast<size_t>(raw);
      return Status::OK();
    }
    case CType::kList:
    case CType::kSet: {
      CType element;
      int32_t n;
      RETURN_NOT_OK(ReadListHeader(type, &element, &n));
      for (int32_t i = 0; i < n; ++i) {
        if (element == CType::kTrue || element == CType::kFalse) {
          uint8_t b = 0;  // list booleans are one byte each
          RETURN_NOT_OK(ReadByte(&b));
        } else {
          RETURN_NOT_OK(SkipDepth(element, depth + 1));
        }
      }
      return Status::OK();
    }
    case CType::kMap: {
      RETURN_NOT_OK(ReadVarint(&raw));
      if (raw > size_ - pos_) return Truncated();
      if (raw == 0) return Status::OK();
      uint8_t kinds = 0;
      RETURN_NOT_OK(ReadByte(&kinds));
      const int k = kinds >> 4;
      const int v = kinds & 0x0F;
      if (k > 12 || v > 12) return Status::InvalidData("thrift map type is unknown");
      for (uint64_t i = 0; i < raw; ++i) {
        for (int t : {k, v}) {
          const auto ct = static_cast<CType>(t);
          if (ct == CType::kTrue || ct == CType::kFalse) {
            uint8_t b = 0;
            RETURN_NOT_OK(ReadByte(&b));
          } else {
            RETURN_NOT_OK(SkipDepth(ct, depth + 1));
          }
        }
      }
      return Status::OK();
    }
    case CType::kStruct: {
      RETURN_NOT_OK(BeginStruct());
      while (true) {
        CType ft;
        int16_t id;
        RETURN_NOT_OK(ReadFieldHeader(&ft, &id));
        if (ft == CType::kStop) break;
        RETURN_NOT_OK(SkipDepth(ft, depth + 1));
      }
      return EndStruct();
    }
  }
  return Status::InvalidData("thrift type is unknown");
}

}  // namespace streampro::parquet::thrift
