"""inscrire: pupil accounts from a school roster, without an ENT.

A thin Python layer over the C++ core (the pybind11 module ``inscrire._native``)::

    import inscrire

    with inscrire.open("school.db") as db:
        db.create_organization("0751234A", "Collège Victor Hugo")
        db.import_roster("0751234A", "ElevesSansAdresses.xml")
        campaign = db.create_campaign("0751234A", "Pix 5A", division="5A")
        account = db.register(campaign.code, "Léa", "Martin", "12/05/2013", "Tournesol42")
        print(account.username)

Every operation is one transaction; a refused operation raises a subclass of
:class:`inscrire.Error` whose ``.code`` is the stable code of the C++ core ("NO_NAME_MATCH"...)
and leaves the database as it was. Calls release the GIL: a :class:`Database` may be shared by
any number of threads (see docs/python.md, "Threads").
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import math
import os
import typing
from typing import (Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Type,
                    TypeVar, Union)

from . import _native as _unchecked_native

__all__ = [
    "__version__",
    "open",
    "Database",
    # results
    "Organization",
    "Learner",
    "PupilLearner",
    "Campaign",
    "RosterProblem",
    "ImportReport",
    "MatchStatus",
    "MatchReport",
    "Registration",
    "LoginStatus",
    "LoginResult",
    "Credential",
    "CredentialReport",
    "Credentials",
    "SessionLearner",
    "Session",
    "ParticipationStatus",
    "Participation",
    "Participant",
    "LearnerState",
    "Account",
    "AccountLink",
    "AccountDetails",
    # school staff
    "Actor",
    "StaffRole",
    "Membership",
    "StaffInvitation",
    "StaffLogin",
    "StaffSession",
    "SecondFactorEnrolment",
    "StaffMember",
    "PendingInvitation",
    "AuditRow",
    # operations
    "ServiceStats",
    "DatabaseStatus",
    "DatabaseCheck",
    "database_status",
    "migrate_database",
    "check_database",
    "backup_database",
    # functions without a database
    "username",
    "normalize",
    "username_part",
    "validate_name",
    "is_valid_username",
    "parse_birthdate",
    "describe",
    "error_codes",
    # exceptions
    "Error",
    "InternalError",
    "InvalidInput",
    "PasswordRejected",
    "ImportRefused",
    "NotFound",
    "Conflict",
    "AlreadyExists",
    "CampaignClosed",
    "MatchRefused",
    "NoMatch",
    "AmbiguousMatch",
    "AlreadyRegistered",
    "AuthenticationError",
    "AccountBlocked",
    "TooManyAttempts",
    "DatabaseError",
    "Forbidden",
    "exception_class",
]

#: The version of the C++ core this module wraps (``inscrire::version()``).
__version__: str = _unchecked_native.__version__

BirthDateLike = Union[_dt.date, str]
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

# ---------------------------------------------------------------------------------------------
# Exceptions


class Error(Exception):
    """Base class of every refused operation.

    Attributes:
        code: the stable code of the C++ core, e.g. ``"NO_NAME_MATCH"`` (never renamed).
        message: the user-facing sentence in French, followed by the detail when there is one.
        message_en: the same in English.
        detail: what exactly was wrong (a field, a line); never a secret; may be empty.
    """

    code: str
    message: str
    message_en: str
    detail: str

    def __init__(
        self,
        code: str,
        message: Optional[str] = None,
        *,
        detail: str = "",
        message_en: Optional[str] = None,
    ) -> None:
        if message is None:
            message = _with_detail(_describe_or(code, "fr"), detail)
        if message_en is None:
            message_en = _with_detail(_describe_or(code, "en"), detail)
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.message_en = message_en
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __reduce__(self) -> Any:  # picklable although __init__ takes keyword-only arguments
        return (_rebuild_error, (type(self), self.code, self.message, self.detail,
                                 self.message_en, self.__dict__))


def _rebuild_error(cls: Type[Error], code: str, message: str, detail: str, message_en: str,
                   state: Dict[str, Any]) -> Error:
    error = cls.__new__(cls)
    Error.__init__(error, code, message, detail=detail, message_en=message_en)
    error.__dict__.update(state)
    return error


def _describe_or(code: str, language: str) -> str:
    try:
        return _native.describe(code, language)
    except ValueError:
        return code


def _with_detail(sentence: str, detail: str) -> str:
    return f"{sentence} {detail}" if detail else sentence  # as Error::message in the core


class InternalError(Error, RuntimeError):
    """INTERNAL_ERROR: a bug or an exhausted resource in the core."""


class InvalidInput(Error, ValueError):
    """A value was refused: a name, a birth date, a UAI, a password, a roster file..."""


class PasswordRejected(InvalidInput):
    """The new password breaks the rule or the policy (PASSWORD_*)."""


class ImportRefused(InvalidInput):
    """A roster file was refused and nothing was imported.

    ``code`` is the code of the first problem; ``report`` (an :class:`ImportReport`) lists them
    all in ``report.errors``. ``report`` is None only for an ImportRefused built by hand.
    """

    report: Optional["ImportReport"] = None


class NotFound(Error, LookupError):
    """Something named by the call does not exist (school, campaign, account, learner)."""


class Conflict(Error):
    """The operation conflicts with the current state of the database."""


class AlreadyExists(Conflict):
    """What the call would create already exists (ORGANIZATION_EXISTS...)."""


class CampaignClosed(Conflict):
    """The campaign is archived or deleted: pupils can no longer join it."""


class MatchRefused(Error):
    """Registration refused by matching the pupil to the roster.

    ``username_hint`` is the masked username of the existing account ("j***.h***2") for
    LEARNER_ALREADY_LINKED and LEARNER_HAS_ACCOUNT_ELSEWHERE, so the pupil can log in instead;
    None otherwise.
    """

    username_hint: Optional[str] = None


class NoMatch(MatchRefused, NotFound):
    """NO_LEARNER_FOR_BIRTHDATE or NO_NAME_MATCH: nobody on the roster matches."""


class AmbiguousMatch(MatchRefused):
    """AMBIGUOUS_MATCH: several pupils match; a teacher must help."""


class AlreadyRegistered(MatchRefused, AlreadyExists):
    """The pupil already has an account (``username_hint`` says which)."""


class AuthenticationError(Error, PermissionError):
    """A login or password change was refused.

    ``remaining_attempts``: for INVALID_CREDENTIALS, the failures left before the account is
    blocked, when 10 or fewer remain (else None). ``retry_after``: seconds to wait, for
    ACCOUNT_TEMPORARILY_BLOCKED (else None).
    """

    remaining_attempts: Optional[int] = None
    retry_after: Optional[int] = None


class AccountBlocked(AuthenticationError):
    """ACCOUNT_TEMPORARILY_BLOCKED or ACCOUNT_BLOCKED (an admin must call ``unblock``)."""


class TooManyAttempts(Error):
    """TOO_MANY_ATTEMPTS: this client key tried too many codes or names; ``retry_after`` seconds."""

    retry_after: Optional[int] = None


class Forbidden(Error, PermissionError):
    """FORBIDDEN: the actor's role does not allow this operation on this school (the same answer
    for another school and for one that does not exist; docs/rules.md §9)."""


class DatabaseError(Error, OSError):
    """The database file could not be used (DATABASE_ERROR, DATABASE_BUSY, SCHEMA_TOO_NEW,
    SCHEMA_TOO_OLD)."""


_ROSTER_CODES = (
    "IMPORT_REFUSED", "INVALID_FILE", "EMPTY", "UAI_MISMATCH", "ENCODING_NOT_SUPPORTED",
    "FILE_TOO_LARGE", "INE_REQUIRED", "DUPLICATE_INE", "SEX_CODE_REQUIRED",
    "BIRTH_CITY_CODE_REQUIRED", "HEADER_REQUIRED", "HEADER_UNKNOWN", "FIELD_REQUIRED",
    "INVALID_DATE", "DUPLICATE_ID", "INVALID_INSEE_CODE",
)

#: The class raised for each stable code (docs/python.md has the same table).
EXCEPTION_CLASSES: Mapping[str, Type[Error]] = {
    "INTERNAL_ERROR": InternalError,
    "INVALID_ARGUMENT": InvalidInput,
    "INVALID_UTF8": InvalidInput,
    "NAME_REQUIRED": InvalidInput,
    "NAME_TOO_LONG": InvalidInput,
    "INVALID_NAME_CHARACTERS": InvalidInput,
    "BIRTHDATE_REQUIRED": InvalidInput,
    "INVALID_BIRTHDATE_FORMAT": InvalidInput,
    "INVALID_BIRTHDATE": InvalidInput,
    "BIRTHDATE_IN_FUTURE": InvalidInput,
    "BIRTHDATE_TOO_OLD": InvalidInput,
    "USERNAME_SPACE_EXHAUSTED": Conflict,
    "DATABASE_ERROR": DatabaseError,
    "DATABASE_BUSY": DatabaseError,
    "SCHEMA_TOO_NEW": DatabaseError,
    "INVALID_UAI": InvalidInput,
    "ORGANIZATION_NOT_FOUND": NotFound,
    "ORGANIZATION_EXISTS": AlreadyExists,
    "CAMPAIGN_NOT_FOUND": NotFound,
    "CAMPAIGN_ARCHIVED": CampaignClosed,
    "CAMPAIGN_DELETED": CampaignClosed,
    "NO_LEARNER_FOR_BIRTHDATE": NoMatch,
    "NO_NAME_MATCH": NoMatch,
    "AMBIGUOUS_MATCH": AmbiguousMatch,
    "LEARNER_ALREADY_LINKED": AlreadyRegistered,
    "LEARNER_HAS_ACCOUNT_ELSEWHERE": AlreadyRegistered,
    "USER_ALREADY_LINKED_IN_ORGANIZATION": Conflict,
    "PASSWORD_REQUIRED": PasswordRejected,
    "PASSWORD_TOO_WEAK": PasswordRejected,
    "PASSWORD_TOO_LONG": PasswordRejected,
    "INVALID_CREDENTIALS": AuthenticationError,
    "PASSWORD_CHANGE_REQUIRED": AuthenticationError,
    "ACCOUNT_TEMPORARILY_BLOCKED": AccountBlocked,
    "ACCOUNT_BLOCKED": AccountBlocked,
    "INVALID_TOKEN": AuthenticationError,
    "USER_NOT_FOUND": NotFound,
    "LEARNER_NOT_FOUND": NotFound,
    "LEARNER_HAS_NO_ACCOUNT": NotFound,
    "LEARNER_DISABLED": Conflict,
    "TOO_MANY_ATTEMPTS": TooManyAttempts,
    **{code: ImportRefused for code in _ROSTER_CODES},
    # Limits of every field, typed or read from a file (ImportRefused when a file is refused).
    "FIELD_TOO_LONG": InvalidInput,
    "INVALID_VALUE": InvalidInput,
    "PASSWORD_CONTAINS_PERSONAL_INFO": PasswordRejected,
    "PASSWORD_TOO_COMMON": PasswordRejected,
    "ACCOUNT_DISABLED": AuthenticationError,
    "USERNAME_TAKEN": AlreadyExists,
    "SESSION_INVALID": AuthenticationError,
    "INVALID_PARTICIPATION_STATUS": Conflict,
    "PARTICIPATION_NOT_FOUND": NotFound,
    "LEARNER_NOT_LINKED": NotFound,
    "CAMPAIGN_HAS_PARTICIPATIONS": Conflict,
    "TEMPORARY_PASSWORD_EXPIRED": AuthenticationError,
    "DATABASE_UNAVAILABLE": DatabaseError,
    "FORBIDDEN": Forbidden,
    "INVITATION_INVALID": NotFound,
    "LAST_ADMIN": Conflict,
    "STAFF_USERNAME_TAKEN": AlreadyExists,
    "SECOND_FACTOR_REQUIRED": AuthenticationError,
    "SECOND_FACTOR_INVALID": AuthenticationError,
    "SECOND_FACTOR_ENROLMENT_REQUIRED": AuthenticationError,
    "SCHEMA_TOO_OLD": DatabaseError,
}


def exception_class(code: str) -> Type[Error]:
    """The exception class raised for a stable code (:class:`Error` for an unknown one)."""
    return EXCEPTION_CLASSES.get(code, Error)


def _make_error(code: str, detail: str, message_fr: str, message_en: str,
                extra: Dict[str, Any]) -> Error:
    # Called by _native for every core error. A report means the roster import was refused,
    # whatever the code of its first problem.
    cls = exception_class(code)
    if "report" in extra:
        cls = ImportRefused
    error = cls(code, message_fr, detail=detail, message_en=message_en)
    for name, value in extra.items():
        if name == "report":
            value = _record(ImportReport, value)
        setattr(error, name, value)
    return error


_unchecked_native._error_factory = _make_error


def _refuse_unencodable(values: Any) -> None:
    for position, value in enumerate(values, start=1):
        if isinstance(value, (list, tuple)):
            _refuse_unencodable(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidInput("INVALID_UTF8", detail=f"(argument {position})") from None


class _TextChecked:
    """A native object (the module, a Database) whose every call first checks its text
    arguments. A str holding a lone surrogate has no UTF-8 form: it is InvalidInput with the
    code INVALID_UTF8, as invalid UTF-8 is on every other surface, instead of pybind11's
    TypeError "incompatible function arguments"."""

    __slots__ = ("_target",)

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        member = getattr(self._target, name)
        if not callable(member):
            return member

        def checked(*args: Any, **kwargs: Any) -> Any:
            _refuse_unencodable(args)
            _refuse_unencodable(kwargs.values())
            return member(*args, **kwargs)

        return checked


# mypy reads the native module's stub (_native.pyi) through this name; at run time every call
# goes through the check above.
if typing.TYPE_CHECKING:
    _native = _unchecked_native
else:
    _native = _TextChecked(_unchecked_native)

# ---------------------------------------------------------------------------------------------
# Results


def _time(seconds: int) -> _dt.datetime:
    # The core's times are unix seconds; Python gets aware datetimes in UTC.
    return _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc)


def _decode(annotation: Any, value: Any) -> Any:
    """A value of the native module as a result field's annotation says: unix seconds become
    an aware datetime, (year, month, day) a date, a name its enum, a dict the dataclass, a
    list a tuple. The native side makes each record's dict from the record's one list of
    fields (include/inscrire/records.hpp); tests/python/test_records.py checks both agree."""
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    if origin is Union:  # Optional[X]
        inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:  # Tuple[X, ...]
        return tuple(_decode(typing.get_args(annotation)[0], item) for item in value)
    if origin is not None:  # Mapping[str, int]
        return dict(value)
    if annotation is _dt.datetime:
        return _time(value)
    if annotation is _dt.date:
        return _dt.date(*value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    if dataclasses.is_dataclass(annotation):
        return _record(annotation, value)
    return value


_Result = TypeVar("_Result")


_FIELDS: Dict[Any, Tuple[Tuple[str, str, Any], ...]] = {}


def _fields(cls: Any) -> Tuple[Tuple[str, str, Any], ...]:
    # (attribute, native key, annotation) of each field the native dict fills, once per class.
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = tuple((f.name, f.metadata.get("native", f.name), hints[f.name])
                      for f in dataclasses.fields(cls) if f.init)
        _FIELDS[cls] = found
    return found


def _record(cls: Type[_Result], native: Mapping[str, Any]) -> _Result:
    """The dataclass `cls` from a record's dict; a field the dict lacks keeps its default."""
    return cls(**{name: _decode(annotation, native[key])
                  for name, key, annotation in _fields(cls) if key in native})


