// Accounts: login, password changes, and the admin operations.
#include "inscrire/render.hpp"
#include "internal.hpp"
#include "records.hpp"

using namespace inscrire;
using namespace inscrire::capi;

namespace {

const char* nonempty(const std::string& value) noexcept {
  return value.empty() ? nullptr : value.c_str();
}

// The bodies the admin calls share with their `_as` variants: `actor` is read where the name
// was.

void reset_password(inscrire_db* db, const char* uai, const char* username, const ActorArg& actor,
                    char** temporary_password) {
  out_param(temporary_password, "temporary_password");
  require(db, "db");
  const auto password =
      db->service.reset_password(text(uai, "uai"), text(username, "username"), actor.get());
  *temporary_password = library_string(password);
}

void unblock(inscrire_db* db, const char* uai, const char* username, const ActorArg& actor) {
  require(db, "db")->service.unblock(text(uai, "uai"), text(username, "username"), actor.get());
}

void generate_credentials_v2(inscrire_db* db, const char* uai, const char* division, unsigned flags,
                             const char* const* ines, size_t ine_count, const ActorArg& actor,
                             inscrire_credentials** out) {
  out_param(out, "out");
  require(db, "db");
  if ((flags & ~INSCRIRE_CREDENTIALS_RESET_EXISTING) != 0) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "unknown flags");
  }
  CredentialOptions options;
  options.reset_existing = (flags & INSCRIRE_CREDENTIALS_RESET_EXISTING) != 0;
  if (ine_count > 0) require(ines, "ines");
  for (size_t i = 0; i < ine_count; ++i) options.ines.emplace_back(text(ines[i], "ines[i]"));
  auto credentials = std::make_unique<inscrire_credentials>();
  credentials->credentials = db->service.generate_credentials(
      text(uai, "uai"), text(division, "division"), options, actor.get());
  credentials->csv = credentials_csv(credentials->credentials);
  give(out, std::move(credentials));
}

void anonymize_learner(inscrire_db* db, const char* uai, const char* ine, const ActorArg& actor) {
  require(db, "db")->service.anonymize_learner(text(uai, "uai"), text(ine, "ine"), actor.get());
}

void export_learner(inscrire_db* db, const char* uai, const char* ine, const ActorArg& actor,
                    char** json) {
  out_param(json, "json");
  require(db, "db");
  const auto exported = db->service.export_learner(text(uai, "uai"), text(ine, "ine"), actor.get());
  *json = library_string(learner_export_json(exported));
}

}  // namespace

extern "C" {

int inscrire_login(inscrire_db* db, const char* username, const char* password,
                   inscrire_login_result** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto result = std::make_unique<inscrire_login_result>();
    result->result = db->service.login(text(username, "username"), text(password, "password"));
    give(out, std::move(result));
  });
}

int inscrire_login_with_client_key(inscrire_db* db, const char* username, const char* password,
                                   const char* client_key, inscrire_login_result** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto result = std::make_unique<inscrire_login_result>();
    result->result = db->service.login(text(username, "username"), text(password, "password"),
                                       client_key == nullptr ? "" : text(client_key, "client_key"));
    give(out, std::move(result));
  });
}

int inscrire_login_result_status(const inscrire_login_result* r) {
  if (r == nullptr) return INSCRIRE_E_INVALID_ARGUMENT;
  return r->result.status == LoginStatus::Success ? INSCRIRE_OK
                                                  : INSCRIRE_E_PASSWORD_CHANGE_REQUIRED;
}
const char* inscrire_login_result_username(const inscrire_login_result* r) {
  return r == nullptr ? nullptr : r->result.username.c_str();
}
const char* inscrire_login_result_session_token(const inscrire_login_result* r) {
  return r == nullptr ? nullptr : nonempty(r->result.session_token);
}
const char* inscrire_login_result_change_token(const inscrire_login_result* r) {
  return r == nullptr ? nullptr : nonempty(r->result.change_token);
}
void inscrire_login_result_free(inscrire_login_result* r) { delete r; }

int inscrire_change_password(inscrire_db* db, const char* username, const char* old_password,
                             const char* new_password) {
  return guard(db, [&] {
    require(db, "db")->service.change_password(text(username, "username"),
                                               text(old_password, "old_password"),
                                               text(new_password, "new_password"));
  });
}

int inscrire_change_password_with_token(inscrire_db* db, const char* change_token,
                                        const char* new_password) {
  return guard(db, [&] {
    require(db, "db")->service.change_password_with_token(text(change_token, "change_token"),
                                                          text(new_password, "new_password"));
  });
}

int inscrire_reset_password(inscrire_db* db, const char* uai, const char* username,
                            const char* actor, char** temporary_password) {
  return guard(
      db, [&] { reset_password(db, uai, username, ActorArg::named(actor), temporary_password); });
}

