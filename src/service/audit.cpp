// The audit log a school reads (docs/rules.md §9, docs/security.md "Audit"): its ADMINs and the
// operator read it newest first; the operator purges what is older than the retention.
#include "inscrire/limits.hpp"
#include "inscrire/service.hpp"
#include "service/access.hpp"
#include "service/state.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

constexpr int kMaxAuditPage = 1000;
constexpr int kMaxAuditOffset = 10'000'000;
constexpr int kMaxRetentionDays = 3650;

}  // namespace

std::vector<AuditRow> Service::audit_log(std::string_view uai, const AuditQuery& query,
                                         const Actor& actor) {
  constexpr auto kOperation = Operation::ReadAuditLog;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto school = canonical_uai(uai);
    permit(access, kOperation, school);
    if (query.limit < 1 || query.limit > kMaxAuditPage) {
      throw Error(ErrorCode::INVALID_ARGUMENT, "limit must be between 1 and 1000");
    }
    if (query.offset < 0 || query.offset > kMaxAuditOffset) {
      throw Error(ErrorCode::INVALID_ARGUMENT, "offset must be between 0 and 10000000");
    }
    AuditQuery checked = query;
    if (checked.action) checked.action = checked_label(*checked.action, "action", 64);
    std::vector<AuditRow> rows;
    state_->read([&](StoreTransaction& tx) {
      require_organization(tx, school);
      rows = tx.audit_rows(school, checked);
    });
    return rows;
  });
}

int Service::purge_audit(int older_than_days, const Actor& actor) {
  constexpr auto kOperation = Operation::PurgeAuditLog;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    permit(access, kOperation, {});
    const int days =
        older_than_days == 0 ? state_->options.staff.audit_retention_days : older_than_days;
    if (days < 1 || days > kMaxRetentionDays) {
      throw Error(ErrorCode::INVALID_ARGUMENT, "older than 1 to 3650 days");
    }
    int purged = 0;
    state_->write([&](StoreTransaction& tx) {
      const auto now = state_->now();
      purged = tx.purge_audit(now - std::int64_t{days} * 24 * 3600);
      tx.audit(audit_entry(
                   access, {}, permission(kOperation).name, {},
                   std::to_string(purged) + " row(s) older than " + std::to_string(days) + " days"),
               now);
    });
    return purged;
  });
}

}  // namespace inscrire
