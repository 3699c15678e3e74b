// Result records as JSON values, made from each record's one list of fields
// (include/inscrire/records.hpp): a record becomes an object keyed by field name in list order,
// a list an array, an enum its name, a time ISO 8601 UTC, a birth date ISO. The CLI's --json
// output is made of these (docs/cli.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inscrire/render.hpp"
#include "inscrire/service.hpp"
#include "render/json.hpp"

namespace inscrire {

// A type whose fields a list describes (INSCRIRE_DESCRIBE_RECORD).
template <class T>
concept DescribedRecord = requires(const T& record) {
  record_name(record);
};

inline Json to_json(const std::string& value) { return Json(value); }
inline Json to_json(bool value) { return Json(value); }
inline Json to_json(int value) { return Json(value); }
inline Json to_json(std::int64_t unix_seconds) { return Json(iso8601_utc(unix_seconds)); }
inline Json to_json(const BirthDate& date) { return Json(date.iso()); }
inline Json to_json(ErrorCode code) { return Json(code_name(code)); }
inline Json to_json(MatchStatus status) { return Json(match_status_name(status)); }
inline Json to_json(MatchStage stage) { return Json(match_stage_name(stage)); }
inline Json to_json(LoginStatus status) { return Json(login_status_name(status)); }
inline Json to_json(CampaignStatus status) { return Json(campaign_status_name(status)); }
inline Json to_json(LearnerState state) { return Json(learner_state_name(state)); }
inline Json to_json(BlockState state) { return Json(block_state_name(state)); }
inline Json to_json(StaffRole role) { return Json(staff_role_name(role)); }
inline Json to_json(RecordId id) { return Json(static_cast<std::int64_t>(id)); }
inline Json to_json(Count count) { return Json(static_cast<std::int64_t>(count)); }
// {"left": 2, "no_ine": 0, ..., "total": 2}
Json to_json(const SkipCounts& skipped);

template <class T>
Json to_json(const std::optional<T>& value);
template <class T>
Json to_json(const std::vector<T>& values);
template <DescribedRecord T>
Json to_json(const T& record);
// The admin view of a learner: the roster row's fields, then "state" and "account" beside them
// (as Python's Learner), so that a learner reads the same in every list.
Json to_json(const LearnerAccountView& row);

template <class T>
Json to_json(const std::optional<T>& value) {
  return value ? to_json(*value) : Json();
}

template <class T>
Json to_json(const std::vector<T>& values) {
  auto array = Json::array();
  for (const auto& value : values) array.push(to_json(value));
  return array;
}

template <DescribedRecord T>
Json to_json(const T& record) {
  auto object = Json::object();
  for_each_field(record, [&](std::string_view name, const auto& value, Presence presence) {
    if (presence == Presence::internal) return;
    const bool none = presence == Presence::unless_empty && is_empty_field(value);
    object.set(std::string(name), none ? Json() : to_json(value));
  });
  return object;
}

}  // namespace inscrire
