// Result records as Python values, made from each record's one list of fields
// (include/inscrire/records.hpp): a record becomes a dict keyed by field name, a list a list,
// an enum its name, a time its unix seconds, a birth date (year, month, day). __init__.py then
// builds the frozen dataclass its annotations describe (datetimes, dates, enums, nested
// dataclasses), so neither side spells a record's fields by hand.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inscrire/service.hpp"

namespace inscrire::python {

namespace py = pybind11;

// A type whose fields a list describes (INSCRIRE_DESCRIBE_RECORD).
template <class T>
concept Record = requires(const T& record) {
  record_name(record);
};

inline py::object to_python(const std::string& value) { return py::str(value); }
inline py::object to_python(bool value) { return py::bool_(value); }
inline py::object to_python(int value) { return py::int_(value); }
inline py::object to_python(std::int64_t value) { return py::int_(value); }
inline py::object to_python(RecordId id) { return py::int_(static_cast<std::int64_t>(id)); }
inline py::object to_python(Count count) { return py::int_(static_cast<std::int64_t>(count)); }
inline py::object to_python(const BirthDate& date) {
  return py::make_tuple(date.year(), date.month(), date.day());
}
inline py::object to_python(ErrorCode code) { return py::str(std::string(code_name(code))); }
inline py::object to_python(MatchStatus status) {
  return py::str(std::string(match_status_name(status)));
}
inline py::object to_python(MatchStage stage) {
  return py::str(std::string(match_stage_name(stage)));
}
inline py::object to_python(LoginStatus status) {
  return py::str(std::string(login_status_name(status)));
}
inline py::object to_python(CampaignStatus status) {
  return py::str(std::string(campaign_status_name(status)));
}
inline py::object to_python(LearnerState state) {
  return py::str(std::string(learner_state_name(state)));
}
inline py::object to_python(BlockState state) {
  return py::str(std::string(block_state_name(state)));
}
inline py::object to_python(StaffRole role) { return py::str(std::string(staff_role_name(role))); }
// {"left": 2, "no_ine": 0, ...}
inline py::object to_python(const SkipCounts& skipped) {
  py::dict counts;
  for (std::size_t i = 0; i < skipped.size(); ++i) {
    counts[py::str(std::string(skip_reason_name(static_cast<SkipReason>(i))))] = skipped[i];
  }
  return counts;
}

template <class T>
py::object to_python(const std::optional<T>& value);
template <class T>
py::object to_python(const std::vector<T>& values);
template <Record T>
py::dict to_python(const T& record);
py::dict to_python(const MatchReport& report);
py::dict to_python(const LearnerAccountView& row);

template <class T>
py::object to_python(const std::optional<T>& value) {
  return value ? py::object(to_python(*value)) : py::object(py::none());
}

template <class T>
py::object to_python(const std::vector<T>& values) {
  py::list list;
  for (const auto& value : values) list.append(to_python(value));
  return list;
}

template <Record T>
py::dict to_python(const T& record) {
  py::dict fields;
  for_each_field(record, [&](std::string_view name, const auto& value, Presence presence) {
    if (presence == Presence::internal) return;
    const py::str key(name.data(), name.size());
    if (presence == Presence::unless_empty && is_empty_field(value)) {
      fields[key] = py::none();
    } else {
      fields[key] = to_python(value);
    }
  });
  return fields;
}

// With the stable code registration would raise (None when matched): MatchReport::error().
inline py::dict to_python(const MatchReport& report) {
  auto fields = to_python<MatchReport>(report);
  const auto error = report.error();
  fields["error"] = error ? to_python(*error) : py::object(py::none());
  return fields;
}

// Python's Learner is the roster row with its state and account beside its fields.
inline py::dict to_python(const LearnerAccountView& row) {
  auto fields = to_python(row.learner);
  fields["state"] = to_python(row.state);
  fields["account"] = to_python(row.account);
  return fields;
}

// The fields of a record as its list names them, with their presence ("always",
// "unless_empty", "internal"): what tests/python/test_records.py checks the surfaces against.
template <Record T>
py::list record_fields() {
  py::list fields;
  for_each_field(T{}, [&](std::string_view name, const auto&, Presence presence) {
    static constexpr const char* kPresence[] = {"always", "unless_empty", "internal"};
    fields.append(py::make_tuple(std::string(name), kPresence[static_cast<int>(presence)]));
  });
  return fields;
}

// Every result record a surface returns, by its C++ name.
template <Record... T>
py::dict records_fields() {
  py::dict records;
  ((records[py::str(std::string(record_name(T{})))] = record_fields<T>()), ...);
  return records;
}

}  // namespace inscrire::python
