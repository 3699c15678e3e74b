// Who may do what, generated from the permission table (kPermissions, staff.hpp): every admin
// operation, run by every kind of actor on its own school, on another school and on a UAI (or
// code, or username) that does not exist, on every engine. Each cell's outcome is the table's:
// allowed, or FORBIDDEN with nothing changed and one `forbidden` audit row; the refusal for
// another school and for one that does not exist is the same, word for word.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "inscrire/password.hpp"
#include "inscrire/service.hpp"
#include "service_fixture.hpp"

namespace inscrire::testing {
namespace {

constexpr const char* kSchoolA = "0751234A";
constexpr const char* kSchoolB = "0331234B";
constexpr const char* kNoSchool = "0999999Z";
constexpr const char* kStaffPassword = "Correct horse battery 42";

// Who acts in a cell.
enum class Who { Member, Owner, Admin, Operator, OtherSchool, Asserted };
constexpr std::array kEveryone{Who::Member,   Who::Owner,       Who::Admin,
                               Who::Operator, Who::OtherSchool, Who::Asserted};

std::string_view who_name(Who who) {
  switch (who) {
    case Who::Member: return "a MEMBER of A";
    case Who::Owner: return "a MEMBER of A owning the campaign";
    case Who::Admin: return "an ADMIN of A";
    case Who::Operator: return "the operator";
    case Who::OtherSchool: return "an ADMIN of B";
    case Who::Asserted: return "an asserted MEMBER of A";
  }
  return "?";
}

// Where a cell acts.
enum class Where { Own, Other, Nowhere };

// What a cell acts on: a school and things of it.
struct Target {
  std::string uai;
  std::string division;
  std::string code;    // a campaign the owner (own school) owns
  std::string pupil;   // a pupil's username, linked to a learner of the school
  std::string member;  // a MEMBER of the school's team
};

// The table's verdict for a cell. The ADMIN of B acts on "another school" as on its own.
bool allowed(Operation operation, Who who, Where where) {
  if (who == Who::Operator) return true;
  const bool home = who == Who::OtherSchool ? where == Where::Other : where == Where::Own;
  if (!home) return false;
  switch (permission(operation).rank) {
    case Rank::Member: return true;
    case Rank::Owner: return who == Who::Owner || who == Who::Admin || who == Who::OtherSchool;
    case Rank::Admin: return who == Who::Admin || who == Who::OtherSchool;
    case Rank::Operator: return false;
  }
  return false;
}

using Act = std::function<void(const Actor&)>;

class Permissions : public ::testing::TestWithParam<std::tuple<Engine, Operation>> {
 protected:
  Permissions() : database_(std::get<0>(GetParam()).create(directory_.path())), service_(open()) {}

  Service open() {
    auto options = fast_options();
    options.clock = [this] { return now_; };
    return Service(database_->open(), std::move(options));
  }

  void SetUp() override {
    school(kSchoolA, "Collège A", 'A');
    school(kSchoolB, "Lycée B", 'B');
    admin_a_ = staff_member(kSchoolA, StaffRole::Admin, "adm.a");
    member_a_ = staff_member(kSchoolA, StaffRole::Member, "mem.a");
    owner_a_ = staff_member(kSchoolA, StaffRole::Member, "own.a");
    admin_b_ = staff_member(kSchoolB, StaffRole::Admin, "adm.b");
    staff_member(kSchoolA, StaffRole::Member, "team.a");
    staff_member(kSchoolB, StaffRole::Member, "team.b");
    targets_[Where::Own] = target(kSchoolA, Actor::staff(owner_a_), "team.a");
    targets_[Where::Other] = target(kSchoolB, Actor::staff(admin_b_), "team.b");
    targets_[Where::Nowhere] = {kNoSchool, "5A", "ZZZZZZ999", "nobody.here0101", "nobody"};
  }

  // A school with ten pupils in 5A (their accounts made by the set-up) and twenty in 5B (free
  // for the cells that need a learner without one), imported by the operator.
  void school(const std::string& uai, const std::string& name, char letter) {
    service_.create_organization(uai, name);
    std::vector<Pupil> pupils;
    for (int i = 0; i < 30; ++i) {
      const auto n = std::to_string(100 + i);
      pupils.push_back({"000000" + n + std::string(2, letter), "Eleve" + std::string(1, letter),
                        "Nom" + std::string(1, static_cast<char>('a' + i)), "01/02/2014",
                        i < 10 ? "5A" : "5B"});
    }
    const auto file = directory_.path() / (uai + ".xml");
    std::ofstream(file) << siecle_xml(uai, pupils);
    service_.import_roster(uai, file);
  }

