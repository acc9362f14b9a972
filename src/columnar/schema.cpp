#include "streampro/schema.h"

#include <fmt/format.h>

namespace streampro {

std::string_view TypeName(TypeId type) {
  switch (type) {
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt32:
      return "int32";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kDouble:
      return "double";
    case TypeId::kDate32:
      return "date32";
    case TypeId::kTimestampMicros:
      return "timestamp[us, UTC]";
    case TypeId::kString:
      return "string";
  }
  return "unknown";
}

int Schema::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string out;
  for (const Field& f : fields_) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}: {}{}", f.name, TypeName(f.type), f.nullable ? "" : " not null");
  }
  return out;
}

}  // namespace streampro
