// Options, the database handle and schools.
#include "internal.hpp"
#include "records.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

bool is_language(int language) noexcept {
  return language == INSCRIRE_LANGUAGE_FRENCH || language == INSCRIRE_LANGUAGE_ENGLISH;
}

void expect(bool valid, const char* what) {
  if (!valid) throw Error(ErrorCode::INVALID_ARGUMENT, what);
}

// Changes one option through ServiceOptions::validate, the core's one check, so that C refuses
// exactly what Python and the CLI refuse; the options object is left unchanged when it is
// refused.
template <typename Change>
int set_option(inscrire_options* options, Change&& change) {
  return guard_in(language_for(options), [&] {
    require(options, "options");
    ServiceOptions changed = options->service;
    change(changed);
    changed.validate();
    options->service = std::move(changed);
  });
}

}  // namespace

extern "C" {

int inscrire_options_new(inscrire_options** out) {
  return guard(nullptr, [&] {
    out_param(out, "out");
    give(out, std::make_unique<inscrire_options>());
  });
}

void inscrire_options_free(inscrire_options* options) { delete options; }

int inscrire_options_set_username_policy(inscrire_options* options, int policy) {
  return guard_in(language_for(options), [&] {
    require(options, "options");
    expect(policy == INSCRIRE_USERNAME_RANDOM || policy == INSCRIRE_USERNAME_SEQUENTIAL,
           "unknown username policy");
    options->service.username_policy =
        policy == INSCRIRE_USERNAME_RANDOM ? CollisionPolicy::Random : CollisionPolicy::Sequential;
  });
}

int inscrire_options_set_hash_memory(inscrire_options* options, uint32_t kib) {
  return set_option(options, [&](ServiceOptions& o) { o.hash_parameters.memory_kib = kib; });
}

int inscrire_options_set_hash_iterations(inscrire_options* options, uint32_t iterations) {
  return set_option(options, [&](ServiceOptions& o) { o.hash_parameters.iterations = iterations; });
}

int inscrire_options_set_busy_timeout(inscrire_options* options, int ms) {
  return set_option(options, [&](ServiceOptions& o) { o.busy_timeout_ms = ms; });
}

int inscrire_options_set_language(inscrire_options* options, int language) {
  return guard_in(language_for(options), [&] {
    require(options, "options");
    expect(is_language(language), "unknown language");
    options->language = static_cast<Language>(language);
  });
}

int inscrire_options_set_throttle(inscrire_options* options, int max_failures, int window_seconds) {
  return set_option(options, [&](ServiceOptions& o) {
    o.throttle.max_failures = max_failures;
    o.throttle.window_seconds = window_seconds;
  });
}

int inscrire_options_set_login_throttle(inscrire_options* options, int max_failures,
                                        int window_seconds) {
  return set_option(options, [&](ServiceOptions& o) {
    o.throttle.max_login_failures = max_failures;
    o.throttle.login_window_seconds = window_seconds;
  });
}

int inscrire_options_set_matching(inscrire_options* options, int matching) {
  return guard_in(language_for(options), [&] {
    require(options, "options");
    expect(matching == INSCRIRE_MATCHING_EXTENDED || matching == INSCRIRE_MATCHING_PIX,
           "unknown matching rules");
    options->service.matching =
        matching == INSCRIRE_MATCHING_PIX ? MatchRules::Pix : MatchRules::Extended;
  });
}

int inscrire_options_set_migrate(inscrire_options* options, int policy) {
  return guard_in(language_for(options), [&] {
    require(options, "options");
    expect(policy == INSCRIRE_MIGRATE_AUTO || policy == INSCRIRE_MIGRATE_REFUSE,
           "unknown migration policy");
    options->service.migrate =
        policy == INSCRIRE_MIGRATE_REFUSE ? MigrationPolicy::Refuse : MigrationPolicy::Auto;
  });
}

int inscrire_options_set_refuse_weak_passwords(inscrire_options* options, int refuse) {
  return guard_in(language_for(options), [&] {
    require(options, "options");
    options->service.refuse_weak_passwords = refuse != 0;
  });
}

int inscrire_options_set_session_lifetime(inscrire_options* options, int seconds) {
  return set_option(options, [&](ServiceOptions& o) { o.login.session_seconds = seconds; });
}

int inscrire_options_set_temporary_password_days(inscrire_options* options, int days) {
  return set_option(options, [&](ServiceOptions& o) { o.login.temporary_password_days = days; });
}

int inscrire_options_set_require_staff(inscrire_options* options, int require) {
  return set_option(options, [&](ServiceOptions& o) { o.require_staff = require != 0; });
}

int inscrire_options_set_staff_sessions(inscrire_options* options, int idle_seconds,
                                        int absolute_seconds) {
  return set_option(options, [&](ServiceOptions& o) {
    o.staff.session_idle_seconds = idle_seconds;
    o.staff.session_seconds = absolute_seconds;
  });
}

int inscrire_options_set_second_factor(inscrire_options* options, const char* policy,
                                       const char* key_file) {
  return set_option(options, [&](ServiceOptions& o) {
    const auto name = text(policy, "policy");
    const auto parsed = second_factor_policy_from_name(name);
    expect(parsed.has_value(), "second factor policy must be off, admins or all");
    o.staff.second_factor = *parsed;
    o.staff.second_factor_key_file = text_or(key_file, "key_file", {});
  });
}

int inscrire_options_set_invitation_days(inscrire_options* options, int days) {
  return set_option(options, [&](ServiceOptions& o) { o.staff.invitation_days = days; });
}

int inscrire_options_set_audit_retention_days(inscrire_options* options, int days) {
  return set_option(options, [&](ServiceOptions& o) { o.staff.audit_retention_days = days; });
}

int inscrire_db_open_v2(const char* path, const inscrire_options* options, inscrire_db** out) {
  return guard_in(language_for(options), [&] {
    out_param(out, "out");
    require(path, "path");
    const inscrire_options defaults;
    const auto& chosen = options != nullptr ? *options : defaults;
    give(out, std::make_unique<inscrire_db>(
                  inscrire_db{Service::open(path, chosen.service), chosen.language}));
  });
}

int inscrire_db_open(const char* path, inscrire_db** out) {
  return inscrire_db_open_v2(path, nullptr, out);
}

void inscrire_db_free(inscrire_db* db) { delete db; }

int inscrire_create_organization(inscrire_db* db, const char* uai, const char* name) {
  return inscrire_create_organization_as(db, uai, name, nullptr);
}

int inscrire_create_organization_as(inscrire_db* db, const char* uai, const char* name,
                                    const inscrire_actor* actor) {
  return guard(db, [&] {
    require(db, "db")->service.create_organization(text(uai, "uai"), text(name, "name"),
                                                   ActorArg::of(actor).get());
  });
}

int inscrire_organizations(inscrire_db* db, inscrire_organization_list** out) {
  return inscrire_organizations_as(db, nullptr, out);
}

int inscrire_organizations_as(inscrire_db* db, const inscrire_actor* actor,
                              inscrire_organization_list** out) {
  return guard(db, [&] {
    out_param(out, "out");
    auto list = std::make_unique<inscrire_organization_list>();
    list->organizations = require(db, "db")->service.organizations(ActorArg::of(actor).get());
    give(out, std::move(list));
  });
}

size_t inscrire_organization_list_count(const inscrire_organization_list* list) {
  return list == nullptr ? 0 : list->organizations.size();
}

#define ORGANIZATION_FIELD(type, name, presence)                                            \
  INSCRIRE_C_ITEM(inscrire_organization_list, organization_list, organizations, type, name, \
                  presence)
INSCRIRE_ORGANIZATION_FIELDS(ORGANIZATION_FIELD, INSCRIRE_C_NONE)

void inscrire_organization_list_free(inscrire_organization_list* list) { delete list; }

int inscrire_stats(inscrire_db* db, inscrire_service_stats** out) {
  return guard(db, [&] {
    out_param(out, "out");
    give(out, std::make_unique<inscrire_service_stats>(
                  inscrire_service_stats{require(db, "db")->service.stats()}));
  });
}

#define SERVICE_STATS_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_service_stats, service_stats, stats, type, name, presence)
INSCRIRE_SERVICE_STATS_FIELDS(SERVICE_STATS_FIELD, INSCRIRE_C_NONE)

void inscrire_service_stats_free(inscrire_service_stats* stats) { delete stats; }

}  // extern "C"