  // A staff member invited by the operator, logged in: the session token.
  std::string staff_member(const std::string& uai, StaffRole role, const std::string& username) {
    const auto invitation = service_.invite_staff(uai, role);
    return service_
        .accept_staff_invitation(invitation.code, username, "Mme " + username, kStaffPassword)
        .session_token;
  }

  Target target(const std::string& uai, const Actor& owner, const std::string& member) {
    const auto campaign = service_.create_campaign(uai, "Pix", std::string("5A"), {}, owner);
    const auto credentials = service_.generate_credentials(uai, "5A");
    return {uai, "5A", campaign.code, credentials.rows.front().username, member};
  }

  Actor actor(Who who) const {
    switch (who) {
      case Who::Member: return Actor::staff(member_a_);
      case Who::Owner: return Actor::staff(owner_a_);
      case Who::Admin: return Actor::staff(admin_a_);
      case Who::Operator: return Actor::as_operator("ops");
      case Who::OtherSchool: return Actor::staff(admin_b_);
      case Who::Asserted:
        return Actor::asserted("https://ent.example", "sub-42", "Mme Assertée",
                               {{kSchoolA, StaffRole::Member}});
    }
    return {};
  }

  // An unlinked learner of the school, as the operator sees it (none for a school that does not
  // exist: a made-up INE).
  std::string free_learner(const std::string& uai) {
    if (uai == kNoSchool) return "999999999ZZ";
    LearnerQuery query;
    query.state = LearnerState::NoAccount;
    const auto rows = service_.learners(uai, query);
    return rows.empty() ? "999999999ZZ" : rows.front().learner.ine;
  }

  // A learner of the school linked to an account (imported by the operator for this cell).
  std::string linked_learner(const std::string& uai) {
    if (uai == kNoSchool) return "999999999ZZ";
    const auto ine = free_learner(uai);
    service_.import_account(uai, ine, fresh_username(), hash_password("Ancien1234", {1024, 1, 1}));
    return ine;
  }

  std::string fresh_username() {
    std::string letters;
    for (int n = counter_++; n >= 0; n = n / 26 - 1)
      letters.insert(letters.begin(), static_cast<char>('a' + n % 26));
    return "import.cell" + letters + "0101";
  }

  // A fresh campaign of the school owned by the owner (own school) or the school's ADMIN.
  std::string fresh_campaign(const Target& target) {
    if (target.uai == kNoSchool) return target.code;
    const auto owner = target.uai == kSchoolA ? Actor::staff(owner_a_) : Actor::staff(admin_b_);
    return service_.create_campaign(target.uai, "Fresh", std::string("5A"), {}, owner).code;
  }

  // A MEMBER of the school for this cell (a fresh one: some operations change it).
  std::string fresh_member(const Target& target) {
    if (target.uai == kNoSchool) return target.member;
    const auto name = "m" + fresh_username().substr(7, 6);
    staff_member(target.uai, StaffRole::Member, name);
    return name;
  }