def _records(cls: Type[_Result], natives: Iterable[Mapping[str, Any]]) -> List[_Result]:
    return [_record(cls, native) for native in natives]


class LearnerState(str, enum.Enum):
    """The state of a learner in the admin list (docs/rules.md §7): the first that applies of
    disabled, no account, blocked, must change password, active."""

    NO_ACCOUNT = "no_account"
    ACTIVE = "active"
    MUST_CHANGE_PASSWORD = "must_change_password"
    BLOCKED = "blocked"
    DISABLED = "disabled"

    def __repr__(self) -> str:
        return f"LearnerState.{self.name}"


@dataclasses.dataclass(frozen=True)
class Account:
    """An account as an admin sees it (never its password hash).

    ``blocked`` is None, "temporary" (until ``blocked_until``) or "permanent" (an admin must
    call :meth:`Database.unblock`); ``temporary_expires_at`` is when an unused temporary
    password stops logging in (None: no limit); ``participations`` counts every participation
    of the account. Times are aware datetimes in UTC.
    """

    username: str
    must_change_password: bool = False
    blocked: Optional[str] = None
    blocked_until: Optional[_dt.datetime] = None
    failed_attempts: int = 0
    disabled: bool = False
    last_login_at: Optional[_dt.datetime] = None
    temporary_expires_at: Optional[_dt.datetime] = None
    participations: int = 0



@dataclasses.dataclass(frozen=True)
class Organization:
    """A school, identified by its UAI."""

    uai: str
    name: str


@dataclasses.dataclass(frozen=True)
class Learner:
    """A roster row as shown to admins, with the username of its account if it has one."""

    ine: str
    first_name: str
    last_name: str
    birthdate: _dt.date
    division: str
    username: Optional[str] = None
    disabled: bool = False
    second_name: str = dataclasses.field(default="", repr=False)
    third_name: str = dataclasses.field(default="", repr=False)
    usage_name: str = dataclasses.field(default="", repr=False)
    # The admin view (learners with state, limit or offset; learner): None in roster listings.
    # Not compared: a learner is the same roster row whatever its account does.
    state: Optional[LearnerState] = dataclasses.field(default=None, compare=False)
    account: Optional[Account] = dataclasses.field(default=None, compare=False)



@dataclasses.dataclass(frozen=True)
class PupilLearner:
    """A roster row as the pupil may see it in a match or registration result (docs/rules.md §8):
    names and class, never the INE, a birth date or an account's username."""

    first_name: str
    last_name: str
    division: str



@dataclasses.dataclass(frozen=True)
class Campaign:
    """A campaign and the code pupils type to join it (``status``: active, archived, deleted)."""

    code: str
    name: str
    uai: str
    division: Optional[str] = None
    target_profile: Optional[str] = None
    status: str = "active"
    created_at: str = dataclasses.field(default="", repr=False)
    owner: Optional[str] = None



