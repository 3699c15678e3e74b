// inscrire._native: the pybind11 layer over the C++ core. It is deliberately thin: results come
// back as plain dicts, lists and strings, and bindings/python/inscrire/__init__.py turns them
// into frozen dataclasses, dates and exception classes.
//
// Threading (docs/python.md, "Threads"):
// - every call into the core releases the GIL first, then takes the handle's lock, so other
//   Python threads run while a call hashes a password or imports a roster;
// - the lock is a shared mutex: calls run concurrently (the Service is thread-safe), close()
//   takes it exclusively and so waits for the calls in flight, which therefore never see a
//   destroyed Service;
// - Python callbacks (import progress, clock) take the GIL back while they run; an exception
//   they raise is parked on the calling thread and re-raised once the core has unwound;
// - a callback calling back into the same Database would wait on locks its own thread holds:
//   it raises RuntimeError instead.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actor.hpp"
#include "inscrire/birthdate.hpp"
#include "inscrire/error.hpp"
#include "inscrire/render.hpp"
#include "inscrire/service.hpp"
#include "inscrire/text.hpp"
#include "inscrire/username.hpp"
#include "records.hpp"

namespace py = pybind11;

namespace inscrire::python {
namespace {

// ---------------------------------------------------------------------------------------------
// Errors

// Operation on a closed Database (ValueError, like an operation on a closed file).
struct DatabaseClosed {};
// A callback raised a Python exception; it is parked in the CallScope of this thread.
struct CallbackFailed {};

// Builds the Python exception for a core error through inscrire._error_factory, set by
// __init__.py: factory(code, detail, message_fr, message_en, extra) -> exception instance.
void raise_core_error(const Error& error, const py::dict& extra) {
  const auto code = std::string(code_name(error.code()));
  try {
    auto native = py::module_::import("inscrire._native");
    if (!py::hasattr(native, "_error_factory")) {
      PyErr_SetString(PyExc_RuntimeError, (code + ": " + error.message()).c_str());
      return;
    }
    py::object instance =
        native.attr("_error_factory")(code, error.detail(), error.message(Language::French),
                                      error.message(Language::English), extra);
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(instance.ptr())), instance.ptr());
  } catch (py::error_already_set& failure) {
    failure.restore();
  }
}

py::object empty_as_none(const std::string& value) {
  return value.empty() ? py::object(py::none()) : py::object(py::str(value));
}

// The credentials with their CSV (render.hpp), which Python's Credentials.csv() returns.
py::dict credentials_with_csv(const Credentials& credentials) {
  auto fields = to_python(credentials);
  fields["csv"] = py::bytes(credentials_csv(credentials)).attr("decode")("utf-8");
  return fields;
}

// Credentials back from the dict Python's Credentials.slips_html makes of itself: the fields
// credential_slips_html reads (render.hpp); a row's temporary_password None for "".
Credentials credentials_from_python(const py::dict& fields) {
  Credentials credentials;
  for (const auto item : fields["rows"]) {
    const auto row = item.cast<py::dict>();
    Credential credential;
    credential.division = row["division"].cast<std::string>();
    credential.last_name = row["last_name"].cast<std::string>();
    credential.first_name = row["first_name"].cast<std::string>();
    credential.username = row["username"].cast<std::string>();
    const py::object password = row["temporary_password"];
    if (!password.is_none()) credential.temporary_password = password.cast<std::string>();
    credentials.rows.push_back(std::move(credential));
  }
  credentials.uai = fields["uai"].cast<std::string>();
  credentials.school = fields["school"].cast<std::string>();
  credentials.temporary_expires_at = fields["temporary_expires_at"].cast<std::int64_t>();
  return credentials;
}

// ---------------------------------------------------------------------------------------------
// Calls into the core

class Database;

// One call of this thread into a Database: detects re-entry from a callback and holds the
// Python exception a callback raised.
struct CallScope {
  explicit CallScope(const Database* db);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  const Database* database;
  CallScope* outer;
  std::optional<py::error_already_set> parked;  // touched only with the GIL held
};

thread_local CallScope* current_scope = nullptr;

bool in_call(const Database* database) {
  for (auto* scope = current_scope; scope != nullptr; scope = scope->outer) {
    if (scope->database == database) return true;
  }
  return false;
}

CallScope::CallScope(const Database* db) : database(db), outer(current_scope) {
  if (db != nullptr && in_call(db)) {
    throw std::runtime_error(
        "re-entrant call: a callback may not call back into the Database that called it");
  }
  current_scope = this;
}

