#pragma once

// Typed reads of the members of one JSON object (simdjson DOM), with errors that name the
// document and what it should be: `{origin}: invalid {what}: 'key' must be a string`. For
// the lake's own small JSON files (manifests, run log entries). Header-only: its users
// link simdjson.

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/reject_reason.h"
#include "common/file_counters.h"
#include "streampro/status.h"

namespace streampro {

class JsonFields {
 public:
  JsonFields(simdjson::dom::object object, std::string_view origin, std::string_view what)
      : object_(object), origin_(origin), what_(what) {}

  /// The root of `json` as an object, or InvalidData naming `origin`. `parser` must outlive
  /// the result.
  static Result<JsonFields> Parse(simdjson::dom::parser& parser, std::string_view json,
                                  std::string_view origin, std::string_view what) {
    simdjson::dom::element root;
    if (const simdjson::error_code error = parser.parse(json.data(), json.size()).get(root);
        error != simdjson::SUCCESS) {
      return JsonFields(simdjson::dom::object(), origin, what)
          .Invalid(fmt::format("not valid JSON ({})", simdjson::error_message(error)));
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      return JsonFields(object, origin, what).Invalid("not a JSON object");
    }
    return JsonFields(object, origin, what);
  }

  /// InvalidData: `{origin}: invalid {what}: {problem}`.
  Status Invalid(std::string_view problem) const {
    return Status::InvalidData(fmt::format("{}: invalid {}: {}", origin_, what_, problem));
  }

  simdjson::dom::object object() const { return object_; }
  /// A member that is present and not null.
  bool Has(std::string_view key) const {
    simdjson::dom::element element;
    return object_[key].get(element) == simdjson::SUCCESS && !element.is_null();
  }
  Result<std::string> String(std::string_view key) const {
    std::string_view value;
    if (object_[key].get_string().get(value) != simdjson::SUCCESS) {
      return Invalid(fmt::format("'{}' must be a string", key));
    }
    return std::string(value);
  }
  Result<int64_t> Int(std::string_view key) const {
    int64_t value = 0;
    if (object_[key].get_int64().get(value) != simdjson::SUCCESS) {
      return Invalid(fmt::format("'{}' must be an integer", key));
    }
    return value;
  }
  /// A size or a count: an integer of at least 0.
  Result<int64_t> Count(std::string_view key) const {
    ASSIGN_OR_RETURN(const int64_t value, Int(key));
    if (value < 0) return Invalid(fmt::format("'{}' must not be negative, got {}", key, value));
    return value;
  }
  Result<double> Double(std::string_view key) const {
    double value = 0;
    if (object_[key].get_double().get(value) != simdjson::SUCCESS) {
      return Invalid(fmt::format("'{}' must be a number", key));
    }
    return value;
  }
  /// The member `key` as an object; `name` is how errors call it (default: the key).
  Result<JsonFields> Object(std::string_view key, std::string_view name = {}) const {
    simdjson::dom::object object;
    if (object_[key].get_object().get(object) != simdjson::SUCCESS) {
      return Invalid(fmt::format("'{}' must be an object", name.empty() ? key : name));
    }
    return JsonFields(object, origin_, what_);
  }
  Result<simdjson::dom::array> Array(std::string_view key) const {
    simdjson::dom::array array;
    if (object_[key].get_array().get(array) != simdjson::SUCCESS) {
      return Invalid(fmt::format("'{}' must be an array", key));
    }
    return array;
  }
  /// An element of an array of this document as an object.
  Result<JsonFields> Element(simdjson::dom::element element, std::string_view array) const {
    simdjson::dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) {
      return Invalid(fmt::format("every entry of '{}' must be an object", array));
    }
    return JsonFields(object, origin_, what_);
  }

  /// SPEC §3 counters in report.json's shape: rows_in, rows_kept, rows_rejected,
  /// rows_duplicate and rejected_by_reason (`name` is how errors call that object).
  Result<FileCounters> Counters(std::string_view reasons_name = "rejected_by_reason") const {
    FileCounters counters;
    ASSIGN_OR_RETURN(counters.rows_in, Count("rows_in"));
    ASSIGN_OR_RETURN(counters.rows_kept, Count("rows_kept"));
    ASSIGN_OR_RETURN(counters.rows_rejected, Count("rows_rejected"));
    ASSIGN_OR_RETURN(counters.rows_duplicate, Count("rows_duplicate"));
    ASSIGN_OR_RETURN(const JsonFields reasons, Object("rejected_by_reason", reasons_name));
    for (const auto field : reasons.object()) {
      const std::optional<RejectReason> reason = RejectReasonFromName(field.key);
      int64_t count = 0;
      if (!reason || field.value.get_int64().get(count) != simdjson::SUCCESS || count < 0) {
        return Invalid(fmt::format("bad reject reason count '{}'", field.key));
      }
      counters.rejected_by_reason[static_cast<size_t>(*reason)] = count;
    }
    return counters;
  }

 private:
  simdjson::dom::object object_;
  std::string origin_;
  std::string what_;
};

}  // namespace streampro