@dataclasses.dataclass(frozen=True)
class RosterProblem:
    """One problem found in a roster file: ``line`` (CSV) or ``ine`` (XML) says where."""

    code: str
    line: Optional[int] = None
    ine: Optional[str] = None
    field: Optional[str] = None
    detail: str = ""
    pupil_id: Optional[str] = dataclasses.field(default=None, repr=False)


@dataclasses.dataclass(frozen=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do).

    ``skipped`` counts the pupils of the file not imported, by reason (``left``, ``no_ine``,
    ``no_division``); ``errors`` is empty for an accepted file.
    """

    created: int = 0
    updated: int = 0
    disabled: int = 0
    reenabled: int = 0
    linked: int = 0
    skipped: Mapping[str, int] = dataclasses.field(default_factory=dict)
    errors: Tuple[RosterProblem, ...] = ()
    dry_run: bool = False

    @property
    def skipped_total(self) -> int:
        """The number of pupils of the file not imported."""
        return sum(self.skipped.values())



class MatchStatus(str, enum.Enum):
    """The outcome of :meth:`Database.match`."""

    MATCHED = "matched"
    NO_LEARNER_FOR_BIRTHDATE = "no_learner_for_birthdate"
    NO_NAME_MATCH = "no_name_match"
    AMBIGUOUS = "ambiguous"
    LEARNER_ALREADY_LINKED = "learner_already_linked"
    LEARNER_HAS_ACCOUNT_ELSEWHERE = "learner_has_account_elsewhere"

    def __repr__(self) -> str:
        return f"MatchStatus.{self.name}"


@dataclasses.dataclass(frozen=True)
class MatchReport:
    """The pupil's step 4 as a dry run.

    ``learner`` is the roster row found (if any), ``username`` the username registration would
    give (MATCHED), ``username_hint`` the masked username of the existing account (the two
    "already" statuses), ``error`` the stable code registration would raise (None if MATCHED),
    ``matched_by`` the matching stage that found the learner ("exact", "tolerant",
    "given_names", "family_names", "swapped", "transposition"; None when nobody was found),
    ``other_division`` True when the learner is not in the campaign's class (another class's
    code: warn the pupil before going on).
    """

    status: MatchStatus
    learner: Optional[PupilLearner] = None
    username: Optional[str] = None
    username_hint: Optional[str] = dataclasses.field(
        default=None, metadata={"native": "masked_username"})
    error: Optional[str] = None
    matched_by: Optional[str] = None
    other_division: bool = False

    @property
    def matched(self) -> bool:
        """True when registration would succeed."""
        return self.status is MatchStatus.MATCHED



@dataclasses.dataclass(frozen=True)
class Registration:
    """An account linked to a learner and its participation in a campaign. ``matched_by`` is
    the matching stage that found the learner when the call matched a typed identity (None
    when the account was already linked). ``other_division``: as :class:`MatchReport`'s."""

    username: str
    learner: PupilLearner
    campaign: Campaign
    participation_status: str = "STARTED"
    matched_by: Optional[str] = None
    other_division: bool = False



class LoginStatus(str, enum.Enum):
    """The outcome of a successful :meth:`Database.login`."""

    SUCCESS = "success"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"

    def __repr__(self) -> str:
        return f"LoginStatus.{self.name}"


@dataclasses.dataclass(frozen=True)
class LoginResult:
    """A session (SUCCESS) or a one-time token to choose a new password
    (PASSWORD_CHANGE_REQUIRED, see :meth:`Database.change_password_with_token`).
    Tokens are secrets: they are left out of ``repr``."""

    status: LoginStatus
    username: str
    session_token: Optional[str] = dataclasses.field(default=None, repr=False)
    change_token: Optional[str] = dataclasses.field(default=None, repr=False)

    @property
    def password_change_required(self) -> bool:
        """True when the account must choose a new password before anything else."""
        return self.status is LoginStatus.PASSWORD_CHANGE_REQUIRED



@dataclasses.dataclass(frozen=True)
class Credential:
    """One pupil's credentials for the printed sheet (the password is left out of ``repr``).
    ``temporary_password`` is None for a pupil whose account was left alone: their own
    password still works."""

    division: str
    last_name: str
    first_name: str
    username: str
    temporary_password: Optional[str] = dataclasses.field(default=None, repr=False)


@dataclasses.dataclass(frozen=True)
class CredentialReport:
    """What :meth:`Database.generate_credentials` did: accounts ``created`` (each with a
    temporary password), existing accounts ``reset`` to one, learners left ``unchanged``."""

    created: int = 0
    reset: int = 0
    unchanged: int = 0


@dataclasses.dataclass(frozen=True)
class Credentials:
    """The credentials of a class: ``rows`` in class-list order, the counts in ``report``,
    the school (``uai``, its name ``school``), when this generation's temporary passwords stop
    logging in (``temporary_expires_at``, an aware datetime in UTC; None when it gave none),
    the CSV for spreadsheets (:meth:`csv`) and the printable slips (:meth:`slips_html`)."""

    rows: Tuple[Credential, ...]
    _csv: str = dataclasses.field(repr=False, compare=False)
    report: CredentialReport = dataclasses.field(default_factory=CredentialReport)
    uai: str = ""
    school: str = ""
    temporary_expires_at: Optional[_dt.datetime] = None

    def csv(self) -> str:
        """``Classe;Nom;Prénom;Identifiant;Mot de passe`` lines, starting with a BOM (U+FEFF)
        so that spreadsheets read UTF-8: write it with ``encoding="utf-8"``."""
        return self._csv

    def slips_html(self, base_url: Optional[str] = None, per_page: int = 8) -> str:
        """One printable HTML page of per-pupil slips (docs/rules.md §10): A4 pages of
        ``per_page`` slips (8, with cut marks, or 1; InvalidInput otherwise), each with the
        school, class, names, username, the temporary password only for a row that has one
        and its expiry, the sign-in link ``base_url`` with its QR code (none without it; a
        malformed one raises InvalidInput), and the three steps. The page holds passwords:
        hand it out once, never cache it."""
        expires = self.temporary_expires_at
        fields = {
            "rows": [dataclasses.asdict(row) for row in self.rows],
            "uai": self.uai,
            "school": self.school,
            "temporary_expires_at": 0 if expires is None else int(expires.timestamp()),
        }
        page = _optional_int("per_page", per_page)
        return _native.credential_slips_html(fields, _optional_str("base_url", base_url) or "",
                                             8 if page is None else page)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Any:
        return iter(self.rows)


@dataclasses.dataclass(frozen=True)
class SessionLearner:
    """A learner the session's account is linked to, as a platform shows it: no INE, no birth
    date (docs/rules.md §8). ``disabled``: no longer on that school's roster."""

    uai: str
    school: str
    division: str
    first_name: str
    last_name: str
    disabled: bool = False


@dataclasses.dataclass(frozen=True)
class Session:
    """A live session (:meth:`Database.authenticate`): its account, the learners that account
    is linked to, and when the session ends by itself (an aware datetime in UTC)."""

    username: str
    expires_at: _dt.datetime
    learners: Tuple[SessionLearner, ...] = ()



class ParticipationStatus(str, enum.Enum):
    """A participation's step (docs/rules.md §1.6): STARTED -> TO_SHARE -> SHARED, never back;
    NOT_JOINED for a learner of the campaign without one (campaign_participants). The values
    are the core's codes, so ``status == "SHARED"`` holds."""

    NOT_JOINED = "NOT_JOINED"
    STARTED = "STARTED"
    TO_SHARE = "TO_SHARE"
    SHARED = "SHARED"

    def __repr__(self) -> str:
        return f"ParticipationStatus.{self.name}"


@dataclasses.dataclass(frozen=True)
class Participation:
    """One of the pupil's own participations: the campaign's ``code`` and name (``campaign``),
    its school (``uai``, ``school``), the step and when each was reached (aware datetimes in
    UTC; None when not reached)."""

    code: str
    campaign: str
    uai: str
    school: str
    status: ParticipationStatus
    started_at: _dt.datetime
    completed_at: Optional[_dt.datetime] = None
    shared_at: Optional[_dt.datetime] = None



@dataclasses.dataclass(frozen=True)
class Participant:
    """One learner a campaign targets, as the teacher's list shows it: ``username`` of their
    account (None without one), the step of their participation (NOT_JOINED without one) and
    its times (aware datetimes in UTC; None when not reached). ``out_of_division``: the pupil
    joined with this code although in another class (listed after the campaign's own
    learners; :meth:`Database.delete_participation` removes such a participation)."""

    division: str
    last_name: str
    first_name: str
    username: Optional[str]
    status: ParticipationStatus
    started_at: Optional[_dt.datetime] = None
    completed_at: Optional[_dt.datetime] = None
    shared_at: Optional[_dt.datetime] = None
    out_of_division: bool = False



@dataclasses.dataclass(frozen=True)
class AccountLink:
    """A learner an account is linked to, with its school."""

    uai: str
    school: str
    learner: Learner


@dataclasses.dataclass(frozen=True)
class AccountDetails:
    """One account (:meth:`Database.account`) with every learner it is linked to."""

    account: Account
    learners: Tuple[AccountLink, ...] = ()



