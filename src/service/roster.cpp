// Roster import (docs/rules.md §R): read and validate the file, then one write transaction that
// plans the changes (roster_import.hpp) and writes them. The cost grows with the school and the
// file, never with the database: the school's rows are read through its index, the accounts
// the file's INEs have elsewhere through (ine, organization_id).
#include <algorithm>
#include <unordered_map>

#include "inscrire/roster_file.hpp"
#include "inscrire/roster_import.hpp"
#include "inscrire/service.hpp"
#include "service/access.hpp"
#include "service/state.hpp"

namespace inscrire {

using namespace service_detail;

namespace {

std::string first_error_detail(const ImportReport& report) {
  if (report.errors.empty()) return {};
  const auto& first = report.errors.front();
  std::string detail = "(" + std::to_string(report.errors.size()) + " error(s)";
  if (!first.ine.empty()) detail += ", first for INE " + first.ine;
  if (first.line > 0) detail += ", first at line " + std::to_string(first.line);
  if (!first.field.empty()) detail += ", field " + first.field;
  if (!first.detail.empty()) detail += ": " + first.detail;
  return detail + ")";
}

ErrorCode first_error_code(const ImportReport& report) {
  return report.errors.empty() ? ErrorCode::INVALID_FILE : report.errors.front().code;
}

// What an import did, for its audit row: "310 rows read: 310 created, 0 updated...".
std::string import_detail(const ImportCounts& counts, std::size_t rows) {
  return std::to_string(rows) + " rows read: " + std::to_string(counts.created) + " created, " +
         std::to_string(counts.updated) + " updated, " + std::to_string(counts.disabled) +
         " disabled, " + std::to_string(counts.reenabled) + " re-enabled, " +
         std::to_string(counts.linked) + " linked";
}

// Thrown inside a dry-run import transaction to roll it back once the counts are known.
struct DryRunRollback {
  ImportCounts counts;
};

// Rows written per call to insert_learners: their comparison keys are computed per batch, so
// the keys of a whole file never sit in memory at once. Each call is one COPY on PostgreSQL,
// whose start and end cost the server: 100 000 rows took 1.58 s of COPY in batches of 1 024,
// 1.46 s in batches of 8 192 (docs/benchmarks.md, 2026-12-08).
constexpr std::size_t kWriteBatch = 8192;

std::vector<SchoolRow> school_rows(StoreTransaction& tx, Id organization_id) {
  std::vector<SchoolRow> rows;
  tx.visit_learners(organization_id, [&](const Learner& learner) {
    rows.push_back({learner.id, learner.entry.ine, learner.disabled, learner.user_id.has_value(),
                    imported_fields(learner.entry)});
  });
  return rows;
}

// Every learner linked to an account that one of the file's INEs has in another school.
std::vector<LinkedLearner> accounts_elsewhere(StoreTransaction& tx, Id organization_id,
                                              std::span<const RosterEntry> entries) {
  std::vector<std::string_view> ines;
  ines.reserve(entries.size());
  for (const auto& entry : entries) ines.emplace_back(entry.ine);
  const auto users = tx.users_linked_by_ine(ines, organization_id);
  if (users.empty()) return {};
  return tx.learners_linked_to(users);
}

// The accounts new rows are inserted with, by entry index (step 3 for rows the school lacks).
std::unordered_map<std::size_t, Id> links_of_new_rows(const ImportPlan& plan) {
  std::unordered_map<std::size_t, Id> links;
  for (const auto& link : plan.links) {
    if (link.learner_id == 0) links.emplace(link.entry, link.user_id);
  }
  return links;
}

void insert_new(StoreTransaction& tx, Id organization_id, std::span<const RosterEntry> entries,
                const ImportPlan& plan, std::int64_t now, ImportCounts& counts) {
  const auto links = links_of_new_rows(plan);
  const std::span<const std::size_t> inserts = plan.inserts;
  std::vector<MatchCandidate> keys;
  std::vector<NewLearner> rows;
  for (std::size_t first = 0; first < inserts.size(); first += kWriteBatch) {
    const auto batch = inserts.subspan(first, std::min(kWriteBatch, inserts.size() - first));
    keys.clear();
    rows.clear();
    for (const auto index : batch) keys.push_back(keys_of(entries[index]));
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto link = links.find(batch[i]);
      rows.push_back({{entries[batch[i]], keys[i]},
                      link == links.end() ? std::nullopt : std::optional(link->second)});
    }
    counts.created += tx.insert_learners(organization_id, rows, now);
  }
  counts.linked += static_cast<int>(links.size());
}

void write_plan(StoreTransaction& tx, Id organization_id, std::span<const RosterEntry> entries,
                const ImportPlan& plan, std::int64_t now, ImportCounts& counts) {
  insert_new(tx, organization_id, entries, plan, now, counts);
  for (const auto& update : plan.updates) {
    const auto& entry = entries[update.entry];
    tx.update_learner(update.learner_id, {entry, keys_of(entry)}, now);
  }
  for (const auto id : plan.reenables) tx.set_learner_disabled(id, false, now);
  for (const auto id : plan.disables) tx.set_learner_disabled(id, true, now);
  for (const auto& link : plan.links) {
    if (link.learner_id != 0 && tx.link_learner(link.learner_id, link.user_id)) ++counts.linked;
  }
}

}  // namespace

