#include "formats/parquet/metadata.h"

#include <fmt/format.h>

#include "formats/parquet/thrift_compact.h"

namespace streampro::parquet::format {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;

namespace {

// ---- writing ----------------------------------------------------------------------------

void WriteStatistics(CompactWriter& w, int16_t id, const Statistics& s) {
  w.FieldStruct(id);
  if (s.max) w.FieldBinary(1, *s.max);
  if (s.min) w.FieldBinary(2, *s.min);
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.distinct_count) w.FieldI64(4, *s.distinct_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
  w.EndStruct();
}

void WriteLogicalType(CompactWriter& w, const LogicalType& t) {
  w.FieldStruct(10);
  switch (t.kind) {
    case LogicalType::kString:
      w.FieldStruct(1);
      w.EndStruct();
      break;
    case LogicalType::kDate:
      w.FieldStruct(6);
      w.EndStruct();
      break;
    case LogicalType::kTimestamp:
      w.FieldStruct(8);
      w.FieldBool(1, t.utc);
      w.FieldStruct(2);                                      // TimeUnit union
      w.FieldStruct(static_cast<int16_t>(t.time_unit + 1));  // MILLIS=1, MICROS=2, NANOS=3
      w.EndStruct();
      w.EndStruct();
      w.EndStruct();
      break;
    case LogicalType::kInteger:
      w.FieldStruct(10);
      w.FieldI32(1, t.bit_width);  // i8 on the wire is one byte; see below
      w.FieldBool(2, t.is_signed);
      w.EndStruct();
      break;
    case LogicalType::kNone:
    case LogicalType::kOther:
      break;
  }
  w.EndStruct();
}

void WriteSchemaElement(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.FieldI32(1, *e.type);
  if (e.type_length) w.FieldI32(2, *e.type_length);
  if (e.repetition_type) w.FieldI32(3, *e.repetition_type);
  w.FieldBinary(4, e.name);
  if (e.num_children) w.FieldI32(5, *e.num_children);
  if (e.converted_type) w.FieldI32(6, *e.converted_type);
  if (e.field_id) w.FieldI32(9, *e.field_id);
  if (e.logical_type.kind != LogicalType::kNone && e.logical_type.kind != LogicalType::kOther &&
      e.logical_type.kind != LogicalType::kInteger) {
    WriteLogicalType(w, e.logical_type);
  }
  w.EndStruct();
}

void WriteColumnMetaData(CompactWriter& w, const ColumnMetaData& m) {
  w.FieldStruct(3);
  w.FieldI32(1, m.type);
  w.FieldList(2, CType::kI32, m.encodings.size());
  for (int32_t e : m.encodings) w.ElementI32(e);
  w.FieldList(3, CType::kBinary, m.path_in_schema.size());
  for (const auto& p : m.path_in_schema) w.ElementBinary(p);
  w.FieldI32(4, m.codec);
  w.FieldI64(5, m.num_values);
  w.FieldI64(6, m.total_uncompressed_size);
  w.FieldI64(7, m.total_compressed_size);
  w.FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) WriteStatistics(w, 12, *m.statistics);
  w.EndStruct();
}

// ---- reading ----------------------------------------------------------------------------

template <typename F>
Status ReadStruct(CompactReader& r, F&& on_field) {
  RETURN_NOT_OK(r.BeginStruct());
  while (true) {
    CType type;
    int16_t id;
    RETURN_NOT_OK(r.ReadFieldHeader(&type, &id));
    if (type == CType::kStop) break;
    RETURN_NOT_OK(on_field(type, id));
  }
  return r.EndStruct();
}

template <typename F>
Status ReadList(CompactReader& r, CType type, F&& on_element) {
  CType element;
  int32_t n;
  RETURN_NOT_OK(r.ReadListHeader(type, &element, &n));
  for (int32_t i = 0; i < n; ++i) RETURN_NOT_OK(on_element(element));
  return Status::OK();
}

Status Missing(const char* what) {
  return Status::InvalidData(fmt::format("thrift metadata lacks required field {}", what));
}

Status ReadStatistics(CompactReader& r, Statistics* s) {
  return ReadStruct(r, [&](CType t, int16_t id) -> Status {
    std::string v;
    int64_t n;
    switch (id) {
      case 1:
        RETURN_NOT_OK(r.ReadBinary(t, &v));
        s->max = std::move(v);
        return Status::OK();
      case 2:
        RETURN_NOT_OK(r.ReadBinary(t, &v));
        s->min = std::move(v);
        return Status::OK();
      case 3:
        RETURN_NOT_OK(r.ReadI64(t, &n));
        s->null_count = n;
        return Status::OK();
      case 4:
        RETURN_NOT_OK(r.ReadI64(t, &n));
        s->distinct_count = n;
        return Status::OK();
      case 5:
        RETURN_NOT_OK(r.ReadBinary(t, &v));
        s->max_value = std::move(v);
        return Status::OK();
      case 6:
        RETURN_NOT_OK(r.ReadBinary(t, &v));
        s->min_value = std::move(v);
        return Status::OK();
      default:
        return r.Skip(t);
    }
  });
}

Status ReadTimeUnit(CompactReader& r, int* unit) {
  return ReadStruct(r, [&](CType t, int16_t id) -> Status {
    if (id >= 1 && id <= 3) *unit = id - 1;
    return r.Skip(t);
  });
}

Status ReadLogicalType(CompactReader& r, LogicalType* lt) {
  return ReadStruct(r, [&](CType t, int16_t id) -> Status {
    RETURN_NOT_OK(r.ExpectStruct(t));
    switch (id) {
      case 1:
        lt->kind = LogicalType::kString;
        return r.Skip(t);
      case 6:
        lt->kind = LogicalType::kDate;
        return r.Skip(t);
      case 8:
        lt->kind = LogicalType::kTimestamp;
        lt->time_unit = -1;
        return ReadStruct(r, [&](CType ft, int16_t fid) -> Status {
          if (fid == 1) return r.ReadBool(ft, &lt->utc);
          if (fid == 2) {
            RETURN_NOT_OK(r.ExpectStruct(ft));
            return ReadTimeUnit(r, &lt->time_unit);
          }
          return r.Skip(ft);
        });
      case 10:
        lt->kind = LogicalType::kInteger;
        return ReadStruct(r, [&](CType ft, int16_t fid) -> Status {
          if (fid == 1) return r.ReadI32(ft, &lt->bit_width);
          if (fid == 2) return r.ReadBool(ft, &lt->is_signed);
          return r.Skip(ft);
        });
      default:
        lt->kind = LogicalType::kOther;
        lt->other_id = id;
        return r.Skip(t);
    }
  });
}

Status ReadOptI32(CompactReader& r, CType t, std::optional<int32_t>* out) {
  int32_t v;
  RETURN_NOT_OK(r.ReadI32(t, &v));
  *out = v;
  return Status::OK();
}

Status ReadSchemaElement(CompactReader& r, SchemaElement* e) {
  bool has_name = false;
  const Status status1 = ReadStruct(r, [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return ReadOptI32(r, t, &e->type);
      case 2:
        return ReadOptI32(r, t, &e->type_length);
      case 3:
        return ReadOptI32(r, t, &e->repetition_type);
      case 4:
        has_name = true;
        return r.ReadBinary(t, &e->name);
      case 5:
        return ReadOptI32(r, t, &e->num_children);
      case 6:
        return ReadOptI32(r, t, &e->converted_type);
      case 9:
        return ReadOptI32(r, t, &e->field_id);
      case 10:
        RETURN_NOT_OK(r.ExpectStruct(t));
        return ReadLogicalType(r, &e->logical_type);
      default:
        return r.Skip(t);
    }
  });
  if (!status1.ok()) return status1;
  return has_name ? Status::OK() : Missing("SchemaElement.name");
}

