#include "report/json_writer.h"

#include <cassert>
#include <cmath>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "report/escape.h"

namespace streampro::report {

std::string FormatJsonDouble(double value) {
  // fmt's default presentation is the shortest representation that round-trips.
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos) text.append(".0");
  return text;
}

void WriteCounterMembers(const FileCounters& counters, JsonWriter& json) {
  json.IntMember("rows_in", counters.rows_in);
  json.IntMember("rows_kept", counters.rows_kept);
  json.IntMember("rows_rejected", counters.rows_rejected);
  json.IntMember("rows_duplicate", counters.rows_duplicate);
  json.Key("rejected_by_reason");
  json.BeginObject();
  for (const auto& [reason, count] : counters.RejectedByReasonMap()) {
    json.IntMember(reason, count);
  }
  json.EndObject();
}

void JsonWriter::Indent(size_t depth) {
  out_.push_back('\n');
  out_.append(depth * 2, ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (levels_.empty()) {
    assert(out_.empty() && "a JSON document holds one top-level value");
    return;
  }
  Level& level = levels_.back();
  assert(!level.is_object && "a value inside an object needs a Key() first");
  if (level.count > 0) out_.push_back(',');
  ++level.count;
  Indent(levels_.size());
}

void JsonWriter::Key(std::string_view key) {
  assert(!levels_.empty() && levels_.back().is_object && !after_key_);
  Level& level = levels_.back();
  if (level.count > 0) out_.push_back(',');
  ++level.count;
  Indent(levels_.size());
  AppendJsonString(key, out_);
  out_.append(": ");
  after_key_ = true;
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  levels_.push_back({true, 0});
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  levels_.push_back({false, 0});
}

void JsonWriter::End([[maybe_unused]] bool is_object, char close) {
  assert(!levels_.empty() && levels_.back().is_object == is_object && !after_key_);
  const bool had_members = levels_.back().count > 0;
  levels_.pop_back();
  if (had_members) Indent(levels_.size());
  out_.push_back(close);
}

void JsonWriter::EndObject() {
  End(true, '}');
}
void JsonWriter::EndArray() {
  End(false, ']');
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(value, out_);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  fmt::format_to(std::back_inserter(out_), "{}", value);
}

void JsonWriter::Double(double value) {
  if (!std::isfinite(value)) {
    Null();
    return;
  }
  BeforeValue();
  out_.append(FormatJsonDouble(value));
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
}

void JsonWriter::OptionalString(const std::optional<std::string>& value) {
  if (value) {
    String(*value);
  } else {
    Null();
  }
}

void JsonWriter::OptionalDouble(std::optional<double> value) {
  if (value) {
    Double(*value);
  } else {
    Null();
  }
}

void JsonWriter::OptionalInt(std::optional<int64_t> value) {
  if (value) {
    Int(*value);
  } else {
    Null();
  }
}

void JsonWriter::OptionalBool(std::optional<bool> value) {
  if (value) {
    Bool(*value);
  } else {
    Null();
  }
}

void JsonWriter::StringMember(std::string_view key, std::string_view value) {
  Key(key);
  String(value);
}

void JsonWriter::IntMember(std::string_view key, int64_t value) {
  Key(key);
  Int(value);
}

void JsonWriter::DoubleMember(std::string_view key, double value) {
  Key(key);
  Double(value);
}

void JsonWriter::BoolMember(std::string_view key, bool value) {
  Key(key);
  Bool(value);
}

void JsonWriter::OptionalStringMember(std::string_view key,
                                      const std::optional<std::string>& value) {
  Key(key);
  OptionalString(value);
}

void JsonWriter::OptionalDoubleMember(std::string_view key, std::optional<double> value) {
  Key(key);
  OptionalDouble(value);
}

void JsonWriter::OptionalIntMember(std::string_view key, std::optional<int64_t> value) {
  Key(key);
  OptionalInt(value);
}

void JsonWriter::OptionalBoolMember(std::string_view key, std::optional<bool> value) {
  Key(key);
  OptionalBool(value);
}

std::string JsonWriter::Finish() {
  assert(levels_.empty() && !after_key_);
  std::string document = std::move(out_);
  document.push_back('\n');
  out_.clear();
  return document;
}

}  // namespace streampro::report