namespace service_detail {

ImportCounts write_roster(StoreTransaction& tx, Id organization_id,
                          std::span<const RosterEntry> entries, std::int64_t now) {
  const auto school = school_rows(tx, organization_id);
  const auto linked = accounts_elsewhere(tx, organization_id, entries);
  const auto plan = plan_import(organization_id, school, entries, linked);
  ImportCounts counts;
  counts.updated = plan.updated;
  counts.reenabled = static_cast<int>(plan.reenables.size());
  counts.disabled = static_cast<int>(plan.disables.size());
  write_plan(tx, organization_id, entries, plan, now, counts);
  return counts;
}

}  // namespace service_detail

ImportRefused::ImportRefused(ImportReport report)
    : Error(first_error_code(report), first_error_detail(report)), report_(std::move(report)) {}

ImportReport Service::import_roster(std::string_view uai, const std::filesystem::path& file,
                                    const ImportOptions& options, const Actor& actor) {
  constexpr auto kOperation = Operation::ImportRoster;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    const auto canonical = canonical_uai(uai);
    permit(access, kOperation, canonical);
    state_->read([&](StoreTransaction& tx) { require_organization(tx, canonical); });
    ReadOptions read_options;
    read_options.progress = options.progress;
    auto parsed = read_roster_file(file, canonical, read_options);
    ImportReport report;
    report.skipped = parsed.skipped;
    report.dry_run = options.dry_run;
    report.errors = std::move(parsed.errors);
    if (!report.errors.empty()) {
      bump(state_->counters.imports_refused);
      throw ImportRefused(std::move(report));
    }
    ImportCounts counts;
    try {
      state_->write([&](StoreTransaction& tx) {
        const auto organization = require_organization(tx, canonical);
        counts = write_roster(tx, organization.id, parsed.entries, state_->now());
        if (options.dry_run) throw DryRunRollback{counts};
        tx.audit(audit_entry(access, canonical, permission(kOperation).name, canonical,
                             import_detail(counts, parsed.entries.size())),
                 state_->now());
      });
    } catch (const DryRunRollback& rollback) {
      counts = rollback.counts;
    }
    report.created = counts.created;
    report.updated = counts.updated;
    report.disabled = counts.disabled;
    report.reenabled = counts.reenabled;
    report.linked = counts.linked;
    if (!options.dry_run) bump(state_->counters.imports);
    return report;
  });
}

std::vector<LearnerView> Service::learners(std::string_view uai,
                                           const std::optional<std::string>& division,
                                           bool include_disabled, const Actor& actor) {
  constexpr auto kOperation = Operation::ListLearners;
  return administer(*state_, actor, kOperation, [&](const Access& access) {
    permit(access, kOperation, canonical_uai(uai));
    std::vector<LearnerView> views;
    state_->read([&](StoreTransaction& tx) {
      const auto organization = require_organization(tx, uai);
      for (const auto& learner :
           tx.learners(organization.id, division ? &*division : nullptr, include_disabled)) {
        views.push_back(view_of(learner));
      }
    });
    return views;
  });
}

}  // namespace inscrire