Status ReadColumnMetaData(CompactReader& r, ColumnMetaData* m) {
  unsigned seen = 0;
  const Status status2 = ReadStruct(r, [&](CType t, int16_t id) -> Status {
    if (id >= 1 && id <= 9) seen |= 1u << id;
    switch (id) {
      case 1:
        return r.ReadI32(t, &m->type);
      case 2:
        return ReadList(r, t, [&](CType et) -> Status {
          int32_t e;
          RETURN_NOT_OK(r.ReadI32(et, &e));
          m->encodings.push_back(e);
          return Status::OK();
        });
      case 3:
        return ReadList(r, t, [&](CType et) -> Status {
          std::string p;
          RETURN_NOT_OK(r.ReadBinary(et, &p));
          m->path_in_schema.push_back(std::move(p));
          return Status::OK();
        });
      case 4:
        return r.ReadI32(t, &m->codec);
      case 5:
        return r.ReadI64(t, &m->num_values);
      case 6:
        return r.ReadI64(t, &m->total_uncompressed_size);
      case 7:
        return r.ReadI64(t, &m->total_compressed_size);
      case 9:
        return r.ReadI64(t, &m->data_page_offset);
      case 11: {
        int64_t v;
        RETURN_NOT_OK(r.ReadI64(t, &v));
        m->dictionary_page_offset = v;
        return Status::OK();
      }
      case 12:
        RETURN_NOT_OK(r.ExpectStruct(t));
        m->statistics.emplace();
        return ReadStatistics(r, &*m->statistics);
      default:
        return r.Skip(t);
    }
  });
  if (!status2.ok()) return status2;
  constexpr unsigned kRequired =
      (1u << 1) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 9);
  return (seen & kRequired) == kRequired ? Status::OK() : Missing("in ColumnMetaData");
}

