// The error model: one exception type carrying a stable code.
//
// Codes are part of the public contract (CLI output, C ABI, Python `.code`): never rename or
// renumber one; add new ones at the end of the list. Expected outcomes of a use case (no match,
// ambiguous match) are results, not exceptions; the codes for them live here so every surface
// names them the same way.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace inscrire {

// X(NAME, french message, english message). The position in this list is the pinned C ABI
// number (negated, offset by one): append only. IMPORT_REFUSED, LEARNER_HAS_NO_ACCOUNT and
// NAME_TOO_LONG are reserved: this version never produces them (a refused import carries the
// code of its first error; admin operations address accounts by username; a name over its
// limit is FIELD_TOO_LONG, like every other field).
#define INSCRIRE_ERROR_CODES(X)                                                                   \
  X(INTERNAL_ERROR, "Erreur interne.", "Internal error.")                                         \
  X(INVALID_ARGUMENT, "Argument invalide.", "Invalid argument.")                                  \
  X(INVALID_UTF8, "Le texte n'est pas de l'UTF-8 valide.", "The text is not valid UTF-8.")        \
  X(NAME_REQUIRED, "Le nom ou le prénom est vide.", "The name is empty.")                         \
  X(NAME_TOO_LONG, "Le nom est trop long.", "The name is too long.")                              \
  X(INVALID_NAME_CHARACTERS, "Le nom contient des caractères invalides.",                         \
    "The name contains invalid characters.")                                                      \
  X(BIRTHDATE_REQUIRED, "La date de naissance est vide.", "The birth date is empty.")             \
  X(INVALID_BIRTHDATE_FORMAT, "La date de naissance doit s'écrire JJ/MM/AAAA.",                   \
    "The birth date must be written DD/MM/YYYY.")                                                 \
  X(INVALID_BIRTHDATE, "Cette date n'existe pas.", "This date does not exist.")                   \
  X(BIRTHDATE_IN_FUTURE, "La date de naissance est dans le futur.",                               \
    "The birth date is in the future.")                                                           \
  X(BIRTHDATE_TOO_OLD, "La date de naissance est antérieure à 1900.",                             \
    "The birth date is before 1900.")                                                             \
  X(USERNAME_SPACE_EXHAUSTED, "Plus aucun identifiant libre pour ce prénom et ce nom.",           \
    "No free username is left for this first and last name.")                                     \
  X(DATABASE_ERROR, "Erreur de la base de données.", "Database error.")                           \
  X(DATABASE_BUSY, "La base de données est occupée, réessayez.",                                  \
    "The database is busy, try again.")                                                           \
  X(SCHEMA_TOO_NEW, "La base a été créée par une version plus récente d'inscrire.",               \
    "The database was created by a newer version of inscrire.")                                   \
  X(INVALID_UAI, "Le code UAI est invalide (7 chiffres et une lettre).",                          \
    "The UAI is invalid (7 digits and a letter).")                                                \
  X(ORGANIZATION_NOT_FOUND, "Établissement inconnu.", "Unknown school.")                          \
  X(ORGANIZATION_EXISTS, "Cet établissement existe déjà.", "This school already exists.")         \
  X(CAMPAIGN_NOT_FOUND, "Code de campagne inconnu.", "Unknown campaign code.")                    \
  X(CAMPAIGN_ARCHIVED, "Cette campagne est archivée.", "This campaign is archived.")              \
  X(CAMPAIGN_DELETED, "Cette campagne a été supprimée.", "This campaign was deleted.")            \
  X(NO_LEARNER_FOR_BIRTHDATE, "Aucun élève inscrit avec cette date de naissance.",                \
    "No pupil on the roster has this birth date.")                                                \
  X(NO_NAME_MATCH, "Aucun élève ne correspond à ce prénom et ce nom.",                            \
    "No pupil matches this first and last name.")                                                 \
  X(AMBIGUOUS_MATCH, "Plusieurs élèves correspondent : demandez à votre enseignant.",             \
    "Several pupils match: ask your teacher.")                                                    \
  X(LEARNER_ALREADY_LINKED, "Vous avez déjà un compte : connectez-vous.",                         \
    "You already have an account: log in.")                                                       \
  X(LEARNER_HAS_ACCOUNT_ELSEWHERE, "Vous avez déjà un compte dans un autre établissement.",       \
    "You already have an account in another school.")                                             \
  X(USER_ALREADY_LINKED_IN_ORGANIZATION,                                                          \
    "Ce compte est déjà relié à un autre élève de cet établissement.",                            \
    "This account is already linked to another pupil of this school.")                            \
  X(PASSWORD_REQUIRED, "Le mot de passe est vide.", "The password is empty.")                     \
  X(PASSWORD_TOO_WEAK,                                                                            \
    "Le mot de passe doit avoir 8 caractères dont une majuscule, une minuscule et un chiffre.",   \
    "The password needs 8 characters with an upper-case letter, a lower-case letter and a "       \
    "digit.")                                                                                     \
  X(PASSWORD_TOO_LONG, "Le mot de passe est trop long (255 caractères au plus).",                 \
    "The password is too long (255 characters at most).")                                         \
  X(INVALID_CREDENTIALS, "Identifiant ou mot de passe incorrect.", "Wrong username or password.") \
  X(PASSWORD_CHANGE_REQUIRED, "Vous devez choisir un nouveau mot de passe.",                      \
    "You must choose a new password.")                                                            \
  X(ACCOUNT_TEMPORARILY_BLOCKED, "Compte bloqué temporairement : réessayez plus tard.",           \
    "Account temporarily blocked: try again later.")                                              \
  X(ACCOUNT_BLOCKED, "Compte bloqué : demandez à un administrateur de le débloquer.",             \
    "Account blocked: ask an administrator to unblock it.")                                       \
  X(INVALID_TOKEN, "Lien de changement de mot de passe invalide ou expiré.",                      \
    "Invalid or expired password-change token.")                                                  \
  X(USER_NOT_FOUND, "Compte inconnu.", "Unknown account.")                                        \
  X(LEARNER_NOT_FOUND, "Élève inconnu dans cet établissement.", "Unknown pupil in this school.")  \
  X(LEARNER_HAS_NO_ACCOUNT, "Cet élève n'a pas encore de compte.",                                \
    "This pupil has no account yet.")                                                             \
  X(LEARNER_DISABLED, "Cet élève n'est plus inscrit dans l'établissement.",                       \
    "This pupil is no longer on the school's roster.")                                            \
  X(TOO_MANY_ATTEMPTS, "Trop de tentatives : réessayez dans quelques minutes.",                   \
    "Too many attempts: try again in a few minutes.")                                             \
  X(IMPORT_REFUSED, "Le fichier a été refusé : rien n'a été importé.",                            \
    "The file was refused: nothing was imported.")                                                \
  X(INVALID_FILE, "Fichier illisible ou mal formé.", "Unreadable or malformed file.")             \
  X(EMPTY, "Le fichier ne contient aucun élève importable.",                                      \
    "The file holds no importable pupil.")                                                        \
  X(UAI_MISMATCH, "Ce fichier est celui d'un autre établissement.",                               \
    "This file belongs to another school.")                                                       \
  X(ENCODING_NOT_SUPPORTED, "Encodage du fichier non pris en charge.",                            \
    "File encoding not supported.")                                                               \
  X(FILE_TOO_LARGE, "Fichier trop volumineux.", "File too large.")                                \
  X(INE_REQUIRED, "Identifiant national (INE) manquant.", "National id (INE) missing.")           \
  X(DUPLICATE_INE, "Le même INE apparaît deux fois.", "The same INE appears twice.")              \
  X(SEX_CODE_REQUIRED, "Code sexe manquant.", "Sex code missing.")                                \
  X(BIRTH_CITY_CODE_REQUIRED, "Code commune de naissance manquant.", "Birth town code missing.")  \
  X(HEADER_REQUIRED, "Colonne obligatoire absente de l'en-tête.",                                 \
    "Required column missing from the header.")                                                   \
  X(HEADER_UNKNOWN, "Colonne inconnue dans l'en-tête.", "Unknown column in the header.")          \
  X(FIELD_REQUIRED, "Champ obligatoire vide.", "Required field empty.")                           \
  X(FIELD_TOO_LONG, "Champ trop long.", "Field too long.")                                        \
  X(INVALID_DATE, "Date invalide (jj/mm/aaaa).", "Invalid date (dd/mm/yyyy).")                    \
  X(INVALID_VALUE, "Valeur invalide.", "Invalid value.")                                          \
  X(DUPLICATE_ID, "Le même identifiant apparaît deux fois.", "The same id appears twice.")        \
  X(INVALID_INSEE_CODE, "Code INSEE invalide.", "Invalid INSEE code.")                            \
  X(PASSWORD_CONTAINS_PERSONAL_INFO,                                                              \
    "Le mot de passe ne doit contenir ni votre prénom, ni votre nom, ni votre identifiant.",      \
    "The password must not contain your first name, last name or username.")                      \
  X(PASSWORD_TOO_COMMON, "Ce mot de passe est trop courant.", "This password is too common.")     \
  X(ACCOUNT_DISABLED, "Ce compte est désactivé.", "This account is disabled.")                    \
  X(USERNAME_TAKEN, "Cet identifiant est déjà utilisé par un autre compte.",                      \
    "This username is already used by another account.")                                          \
  X(SESSION_INVALID, "Session inconnue, expirée ou terminée : reconnectez-vous.",                 \
    "Unknown, expired or ended session: log in again.")                                           \
  X(INVALID_PARTICIPATION_STATUS,                                                                 \
    "Cette étape de la participation n'est pas possible maintenant.",                             \
    "This participation step is not possible now.")                                               \
  X(PARTICIPATION_NOT_FOUND, "Vous ne participez pas à cette campagne.",                          \
    "You do not take part in this campaign.")                                                     \
  X(LEARNER_NOT_LINKED, "Cet élève n'est relié à aucun compte.",                                  \
    "This pupil is linked to no account.")                                                        \
  X(CAMPAIGN_HAS_PARTICIPATIONS, "Des élèves ont rejoint cette campagne : archivez-la plutôt.",   \
    "Pupils have joined this campaign: archive it instead.")                                      \
  X(TEMPORARY_PASSWORD_EXPIRED, "Ce mot de passe provisoire a expiré : demandez-en un nouveau.",  \
    "This temporary password has expired: ask for a new one.")                                    \
  X(DATABASE_UNAVAILABLE, "La base de données est injoignable.", "The database is unreachable.")  \
  X(FORBIDDEN, "Accès refusé.", "Access denied.")                                                 \
  X(INVITATION_INVALID, "Invitation inconnue, déjà utilisée, expirée ou révoquée.",               \
    "Unknown, used, expired or revoked invitation.")                                              \
  X(LAST_ADMIN,                                                                                   \
    "C'est le dernier administrateur de l'établissement : invitez-en un autre d'abord.",          \
    "This is the school's last administrator: invite another one first.")                         \
  X(STAFF_USERNAME_TAKEN, "Cet identifiant est déjà pris.", "This username is taken.")            \
  X(SECOND_FACTOR_REQUIRED, "Saisissez le code de vérification de votre application.",            \
    "Enter the verification code from your app.")                                                 \
  X(SECOND_FACTOR_INVALID, "Code de vérification incorrect.", "Wrong verification code.")         \
  X(SECOND_FACTOR_ENROLMENT_REQUIRED,                                                             \
    "Activez d'abord la vérification en deux étapes de votre compte.",                            \
    "Set up two-step verification for your account first.")                                       \
  X(SCHEMA_TOO_OLD, "La base doit d'abord être migrée : inscrire db migrate.",                    \
    "The database must be migrated first: inscrire db migrate.")

enum class ErrorCode {
#define INSCRIRE_ENUM_ENTRY(name, fr, en) name,
  INSCRIRE_ERROR_CODES(INSCRIRE_ENUM_ENTRY)
#undef INSCRIRE_ENUM_ENTRY
};

enum class Language { French, English };

// "NO_NAME_MATCH" for ErrorCode::NO_NAME_MATCH.
std::string_view code_name(ErrorCode code) noexcept;
// The inverse of code_name; nullopt for an unknown name.
std::optional<ErrorCode> code_from_name(std::string_view name) noexcept;
// The user-facing sentence for a code.
std::string_view describe(ErrorCode code, Language language) noexcept;
// Every code, in declaration order.
std::span<const ErrorCode> all_error_codes() noexcept;

// Thrown by every refused operation. `detail` says what exactly was wrong (a field, a line)
// and never holds a secret.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string detail = {});

  ErrorCode code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  // describe(code) followed by the detail, in the requested language.
  std::string message(Language language = Language::French) const;

 private:
  ErrorCode code_;
  std::string detail_;
};

}  // namespace inscrire