int inscrire_reset_password_as(inscrire_db* db, const char* uai, const char* username,
                               const inscrire_actor* actor, char** temporary_password) {
  return guard(db,
               [&] { reset_password(db, uai, username, ActorArg::of(actor), temporary_password); });
}

int inscrire_unblock(inscrire_db* db, const char* uai, const char* username, const char* actor) {
  return guard(db, [&] { unblock(db, uai, username, ActorArg::named(actor)); });
}

int inscrire_unblock_as(inscrire_db* db, const char* uai, const char* username,
                        const inscrire_actor* actor) {
  return guard(db, [&] { unblock(db, uai, username, ActorArg::of(actor)); });
}

int inscrire_import_account_as(inscrire_db* db, const char* uai, const char* ine,
                               const char* username, const char* password_hash,
                               const inscrire_actor* actor, char** stored_username) {
  return guard(db, [&] {
    if (stored_username != nullptr) *stored_username = nullptr;
    require(db, "db");
    const auto stored =
        db->service.import_account(text(uai, "uai"), text(ine, "ine"), text(username, "username"),
                                   text(password_hash, "password_hash"), ActorArg::of(actor).get());
    if (stored_username != nullptr) *stored_username = library_string(stored);
  });
}

int inscrire_generate_credentials(inscrire_db* db, const char* uai, const char* division,
                                  const char* actor, inscrire_credentials** out) {
  return guard(db, [&] {
    out_param(out, "out");
    require(db, "db");
    auto credentials = std::make_unique<inscrire_credentials>();
    credentials->credentials = db->service.generate_credentials(
        text(uai, "uai"), text(division, "division"), ActorArg::named(actor).get());
    credentials->csv = credentials_csv(credentials->credentials);
    give(out, std::move(credentials));
  });
}

int inscrire_generate_credentials_v2(inscrire_db* db, const char* uai, const char* division,
                                     unsigned flags, const char* const* ines, size_t ine_count,
                                     const char* actor, inscrire_credentials** out) {
  return guard(db, [&] {
    generate_credentials_v2(db, uai, division, flags, ines, ine_count, ActorArg::named(actor), out);
  });
}

int inscrire_generate_credentials_v2_as(inscrire_db* db, const char* uai, const char* division,
                                        unsigned flags, const char* const* ines, size_t ine_count,
                                        const inscrire_actor* actor, inscrire_credentials** out) {
  return guard(db, [&] {
    generate_credentials_v2(db, uai, division, flags, ines, ine_count, ActorArg::of(actor), out);
  });
}

#define CREDENTIALS_FIELD(type, name, presence) \
  INSCRIRE_C_FIELD(inscrire_credentials, credentials, credentials, type, name, presence)
INSCRIRE_CREDENTIALS_FIELDS(CREDENTIALS_FIELD, INSCRIRE_C_NONE)
#define CREDENTIAL_FIELD(type, name, presence) \
  INSCRIRE_C_ITEM(inscrire_credentials, credentials, credentials.rows, type, name, presence)
INSCRIRE_CREDENTIAL_FIELDS(CREDENTIAL_FIELD, INSCRIRE_C_NONE)

size_t inscrire_credentials_count(const inscrire_credentials* c) {
  return c == nullptr ? 0 : c->credentials.rows.size();
}
const char* inscrire_credentials_csv(const inscrire_credentials* c) {
  return c == nullptr ? nullptr : c->csv.c_str();
}
int inscrire_credentials_slips_html(const inscrire_credentials* credentials, const char* base_url,
                                    int per_page, char** out) {
  return guard(nullptr, [&] {
    out_param(out, "out");
    require(credentials, "credentials");
    *out = library_string(credential_slips_html(credentials->credentials,
                                                text_or(base_url, "base_url", {}), per_page));
  });
}
void inscrire_credentials_free(inscrire_credentials* c) { delete c; }

int inscrire_anonymize_learner(inscrire_db* db, const char* uai, const char* ine,
                               const char* actor) {
  return guard(db, [&] { anonymize_learner(db, uai, ine, ActorArg::named(actor)); });
}

int inscrire_anonymize_learner_as(inscrire_db* db, const char* uai, const char* ine,
                                  const inscrire_actor* actor) {
  return guard(db, [&] { anonymize_learner(db, uai, ine, ActorArg::of(actor)); });
}

int inscrire_export_learner(inscrire_db* db, const char* uai, const char* ine, const char* actor,
                            char** json) {
  return guard(db, [&] { export_learner(db, uai, ine, ActorArg::named(actor), json); });
}

int inscrire_export_learner_as(inscrire_db* db, const char* uai, const char* ine,
                               const inscrire_actor* actor, char** json) {
  return guard(db, [&] { export_learner(db, uai, ine, ActorArg::of(actor), json); });
}

}  // extern "C"