Status ReadColumnChunk(CompactReader& r, ColumnChunk* c) {
  return ReadStruct(r, [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1: {
        std::string p;
        RETURN_NOT_OK(r.ReadBinary(t, &p));
        c->file_path = std::move(p);
        return Status::OK();
      }
      case 2:
        return r.ReadI64(t, &c->file_offset);
      case 3:
        RETURN_NOT_OK(r.ExpectStruct(t));
        c->meta_data.emplace();
        return ReadColumnMetaData(r, &*c->meta_data);
      default:
        return r.Skip(t);
    }
  });
}

Status ReadRowGroup(CompactReader& r, RowGroup* g) {
  bool has_rows = false;
  const Status status3 = ReadStruct(r, [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return ReadList(r, t, [&](CType et) -> Status {
          RETURN_NOT_OK(r.ExpectStruct(et));
          g->columns.emplace_back();
          return ReadColumnChunk(r, &g->columns.back());
        });
      case 2:
        return r.ReadI64(t, &g->total_byte_size);
      case 3:
        has_rows = true;
        return r.ReadI64(t, &g->num_rows);
      default:
        return r.Skip(t);
    }
  });
  if (!status3.ok()) return status3;
  return has_rows ? Status::OK() : Missing("RowGroup.num_rows");
}

}  // namespace

void Serialize(const FileMetaData& m, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, m.version);
  w.FieldList(2, CType::kStruct, m.schema.size());
  for (const auto& e : m.schema) WriteSchemaElement(w, e);
  w.FieldI64(3, m.num_rows);
  w.FieldList(4, CType::kStruct, m.row_groups.size());
  for (const auto& g : m.row_groups) {
    w.BeginStruct();
    w.FieldList(1, CType::kStruct, g.columns.size());
    for (const auto& c : g.columns) {
      w.BeginStruct();
      if (c.file_path) w.FieldBinary(1, *c.file_path);
      w.FieldI64(2, c.file_offset);
      if (c.meta_data) WriteColumnMetaData(w, *c.meta_data);
      w.EndStruct();
    }
    w.FieldI64(2, g.total_byte_size);
    w.FieldI64(3, g.num_rows);
    if (g.file_offset) w.FieldI64(5, *g.file_offset);
    if (g.total_compressed_size) w.FieldI64(6, *g.total_compressed_size);
    if (g.ordinal) w.FieldI16(7, static_cast<int16_t>(*g.ordinal));
    w.EndStruct();
  }
  if (!m.key_value_metadata.empty()) {
    w.FieldList(5, CType::kStruct, m.key_value_metadata.size());
    for (const auto& kv : m.key_value_metadata) {
      w.BeginStruct();
      w.FieldBinary(1, kv.key);
      if (kv.value) w.FieldBinary(2, *kv.value);
      w.EndStruct();
    }
  }
  if (m.created_by) w.FieldBinary(6, *m.created_by);
  if (m.num_type_defined_orders > 0) {
    w.FieldList(7, CType::kStruct, static_cast<size_t>(m.num_type_defined_orders));
    for (int i = 0; i < m.num_type_defined_orders; ++i) {
      w.BeginStruct();
      w.FieldStruct(1);  // TYPE_ORDER: TypeDefinedOrder {}
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
}

void Serialize(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, h.type);
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.data_page_header) {
    const auto& d = *h.data_page_header;
    w.FieldStruct(5);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.encoding);
    w.FieldI32(3, d.definition_level_encoding);
    w.FieldI32(4, d.repetition_level_encoding);
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    const auto& d = *h.dictionary_page_header;
    w.FieldStruct(7);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.encoding);
    w.EndStruct();
  }
  if (h.data_page_header_v2) {
    const auto& d = *h.data_page_header_v2;
    w.FieldStruct(8);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.num_nulls);
    w.FieldI32(3, d.num_rows);
    w.FieldI32(4, d.encoding);
    w.FieldI32(5, d.definition_levels_byte_length);
    w.FieldI32(6, d.repetition_levels_byte_length);
    w.FieldBool(7, d.is_compressed);
    w.EndStruct();
  }
  w.EndStruct();
}