  // Prepares, as the operator, what the operation needs at the target, and returns the call
  // the cell's actor makes.
  Act prepare(Operation operation, const Target& t) {
    auto& s = service_;
    switch (operation) {
      case Operation::ListLearners:
        return [&s, t](const Actor& a) { s.learners(t.uai, LearnerQuery{}, a); };
      case Operation::ViewLearner:
        return [&s, t, ine = free_learner(t.uai)](const Actor& a) { s.learner(t.uai, ine, a); };
      case Operation::ViewAccount: return [&s, t](const Actor& a) { s.account(t.pupil, a); };
      case Operation::ListCampaigns: return [&s, t](const Actor& a) { s.campaigns(t.uai, a); };
      case Operation::ViewParticipants:
        return [&s, t](const Actor& a) { s.campaign_participants(t.code, a); };
      case Operation::ViewNotJoined: return [&s, t](const Actor& a) { s.not_joined(t.code, a); };
      case Operation::ClassSheet: return [&s, t](const Actor& a) { s.class_sheet(t.code, {}, a); };
      case Operation::ResetPassword:
        return [&s, t](const Actor& a) { s.reset_password(t.uai, t.pupil, a); };
      case Operation::Unblock: return [&s, t](const Actor& a) { s.unblock(t.uai, t.pupil, a); };
      case Operation::GenerateCredentials:
        return [&s, t](const Actor& a) { s.generate_credentials(t.uai, t.division, a); };
      case Operation::CreateCampaign:
        return [&s, t](const Actor& a) { s.create_campaign(t.uai, "New", std::nullopt, {}, a); };
      case Operation::UpdateCampaign:
        return [&s, t](const Actor& a) { s.update_campaign(t.code, a, std::string("Renamed")); };
      case Operation::ArchiveCampaign:
        return [&s, code = fresh_campaign(t)](const Actor& a) { s.archive_campaign(code, a); };
      case Operation::UnarchiveCampaign:
        return [&s, code = fresh_campaign(t)](const Actor& a) { s.unarchive_campaign(code, a); };
      case Operation::DeleteCampaign:
        return [&s, code = fresh_campaign(t)](const Actor& a) { s.delete_campaign(code, a); };
      case Operation::DeleteParticipation: {
        auto code = fresh_campaign(t);
        const auto ine = linked_learner(t.uai);
        if (t.uai != kNoSchool) {
          const auto account = s.learner(t.uai, ine).learner.username.value_or("");
          const auto session = s.login(account, "Ancien1234").session_token;
          s.join_campaign(session, code);
        }
        return [&s, code, ine](const Actor& a) { s.delete_participation(code, ine, a); };
      }
      case Operation::ImportRoster: {
        const auto file = directory_.path() / ("again-" + t.uai + ".xml");
        std::ofstream(file) << siecle_xml(t.uai,
                                          {{"000000999XX", "Nouveau", "Venu", "03/03/2014"}});
        return [&s, t, file](const Actor& a) { s.import_roster(t.uai, file, {}, a); };
      }
      case Operation::ImportAccount:
        return [&s, t, ine = free_learner(t.uai), name = fresh_username()](const Actor& a) {
          s.import_account(t.uai, ine, name, hash_password("Ancien1234", {1024, 1, 1}), a);
        };
      case Operation::Dissociate:
        return
            [&s, t, ine = linked_learner(t.uai)](const Actor& a) { s.dissociate(t.uai, ine, a); };
      case Operation::ExportLearner:
        return
            [&s, t, ine = free_learner(t.uai)](const Actor& a) { s.export_learner(t.uai, ine, a); };
      case Operation::AnonymizeLearner:
        return [&s, t, ine = free_learner(t.uai)](const Actor& a) {
          s.anonymize_learner(t.uai, ine, a);
        };
      case Operation::InviteStaff:
        return [&s, t](const Actor& a) { s.invite_staff(t.uai, StaffRole::Member, a); };
      case Operation::ListMembers: return [&s, t](const Actor& a) { s.members(t.uai, a); };
      case Operation::ListInvitations: return [&s, t](const Actor& a) { s.invitations(t.uai, a); };
      case Operation::SetMemberRole:
        return [&s, t, name = fresh_member(t)](const Actor& a) {
          s.set_member_role(t.uai, name, StaffRole::Admin, a);
        };
      case Operation::RemoveMember:
        return [&s, t, name = fresh_member(t)](const Actor& a) { s.remove_member(t.uai, name, a); };
      case Operation::RevokeInvitation: {
        const RecordId id =
            t.uai == kNoSchool ? RecordId{999} : s.invite_staff(t.uai, StaffRole::Member).id;
        return [&s, t, id](const Actor& a) { s.revoke_staff_invitation(t.uai, id, a); };
      }
      case Operation::ResetStaffPassword:
        return [&s, t, name = fresh_member(t)](const Actor& a) {
          s.reset_staff_password(t.uai, name, a);
        };
      case Operation::ResetSecondFactor:
        return [&s, t, name = fresh_member(t)](const Actor& a) {
          s.reset_second_factor(t.uai, name, a);
        };
      case Operation::ReadAuditLog: return [&s, t](const Actor& a) { s.audit_log(t.uai, {}, a); };
      case Operation::CreateOrganization:
        return [&s, t](const Actor& a) { s.create_organization(t.uai, "Encore", a); };
      case Operation::PurgeAuditLog: return [&s](const Actor& a) { s.purge_audit(400, a); };
    }
    ADD_FAILURE() << "no cell for " << permission(operation).name;
    return [](const Actor&) {};
  }