# ---------------------------------------------------------------------------------------------
# School staff (docs/rules.md §9)


class StaffRole(str, enum.Enum):
    """A role in one school: ADMIN (« Administrateur ») or MEMBER (« Membre », a teacher). The
    values are the core's names, so ``role == "ADMIN"`` holds; wherever a role is taken, the
    plain strings are accepted too (case and surrounding spaces ignored, as the core reads
    them)."""

    ADMIN = "ADMIN"
    MEMBER = "MEMBER"

    def __repr__(self) -> str:
        return f"StaffRole.{self.name}"


@dataclasses.dataclass(frozen=True)
class Membership:
    """A school (its UAI) and the role held there."""

    uai: str
    role: StaffRole


@dataclasses.dataclass(frozen=True)
class StaffInvitation:
    """An invitation as :meth:`Database.invite_staff` created it. ``code`` ("ABCD-EFGH-2345")
    is shown this once (the database keeps only its digest) and left out of ``repr``; hand it
    to the person invited, who gives it to :meth:`Database.accept_staff_invitation`."""

    id: int
    code: str = dataclasses.field(repr=False)
    uai: str
    role: StaffRole
    expires_at: _dt.datetime


@dataclasses.dataclass(frozen=True)
class StaffLogin:
    """A staff login: a session (``session_token``, valid until ``expires_at`` at most), or,
    after a reset by an ADMIN, ``password_change_required`` with a one-time ``change_token``
    for :meth:`Database.change_staff_password_with_token` (then ``session_token`` and
    ``expires_at`` are None). Tokens are secrets: they are left out of ``repr``."""

    session_token: Optional[str] = dataclasses.field(repr=False)
    username: str
    expires_at: Optional[_dt.datetime]
    password_change_required: bool = False
    change_token: Optional[str] = dataclasses.field(default=None, repr=False)


@dataclasses.dataclass(frozen=True)
class StaffSession:
    """A live staff session (:meth:`Database.staff_authenticate`): the account, its memberships
    now, when the session ends unless used again (the idle limit, or the absolute one if
    sooner; an aware datetime in UTC) and whether the account has a second factor."""

    username: str
    display_name: str
    memberships: Tuple[Membership, ...]
    expires_at: _dt.datetime
    second_factor: bool = False

    def role_in(self, uai: str) -> Optional[StaffRole]:
        """The role held in the school ``uai`` (as the core writes it), None outside it."""
        return next((m.role for m in self.memberships if m.uai == uai), None)


@dataclasses.dataclass(frozen=True)
class SecondFactorEnrolment:
    """A second factor being enrolled (:meth:`Database.begin_second_factor`): the TOTP
    ``secret`` in base32, the ``otpauth://`` URI an authenticator app reads and its QR code
    (``qr_svg``, an SVG document). All three carry the secret: none is in ``repr``."""

    secret: str = dataclasses.field(repr=False)
    otpauth_uri: str = dataclasses.field(repr=False)
    qr_svg: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class StaffMember:
    """A member of a school's team (:meth:`Database.members`): member ``since`` when, last
    logged in when (None: never), with a second factor or not. Times are aware datetimes in
    UTC."""

    username: str
    display_name: str
    role: StaffRole
    since: _dt.datetime
    last_login_at: Optional[_dt.datetime] = None
    second_factor: bool = False


@dataclasses.dataclass(frozen=True)
class PendingInvitation:
    """An invitation of a school not accepted yet (:meth:`Database.invitations`): never its
    code. ``id`` is what :meth:`Database.revoke_staff_invitation` takes; ``created_by`` the
    audit reference of who invited."""

    id: int
    role: StaffRole
    created_by: str
    expires_at: _dt.datetime


@dataclasses.dataclass(frozen=True)
class AuditRow:
    """One row of a school's audit log (:meth:`Database.audit_log`; docs/security.md, "Audit").

    ``at``: an aware datetime in UTC. ``actor_kind``: "staff", "asserted", "operator",
    "pupil" (or "legacy" for rows of earlier versions); ``actor_ref``, ``actor_name`` and
    ``actor_role`` say who, and in what role then. ``action`` is the operation's name,
    ``target`` what it acted on (learners by row id, never INE or name), ``outcome`` "ok" or
    "forbidden", ``client`` the first 16 hex characters of SHA-256 of the client key ("" for
    none).
    """

    at: _dt.datetime
    uai: str
    actor_kind: str
    actor_ref: str
    actor_name: str
    actor_role: str
    action: str
    target: str
    detail: str
    outcome: str
    client: str


#: An actor as the native module takes it (bindings/python/src/actor.hpp): kind, name or
#: session token, issuer, subject, display name, [(uai, role)], client key.
_NativeActor = Tuple[str, str, str, str, str, List[Tuple[str, str]], str]
ActorKind = typing.Literal["operator", "staff", "asserted"]


