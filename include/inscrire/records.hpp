// One spelling per result record. Each record the surfaces return (a participation, an account,
// a campaign...) lists its fields once, as an X-macro beside its struct, and everything else is
// made from that list: the struct's members, the Python dicts (bindings/python/src/module.cpp),
// the CLI's JSON (src/render/record_json.hpp) and the C accessors of plain fields
// (capi/src/records.hpp). tests/python/test_records.py checks every surface against the lists,
// so a surface that forgets a field fails there (CONTRIBUTING.md, "A field of a result").
//
// A list is a macro taking two macros, called once per field in order:
//   FIELD(type, name, presence)     a value each surface converts by its type alone;
//   COMPOUND(type, name, presence)  a record, a list of records, or a value whose C accessor
//                                   is written by hand (it lends a handle, takes an index...).
// presence says what each surface shows:
//   always        the value;
//   unless_empty  "", 0 or the enum's first value mean "none": None in Python, null in JSON
//                 (the C accessor returns the value as it is: "" or 0);
//   internal      the store's and the service's own (row ids): no surface shows it.
// Times are std::int64_t unix seconds (ISO 8601 in JSON, aware datetimes in Python); counts are
// int, counters Count; ids are internal Id, or RecordId where a surface shows them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace inscrire {

enum class Presence { always, unless_empty, internal };

// A row id a record shows (an invitation's): a number on every surface. A type of its own
// because a plain std::int64_t field is a time.
enum class RecordId : std::int64_t {};

// How many times something happened (a counter of Service::stats()): a number on every surface.
// A type of its own for the same reason.
enum class Count : std::int64_t {};

// "", 0 and an enum's first value: what an `unless_empty` field shows as none.
template <class T>
constexpr bool is_empty_field(const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return value.empty();
  } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    return value == T{};
  } else {
    return false;
  }
}

}  // namespace inscrire

// A member of the struct a list describes, value-initialised.
#define INSCRIRE_RECORD_MEMBER(type, name, presence) type name{};

#define INSCRIRE_RECORD_VISIT(type, name, presence) \
  visit(std::string_view(#name), record.name, ::inscrire::Presence::presence);

// Declares, beside the struct `Record` made from `LIST`:
//   for_each_field(record, visit)  calls visit(name, value, presence) for every field in order;
//   record_name(record)            "Record".
#define INSCRIRE_DESCRIBE_RECORD(Record, LIST)                         \
  template <class Visit>                                               \
  constexpr void for_each_field(const Record& record, Visit&& visit) { \
    LIST(INSCRIRE_RECORD_VISIT, INSCRIRE_RECORD_VISIT)                 \
  }                                                                    \
  constexpr std::string_view record_name(const Record&) noexcept { return #Record; }
