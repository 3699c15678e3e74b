"""What the pages say, in French: the pupils' sentences and the labels of the staff pages.

Pupils read « tu », as on the class sheet the library prints, and short sentences a 12-year-old
understands: the library's own French messages (``inscrire.describe``) are written for adults
(« vous », « réessayez »), so every code a pupil page may show has its sentence here, and any
other code gets a plain one (tests/python/web/test_web_wording.py checks that no pupil sentence
says « vous »). Staff pages use the library's messages with their detail.
"""

from __future__ import annotations

from typing import Dict, Optional

import inscrire

#: docs/web.md [v4]: a birth date that matches nobody and a name that matches nobody get the
#: same sentence, so that nobody learns on which dates the school's pupils were born.
NOT_FOUND = ("Nous ne trouvons pas d'élève avec ces informations. "
             "Vérifie ton prénom, ton nom et ta date de naissance.")

#: A form sent with a missing, expired, forged or another browser's token: nothing was done.
FORM_EXPIRED_PUPIL = ("Cette page était ouverte depuis trop longtemps : rien n'a été envoyé. "
                      "Vérifie ce que tu as écrit et appuie de nouveau sur le bouton.")
FORM_EXPIRED_STAFF = ("Ce formulaire a expiré ou ne vient pas de ce site : rien n'a été fait. "
                      "Vérifiez-le et envoyez-le de nouveau.")

PUPIL_PASSWORD_RULE = ("8 caractères au moins, dont une majuscule, une minuscule et un chiffre. "
                       "Évite ton prénom, ton nom et les mots de passe trop connus.")
STAFF_PASSWORD_RULE = ("12 caractères au moins (une phrase de plusieurs mots convient), "
                       "sans votre identifiant.")
PASSWORDS_DIFFER = "Les deux mots de passe ne sont pas identiques."
IDLE_LOGOUT = "Tu as été déconnecté(e) après {minutes} minutes sans activité."

_GENERIC = "Une erreur est survenue. Réessaie dans un moment ou demande à ton professeur."

_PUPIL: Dict[str, str] = {
    "CAMPAIGN_NOT_FOUND": "Ce code ne correspond à aucune campagne. Vérifie-le sur la fiche de "
                          "ta classe.",
    "CAMPAIGN_ARCHIVED": "Cette campagne est archivée.",
    "CAMPAIGN_DELETED": "Cette campagne a été supprimée.",
    "NO_LEARNER_FOR_BIRTHDATE": NOT_FOUND,
    "NO_NAME_MATCH": NOT_FOUND,
    "AMBIGUOUS_MATCH": "Plusieurs élèves correspondent à ces informations : demande à ton "
                       "professeur.",
    "LEARNER_ALREADY_LINKED": "Tu as déjà un compte : connecte-toi.",
    "LEARNER_HAS_ACCOUNT_ELSEWHERE": "Tu as déjà un compte, dans un autre établissement : "
                                     "connecte-toi avec lui.",
    "USER_ALREADY_LINKED_IN_ORGANIZATION": "Ton compte est déjà relié à un autre élève de cet "
                                           "établissement : demande à ton professeur.",
    "LEARNER_NOT_FOUND": "Tu n'es pas encore relié(e) à un élève de cet établissement.",
    "LEARNER_DISABLED": "Tu n'es plus inscrit(e) dans cet établissement : demande à ton "
                        "professeur.",
    "USERNAME_SPACE_EXHAUSTED": "Impossible de te donner un identifiant : demande à ton "
                                "professeur.",
    "NAME_REQUIRED": "Écris ton prénom et ton nom.",
    "NAME_TOO_LONG": "Ce nom est trop long.",
    "FIELD_TOO_LONG": "Ce nom est trop long.",
    "INVALID_NAME_CHARACTERS": "Ce nom contient des caractères qui ne sont pas acceptés.",
    "INVALID_UTF8": "Ce texte contient des caractères qui ne sont pas acceptés.",
    "BIRTHDATE_REQUIRED": "Écris ta date de naissance.",
    "INVALID_BIRTHDATE_FORMAT": "Écris ta date de naissance sous la forme JJ/MM/AAAA, par "
                                "exemple 12/05/2013.",
    "INVALID_BIRTHDATE": "Cette date n'existe pas.",
    "BIRTHDATE_IN_FUTURE": "Cette date est dans le futur.",
    "BIRTHDATE_TOO_OLD": "Vérifie l'année de ta date de naissance.",
    "PASSWORD_REQUIRED": "Choisis un mot de passe.",
    "PASSWORD_TOO_WEAK": "Ce mot de passe ne respecte pas la règle.",
    "PASSWORD_TOO_LONG": "Ce mot de passe est trop long : 255 caractères au plus.",
    "PASSWORD_CONTAINS_PERSONAL_INFO": "Ton mot de passe ne doit contenir ni ton prénom, ni ton "
                                       "nom, ni ton identifiant.",
    "PASSWORD_TOO_COMMON": "Ce mot de passe est trop connu : il serait deviné tout de suite. "
                           "Choisis-en un autre.",
    "INVALID_CREDENTIALS": "Identifiant ou mot de passe incorrect.",
    "PASSWORD_CHANGE_REQUIRED": "Choisis un nouveau mot de passe.",
    "ACCOUNT_TEMPORARILY_BLOCKED": "Compte bloqué temporairement : réessaie plus tard.",
    "ACCOUNT_BLOCKED": "Compte bloqué : demande à ton professeur de le débloquer.",
    "ACCOUNT_DISABLED": "Ce compte est désactivé : demande à ton professeur.",
    "TEMPORARY_PASSWORD_EXPIRED": "Ce mot de passe provisoire a expiré : demandes-en un nouveau "
                                  "à ton professeur.",
    "INVALID_TOKEN": "Cette page a expiré : connecte-toi de nouveau avec ton mot de passe "
                     "provisoire.",
    "SESSION_INVALID": "Tu as été déconnecté(e) : connecte-toi de nouveau.",
    "TOO_MANY_ATTEMPTS": "Trop d'essais : attends quelques minutes avant de recommencer.",
    "INVALID_PARTICIPATION_STATUS": "Cette étape n'est pas possible maintenant.",
    "PARTICIPATION_NOT_FOUND": "Tu ne participes pas à cette campagne.",
    "DATABASE_BUSY": "Le site est très occupé : réessaie dans un instant.",
    "DATABASE_ERROR": "Le site ne fonctionne pas pour le moment : réessaie plus tard.",
    "DATABASE_UNAVAILABLE": "Le site ne fonctionne pas pour le moment : réessaie plus tard.",
}

