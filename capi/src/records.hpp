// The C accessors of plain record fields, made from each record's one list of fields
// (include/inscrire/records.hpp): for every FIELD entry of a list, a shim
//   <C type> inscrire_<prefix>_<field>(const <handle> *h)               (a record the handle holds)
//   <C type> inscrire_<prefix>_<field>(const <handle> *h, size_t index) (an item of its list)
// returning the value as C sees it: text as a pointer the handle lends (NULL for an absent
// optional), times and counts as integers (0 when absent), flags as 0 or 1, enums as their
// static names, error codes as their pinned numbers; NULL or 0 for a NULL handle or an index
// out of range (and, with INSCRIRE_C_FIELD_OR_NONE, for an empty `unless_empty` field).
// COMPOUND entries (nested records, lists) and the few fields whose C form differs keep
// accessors written by hand beside the shims. The declarations stay in
// capi/include/inscrire.h, the ABI's one text; the compiler checks that each shim matches its
// declaration, and capi_symbols that each is exported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "internal.hpp"

namespace inscrire::capi {

inline const char* c_value(const std::string& value) noexcept { return value.c_str(); }
inline const char* c_value(const std::optional<std::string>& value) noexcept {
  return value ? value->c_str() : nullptr;
}
inline int64_t c_value(std::int64_t value) noexcept { return value; }
inline int64_t c_value(const std::optional<std::int64_t>& value) noexcept {
  return value.value_or(0);
}
inline int c_value(int value) noexcept { return value; }
inline int64_t c_value(RecordId id) noexcept { return static_cast<int64_t>(id); }
inline int64_t c_value(Count count) noexcept { return static_cast<int64_t>(count); }
inline int c_value(bool value) noexcept { return value ? 1 : 0; }
inline int c_value(ErrorCode code) noexcept { return to_c(code); }
// The names are string literals: NUL-terminated, static storage.
inline const char* c_value(CampaignStatus status) noexcept {
  return campaign_status_name(status).data();
}
inline const char* c_value(LearnerState state) noexcept { return learner_state_name(state).data(); }
inline const char* c_value(BlockState state) noexcept { return block_state_name(state).data(); }
inline const char* c_value(StaffRole role) noexcept { return staff_role_name(role).data(); }

// The C type of a C++ field type. The shims spell their return type with the decltype itself,
// not through this alias: debug information then names the type as inscrire.h does (int64_t,
// int), which the ABI baseline compares.
template <class T>
using c_type = decltype(c_value(std::declval<const T&>()));
#define INSCRIRE_C_TYPE(type) decltype(::inscrire::capi::c_value(std::declval<const type&>()))

}  // namespace inscrire::capi

// A list's entry that the C surface does not show, or shows through an accessor by hand.
#define INSCRIRE_C_NONE(type, name, presence)

// The shim of one field of `handle->member` (a record), unless the field is internal.
#define INSCRIRE_C_FIELD(Handle, prefix, member, type, name, presence) \
  INSCRIRE_C_FIELD_##presence(Handle, prefix, member, type, name)
#define INSCRIRE_C_FIELD_always(Handle, prefix, member, type, name)            \
  INSCRIRE_C_TYPE(type) inscrire_##prefix##_##name(const Handle* handle) {     \
    return handle == nullptr ? ::inscrire::capi::c_type<type>{}                \
                             : ::inscrire::capi::c_value(handle->member.name); \
  }
#define INSCRIRE_C_FIELD_unless_empty INSCRIRE_C_FIELD_always
#define INSCRIRE_C_FIELD_internal(Handle, prefix, member, type, name)

// The same for a record whose `unless_empty` fields read as none in C too: NULL for "" (a token
// that does not apply, as inscrire_login_result_session_token), 0 for 0. Records whose C
// accessors shipped returning "" keep INSCRIRE_C_FIELD.
#define INSCRIRE_C_FIELD_OR_NONE(Handle, prefix, member, type, name, presence) \
  INSCRIRE_C_FIELD_OR_NONE_##presence(Handle, prefix, member, type, name)
#define INSCRIRE_C_FIELD_OR_NONE_always INSCRIRE_C_FIELD_always
#define INSCRIRE_C_FIELD_OR_NONE_unless_empty(Handle, prefix, member, type, name) \
  INSCRIRE_C_TYPE(type) inscrire_##prefix##_##name(const Handle* handle) {        \
    return handle == nullptr || ::inscrire::is_empty_field(handle->member.name)   \
               ? ::inscrire::capi::c_type<type>{}                                 \
               : ::inscrire::capi::c_value(handle->member.name);                  \
  }
#define INSCRIRE_C_FIELD_OR_NONE_internal INSCRIRE_C_FIELD_internal

// The shim of one field of `handle->items[index]` (a list of records).
#define INSCRIRE_C_ITEM(Handle, prefix, items, type, name, presence) \
  INSCRIRE_C_ITEM_##presence(Handle, prefix, items, type, name)
#define INSCRIRE_C_ITEM_always(Handle, prefix, items, type, name)                        \
  INSCRIRE_C_TYPE(type) inscrire_##prefix##_##name(const Handle* handle, size_t index) { \
    return handle == nullptr || index >= handle->items.size()                            \
               ? ::inscrire::capi::c_type<type>{}                                        \
               : ::inscrire::capi::c_value(handle->items[index].name);                   \
  }
#define INSCRIRE_C_ITEM_unless_empty INSCRIRE_C_ITEM_always
#define INSCRIRE_C_ITEM_internal(Handle, prefix, items, type, name)
