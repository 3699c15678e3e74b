// Opening a database, the service's options, and the schools it holds.
#include <algorithm>

#include "inscrire/service.hpp"
#include "service/access.hpp"
#include "service/state.hpp"

namespace inscrire {

using namespace service_detail;

std::string_view version() noexcept { return INSCRIRE_VERSION_STRING; }

namespace {

ServiceOptions validated(ServiceOptions options) {
  options.validate();
  return options;
}

}  // namespace

std::string_view migration_policy_name(MigrationPolicy policy) noexcept {
  return policy == MigrationPolicy::Refuse ? "refuse" : "auto";
}

std::optional<MigrationPolicy> migration_policy_from_name(std::string_view name) noexcept {
  if (name == "auto") return MigrationPolicy::Auto;
  if (name == "refuse") return MigrationPolicy::Refuse;
  return std::nullopt;
}

namespace {

void refuse_nul(const std::filesystem::path& path) {
  if (path.native().find('\0') != std::string::npos) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "database path holds a NUL byte");
  }
}

std::unique_ptr<Store> open_store(const std::filesystem::path& location,
                                  const StoreOptions& options) {
  refuse_nul(location);
  return is_postgresql_url(location.native()) ? open_postgresql_store(location.native(), options)
                                              : open_sqlite_store(location, options);
}

// A store for the operator's commands: the schema left as it is.
std::unique_ptr<Store> open_as_it_is(const std::filesystem::path& location) {
  StoreOptions options;
  options.schema = SchemaPolicy::Leave;
  return open_store(location, options);
}

DatabaseStatus status_of(Store& store) {
  const auto versions = store.schema_versions();
  return {std::string(store.engine()), versions.database, versions.library};
}

}  // namespace

DatabaseStatus database_status(const std::filesystem::path& location) {
  return status_of(*open_as_it_is(location));
}

DatabaseStatus migrate_database(const std::filesystem::path& location) {
  // A SQLite file that does not exist yet has no schema: version 0, created here.
  const bool exists = is_postgresql_url(location.native()) || std::filesystem::exists(location);
  const auto before = exists ? std::optional(database_status(location)) : std::nullopt;
  const auto store = open_store(location, {});
  return before.value_or(
      DatabaseStatus{std::string(store->engine()), 0, store->schema_versions().library});
}

DatabaseCheck check_database(const std::filesystem::path& location) {
  auto store = open_as_it_is(location);
  return {status_of(*store), store->check()};
}

void backup_database(const std::filesystem::path& location, const std::filesystem::path& target) {
  refuse_nul(target);
  open_as_it_is(location)->backup(target);
}

Service Service::open(const std::filesystem::path& path, ServiceOptions options) {
  options.validate();  // before the file is created, not only in the constructor
  // So is the key file: a wrong one must not leave a new empty database behind.
  if (!options.staff.second_factor_key_file.empty()) {
    SecretKey::load(options.staff.second_factor_key_file);
  }
  StoreOptions store_options;
  store_options.busy_timeout_ms = options.busy_timeout_ms;
  store_options.schema =
      options.migrate == MigrationPolicy::Refuse ? SchemaPolicy::Refuse : SchemaPolicy::Migrate;
  auto store = open_store(path, store_options);
  return Service(std::move(store), std::move(options));
}

Service::State::State(std::unique_ptr<Store> store_, ServiceOptions options_)
    : store(std::move(store_)), options(validated(std::move(options_))) {
  if (!options.staff.second_factor_key_file.empty()) {
    totp_key = SecretKey::load(options.staff.second_factor_key_file);
  }
}

Service::Service(std::unique_ptr<Store> store, ServiceOptions options)
    : state_(std::make_unique<State>(std::move(store), std::move(options))) {}

Service::Service(Service&&) noexcept = default;
Service& Service::operator=(Service&&) noexcept = default;
Service::~Service() = default;

Organization Service::create_organization(std::string_view uai, std::string_view name,
                                          const Actor& actor) {
  constexpr auto kOperation = Operation::CreateOrganization;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto canonical = canonical_uai(uai);
    permit(access, kOperation, canonical);
    const auto label = required_label(name, "school name");
    std::optional<Organization> created;
    state_->write([&](StoreTransaction& tx) {
      created = tx.insert_organization(canonical, label, state_->now());
      if (created) {
        tx.audit(audit_entry(access, canonical, permission(kOperation).name, canonical, {}),
                 state_->now());
      }
    });
    if (!created) throw Error(ErrorCode::ORGANIZATION_EXISTS, canonical);
    return *created;
  });
}

std::vector<Organization> Service::organizations(const Actor& actor) {
  const auto access = resolve_actor(*state_, actor);
  std::vector<Organization> found;
  state_->read([&](StoreTransaction& tx) {
    if (access.is_operator()) {
      found = tx.organizations();
      return;
    }
    for (const auto& membership : access.memberships) {
      if (auto organization = tx.organization(membership.uai)) found.push_back(*organization);
    }
  });
  std::sort(found.begin(), found.end(),
            [](const Organization& a, const Organization& b) { return a.uai < b.uai; });
  return found;
}

}  // namespace inscrire