CallScope::~CallScope() { current_scope = outer; }

// Runs a Python callable from core code (GIL released): takes the GIL, and on a Python
// exception parks it in this thread's CallScope and unwinds the core with CallbackFailed.
template <typename Result, typename... Args>
Result call_python(const py::object& callable, Args... args) {
  py::gil_scoped_acquire gil;
  try {
    return callable(args...).template cast<Result>();
  } catch (py::error_already_set& error) {
    if (current_scope != nullptr && !current_scope->parked) {
      current_scope->parked.emplace(std::move(error));
      throw CallbackFailed{};
    }
    error.discard_as_unraisable("inscrire callback");
    throw CallbackFailed{};
  } catch (py::cast_error& error) {
    if (current_scope != nullptr && !current_scope->parked) {
      PyErr_SetString(PyExc_TypeError, error.what());
      current_scope->parked.emplace();
    }
    throw CallbackFailed{};
  }
}

// Re-raises what a callback parked (GIL held).
[[noreturn]] void rethrow_parked(CallScope& scope) {
  if (scope.parked) {
    auto error = std::move(*scope.parked);
    scope.parked.reset();
    throw py::error_already_set(std::move(error));
  }
  throw std::runtime_error("an inscrire callback failed");
}

// A shared py::object whose last release takes the GIL (the core may copy its options, and so
// the clock, on any thread).
std::shared_ptr<py::object> share(py::object object) {
  return std::shared_ptr<py::object>(new py::object(std::move(object)), [](py::object* held) {
    if (Py_IsInitialized() == 0) return;  // interpreter gone: leak rather than crash
    py::gil_scoped_acquire gil;
    delete held;
  });
}

class Database {
 public:
  Database(const std::string& path, ServiceOptions options) : path_(path) {
    CallScope scope(nullptr);
    try {
      py::gil_scoped_release release;
      service_ =
          std::make_unique<Service>(Service::open(std::filesystem::path(path), std::move(options)));
    } catch (const CallbackFailed&) {
      rethrow_parked(scope);
    }
  }

  // Runs `work(service)` with the GIL released and the handle's lock held (shared).
  template <typename Work>
  auto call(Work&& work) -> decltype(work(std::declval<Service&>())) {
    CallScope scope(this);
    try {
      py::gil_scoped_release release;
      std::shared_lock lock(mutex_);
      if (!service_) throw DatabaseClosed{};
      return work(*service_);
    } catch (const CallbackFailed&) {
      rethrow_parked(scope);
    }
  }

  void close() {
    CallScope scope(this);  // refuses close() from a callback of this Database
    py::gil_scoped_release release;
    std::unique_lock lock(mutex_);
    service_.reset();
  }

  bool closed() {
    py::gil_scoped_release release;
    std::shared_lock lock(mutex_);
    return !service_;
  }

  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::shared_mutex mutex_;
  std::unique_ptr<Service> service_;
};

std::string bytes_path(const py::bytes& path) { return std::string(path); }

// A DatabaseStatus as the CLI's `db status --json` prints it (src/cli/database.cpp).
py::dict status_dict(const DatabaseStatus& status) {
  py::dict fields;
  fields["engine"] = status.engine;
  fields["schema_version"] = status.schema_version;
  fields["library_schema_version"] = status.library_schema_version;
  fields["pending_migrations"] = status.pending_migrations();
  return fields;
}

MatchRules parse_matching(const std::string& name) {
  if (name == "extended") return MatchRules::Extended;
  if (name == "pix") return MatchRules::Pix;
  throw py::value_error("matching must be 'extended' or 'pix', not '" + name + "'");
}

MigrationPolicy parse_migrate(const std::string& name) {
  if (const auto policy = migration_policy_from_name(name)) return *policy;
  throw py::value_error("migrate must be 'auto' or 'refuse', not '" + name + "'");
}

CollisionPolicy parse_policy(const std::string& name) {
  if (name == "random") return CollisionPolicy::Random;
  if (name == "sequential") return CollisionPolicy::Sequential;
  throw py::value_error("username_policy must be 'random' or 'sequential', not '" + name + "'");
}

// The policy by its name (second_factor_policy_from_name); INVALID_ARGUMENT otherwise, the
// answer ServiceOptions::validate gives a value out of range.
SecondFactorPolicy second_factor_policy(const std::string& name) {
  const auto policy = second_factor_policy_from_name(name);
  if (!policy) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "staff.second_factor must be off, admins or all");
  }
  return *policy;
}