Result<FileMetaData> ParseFileMetaData(const uint8_t* data, size_t size) {
  CompactReader r(data, size);
  FileMetaData m;
  bool has_schema = false;
  bool has_rows = false;
  const Status status4 = ReadStruct(r, [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return r.ReadI32(t, &m.version);
      case 2:
        has_schema = true;
        return ReadList(r, t, [&](CType et) -> Status {
          RETURN_NOT_OK(r.ExpectStruct(et));
          m.schema.emplace_back();
          return ReadSchemaElement(r, &m.schema.back());
        });
      case 3:
        has_rows = true;
        return r.ReadI64(t, &m.num_rows);
      case 4:
        return ReadList(r, t, [&](CType et) -> Status {
          RETURN_NOT_OK(r.ExpectStruct(et));
          m.row_groups.emplace_back();
          return ReadRowGroup(r, &m.row_groups.back());
        });
      case 5:
        return ReadList(r, t, [&](CType et) -> Status {
          RETURN_NOT_OK(r.ExpectStruct(et));
          KeyValue kv;
          const Status status5 = ReadStruct(r, [&](CType ft, int16_t fid) -> Status {
            if (fid == 1) return r.ReadBinary(ft, &kv.key);
            if (fid == 2) {
              std::string v;
              RETURN_NOT_OK(r.ReadBinary(ft, &v));
              kv.value = std::move(v);
              return Status::OK();
            }
            return r.Skip(ft);
          });
          if (!status5.ok()) return status5;
          m.key_value_metadata.push_back(std::move(kv));
          return Status::OK();
        });
      case 6: {
        std::string v;
        RETURN_NOT_OK(r.ReadBinary(t, &v));
        m.created_by = std::move(v);
        return Status::OK();
      }
      case 7:
        return ReadList(r, t, [&](CType et) -> Status {
          ++m.num_type_defined_orders;
          return r.Skip(et);
        });
      default:
        return r.Skip(t);
    }
  });
  if (!status4.ok()) return status4;
  if (!has_schema) return Missing("FileMetaData.schema");
  if (!has_rows) return Missing("FileMetaData.num_rows");
  return m;
}

Status ParsePageHeader(const uint8_t* data, size_t size, PageHeader* h, size_t* consumed) {
  CompactReader r(data, size);
  unsigned seen = 0;
  const Status status6 = ReadStruct(r, [&](CType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        seen |= 1;
        return r.ReadI32(t, &h->type);
      case 2:
        seen |= 2;
        return r.ReadI32(t, &h->uncompressed_page_size);
      case 3:
        seen |= 4;
        return r.ReadI32(t, &h->compressed_page_size);
      case 5: {
        RETURN_NOT_OK(r.ExpectStruct(t));
        DataPageHeader d;
        unsigned dseen = 0;
        const Status status7 = ReadStruct(r, [&](CType ft, int16_t fid) -> Status {
          switch (fid) {
            case 1:
              dseen |= 1;
              return r.ReadI32(ft, &d.num_values);
            case 2:
              dseen |= 2;
              return r.ReadI32(ft, &d.encoding);
            case 3:
              return r.ReadI32(ft, &d.definition_level_encoding);
            case 4:
              return r.ReadI32(ft, &d.repetition_level_encoding);
            default:
              return r.Skip(ft);
          }
        });
        if (!status7.ok()) return status7;
        if (dseen != 3) return Missing("in DataPageHeader");
        h->data_page_header = d;
        return Status::OK();
      }
      case 7: {
        RETURN_NOT_OK(r.ExpectStruct(t));
        DictionaryPageHeader d;
        bool has_n = false;
        const Status status8 = ReadStruct(r, [&](CType ft, int16_t fid) -> Status {
          if (fid == 1) {
            has_n = true;
            return r.ReadI32(ft, &d.num_values);
          }
          if (fid == 2) return r.ReadI32(ft, &d.encoding);
          return r.Skip(ft);
        });
        if (!status8.ok()) return status8;
        if (!has_n) return Missing("DictionaryPageHeader.num_values");
        h->dictionary_page_header = d;
        return Status::OK();
      }
      case 8: {
        RETURN_NOT_OK(r.ExpectStruct(t));
        DataPageHeaderV2 d;
        unsigned dseen = 0;
        const Status status9 = ReadStruct(r, [&](CType ft, int16_t fid) -> Status {
          if (fid >= 1 && fid <= 6) dseen |= 1u << fid;
          switch (fid) {
            case 1:
              return r.ReadI32(ft, &d.num_values);
            case 2:
              return r.ReadI32(ft, &d.num_nulls);
            case 3:
              return r.ReadI32(ft, &d.num_rows);
            case 4:
              return r.ReadI32(ft, &d.encoding);
            case 5:
              return r.ReadI32(ft, &d.definition_levels_byte_length);
            case 6:
              return r.ReadI32(ft, &d.repetition_levels_byte_length);
            case 7:
              return r.ReadBool(ft, &d.is_compressed);
            default:
              return r.Skip(ft);
          }
        });
        if (!status9.ok()) return status9;
        if (dseen != 0x7E) return Missing("in DataPageHeaderV2");
        h->data_page_header_v2 = d;
        return Status::OK();
      }
      default:
        return r.Skip(t);
    }
  });
  if (!status6.ok()) return status6;
  if (seen != 7) return Missing("in PageHeader");
  *consumed = r.position();
  return Status::OK();
}

}  // namespace streampro::parquet::format