  // Everything the database holds but the audit log and the throttling events, in order.
  std::string snapshot() {
    std::string all;
    for (const auto& table : database_->tables()) {
      if (table == "audit_log" || table == "attempt_events" || table == "schema_version") continue;
      auto rows = database_->rows("SELECT * FROM " + table);
      std::sort(rows.begin(), rows.end());
      all += table + ":";
      for (const auto& row : rows) {
        for (const auto& value : row) all += value + "|";
        all += "\n";
      }
    }
    return all;
  }

  int refusals() {
    return std::stoi(database_
                         ->rows("SELECT count(*) FROM audit_log WHERE outcome = "
                                "'forbidden'")
                         .at(0)
                         .at(0));
  }

  std::int64_t now_ = 1'750'000'000;
  TemporaryDirectory directory_;
  std::unique_ptr<EngineDatabase> database_;
  Service service_;
  std::string admin_a_, member_a_, owner_a_, admin_b_;
  std::map<Where, Target> targets_;
  int counter_ = 0;
};

TEST_P(Permissions, EveryCellIsAsTheTableSays) {
  const auto operation = std::get<1>(GetParam());
  for (const auto who : kEveryone) {
    std::map<Where, std::string> refusal_messages;
    for (const auto where : {Where::Own, Where::Other, Where::Nowhere}) {
      SCOPED_TRACE(std::string(who_name(who)) + " on " +
                   (where == Where::Own     ? "own school"
                    : where == Where::Other ? "another school"
                                            : "nothing that exists"));
      const auto act = prepare(operation, targets_.at(where));
      const auto before = snapshot();
      const auto refused_before = refusals();
      std::optional<Error> error;
      try {
        act(actor(who));
      } catch (const Error& e) {
        error = e;
      }
      if (allowed(operation, who, where)) {
        if (who != Who::Operator) {
          EXPECT_FALSE(error.has_value()) << error->what();
        } else {  // the operator may meet what exists or not (ORGANIZATION_EXISTS...)
          EXPECT_TRUE(!error || error->code() != ErrorCode::FORBIDDEN) << error->what();
        }
        EXPECT_EQ(refusals(), refused_before);
        continue;
      }
      ASSERT_TRUE(error.has_value());
      EXPECT_EQ(error->code(), ErrorCode::FORBIDDEN) << error->what();
      EXPECT_EQ(error->detail(), "");
      EXPECT_EQ(snapshot(), before) << "a refusal changed something";
      EXPECT_EQ(refusals(), refused_before + 1);
      refusal_messages[where] = error->message(Language::English);
    }
    // Another school and nothing that exists read the same (for the ADMIN of B, its own
    // school plays "another school").
    const auto elsewhere = who == Who::OtherSchool ? Where::Own : Where::Other;
    if (refusal_messages.count(elsewhere) != 0 && refusal_messages.count(Where::Nowhere) != 0) {
      EXPECT_EQ(refusal_messages[elsewhere], refusal_messages[Where::Nowhere]);
    }
  }
}

// docs/rules.md §9 lists the table as it is in the code, row for row.
TEST(PermissionTable, TheRulesListItRowForRow) {
  std::ifstream file(std::filesystem::path(INSCRIRE_DATA_DIR).parent_path() / "docs" / "rules.md");
  std::string line;
  std::vector<std::string> documented;
  while (std::getline(file, line)) {
    if (line.starts_with("| `") && line.find("` | ") != std::string::npos) {
      documented.push_back(line);
    }
  }
  std::vector<std::string> expected;
  for (const auto& row : permissions()) {
    expected.push_back("| `" + std::string(row.name) + "` | " + std::string(rank_name(row.rank)) +
                       " |");
  }
  EXPECT_EQ(documented, expected);
}

std::vector<Operation> every_operation() {
  std::vector<Operation> operations;
  for (const auto& row : permissions()) operations.push_back(row.operation);
  return operations;
}

INSTANTIATE_TEST_SUITE_P(Table, Permissions,
                         ::testing::Combine(::testing::ValuesIn(store_engines()),
                                            ::testing::ValuesIn(every_operation())),
                         [](const ::testing::TestParamInfo<Permissions::ParamType>& cell) {
                           std::string name(permission(std::get<1>(cell.param)).name);
                           name.erase(std::remove(name.begin(), name.end(), '_'), name.end());
                           return name + "_" + std::get<0>(cell.param).name;
                         });

}  // namespace
}  // namespace inscrire::testing