void set_if(bool& field, const std::optional<bool>& value) {
  if (value) field = *value;
}

// A Python int into an option field, clamped to the field's type: ServiceOptions::validate,
// the core's one check, then refuses -1 or 2**70 as it refuses 0, with the same answer as the
// C ABI and the CLI (a plain conversion would fail in pybind11 with a TypeError instead).
template <typename T>
void set_if(T& field, const std::optional<py::int_>& value) {
  if (!value) return;
  int overflow = 0;
  const long long number = PyLong_AsLongLongAndOverflow(value->ptr(), &overflow);
  constexpr auto low = static_cast<long long>(std::numeric_limits<T>::min());
  constexpr auto high = static_cast<long long>(std::numeric_limits<T>::max());
  if (overflow < 0 || number < low) {
    field = std::numeric_limits<T>::min();
  } else if (overflow > 0 || number > high) {
    field = std::numeric_limits<T>::max();
  } else {
    field = static_cast<T>(number);
  }
}

using IntOption = std::optional<py::int_>;

std::unique_ptr<Database> open_database(
    const py::bytes& path, const std::string& username_policy, const std::string& matching,
    const IntOption& hash_memory_kib, const IntOption& hash_iterations,
    const IntOption& hash_parallelism, std::optional<bool> refuse_weak_passwords,
    const IntOption& busy_timeout_ms, const IntOption& throttle_max_failures,
    const IntOption& throttle_window_seconds, const IntOption& login_throttle_max_failures,
    const IntOption& login_throttle_window_seconds, const IntOption& login_failures_per_block,
    const IntOption& login_first_block_seconds, const IntOption& login_permanent_block_failures,
    const IntOption& change_token_seconds, const IntOption& session_seconds,
    const IntOption& temporary_password_days, std::optional<bool> require_staff,
    const IntOption& staff_session_idle_seconds, const IntOption& staff_session_seconds,
    const IntOption& staff_invitation_days, const std::optional<std::string>& staff_second_factor,
    const std::optional<py::bytes>& second_factor_key_file, const IntOption& audit_retention_days,
    const py::object& clock, const std::string& migrate) {
  ServiceOptions options;
  options.username_policy = parse_policy(username_policy);
  options.matching = parse_matching(matching);
  options.migrate = parse_migrate(migrate);
  set_if(options.hash_parameters.memory_kib, hash_memory_kib);
  set_if(options.hash_parameters.iterations, hash_iterations);
  set_if(options.hash_parameters.parallelism, hash_parallelism);
  set_if(options.refuse_weak_passwords, refuse_weak_passwords);
  set_if(options.busy_timeout_ms, busy_timeout_ms);
  set_if(options.throttle.max_failures, throttle_max_failures);
  set_if(options.throttle.window_seconds, throttle_window_seconds);
  set_if(options.throttle.max_login_failures, login_throttle_max_failures);
  set_if(options.throttle.login_window_seconds, login_throttle_window_seconds);
  set_if(options.login.failures_per_block, login_failures_per_block);
  set_if(options.login.first_block_seconds, login_first_block_seconds);
  set_if(options.login.permanent_block_failures, login_permanent_block_failures);
  set_if(options.login.change_token_seconds, change_token_seconds);
  set_if(options.login.session_seconds, session_seconds);
  set_if(options.login.temporary_password_days, temporary_password_days);
  set_if(options.require_staff, require_staff);
  set_if(options.staff.session_idle_seconds, staff_session_idle_seconds);
  set_if(options.staff.session_seconds, staff_session_seconds);
  set_if(options.staff.invitation_days, staff_invitation_days);
  if (staff_second_factor) options.staff.second_factor = second_factor_policy(*staff_second_factor);
  if (second_factor_key_file) {
    options.staff.second_factor_key_file = bytes_path(*second_factor_key_file);
  }
  set_if(options.staff.audit_retention_days, audit_retention_days);
  if (!clock.is_none()) {
    if (PyCallable_Check(clock.ptr()) == 0) throw py::type_error("clock must be callable");
    auto held = share(clock);
    options.clock = [held]() { return call_python<std::int64_t>(*held); };
  }
  return std::make_unique<Database>(bytes_path(path), std::move(options));
}

BirthDate parse_birthdate(const std::string& text) { return BirthDate::parse(text); }