def _staff_role(value: Union[StaffRole, str]) -> StaffRole:
    # The core reads the name (staff_role_from_name), so every surface accepts the same
    # spellings; an unknown one is its INVALID_ARGUMENT.
    if isinstance(value, StaffRole):
        return value
    if not isinstance(value, str):
        raise TypeError(f"role must be a StaffRole or a str, not {type(value).__name__}")
    return StaffRole(_native.staff_role(value))


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who acts, given as ``actor=`` to every admin method of :class:`Database`; the library,
    not the host, decides whether they may do this to this school (docs/rules.md §9).

    Make one with :meth:`operator` (whoever holds the database: may do anything),
    :meth:`staff` (a session token of :meth:`Database.staff_login`: its holder's roles now)
    or :meth:`asserted` (an identity a platform's own identity provider vouches for, with the
    memberships it vouches for: the library still refuses what they do not allow);
    :meth:`with_client_key` records a client (an address, a browser's key), pseudonymised, in
    the audit rows. ``actor=None`` is the default actor: the operator named "admin", or
    FORBIDDEN when the database was opened with ``require_staff=True``; a ``str`` is, as in the
    first versions, the audit name of that default actor. The session token and the client key
    are left out of ``repr``.
    """

    kind: ActorKind
    name: str = ""
    session_token: str = dataclasses.field(default="", repr=False)
    issuer: str = ""
    subject: str = ""
    display_name: str = ""
    memberships: Tuple[Membership, ...] = ()
    client_key: str = dataclasses.field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.kind not in typing.get_args(ActorKind):
            raise ValueError(f"kind must be 'operator', 'staff' or 'asserted', not {self.kind!r}")

    @classmethod
    def operator(cls, name: str) -> "Actor":
        """The operator, named ``name`` in the audit log."""
        return cls("operator", name=_text("name", name))

    @classmethod
    def staff(cls, session_token: str) -> "Actor":
        """A staff member by the ``session_token`` of :meth:`Database.staff_login` (checked,
        with the member's memberships read again, at every call)."""
        return cls("staff", session_token=_text("session_token", session_token))

    @classmethod
    def asserted(cls, issuer: str, subject: str, display_name: str,
                 memberships: Mapping[str, Union[StaffRole, str]]) -> "Actor":
        """An identity asserted by a platform: its identity provider (``issuer``), the person's
        identifier there (``subject``), their name, and the schools they belong to as a
        mapping UAI -> role (a :class:`StaffRole` or "ADMIN" / "MEMBER")."""
        if not isinstance(memberships, Mapping):
            raise TypeError("memberships must be a mapping UAI -> role")
        return cls("asserted", issuer=_text("issuer", issuer), subject=_text("subject", subject),
                   display_name=_text("display_name", display_name),
                   memberships=tuple(Membership(_text("uai", uai), _staff_role(role))
                                     for uai, role in memberships.items()))

    def with_client_key(self, client_key: str) -> "Actor":
        """The same actor, recording this client key (pseudonymised) in the audit rows."""
        return dataclasses.replace(self, client_key=_text("client_key", client_key))

    def _native_values(self) -> _NativeActor:
        reference = self.session_token if self.kind == "staff" else self.name
        return (self.kind, reference, self.issuer, self.subject, self.display_name,
                [(m.uai, m.role.value) for m in self.memberships], self.client_key)


#: What ``actor=`` takes: an :class:`Actor`, a legacy name (str) or None (the default actor).
ActorLike = Union[Actor, str, None]

# ---------------------------------------------------------------------------------------------
# Arguments


def _text(name: str, value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def _actor_values(actor: ActorLike) -> Optional[_NativeActor]:
    if actor is None:
        return None  # the core's default actor
    if isinstance(actor, Actor):
        return actor._native_values()
    if isinstance(actor, str):  # the first versions' free name: an unspecified actor
        return ("unspecified", actor, "", "", "", [], "")
    raise TypeError(f"actor must be an inscrire.Actor, a str or None, not {type(actor).__name__}")


def _unix_seconds(name: str, value: Optional[_dt.datetime]) -> Optional[int]:
    if value is None:
        return None
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be a datetime.datetime or None, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (tzinfo=datetime.timezone.utc)")
    # Rows are stamped in whole seconds: "at or after" a fraction starts at the next second.
    return math.ceil(value.timestamp())


def _birthdate_text(value: BirthDateLike) -> str:
    if isinstance(value, _dt.date):  # datetime.datetime too
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, str):
        return value
    raise TypeError(f"birthdate must be a datetime.date or a 'DD/MM/YYYY' string, "
                    f"not {type(value).__name__}")


def _path_bytes(path: PathLike) -> bytes:
    encoded = os.fsencode(os.fspath(path))
    if b"\0" in encoded:  # as Python's own open(): a C path would silently stop at the NUL
        raise ValueError("embedded null byte")
    return encoded


def _optional_str(name: str, value: Optional[str]) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    return value


def _optional_int(name: str, value: Optional[int]) -> Optional[int]:
    # bool is an int to Python, not a page size.
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{name} must be an int or None, not {type(value).__name__}")
    return value


def _state_name(state: Optional[Union[LearnerState, str]]) -> Optional[str]:
    # A name the core does not know is its INVALID_ARGUMENT, as on the other surfaces.
    if isinstance(state, LearnerState):
        return state.value
    return _optional_str("state", state)


# ---------------------------------------------------------------------------------------------
# The database


@dataclasses.dataclass(frozen=True)
class ServiceStats:
    """The counters of a :class:`Database` since it was opened (:meth:`Database.stats`; the
    library's ``Service::stats()``, docs/deployment.md "Counters"): each only grows. A match
    outcome counts once per call that matched a typed identity (match, register, join with an
    identity): ``matched_<stage>`` by the stage that found the learner, ``refused_<code>`` by
    the code that refused it."""

    registrations: int
    joins: int
    matched_exact: int
    matched_tolerant: int
    matched_given_names: int
    matched_family_names: int
    matched_swapped: int
    matched_transposition: int
    refused_no_learner_for_birthdate: int
    refused_no_name_match: int
    refused_ambiguous: int
    refused_learner_already_linked: int
    refused_learner_has_account_elsewhere: int
    logins: int
    login_failures: int
    logins_blocked: int
    staff_logins: int
    staff_login_failures: int
    throttled: int
    imports: int
    imports_refused: int
    database_busy: int
    database_unavailable: int



@dataclasses.dataclass(frozen=True)
class DatabaseStatus:
    """What ``inscrire db status`` says of a database (:func:`database_status`): its engine
    ("sqlite" or "postgresql"), its schema version (0: none yet), the one this library's
    migrations reach, and how many migrations opening it with ``migrate="auto"`` would run."""

    engine: str
    schema_version: int
    library_schema_version: int
    pending_migrations: int

    @property
    def current(self) -> bool:
        """The schema is the library's: a server with ``migrate="refuse"`` serves it."""
        return self.schema_version == self.library_schema_version


@dataclasses.dataclass(frozen=True)
class DatabaseCheck:
    """What ``inscrire db check`` finds (:func:`check_database`): the status, and what is wrong
    with what is stored (SQLite's integrity_check and foreign_key_check), one line each."""

    status: DatabaseStatus
    problems: List[str]

    @property
    def sound(self) -> bool:
        return not self.problems and self.status.current

class Database:
    """An open inscrire database (a SQLite file). Create one with :func:`inscrire.open`.

    Usable as a context manager; :meth:`close` releases the SQLite handle, after which every
    operation raises ValueError. Thread-safe: share one Database between threads; each call
    releases the GIL while the core works.
    """

    def __init__(self, native: _unchecked_native.Database, path: str) -> None:
        self._native = native
        self._path = path

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The database file."""
        return self._path

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return bool(self._native.closed)

    def close(self) -> None:
        """Releases the SQLite handle, after the calls in flight on other threads finish.
        Idempotent."""
        self._native.close()

    def __enter__(self) -> "Database":
        if self.closed:
            raise ValueError("operation on a closed inscrire Database")
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<inscrire.Database {self._path!r} ({state})>"

    # --- schools and rosters -----------------------------------------------------------------

    def create_organization(self, uai: str, name: str, *, actor: ActorLike = None) -> Organization:
        """Registers a school (the operator only). Raises InvalidInput (INVALID_UAI) or
        AlreadyExists (ORGANIZATION_EXISTS)."""
        return _record(Organization,
                       self._native.create_organization(uai, name, _actor_values(actor)))

    def organizations(self, *, actor: ActorLike = None) -> List[Organization]:
        """The schools the actor belongs to (every school for the operator), by UAI."""
        return _records(Organization, self._native.organizations(_actor_values(actor)))

    def import_roster(self, uai: str, path: PathLike, *, dry_run: bool = False,
                      progress: Optional[Callable[[int, int], Any]] = None,
                      actor: ActorLike = None) -> ImportReport:
        """Imports a SIECLE XML roster (zipped or not) or a CSV roster, in one transaction.

        ``dry_run`` validates and reports without writing. ``progress(done, total)`` (bytes)
        is called from the calling thread now and then while the file is read; an exception
        it raises aborts the import and propagates. Raises ImportRefused (with ``.report``)
        for a refused file, NotFound for an unknown school.
        """
        if progress is not None and not callable(progress):
            raise TypeError("progress must be callable")
        return _record(
            ImportReport,
            self._native.import_roster(uai, _path_bytes(path), bool(dry_run), progress,
                                       _actor_values(actor)))

    def learners(self, uai: str, division: Optional[str] = None, *,
                 include_disabled: bool = False,
                 state: Optional[Union[LearnerState, str]] = None,
                 search: Optional[str] = None,
                 limit: Optional[int] = None, offset: Optional[int] = None,
                 actor: ActorLike = None) -> List[Learner]:
        """The roster of a school (or of one class), with each learner's username if any.

        With ``state``, ``search``, ``limit`` or ``offset``, the admin list instead (docs/rules.md §7): one
        page (``limit`` 1 to 1000, default 100; ``offset`` 0 to 10 000 000) of the school's
        learners, disabled ones always included (``include_disabled`` is not used), ordered
        by last name, first name and INE, each with its ``state`` (a :class:`LearnerState`)
        and ``account``, filtered by ``division`` and ``state``. ``search`` finds learners
        (docs/rules.md §10): the words of the text, folded as names are matched (accents,
        case, hyphens, other scripts), each the start of one of the learner's names; or an
        exact INE; or the username of the learner's account (100 characters at most,
        InvalidInput FIELD_TOO_LONG). Raises InvalidInput (INVALID_ARGUMENT) for a page or a
        state out of range, NotFound for an unknown school."""
        division = _optional_str("division", division)
        search = _optional_str("search", search)
        if state is None and search is None and limit is None and offset is None:
            return _records(Learner, self._native.learners(uai, division, bool(include_disabled),
                                                           _actor_values(actor)))
        return _records(Learner, self._native.learner_page(
            uai, division, _state_name(state), search, _optional_int("limit", limit),
            _optional_int("offset", offset), _actor_values(actor)))

    def learner(self, uai: str, ine: str, *, actor: ActorLike = None) -> Learner:
        """One learner of the school by INE (case and spaces ignored), with its ``state`` and
        ``account``. Raises NotFound (LEARNER_NOT_FOUND)."""
        return _record(Learner, self._native.learner(uai, ine, _actor_values(actor)))

    def account(self, username: str, *, actor: ActorLike = None) -> AccountDetails:
        """One account with every learner it is linked to (for staff, only the learners of
        their schools; Forbidden when there is none). Raises NotFound (USER_NOT_FOUND)."""
        return _record(AccountDetails, self._native.account(username, _actor_values(actor)))

    # --- campaigns ---------------------------------------------------------------------------

    def create_campaign(self, uai: str, name: str, division: Optional[str] = None,
                        target_profile: Optional[str] = None, *, owner: Optional[str] = None,
                        actor: ActorLike = None) -> Campaign:
        """Opens a campaign for a class (``division``) or the whole school; returns it with
        its code. A staff or asserted creator owns it; an ADMIN or the operator may name
        another member of the school as ``owner`` (a username)."""
        return _record(Campaign, self._native.create_campaign(
            uai, name, _optional_str("division", division),
            _optional_str("target_profile", target_profile), _optional_str("owner", owner),
            _actor_values(actor)))

    def find_campaign(self, code: str, client_key: Optional[str] = None) -> Campaign:
        """Looks a code up as a pupil types it (case, spaces and hyphens ignored). Raises
        NotFound, CampaignClosed, or TooManyAttempts for a ``client_key`` (an IP address, a
        session...) that tried too many codes."""
        return _record(Campaign, self._native.find_campaign(code, client_key or ""))

    def campaigns(self, uai: str, *, include_deleted: bool = False,
                  actor: ActorLike = None) -> List[Campaign]:
        """The campaigns of a school, ordered by id; deleted ones only with
        ``include_deleted``."""
        return _records(Campaign, self._native.campaigns(uai, bool(include_deleted),
                                                         _actor_values(actor)))

    def update_campaign(self, code: str, *, name: Optional[str] = None,
                        owner: Optional[str] = None, actor: ActorLike = None) -> Campaign:
        """Renames a campaign (``name``; its code stays) and/or names another ``owner`` (the
        username of a member of its school; an ADMIN or the operator only); None leaves that
        one as it is. Audited. A name is checked as at creation (InvalidInput). Returns the
        campaign as updated."""
        return _record(Campaign, self._native.update_campaign(
            code, _optional_str("name", name), _optional_str("owner", owner),
            _actor_values(actor)))

    def delete_participation(self, code: str, ine: str, *, actor: ActorLike = None) -> None:
        """Deletes the participation of the learner ``ine`` in the campaign (docs/rules.md
        §10), such as a pupil's who joined with another class's code: the learner is
        NOT_JOINED there again, the account untouched. Audited. Raises NotFound
        (LEARNER_NOT_FOUND, PARTICIPATION_NOT_FOUND)."""
        self._native.delete_participation(code, ine, _actor_values(actor))

    def archive_campaign(self, code: str, *, actor: ActorLike = None) -> Campaign:
        """Closes a campaign to new pupils; returns it archived."""
        return _record(Campaign, self._native.archive_campaign(code, _actor_values(actor)))

    def unarchive_campaign(self, code: str, *, actor: ActorLike = None) -> Campaign:
        """Opens an archived campaign again (an active one stays so); returns it. Raises
        CampaignClosed (CAMPAIGN_DELETED) for a deleted one."""
        return _record(Campaign, self._native.unarchive_campaign(code, _actor_values(actor)))

    def delete_campaign(self, code: str, *, actor: ActorLike = None) -> None:
        """Deletes a campaign nobody joined (audited); its code then answers CAMPAIGN_DELETED.
        Raises Conflict (CAMPAIGN_HAS_PARTICIPATIONS): archive it instead."""
        self._native.delete_campaign(code, _actor_values(actor))

    def campaign_participants(self, code: str, *, actor: ActorLike = None) -> List[Participant]:
        """Every learner the campaign targets (its class, or its school) with the step of
        their participation, NOT_JOINED without one; ordered by division, last name, first
        name. Raises NotFound (CAMPAIGN_NOT_FOUND)."""
        return _records(Participant,
                        self._native.campaign_participants(code, _actor_values(actor)))

    def participants_csv(self, code: str, *, actor: ActorLike = None) -> str:
        """The same list for spreadsheets: ``Classe;Nom;Prénom;Identifiant;Statut;Commencé
        le;Partagé le;Hors classe`` lines, statuses as codes, times in ISO 8601 UTC, « oui » for
        a learner of another division, starting with a BOM (U+FEFF): write it with
        ``encoding="utf-8"``."""
        return str(self._native.participants_csv(code, _actor_values(actor)))

    def class_sheet(self, code: str, base_url: Optional[str] = None, *,
                    actor: ActorLike = None) -> str:
        """The printable class sheet ("fiche élève") of a campaign: an HTML page in French with
        the school, the campaign code and the steps a pupil follows. With ``base_url`` (the
        platform's sign-up address, e.g. "https://inscrire.example.fr/c/") the page also carries
        the direct link ``base_url + code`` and its QR code (inline SVG). Raises InvalidInput
        for a base URL that is not http(s) printable ASCII of 200 characters at most."""
        return str(self._native.class_sheet(code, base_url or "", _actor_values(actor)))

    # --- the pupil's flow --------------------------------------------------------------------

    def match(self, code: str, first_name: str, last_name: str, birthdate: BirthDateLike,
              client_key: Optional[str] = None) -> MatchReport:
        """Who the pupil is on the roster and the username they would get: no write (but the
        throttling counters of ``client_key``). Expected outcomes (no match, ambiguous...)
        are a :class:`MatchReport` status, not exceptions; invalid input raises InvalidInput.
        """
        return _record(MatchReport, self._native.match(
            code, first_name, last_name, _birthdate_text(birthdate), client_key or ""))

    def register(self, code: str, first_name: str, last_name: str, birthdate: BirthDateLike,
                 password: str, client_key: Optional[str] = None) -> Registration:
        """Creates the pupil's account, links it to the roster and starts the participation,
        atomically. Raises a MatchRefused subclass (NoMatch, AmbiguousMatch, AlreadyRegistered
        with ``username_hint``), PasswordRejected, CampaignClosed, TooManyAttempts..."""
        return _record(Registration, self._native.register_pupil(
            code, first_name, last_name, _birthdate_text(birthdate), password, client_key or ""))

    def login(self, username: str, password: str,
              client_key: Optional[str] = None) -> LoginResult:
        """A session, or PASSWORD_CHANGE_REQUIRED with a one-time ``change_token``. Raises
        AuthenticationError (``remaining_attempts``) or AccountBlocked (``retry_after``), and
        TooManyAttempts once ``client_key`` (an IP address, a session id) has failed too many
        logins of any usernames (``login_throttle_*`` options of :func:`open`)."""
        return _record(LoginResult, self._native.login(username, password, client_key or ""))

    def authenticate(self, session_token: str) -> Session:
        """The account of a live session (a ``session_token`` from :meth:`login`), its learners
        and when the session ends. Raises AuthenticationError (SESSION_INVALID) for a token
        unknown, expired or ended (logout, password change or reset), or of a disabled
        account."""
        return _record(Session, self._native.authenticate(session_token))

    def logout(self, session_token: str) -> None:
        """Ends that session (the account's other sessions go on). Raises AuthenticationError
        (SESSION_INVALID) if it was not a live one."""
        self._native.logout(session_token)

    def participations(self, session_token: str) -> List[Participation]:
        """The session's own participations, in the order they started (to resume one)."""
        return _records(Participation, self._native.participations(session_token))

    def complete_participation(self, session_token: str, code: str) -> Participation:
        """STARTED -> TO_SHARE: the pupil finished the campaign ``code``. Raises Conflict
        (INVALID_PARTICIPATION_STATUS) at another step, NotFound (PARTICIPATION_NOT_FOUND,
        CAMPAIGN_NOT_FOUND), CampaignClosed, AuthenticationError (SESSION_INVALID)."""
        return _record(Participation, self._native.complete_participation(session_token, code))

    def share_participation(self, session_token: str, code: str) -> Participation:
        """TO_SHARE -> SHARED: the pupil sent their results; raises as
        :meth:`complete_participation`."""
        return _record(Participation, self._native.share_participation(session_token, code))

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """Changes a password given the old one."""
        self._native.change_password(username, old_password, new_password)

    def change_password_with_token(self, token: str, new_password: str) -> None:
        """Sets the password with the one-time token of a PASSWORD_CHANGE_REQUIRED login."""
        self._native.change_password_with_token(token, new_password)

    def join_campaign(self, session_token: str, code: str, first_name: Optional[str] = None,
                      last_name: Optional[str] = None,
                      birthdate: Optional[BirthDateLike] = None,
                      client_key: Optional[str] = None) -> Registration:
        """An existing account (its session token from :meth:`login`) joins another campaign.

        Without an identity, the account must already be linked in the campaign's school. With
        ``first_name``, ``last_name`` and ``birthdate`` (a pupil who changed school), the
        identity is matched as for a registration and the learner found is linked to this
        account; raises Conflict (USER_ALREADY_LINKED_IN_ORGANIZATION) if the account already
        has another learner there, and the MatchRefused subclasses."""
        if first_name is None and last_name is None and birthdate is None:
            return _record(Registration, self._native.join_campaign(session_token, code))
        if first_name is None or last_name is None or birthdate is None:
            raise TypeError("join_campaign needs first_name, last_name and birthdate together")
        return _record(Registration, self._native.join_campaign_as(
            session_token, code, first_name, last_name, _birthdate_text(birthdate),
            client_key or ""))

    def not_joined(self, code: str, *, actor: ActorLike = None) -> List[Learner]:
        """Enabled learners of the campaign's class (or school) not yet in the campaign."""
        return _records(Learner, self._native.not_joined(code, _actor_values(actor)))

    # --- administration ----------------------------------------------------------------------

    def reset_password(self, uai: str, username: str, *, actor: ActorLike = None) -> str:
        """Gives the account a new temporary password (returned), to change at next login."""
        return str(self._native.reset_password(uai, username, _actor_values(actor)))

    def unblock(self, uai: str, username: str, *, actor: ActorLike = None) -> None:
        """Clears a login block."""
        self._native.unblock(uai, username, _actor_values(actor))

    def import_account(self, uai: str, ine: str, username: str, password_hash: str, *,
                       actor: ActorLike = None) -> str:
        """Brings an account from another platform: creates ``username`` (prénom.nomJJMM form)
        with its existing Argon2id or bcrypt hash and links it to the learner ``ine``; the
        pupil keeps their password. Returns the username as stored (lower-case). Raises
        InvalidInput, AlreadyExists (USERNAME_TAKEN), NotFound, AlreadyRegistered..."""
        return str(self._native.import_account(uai, ine, username, password_hash,
                                               _actor_values(actor)))

    def generate_credentials(self, uai: str, division: str, *, reset_existing: bool = False,
                             ines: Optional[Iterable[str]] = None,
                             actor: ActorLike = None) -> Credentials:
        """Accounts with temporary passwords for the pupils of a class who have none
        (docs/rules.md §1.8). Existing accounts are left alone, their passwords still working,
        unless ``reset_existing`` (every account of the class) or ``ines`` (only these learners
        of the class) asks to reset them. ``rows`` list the whole class, a row left alone
        without a password; ``report`` counts created, reset and unchanged. Raises NotFound
        (LEARNER_NOT_FOUND) for an empty class or a listed INE outside it."""
        if isinstance(ines, (str, bytes)):
            raise TypeError("ines must be a list of INEs, not a single string")
        listed = [] if ines is None else list(ines)
        native = self._native.generate_credentials(uai, division, bool(reset_existing), listed,
                                                   _actor_values(actor))
        expires = native["temporary_expires_at"]
        return Credentials(rows=tuple(_records(Credential, native["rows"])), _csv=native["csv"],
                           report=_record(CredentialReport, native), uai=native["uai"],
                           school=native["school"],
                           temporary_expires_at=None if expires is None else _time(expires))

    def dissociate(self, uai: str, ine: str, *, actor: ActorLike = None) -> None:
        """Unlinks the learner ``ine`` from its account ("dissocier", audited): the account
        keeps its username, password, sessions and participations; the learner may register
        again, getting a new account. Raises NotFound (LEARNER_NOT_FOUND, LEARNER_NOT_LINKED)."""
        self._native.dissociate(uai, ine, _actor_values(actor))

    def anonymize_learner(self, uai: str, ine: str, *, actor: ActorLike = None) -> None:
        """Replaces a learner's personal data with placeholders and disables their account."""
        self._native.anonymize_learner(uai, ine, _actor_values(actor))

    def export_learner(self, uai: str, ine: str, *, actor: ActorLike = None) -> Dict[str, Any]:
        """Everything held on one learner (right of access), as a dict."""
        result: Dict[str, Any] = json.loads(
            self._native.export_learner(uai, ine, _actor_values(actor)))
        return result

    # --- school staff (docs/rules.md §9) -----------------------------------------------------

    def invite_staff(self, uai: str, role: Union[StaffRole, str], *, actor: ActorLike = None,
                     valid_days: Optional[int] = None) -> StaffInvitation:
        """An invitation into the school with a role (an ADMIN of the school or the operator).
        Its ``code`` is returned this once; valid ``valid_days`` (1 to 90; None: the
        ``staff_invitation_days`` option, 7 by default), single use, revocable."""
        return _record(StaffInvitation, self._native.invite_staff(
            uai, _staff_role(role).value, _optional_int("valid_days", valid_days),
            _actor_values(actor)))

    @typing.overload
    def accept_staff_invitation(self, code: str, username: str, display_name: str,
                                password: str, *,
                                client_key: Optional[str] = None) -> StaffLogin: ...

    @typing.overload
    def accept_staff_invitation(self, code: str, *, session: Union[Actor, str],
                                client_key: Optional[str] = None) -> StaffSession: ...

    def accept_staff_invitation(self, code: str, username: Optional[str] = None,
                                display_name: Optional[str] = None,
                                password: Optional[str] = None, *,
                                session: Union[Actor, str, None] = None,
                                client_key: Optional[str] = None
                                ) -> Union[StaffLogin, StaffSession]:
        """Accepts an invitation, in one of two forms.

        ``accept_staff_invitation(code, username, display_name, password)`` creates the staff
        account (username: 3 to 64 characters of a-z 0-9 . _ -, case ignored; a password of 12
        to 255 characters not containing it) with its membership, and logs it in: a
        :class:`StaffLogin`. ``accept_staff_invitation(code, session=token)`` (a staff session
        token, or ``Actor.staff(token)``) adds the membership to that logged-in account: its
        :class:`StaffSession` now. Raises NotFound (INVITATION_INVALID) for an unknown, used,
        expired or revoked code (failures throttled per ``client_key``: TooManyAttempts),
        AlreadyExists (STAFF_USERNAME_TAKEN), PasswordRejected."""
        identity = (username, display_name, password)
        if session is not None:
            if any(value is not None for value in identity):
                raise TypeError("accept_staff_invitation takes username, display_name and "
                                "password, or session, not both")
            actor = Actor.staff(session) if isinstance(session, str) else session
            if not isinstance(actor, Actor):
                raise TypeError("session must be a staff session token or an inscrire.Actor")
            return _record(StaffSession, self._native.accept_staff_invitation_in_session(
                code, actor._native_values(), client_key or ""))
        if username is None or display_name is None or password is None:
            raise TypeError("accept_staff_invitation needs username, display_name and password "
                            "together, or session")
        return _record(StaffLogin, self._native.accept_staff_invitation(
            code, username, display_name, password, client_key or ""))

    def staff_login(self, username: str, password: str, *, client_key: Optional[str] = None,
                    totp: Optional[str] = None) -> StaffLogin:
        """Logs a staff member in: a session, or ``password_change_required`` with a one-time
        ``change_token`` after a reset. With a second factor, ``totp`` is the 6-digit code of
        the authenticator app (or an unused recovery code): AuthenticationError with
        SECOND_FACTOR_REQUIRED without it (the password was right), SECOND_FACTOR_INVALID for
        a wrong one. Failures count as for pupils (``remaining_attempts``, AccountBlocked,
        TooManyAttempts per ``client_key``); an unknown username, a disabled account and one
        without a school answer as a wrong password."""
        return _record(StaffLogin, self._native.staff_login(username, password, client_key or "",
                                                            totp or ""))

    def staff_authenticate(self, session_token: str) -> StaffSession:
        """The live session's account and memberships now; each call counts as use (the idle
        limit starts again). AuthenticationError (SESSION_INVALID) otherwise."""
        return _record(StaffSession, self._native.staff_authenticate(session_token))

    def staff_logout(self, session_token: str) -> None:
        """Ends that staff session. AuthenticationError (SESSION_INVALID) if it was not live."""
        self._native.staff_logout(session_token)

    def members(self, uai: str, *, actor: ActorLike = None) -> List[StaffMember]:
        """The school's team (its ADMINs and the operator)."""
        return _records(StaffMember, self._native.members(uai, _actor_values(actor)))

    def invitations(self, uai: str, *, actor: ActorLike = None) -> List[PendingInvitation]:
        """The school's invitations not accepted yet, never their codes."""
        return _records(PendingInvitation, self._native.invitations(uai, _actor_values(actor)))

    def set_member_role(self, uai: str, username: str, role: Union[StaffRole, str], *,
                        actor: ActorLike = None) -> None:
        """Changes a member's role in the school. Raises Conflict (LAST_ADMIN) when the school
        would be left without an active ADMIN."""
        self._native.set_member_role(uai, username, _staff_role(role).value,
                                     _actor_values(actor))

    def remove_member(self, uai: str, username: str, *, actor: ActorLike = None) -> None:
        """Removes a member from the school (every session ends when it was their last).
        Raises Conflict (LAST_ADMIN) for the school's last ADMIN, even for the operator."""
        self._native.remove_member(uai, username, _actor_values(actor))

    def revoke_staff_invitation(self, uai: str, invitation_id: int, *,
                                actor: ActorLike = None) -> None:
        """Revokes a pending invitation (its ``id``). Raises NotFound (INVITATION_INVALID)."""
        identifier = _optional_int("invitation_id", invitation_id)
        if identifier is None:
            raise TypeError("invitation_id must be an int")
        self._native.revoke_staff_invitation(uai, identifier, _actor_values(actor))

    def reset_staff_password(self, uai: str, username: str, *, actor: ActorLike = None) -> str:
        """A temporary password for a member (returned): their next login answers
        ``password_change_required``; their sessions end."""
        return str(self._native.reset_staff_password(uai, username, _actor_values(actor)))

    def change_staff_password(self, username: str, old_password: str,
                              new_password: str) -> None:
        """The member's own change (12 to 255 characters, not containing the username); every
        session of the account ends."""
        self._native.change_staff_password(username, old_password, new_password)

    def change_staff_password_with_token(self, token: str, new_password: str) -> None:
        """Sets the password with the one-time ``change_token`` of a staff login after a
        reset. Raises AuthenticationError (INVALID_TOKEN)."""
        self._native.change_staff_password_with_token(token, new_password)

    def begin_second_factor(self, session_token: str) -> SecondFactorEnrolment:
        """A new TOTP secret to enrol (RFC 6238: SHA-1, 6 digits, 30 s), with its otpauth://
        URI and QR code; it counts once :meth:`confirm_second_factor` saw a code from it."""
        return _record(SecondFactorEnrolment, self._native.begin_second_factor(session_token))

    def confirm_second_factor(self, session_token: str, code: str) -> List[str]:
        """Confirms the enrolment with a code from the new secret; returns the 10 single-use
        recovery codes, shown this once. Every other session of the account ends. Raises
        AuthenticationError (SECOND_FACTOR_INVALID)."""
        return [str(recovery)
                for recovery in self._native.confirm_second_factor(session_token, code)]

    def reset_second_factor(self, uai: str, username: str, *, actor: ActorLike = None) -> None:
        """Removes a member's second factor (an ADMIN for a MEMBER; the operator for an
        ADMIN); their sessions end."""
        self._native.reset_second_factor(uai, username, _actor_values(actor))

    def audit_log(self, uai: str, *, actor: ActorLike = None,
                  since: Optional[_dt.datetime] = None, action: Optional[str] = None,
                  limit: int = 100, offset: int = 0) -> List[AuditRow]:
        """The school's audit log, newest first (its ADMINs and the operator): rows at or after
        ``since`` (an aware datetime), of one ``action`` (an operation's name), one page
        (``limit`` 1 to 1000, ``offset`` 0 to 10 000 000: else InvalidInput)."""
        return _records(AuditRow, self._native.audit_log(
            uai, _unix_seconds("since", since), _optional_str("action", action),
            _optional_int("limit", limit), _optional_int("offset", offset),
            _actor_values(actor)))

    def purge_audit(self, *, older_than_days: Optional[int] = None,
                    actor: ActorLike = None) -> int:
        """Deletes the audit rows older than ``older_than_days`` (1 to 3650; None: the
        ``audit_retention_days`` option, 365 by default); the operator only. Returns how many
        rows went."""
        return int(self._native.purge_audit(_optional_int("older_than_days", older_than_days),
                                            _actor_values(actor)))

    def stats(self) -> ServiceStats:
        """The library's counters for this database handle (no database work)."""
        return _record(ServiceStats, self._native.stats())


def open(  # noqa: A001 - the operation is named open in every surface
    path: PathLike,
    *,
    username_policy: str = "random",
    matching: str = "extended",
    hash_memory_kib: Optional[int] = None,
    hash_iterations: Optional[int] = None,
    hash_parallelism: Optional[int] = None,
    refuse_weak_passwords: Optional[bool] = None,
    busy_timeout_ms: Optional[int] = None,
    throttle_max_failures: Optional[int] = None,
    throttle_window_seconds: Optional[int] = None,
    login_throttle_max_failures: Optional[int] = None,
    login_throttle_window_seconds: Optional[int] = None,
    login_failures_per_block: Optional[int] = None,
    login_first_block_seconds: Optional[int] = None,
    login_permanent_block_failures: Optional[int] = None,
    change_token_seconds: Optional[int] = None,
    session_seconds: Optional[int] = None,
    temporary_password_days: Optional[int] = None,
    require_staff: Optional[bool] = None,
    staff_session_idle_seconds: Optional[int] = None,
    staff_session_seconds: Optional[int] = None,
    staff_invitation_days: Optional[int] = None,
    staff_second_factor: Optional[str] = None,
    second_factor_key_file: Optional[PathLike] = None,
    audit_retention_days: Optional[int] = None,
    clock: Optional[Callable[[], int]] = None,
    migrate: str = "auto",
) -> Database:
    """Opens or creates a database file and migrates its schema.

    ``username_policy``: "random" (default) or "sequential" suffixes for homonyms.
    ``matching``: "extended" (default: the two passes, then the later stages) or "pix" (the
    two passes of Pix alone); docs/matching.md.
    ``hash_*``: Argon2id cost (defaults: OWASP's minimum, m=19456 KiB, t=2, p=1).
    ``login_throttle_max_failures`` / ``login_throttle_window_seconds``: failed logins per
    client key across usernames (defaults 50 per 600 s).
    ``session_seconds``: a session's lifetime (default 8 hours); ``temporary_password_days``:
    how long an unused temporary password still logs in (default 30, at most 365).
    ``require_staff``: admin operations without a staff or asserted actor (``actor=None`` or
    a str) are FORBIDDEN unless the caller names the operator (:meth:`Actor.operator`).
    ``staff_session_idle_seconds`` / ``staff_session_seconds``: a staff session ends after
    this long unused (default 30 minutes) and this long in all (8 hours);
    ``staff_invitation_days``: an invitation's default validity (7); ``staff_second_factor``:
    "off" (default), "admins" (every ADMIN enrols before anything else) or "all";
    ``second_factor_key_file``: a file of 32 random bytes (mode 600) under which TOTP secrets
    are stored sealed; ``audit_retention_days``: :meth:`Database.purge_audit`'s default (365).
    ``clock``: a callable returning Unix seconds, to control time in tests.
    ``migrate``: "auto" (default) migrates an older schema at open; "refuse" raises
    DatabaseError (SCHEMA_TOO_OLD) instead, for servers that one operator upgrades with
    ``inscrire db migrate`` (docs/deployment.md).
    Every option left at None takes the core's default (ServiceOptions in service.hpp).
    Raises DatabaseError when the file cannot be opened.
    """
    text_path = os.fsdecode(os.fspath(path))
    # By name: the native constructor takes options as keywords only, so two of them swapped
    # here cannot go unnoticed.
    native = _native.Database(
        _path_bytes(path),
        username_policy=username_policy,
        matching=matching,
        hash_memory_kib=hash_memory_kib,
        hash_iterations=hash_iterations,
        hash_parallelism=hash_parallelism,
        refuse_weak_passwords=refuse_weak_passwords,
        busy_timeout_ms=busy_timeout_ms,
        throttle_max_failures=throttle_max_failures,
        throttle_window_seconds=throttle_window_seconds,
        login_throttle_max_failures=login_throttle_max_failures,
        login_throttle_window_seconds=login_throttle_window_seconds,
        login_failures_per_block=login_failures_per_block,
        login_first_block_seconds=login_first_block_seconds,
        login_permanent_block_failures=login_permanent_block_failures,
        change_token_seconds=change_token_seconds,
        session_seconds=session_seconds,
        temporary_password_days=temporary_password_days,
        require_staff=require_staff,
        staff_session_idle_seconds=staff_session_idle_seconds,
        staff_session_seconds=staff_session_seconds,
        staff_invitation_days=staff_invitation_days,
        staff_second_factor=_optional_str("staff_second_factor", staff_second_factor),
        second_factor_key_file=(None if second_factor_key_file is None
                                else _path_bytes(second_factor_key_file)),
        audit_retention_days=audit_retention_days,
        clock=clock,
        migrate=migrate,
    )
    return Database(typing.cast(_unchecked_native.Database, _TextChecked(native)), text_path)


# ---------------------------------------------------------------------------------------------
# Functions without a database


# ---------------------------------------------------------------------------------------------
# The operator's database commands (``inscrire db ...``, docs/deployment.md): each opens the
# database at ``location`` (a SQLite file or a postgresql:// URL) on a connection of its own and
# leaves its schema as it is unless it says otherwise; a missing SQLite file is DatabaseError.


def database_status(location: PathLike) -> DatabaseStatus:
    """The engine and schema versions of a database, without migrating it (a health check
    asks this: ``/ready`` of the web application)."""
    return DatabaseStatus(**_native.database_status(_path_bytes(location)))


def migrate_database(location: PathLike) -> DatabaseStatus:
    """Creates or migrates the schema to the library's (DatabaseError SCHEMA_TOO_NEW if it is
    newer); returns the status found before."""
    return DatabaseStatus(**_native.migrate_database(_path_bytes(location)))


def check_database(location: PathLike) -> DatabaseCheck:
    """What ``inscrire db check`` checks: the stored data and the schema version."""
    status, problems = _native.check_database(_path_bytes(location))
    return DatabaseCheck(DatabaseStatus(**status), list(problems))


def backup_database(location: PathLike, target: PathLike) -> None:
    """Copies a SQLite database, consistent as of one instant while registrations go on, into
    the new file ``target`` (mode 600). InvalidInput when ``target`` exists, and for PostgreSQL,
    which ``pg_dump`` backs up."""
    _native.backup_database(_path_bytes(location), _path_bytes(target))

def username(first_name: str, last_name: str, birthdate: BirthDateLike) -> str:
    """The base username ``first.lastDDMM`` of a roster name (before collision resolution)."""
    if isinstance(birthdate, _dt.date):
        parse_birthdate(birthdate)  # same validation (future, before 1900) as a string
    return str(_native.base_username(first_name, last_name, _birthdate_text(birthdate)))


def normalize(text: str) -> str:
    """The comparison key of a name: any script transliterated to ASCII, lower-cased, only
    [a-z0-9] kept ("Léa-Marie" -> "leamarie"). Raises InvalidInput for invalid UTF-8."""
    return str(_native.comparison_key(text))


def username_part(text: str) -> str:
    """The username part of a name: like :func:`normalize` but only [a-z]."""
    return str(_native.username_part(text))


def validate_name(text: str) -> None:
    """Raises InvalidInput (NAME_REQUIRED, FIELD_TOO_LONG, INVALID_NAME_CHARACTERS) for a name
    a pupil may not type."""
    _native.validate_name(text)


def is_valid_username(text: str) -> bool:
    """True when ``text`` has the shape ``^[a-z]+\\.[a-z]+[0-9]{4}$``."""
    return bool(_native.is_valid_username(text))


def parse_birthdate(value: BirthDateLike) -> _dt.date:
    """A birth date as pupils type it (DD/MM/YYYY, D/M/YYYY, with '/', '.' or '-'; or ISO),
    validated: raises InvalidInput (INVALID_BIRTHDATE_FORMAT, INVALID_BIRTHDATE,
    BIRTHDATE_IN_FUTURE, BIRTHDATE_TOO_OLD...)."""
    if isinstance(value, _dt.date):
        return _dt.date(*_native.check_birthdate(value.year, value.month, value.day))
    if isinstance(value, str):
        return _dt.date(*_native.parse_birthdate(value))
    raise TypeError(f"birthdate must be a datetime.date or a str, not {type(value).__name__}")


def describe(code: str, language: str = "fr") -> str:
    """The user-facing sentence for a stable code, in "fr" or "en"."""
    return str(_native.describe(code, language))


def error_codes() -> List[str]:
    """Every stable error code of the core, in declaration order."""
    return list(_native.error_codes())
