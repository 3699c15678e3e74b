#include "inscrire/roster_import.hpp"

#include <optional>
#include <string_view>
#include <unordered_map>

namespace inscrire {

std::string imported_fields(const RosterEntry& e) {
  const auto birthdate = e.birthdate.iso();  // outlives the loop below
  std::string joined;
  for (const std::string_view field :
       {std::string_view(e.first_name), std::string_view(e.second_name),
        std::string_view(e.third_name), std::string_view(e.last_name),
        std::string_view(e.usage_name), std::string_view(birthdate),
        std::string_view(e.sex == Sex::Female ? "F" : "M"), std::string_view(e.division),
        std::string_view(e.birth_country_code), std::string_view(e.birth_department_code),
        std::string_view(e.birth_city_code), std::string_view(e.birth_city_name),
        std::string_view(e.mef_code), std::string_view(e.status)}) {
    joined.append(field).push_back('\x1f');
  }
  return joined;
}

namespace {

// The linked learners, indexed for the two questions of step 3: which account does this INE
// have elsewhere, and is that account free to follow it here.
class LinkIndex {
 public:
  LinkIndex(std::int64_t organization_id, std::span<const LinkedLearner> linked)
      : organization_id_(organization_id) {
    for (const auto& row : linked) {
      by_ine_.emplace(row.ine, &row);
      by_user_.emplace(row.user_id, &row);
    }
  }

  // The account `entry` receives automatically, if any.
  std::optional<std::int64_t> account_for(const RosterEntry& entry) const {
    std::optional<std::int64_t> found;
    const auto [first, last] = by_ine_.equal_range(entry.ine);
    for (auto it = first; it != last; ++it) {
      const auto& row = *it->second;
      if (row.organization_id == organization_id_ || row.birthdate != entry.birthdate) continue;
      if (found && *found != row.user_id) return std::nullopt;  // several: a person decides
      found = row.user_id;
    }
    if (!found || is_taken(*found, entry.ine)) return std::nullopt;
    return found;
  }

 private:
  // The account is linked to a learner of this school, or to a learner with another INE.
  bool is_taken(std::int64_t user_id, std::string_view ine) const {
    const auto [first, last] = by_user_.equal_range(user_id);
    for (auto it = first; it != last; ++it) {
      if (it->second->ine != ine || it->second->organization_id == organization_id_) return true;
    }
    return false;
  }

  std::int64_t organization_id_;
  std::unordered_multimap<std::string_view, const LinkedLearner*> by_ine_;
  std::unordered_multimap<std::int64_t, const LinkedLearner*> by_user_;
};

void plan_link(ImportPlan& plan, const LinkIndex& links, std::int64_t learner_id, std::size_t index,
               const RosterEntry& entry) {
  if (const auto user_id = links.account_for(entry)) {
    plan.links.push_back({learner_id, index, *user_id});
  }
}

// Step 2 for a row the school has: fields rewritten only if they changed, re-enabled, and
// linked if it has no account yet.
void plan_existing(ImportPlan& plan, const LinkIndex& links, const SchoolRow& row,
                   std::size_t index, const RosterEntry& entry) {
  if (row.fields != imported_fields(entry)) {
    plan.updates.push_back({row.learner_id, index});
    if (!row.disabled) ++plan.updated;
  }
  if (row.disabled) plan.reenables.push_back(row.learner_id);
  if (!row.linked) plan_link(plan, links, row.learner_id, index, entry);
}

}  // namespace

ImportPlan plan_import(std::int64_t organization_id, std::span<const SchoolRow> school,
                       std::span<const RosterEntry> entries,
                       std::span<const LinkedLearner> linked) {
  std::unordered_map<std::string_view, std::size_t> rows_by_ine;
  rows_by_ine.reserve(school.size());
  for (std::size_t i = 0; i < school.size(); ++i) rows_by_ine.emplace(school[i].ine, i);
  const LinkIndex links(organization_id, linked);
  std::vector<bool> seen(school.size(), false);
  ImportPlan plan;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto found = rows_by_ine.find(entries[i].ine);
    if (found == rows_by_ine.end()) {
      plan.inserts.push_back(i);
      plan_link(plan, links, 0, i, entries[i]);
    } else {
      seen[found->second] = true;
      plan_existing(plan, links, school[found->second], i, entries[i]);
    }
  }
  // Step 1: rows of the school whose INE is not in the file (row, link and participations kept).
  for (std::size_t i = 0; i < school.size(); ++i) {
    if (!seen[i] && !school[i].disabled) plan.disables.push_back(school[i].learner_id);
  }
  return plan;
}

}  // namespace inscrire