// A number of days the core reads 0 of as "the policy's default" (invite_staff's valid_days,
// purge_audit's older_than_days): None is that default; a number given, 0 included, goes to
// the core's range check (an explicit 0 is refused there like -1, not taken for None).
int days_or_default(const IntOption& days) {
  if (!days) return 0;
  int value = 0;
  set_if(value, days);
  return value == 0 ? -1 : value;
}

// The audit log's filters and page (unix seconds; figures clamped as for options, so that the
// core refuses any out-of-range value with INVALID_ARGUMENT).
AuditQuery audit_query(const IntOption& since, const std::optional<std::string>& action,
                       const IntOption& limit, const IntOption& offset) {
  AuditQuery query;
  if (since) {
    std::int64_t seconds = 0;
    set_if(seconds, since);
    query.since = seconds;
  }
  query.action = action;
  set_if(query.limit, limit);
  set_if(query.offset, offset);
  return query;
}

// The admin list's filters: a state by its name (docs/rules.md §7), paging figures clamped to
// int so that the core refuses any out-of-range value with INVALID_ARGUMENT, as for options.
LearnerQuery learner_query(const std::optional<std::string>& division,
                           const std::optional<std::string>& state,
                           const std::optional<std::string>& search, const IntOption& limit,
                           const IntOption& offset) {
  LearnerQuery query;
  query.division = division;
  query.search = search;
  if (state) {
    query.state = learner_state_from_name(*state);
    if (!query.state) {
      throw Error(ErrorCode::INVALID_ARGUMENT,
                  "(state: no_account, active, must_change_password, blocked or disabled)");
    }
  }
  set_if(query.limit, limit);
  set_if(query.offset, offset);
  return query;
}

}  // namespace
}  // namespace inscrire::python

