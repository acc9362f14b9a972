#pragma once

// A small streaming JSON writer for report.json: 2-space indentation, keys in the order
// they are written, and nothing that depends on locale or hash order, so the same calls
// give the same bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_counters.h"

namespace streampro::report {

/// Writes one JSON document. Inside an object call Key() before each value. Empty objects
/// and arrays print as `{}` and `[]`. Misuse (a value without a key in an object, an
/// unbalanced End*) is a programming error, checked by assertions.
class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);

  void String(std::string_view value);
  void Int(int64_t value);
  /// Shortest text that parses back to the same double, always with a `.` or an
  /// exponent so it reads as a floating-point number; NaN and infinities become null.
  void Double(double value);
  void Bool(bool value);
  void Null();

  void OptionalString(const std::optional<std::string>& value);
  void OptionalDouble(std::optional<double> value);
  void OptionalInt(std::optional<int64_t> value);
  void OptionalBool(std::optional<bool> value);

  /// Key(key) then the value: one member of the object being written.
  void StringMember(std::string_view key, std::string_view value);
  void IntMember(std::string_view key, int64_t value);
  void DoubleMember(std::string_view key, double value);
  void BoolMember(std::string_view key, bool value);
  void OptionalStringMember(std::string_view key, const std::optional<std::string>& value);
  void OptionalDoubleMember(std::string_view key, std::optional<double> value);
  void OptionalIntMember(std::string_view key, std::optional<int64_t> value);
  void OptionalBoolMember(std::string_view key, std::optional<bool> value);

  /// The document with a trailing newline; the writer is left empty.
  std::string Finish();

 private:
  struct Level {
    bool is_object = false;
    int64_t count = 0;
  };
  // Places the separator and indentation before a value (not after a Key()).
  void BeforeValue();
  void Indent(size_t depth);
  void End(bool is_object, char close);

  std::string out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

/// SPEC §6 counters of one file as members of the object being written: `rows_in`,
/// `rows_kept`, `rows_rejected`, `rows_duplicate`, `rejected_by_reason` (report.json's
/// `tables.*`; the run log and `status` use the same shape).
void WriteCounterMembers(const FileCounters& counters, JsonWriter& json);

/// The text JsonWriter::Double() writes for a finite value.
std::string FormatJsonDouble(double value);

}  // namespace streampro::report
