// Opening a database, the service's options, and the schools it holds.
#include "inscrire/service.hpp"
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

Service Service::open(const std::filesystem::path& path, ServiceOptions options) {
  options.validate();  // before the file is created, not only in the constructor
  if (path.native().find('\0') != std::string::npos) {
    throw Error(ErrorCode::INVALID_ARGUMENT, "database path holds a NUL byte");
  }
  StoreOptions store_options;
  store_options.busy_timeout_ms = options.busy_timeout_ms;
  auto store = is_postgresql_url(path.native())
                   ? open_postgresql_store(path.native(), store_options)
                   : open_sqlite_store(path, store_options);
  return Service(std::move(store), std::move(options));
}

Service::Service(std::unique_ptr<Store> store, ServiceOptions options)
    : state_(std::make_unique<State>(State{std::move(store), validated(std::move(options))})) {}

Service::Service(Service&&) noexcept = default;
Service& Service::operator=(Service&&) noexcept = default;
Service::~Service() = default;

Organization Service::create_organization(std::string_view uai, std::string_view name) {
  const auto canonical = canonical_uai(uai);
  const auto label = required_label(name, "school name");
  std::optional<Organization> created;
  state_->write([&](StoreTransaction& tx) {
    created = tx.insert_organization(canonical, label, state_->now());
  });
  if (!created) throw Error(ErrorCode::ORGANIZATION_EXISTS, canonical);
  return *created;
}

std::vector<Organization> Service::organizations() {
  std::vector<Organization> found;
  state_->read([&](StoreTransaction& tx) { found = tx.organizations(); });
  return found;
}

}  // namespace inscrire