def pupil_message(code: str) -> str:
    """The sentence a pupil reads for a code of the library."""
    return _PUPIL.get(code, _GENERIC)


def pupil_error(error: inscrire.Error) -> str:
    """A refusal as a pupil reads it, with the waiting time or the attempts left when the
    library gives them."""
    sentence = pupil_message(error.code)
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int) and retry_after > 0:
        minutes = max(1, (retry_after + 59) // 60)
        sentence += f" (encore {minutes} minute{'s' if minutes > 1 else ''} environ)"
    remaining = getattr(error, "remaining_attempts", None)
    if isinstance(remaining, int) and remaining > 0:
        sentence += (f" Il te reste {remaining} essai{'s' if remaining > 1 else ''} "
                     "avant le blocage du compte.")
    return sentence


def staff_error(error: inscrire.Error) -> str:
    """Staff read the library's French sentence with its detail (a field, a line)."""
    return error.message


def staff_message(code: str) -> str:
    return inscrire.describe(code, "fr")


# --- labels ----------------------------------------------------------------------------------

#: The account states of the learner list (docs/rules.md §7).
STATE_LABELS = {
    "no_account": "Pas de compte",
    "active": "Compte actif",
    "must_change_password": "Doit changer son mot de passe",
    "blocked": "Bloqué",
    "disabled": "Sorti du registre",
}
#: Participation statuses (docs/rules.md §1 and §7), as the pages and the CSV show them.
STATUS_LABELS = {
    "NOT_JOINED": "Pas encore rejoint",
    "STARTED": "Commencée",
    "TO_SHARE": "Terminée, résultats à envoyer",
    "SHARED": "Résultats envoyés",
}
CAMPAIGN_STATUS_LABELS = {"active": "Active", "archived": "Archivée", "deleted": "Supprimée"}
ROLE_LABELS = {"ADMIN": "Administrateur", "MEMBER": "Membre"}
#: Why the library skipped roster rows (ImportReport.skipped keys).
SKIPPED_LABELS = {"left": "élèves sortis de l'établissement", "no_ine": "élèves sans INE",
                  "no_division": "élèves sans classe"}
#: The audit log's actions (the operations' names, docs/rules.md §9).
ACTION_LABELS = {
    "learners": "Liste des élèves",
    "learner": "Fiche d'un élève",
    "account": "Fiche d'un compte",
    "campaigns": "Liste des campagnes",
    "campaign_participants": "Participants d'une campagne",
    "not_joined": "Élèves n'ayant pas rejoint",
    "class_sheet": "Fiche de classe",
    "reset_password": "Réinitialisation d'un mot de passe",
    "unblock": "Déblocage d'un compte",
    "generate_credentials": "Identifiants d'une classe",
    "create_campaign": "Création d'une campagne",
    "update_campaign": "Modification d'une campagne",
    "archive_campaign": "Archivage d'une campagne",
    "unarchive_campaign": "Désarchivage d'une campagne",
    "delete_campaign": "Suppression d'une campagne",
    "delete_participation": "Suppression d'une participation",
    "import_roster": "Import de la base élèves",
    "import_account": "Import d'un compte",
    "dissociate": "Dissociation d'un compte",
    "export_learner": "Export des données d'un élève",
    "anonymize_learner": "Anonymisation d'un élève",
    "invite_staff": "Invitation d'un membre",
    "accept_staff_invitation": "Invitation acceptée",
    "members": "Liste de l'équipe",
    "invitations": "Liste des invitations",
    "set_member_role": "Changement de rôle",
    "remove_member": "Retrait d'un membre",
    "revoke_staff_invitation": "Révocation d'une invitation",
    "reset_staff_password": "Réinitialisation du mot de passe d'un membre",
    "reset_second_factor": "Réinitialisation de la vérification en deux étapes",
    "confirm_second_factor": "Vérification en deux étapes activée",
    "change_staff_password": "Changement de mot de passe",
    "audit_log": "Lecture du journal",
    "create_organization": "Création de l'établissement",
    "purge_audit": "Purge du journal",
}
OUTCOME_LABELS = {"ok": "Fait", "forbidden": "Refusé"}
#: Who acted, in the journal: the role then (an ADMIN, a MEMBER, the operator), or the kind of
#: actor when it had no role in the school.
ACTOR_LABELS = {"ADMIN": "administrateur", "MEMBER": "membre", "OPERATOR": "opérateur",
                "asserted": "identité déléguée", "pupil": "élève",
                "legacy": "version précédente"}


def actor_label(kind: str, role: str) -> str:
    """« administrateur », « membre », « opérateur »... for a journal row, "" without one."""
    return ACTOR_LABELS.get(role) or ACTOR_LABELS.get(kind) or ""


def label(table: Dict[str, str], key: Optional[str]) -> str:
    if key is None:
        return ""
    return table.get(key, key)