PYBIND11_MODULE(_native, m) {
  using namespace inscrire;
  using namespace inscrire::python;
  using Db = inscrire::python::Database;

  m.doc() = "The C++ core of inscrire (private: use the inscrire package).";
  m.attr("__version__") = std::string(version());

  // pybind11 takes a function pointer of exactly this type: the pointer is passed by value.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const ImportRefused& error) {
      py::dict extra;
      extra["report"] = to_python(error.report());
      raise_core_error(error, extra);
    } catch (const LoginError& error) {
      py::dict extra;
      extra["remaining_attempts"] = error.remaining_attempts()
                                        ? py::object(py::int_(*error.remaining_attempts()))
                                        : py::object(py::none());
      extra["retry_after"] = error.retry_after_seconds() > 0
                                 ? py::object(py::int_(error.retry_after_seconds()))
                                 : py::object(py::none());
      raise_core_error(error, extra);
    } catch (const MatchRefused& error) {
      py::dict extra;
      extra["username_hint"] = empty_as_none(error.masked_username());
      raise_core_error(error, extra);
    } catch (const ThrottledError& error) {
      py::dict extra;
      extra["retry_after"] = error.retry_after_seconds();
      raise_core_error(error, extra);
    } catch (const Error& error) {
      raise_core_error(error, py::dict());
    } catch (const DatabaseClosed&) {
      PyErr_SetString(PyExc_ValueError, "operation on a closed inscrire Database");
    } catch (const CallbackFailed&) {
      PyErr_SetString(PyExc_RuntimeError, "an inscrire callback failed");
    }
  });

  // --- functions without a database --------------------------------------------------------
  m.def("record_fields",
        &records_fields<Organization, LearnerView, PupilLearner, Campaign, RosterError,
                        ImportReport, MatchReport, Registration, LoginResult, Credential,
                        Credentials, SessionLearner, Session, ParticipationView, Participant,
                        AccountView, LearnerAccountView, AccountLink, AccountDetails, Membership,
                        StaffInvitation, StaffLogin, StaffSession, SecondFactorEnrolment,
                        StaffMember, PendingInvitation, AuditRow, ServiceStats>,
        "The fields of every result record, as its one list names them (tests).");
  m.def(
      "credential_slips_html",
      [](const py::dict& credentials, const std::string& base_url, int per_page) {
        return credential_slips_html(credentials_from_python(credentials), base_url, per_page);
      },
      "The per-pupil slips of a credential generation (Credentials.slips_html).");
  m.def(
      "error_codes",
      [] {
        std::vector<std::string> names;
        for (const auto code : all_error_codes()) names.emplace_back(code_name(code));
        return names;
      },
      "Every stable error code, in declaration order.");
  m.def(
      "describe",
      [](const std::string& code, const std::string& language) {
        const auto parsed = code_from_name(code);
        if (!parsed) throw py::value_error("unknown error code '" + code + "'");
        if (language != "fr" && language != "en")
          throw py::value_error("language must be 'fr' or 'en'");
        return std::string(
            describe(*parsed, language == "en" ? Language::English : Language::French));
      },
      py::arg("code"), py::arg("language") = "fr");
  m.def(
      "staff_role",
      [](const std::string& name) { return std::string(staff_role_name(staff_role(name))); },
      py::arg("name"), "A role's name as the core reads it: ADMIN or MEMBER (INVALID_ARGUMENT).");
  m.def(
      "comparison_key", [](const std::string& text) { return comparison_key(text); },
      py::arg("text"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "username_part", [](const std::string& text) { return username_part(text); }, py::arg("text"),
      py::call_guard<py::gil_scoped_release>());
  m.def(
      "validate_name", [](const std::string& text) { validate_name(text); }, py::arg("text"),
      py::call_guard<py::gil_scoped_release>());
  m.def(
      "is_valid_username", [](const std::string& text) { return is_valid_username(text); },
      py::arg("username"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "parse_birthdate",
      [](const std::string& text) {
        const auto date = parse_birthdate(text);
        return std::make_tuple(date.year(), date.month(), date.day());
      },
      py::arg("text"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "check_birthdate",
      [](int year, int month, int day) {
        const auto date = BirthDate::from_ymd(year, month, day);
        return std::make_tuple(date.year(), date.month(), date.day());
      },
      py::arg("year"), py::arg("month"), py::arg("day"), py::call_guard<py::gil_scoped_release>());
  m.def(
      "base_username",
      [](const std::string& first, const std::string& last, const std::string& birthdate) {
        return base_username(UsernameSource{first, last}, BirthDate::parse(birthdate));
      },
      py::arg("first_name"), py::arg("last_name"), py::arg("birthdate"),
      py::call_guard<py::gil_scoped_release>());

  // --- the operator's database commands (inscrire db ..., docs/deployment.md) ---------------
  // Each on a connection of its own; the GIL is released while the core works (a backup copies
  // the whole file).
  const auto status_command = [](DatabaseStatus (*command)(const std::filesystem::path&)) {
    return [command](const py::bytes& location) {
      const auto path = bytes_path(location);
      DatabaseStatus found;
      {
        const py::gil_scoped_release unlocked;
        found = command(path);
      }
      return status_dict(found);
    };
  };
  m.def("database_status", status_command(&database_status), py::arg("location"));
  m.def("migrate_database", status_command(&migrate_database), py::arg("location"));
  m.def(
      "check_database",
      [](const py::bytes& location) {
        const auto path = bytes_path(location);
        DatabaseCheck found;
        {
          const py::gil_scoped_release unlocked;
          found = check_database(path);
        }
        return py::make_tuple(status_dict(found.status), found.problems);
      },
      py::arg("location"));
  m.def(
      "backup_database",
      [](const py::bytes& location, const py::bytes& target) {
        const auto from = bytes_path(location);
        const auto to = bytes_path(target);
        const py::gil_scoped_release unlocked;
        backup_database(from, to);
      },
      py::arg("location"), py::arg("target"));

  // --- the database handle -------------------------------------------------------------------
  py::class_<Db>(m, "Database")
      // Options by keyword only: a positional list of two dozen ints and bools would let two
      // swapped values through unnoticed.
      .def(py::init(&open_database), py::arg("path"), py::kw_only(),
           py::arg("username_policy") = "random", py::arg("matching") = "extended",
           py::arg("hash_memory_kib") = py::none(), py::arg("hash_iterations") = py::none(),
           py::arg("hash_parallelism") = py::none(), py::arg("refuse_weak_passwords") = py::none(),
           py::arg("busy_timeout_ms") = py::none(), py::arg("throttle_max_failures") = py::none(),
           py::arg("throttle_window_seconds") = py::none(),
           py::arg("login_throttle_max_failures") = py::none(),
           py::arg("login_throttle_window_seconds") = py::none(),
           py::arg("login_failures_per_block") = py::none(),
           py::arg("login_first_block_seconds") = py::none(),
           py::arg("login_permanent_block_failures") = py::none(),
           py::arg("change_token_seconds") = py::none(), py::arg("session_seconds") = py::none(),
           py::arg("temporary_password_days") = py::none(), py::arg("require_staff") = py::none(),
           py::arg("staff_session_idle_seconds") = py::none(),
           py::arg("staff_session_seconds") = py::none(),
           py::arg("staff_invitation_days") = py::none(),
           py::arg("staff_second_factor") = py::none(),
           py::arg("second_factor_key_file") = py::none(),
           py::arg("audit_retention_days") = py::none(), py::arg("clock") = py::none(),
           py::arg("migrate") = "auto")
      .def_property_readonly("path", &Db::path)
      .def_property_readonly("closed", &Db::closed)
      .def("close", &Db::close)
      .def("create_organization",
           [](Db& db, const std::string& uai, const std::string& name, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(
                 db.call([&](Service& s) { return s.create_organization(uai, name, who); }));
           })
      .def("organizations",
           [](Db& db, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.organizations(who); }));
           })
      .def("import_roster",
           [](Db& db, const std::string& uai, const py::bytes& file, bool dry_run,
              const py::object& progress, const OptionalActor& actor) {
             ImportOptions options;
             options.dry_run = dry_run;
             if (!progress.is_none()) {
               const py::object* callback = &progress;  // outlives the call; copies stay GIL-free
               options.progress = [callback](std::uint64_t done, std::uint64_t total) {
                 call_python<py::object>(*callback, done, total);
               };
             }
             const auto path = std::filesystem::path(bytes_path(file));
             const auto who = to_actor(actor);
             return to_python(
                 db.call([&](Service& s) { return s.import_roster(uai, path, options, who); }));
           })
      .def("learners",
           [](Db& db, const std::string& uai, const std::optional<std::string>& division,
              bool include_disabled, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call(
                 [&](Service& s) { return s.learners(uai, division, include_disabled, who); }));
           })
      .def("learner_page",
           [](Db& db, const std::string& uai, const std::optional<std::string>& division,
              const std::optional<std::string>& state, const std::optional<std::string>& search,
              const IntOption& limit, const IntOption& offset, const OptionalActor& actor) {
             const auto query = learner_query(division, state, search, limit, offset);
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.learners(uai, query, who); }));
           })
      .def("learner",
           [](Db& db, const std::string& uai, const std::string& ine, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.learner(uai, ine, who); }));
           })
      .def("account",
           [](Db& db, const std::string& username, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.account(username, who); }));
           })
      .def("create_campaign",
           [](Db& db, const std::string& uai, const std::string& name,
              const std::optional<std::string>& division,
              const std::optional<std::string>& target_profile,
              const std::optional<std::string>& owner, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) {
               return s.create_campaign(uai, name, division, target_profile, who, owner);
             }));
           })
      .def("find_campaign",
           [](Db& db, const std::string& code, const std::string& client_key) {
             return to_python(
                 db.call([&](Service& s) { return s.find_campaign(code, client_key); }));
           })
      .def("campaigns",
           [](Db& db, const std::string& uai, bool include_deleted, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(
                 db.call([&](Service& s) { return s.campaigns(uai, who, include_deleted); }));
           })
      .def("update_campaign",
           [](Db& db, const std::string& code, const std::optional<std::string>& name,
              const std::optional<std::string>& owner, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(
                 db.call([&](Service& s) { return s.update_campaign(code, who, name, owner); }));
           })
      .def("delete_participation",
           [](Db& db, const std::string& code, const std::string& ine, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.delete_participation(code, ine, who); });
           })
      .def("archive_campaign",
           [](Db& db, const std::string& code, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.archive_campaign(code, who); }));
           })
      .def("unarchive_campaign",
           [](Db& db, const std::string& code, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.unarchive_campaign(code, who); }));
           })
      .def("delete_campaign",
           [](Db& db, const std::string& code, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.delete_campaign(code, who); });
           })
      .def("match",
           [](Db& db, const std::string& code, const std::string& first, const std::string& last,
              const std::string& birthdate, const std::string& client_key) {
             return to_python(db.call(
                 [&](Service& s) { return s.match(code, first, last, birthdate, client_key); }));
           })
      .def("register_pupil",
           [](Db& db, const std::string& code, const std::string& first, const std::string& last,
              const std::string& birthdate, const std::string& password,
              const std::string& client_key) {
             return to_python(db.call([&](Service& s) {
               return s.register_pupil(code, first, last, birthdate, password, client_key);
             }));
           })
      .def("login",
           [](Db& db, const std::string& username, const std::string& password,
              const std::string& client_key) {
             return to_python(
                 db.call([&](Service& s) { return s.login(username, password, client_key); }));
           })
      .def("authenticate",
           [](Db& db, const std::string& session_token) {
             return to_python(db.call([&](Service& s) { return s.authenticate(session_token); }));
           })
      .def("logout",
           [](Db& db, const std::string& session_token) {
             db.call([&](Service& s) { s.logout(session_token); });
           })
      .def("participations",
           [](Db& db, const std::string& session_token) {
             return to_python(db.call([&](Service& s) { return s.participations(session_token); }));
           })
      .def("complete_participation",
           [](Db& db, const std::string& session_token, const std::string& code) {
             return to_python(db.call(
                 [&](Service& s) { return s.complete_participation(session_token, code); }));
           })
      .def("share_participation",
           [](Db& db, const std::string& session_token, const std::string& code) {
             return to_python(
                 db.call([&](Service& s) { return s.share_participation(session_token, code); }));
           })
      .def("change_password",
           [](Db& db, const std::string& username, const std::string& old_password,
              const std::string& new_password) {
             db.call([&](Service& s) { s.change_password(username, old_password, new_password); });
           })
      .def("change_password_with_token",
           [](Db& db, const std::string& token, const std::string& new_password) {
             db.call([&](Service& s) { s.change_password_with_token(token, new_password); });
           })
      .def("join_campaign",
           [](Db& db, const std::string& session_token, const std::string& code) {
             return to_python(
                 db.call([&](Service& s) { return s.join_campaign(session_token, code); }));
           })
      .def("join_campaign_as",
           [](Db& db, const std::string& session_token, const std::string& code,
              const std::string& first, const std::string& last, const std::string& birthdate,
              const std::string& client_key) {
             return to_python(db.call([&](Service& s) {
               return s.join_campaign(session_token, code, first, last, birthdate, client_key);
             }));
           })
      .def("not_joined",
           [](Db& db, const std::string& code, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.not_joined(code, who); }));
           })
      .def("campaign_participants",
           [](Db& db, const std::string& code, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(
                 db.call([&](Service& s) { return s.campaign_participants(code, who); }));
           })
      .def("participants_csv",
           [](Db& db, const std::string& code, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             const auto csv = db.call(
                 [&](Service& s) { return participants_csv(s.campaign_participants(code, who)); });
             return py::bytes(csv).attr("decode")("utf-8");
           })
      .def("class_sheet",
           [](Db& db, const std::string& code, const std::string& base_url,
              const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return db.call(
                 [&](Service& s) { return class_sheet_html(s.class_sheet(code, base_url, who)); });
           })
      .def("reset_password",
           [](Db& db, const std::string& uai, const std::string& username,
              const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return db.call([&](Service& s) { return s.reset_password(uai, username, who); });
           })
      .def("unblock",
           [](Db& db, const std::string& uai, const std::string& username,
              const OptionalActor& actor) {
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.unblock(uai, username, who); });
           })
      .def("import_account",
           [](Db& db, const std::string& uai, const std::string& ine, const std::string& username,
              const std::string& password_hash, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return db.call([&](Service& s) {
               return s.import_account(uai, ine, username, password_hash, who);
             });
           })
      .def("generate_credentials",
           [](Db& db, const std::string& uai, const std::string& division, bool reset_existing,
              const std::vector<std::string>& ines, const OptionalActor& actor) {
             CredentialOptions options;
             options.reset_existing = reset_existing;
             options.ines = ines;
             const auto who = to_actor(actor);
             return credentials_with_csv(db.call(
                 [&](Service& s) { return s.generate_credentials(uai, division, options, who); }));
           })
      .def("dissociate",
           [](Db& db, const std::string& uai, const std::string& ine, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.dissociate(uai, ine, who); });
           })
      .def("anonymize_learner",
           [](Db& db, const std::string& uai, const std::string& ine, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.anonymize_learner(uai, ine, who); });
           })
      .def("export_learner",
           [](Db& db, const std::string& uai, const std::string& ine, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return db.call(
                 [&](Service& s) { return learner_export_json(s.export_learner(uai, ine, who)); });
           })
      // --- school staff (docs/rules.md §9) ---------------------------------------------------
      .def("invite_staff",
           [](Db& db, const std::string& uai, const std::string& role, const IntOption& valid_days,
              const OptionalActor& actor) {
             const auto as = staff_role(role);
             const auto days = days_or_default(valid_days);
             const auto who = to_actor(actor);
             return to_python(
                 db.call([&](Service& s) { return s.invite_staff(uai, as, who, days); }));
           })
      .def("accept_staff_invitation",
           [](Db& db, const std::string& code, const std::string& username,
              const std::string& display_name, const std::string& password,
              const std::string& client_key) {
             return to_python(db.call([&](Service& s) {
               return s.accept_staff_invitation(code, username, display_name, password, client_key);
             }));
           })
      .def("accept_staff_invitation_in_session",
           [](Db& db, const std::string& code, const OptionalActor& session,
              const std::string& client_key) {
             const auto who = to_actor(session);
             return to_python(db.call(
                 [&](Service& s) { return s.accept_staff_invitation(code, who, client_key); }));
           })
      .def("staff_login",
           [](Db& db, const std::string& username, const std::string& password,
              const std::string& client_key, const std::string& totp) {
             return to_python(db.call(
                 [&](Service& s) { return s.staff_login(username, password, client_key, totp); }));
           })
      .def("staff_authenticate",
           [](Db& db, const std::string& session_token) {
             return to_python(
                 db.call([&](Service& s) { return s.staff_authenticate(session_token); }));
           })
      .def("staff_logout",
           [](Db& db, const std::string& session_token) {
             db.call([&](Service& s) { s.staff_logout(session_token); });
           })
      .def("members",
           [](Db& db, const std::string& uai, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.members(uai, who); }));
           })
      .def("invitations",
           [](Db& db, const std::string& uai, const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.invitations(uai, who); }));
           })
      .def("set_member_role",
           [](Db& db, const std::string& uai, const std::string& username, const std::string& role,
              const OptionalActor& actor) {
             const auto as = staff_role(role);
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.set_member_role(uai, username, as, who); });
           })
      .def("remove_member",
           [](Db& db, const std::string& uai, const std::string& username,
              const OptionalActor& actor) {
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.remove_member(uai, username, who); });
           })
      .def("revoke_staff_invitation",
           [](Db& db, const std::string& uai, const py::int_& invitation_id,
              const OptionalActor& actor) {
             std::int64_t id = 0;
             set_if(id, IntOption(invitation_id));  // out of range: no such invitation
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.revoke_staff_invitation(uai, RecordId{id}, who); });
           })
      .def("reset_staff_password",
           [](Db& db, const std::string& uai, const std::string& username,
              const OptionalActor& actor) {
             const auto who = to_actor(actor);
             return db.call([&](Service& s) { return s.reset_staff_password(uai, username, who); });
           })
      .def("change_staff_password",
           [](Db& db, const std::string& username, const std::string& old_password,
              const std::string& new_password) {
             db.call([&](Service& s) {
               s.change_staff_password(username, old_password, new_password);
             });
           })
      .def("change_staff_password_with_token",
           [](Db& db, const std::string& token, const std::string& new_password) {
             db.call([&](Service& s) { s.change_staff_password_with_token(token, new_password); });
           })
      .def("begin_second_factor",
           [](Db& db, const std::string& session_token) {
             return to_python(
                 db.call([&](Service& s) { return s.begin_second_factor(session_token); }));
           })
      .def("confirm_second_factor",
           [](Db& db, const std::string& session_token, const std::string& code) {
             return to_python(
                 db.call([&](Service& s) { return s.confirm_second_factor(session_token, code); }));
           })
      .def("reset_second_factor",
           [](Db& db, const std::string& uai, const std::string& username,
              const OptionalActor& actor) {
             const auto who = to_actor(actor);
             db.call([&](Service& s) { s.reset_second_factor(uai, username, who); });
           })
      .def("audit_log",
           [](Db& db, const std::string& uai, const IntOption& since,
              const std::optional<std::string>& action, const IntOption& limit,
              const IntOption& offset, const OptionalActor& actor) {
             const auto query = audit_query(since, action, limit, offset);
             const auto who = to_actor(actor);
             return to_python(db.call([&](Service& s) { return s.audit_log(uai, query, who); }));
           })
      .def("purge_audit",
           [](Db& db, const IntOption& older_than_days, const OptionalActor& actor) {
             const auto days = days_or_default(older_than_days);
             const auto who = to_actor(actor);
             return db.call([&](Service& s) { return s.purge_audit(days, who); });
           })
      .def("stats",
           [](Db& db) { return to_python(db.call([](Service& s) { return s.stats(); })); });
}
