# Type stubs for the inscrire package (the public API of bindings/python/inscrire/__init__.py).
import datetime
import enum
import os
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple,
                    Type, Union)

__version__: str

BirthDateLike = Union[datetime.date, str]
PathLike = Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]

# --- exceptions ------------------------------------------------------------------------------

class Error(Exception):
    code: str
    message: str
    message_en: str
    detail: str
    def __init__(self, code: str, message: Optional[str] = ..., *, detail: str = ...,
                 message_en: Optional[str] = ...) -> None: ...

class InternalError(Error, RuntimeError): ...
class InvalidInput(Error, ValueError): ...
class PasswordRejected(InvalidInput): ...

class ImportRefused(InvalidInput):
    report: Optional[ImportReport]

class NotFound(Error, LookupError): ...
class Conflict(Error): ...
class AlreadyExists(Conflict): ...
class CampaignClosed(Conflict): ...

class MatchRefused(Error):
    username_hint: Optional[str]

class NoMatch(MatchRefused, NotFound): ...
class AmbiguousMatch(MatchRefused): ...
class AlreadyRegistered(MatchRefused, AlreadyExists): ...

class AuthenticationError(Error, PermissionError):
    remaining_attempts: Optional[int]
    retry_after: Optional[int]

class AccountBlocked(AuthenticationError): ...

class TooManyAttempts(Error):
    retry_after: Optional[int]

class DatabaseError(Error, OSError): ...

EXCEPTION_CLASSES: Mapping[str, Type[Error]]

def exception_class(code: str) -> Type[Error]: ...

# --- results ---------------------------------------------------------------------------------

class Organization:
    uai: str
    name: str
    id: int
    def __init__(self, uai: str, name: str, id: int = ...) -> None: ...

class LearnerState(str, enum.Enum):
    NO_ACCOUNT: str
    ACTIVE: str
    MUST_CHANGE_PASSWORD: str
    BLOCKED: str
    DISABLED: str

class Account:
    username: str
    must_change_password: bool
    blocked: Optional[str]
    blocked_until: Optional[datetime.datetime]
    failed_attempts: int
    disabled: bool
    last_login_at: Optional[datetime.datetime]
    temporary_expires_at: Optional[datetime.datetime]
    participations: int
    def __init__(self, username: str, must_change_password: bool = ...,
                 blocked: Optional[str] = ..., blocked_until: Optional[datetime.datetime] = ...,
                 failed_attempts: int = ..., disabled: bool = ...,
                 last_login_at: Optional[datetime.datetime] = ...,
                 temporary_expires_at: Optional[datetime.datetime] = ...,
                 participations: int = ...) -> None: ...

class Learner:
    ine: str
    first_name: str
    last_name: str
    birthdate: datetime.date
    division: str
    username: Optional[str]
    disabled: bool
    second_name: str
    third_name: str
    usage_name: str
    state: Optional[LearnerState]
    account: Optional[Account]
    def __init__(self, ine: str, first_name: str, last_name: str, birthdate: datetime.date,
                 division: str, username: Optional[str] = ..., disabled: bool = ...,
                 second_name: str = ..., third_name: str = ..., usage_name: str = ...,
                 state: Optional[LearnerState] = ...,
                 account: Optional[Account] = ...) -> None: ...

class Campaign:
    code: str
    name: str
    uai: str
    division: Optional[str]
    target_profile: Optional[str]
    status: str
    created_at: str
    id: int
    def __init__(self, code: str, name: str, uai: str, division: Optional[str] = ...,
                 target_profile: Optional[str] = ..., status: str = ..., created_at: str = ...,
                 id: int = ...) -> None: ...

class RosterProblem:
    code: str
    line: Optional[int]
    ine: Optional[str]
    field: Optional[str]
    detail: str
    pupil_id: Optional[str]
    def __init__(self, code: str, line: Optional[int] = ..., ine: Optional[str] = ...,
                 field: Optional[str] = ..., detail: str = ...,
                 pupil_id: Optional[str] = ...) -> None: ...

class ImportReport:
    created: int
    updated: int
    disabled: int
    reenabled: int
    linked: int
    skipped: Mapping[str, int]
    errors: Tuple[RosterProblem, ...]
    dry_run: bool
    @property
    def skipped_total(self) -> int: ...
    def __init__(self, created: int = ..., updated: int = ..., disabled: int = ...,
                 reenabled: int = ..., linked: int = ..., skipped: Mapping[str, int] = ...,
                 errors: Tuple[RosterProblem, ...] = ..., dry_run: bool = ...) -> None: ...

class MatchStatus(str, enum.Enum):
    MATCHED: str
    NO_LEARNER_FOR_BIRTHDATE: str
    NO_NAME_MATCH: str
    AMBIGUOUS: str
    LEARNER_ALREADY_LINKED: str
    LEARNER_HAS_ACCOUNT_ELSEWHERE: str

class MatchReport:
    status: MatchStatus
    learner: Optional[Learner]
    username: Optional[str]
    username_hint: Optional[str]
    error: Optional[str]
    matched_by: Optional[str]
    @property
    def matched(self) -> bool: ...
    def __init__(self, status: MatchStatus, learner: Optional[Learner] = ...,
                 username: Optional[str] = ..., username_hint: Optional[str] = ...,
                 error: Optional[str] = ..., matched_by: Optional[str] = ...) -> None: ...

class Registration:
    username: str
    learner: Learner
    campaign: Campaign
    participation_status: str
    matched_by: Optional[str]
    def __init__(self, username: str, learner: Learner, campaign: Campaign,
                 participation_status: str = ..., matched_by: Optional[str] = ...) -> None: ...

class LoginStatus(str, enum.Enum):
    SUCCESS: str
    PASSWORD_CHANGE_REQUIRED: str

class LoginResult:
    status: LoginStatus
    username: str
    session_token: Optional[str]
    change_token: Optional[str]
    @property
    def password_change_required(self) -> bool: ...
    def __init__(self, status: LoginStatus, username: str, session_token: Optional[str] = ...,
                 change_token: Optional[str] = ...) -> None: ...

class Credential:
    division: str
    last_name: str
    first_name: str
    username: str
    temporary_password: Optional[str]
    def __init__(self, division: str, last_name: str, first_name: str, username: str,
                 temporary_password: Optional[str] = ...) -> None: ...

class CredentialReport:
    created: int
    reset: int
    unchanged: int
    def __init__(self, created: int = ..., reset: int = ..., unchanged: int = ...) -> None: ...

class Credentials:
    rows: Tuple[Credential, ...]
    report: CredentialReport
    def __init__(self, rows: Tuple[Credential, ...], _csv: str,
                 report: CredentialReport = ...) -> None: ...
    def csv(self) -> str: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Credential]: ...

class SessionLearner:
    uai: str
    school: str
    division: str
    first_name: str
    last_name: str
    disabled: bool
    def __init__(self, uai: str, school: str, division: str, first_name: str, last_name: str,
                 disabled: bool = ...) -> None: ...

class Session:
    username: str
    expires_at: datetime.datetime
    learners: Tuple[SessionLearner, ...]
    def __init__(self, username: str, expires_at: datetime.datetime,
                 learners: Tuple[SessionLearner, ...] = ...) -> None: ...

class ParticipationStatus(str, enum.Enum):
    NOT_JOINED: str
    STARTED: str
    TO_SHARE: str
    SHARED: str

class Participation:
    code: str
    campaign: str
    uai: str
    school: str
    status: ParticipationStatus
    started_at: datetime.datetime
    completed_at: Optional[datetime.datetime]
    shared_at: Optional[datetime.datetime]
    def __init__(self, code: str, campaign: str, uai: str, school: str,
                 status: ParticipationStatus, started_at: datetime.datetime,
                 completed_at: Optional[datetime.datetime] = ...,
                 shared_at: Optional[datetime.datetime] = ...) -> None: ...

class Participant:
    division: str
    last_name: str
    first_name: str
    username: Optional[str]
    status: ParticipationStatus
    started_at: Optional[datetime.datetime]
    completed_at: Optional[datetime.datetime]
    shared_at: Optional[datetime.datetime]
    def __init__(self, division: str, last_name: str, first_name: str, username: Optional[str],
                 status: ParticipationStatus, started_at: Optional[datetime.datetime] = ...,
                 completed_at: Optional[datetime.datetime] = ...,
                 shared_at: Optional[datetime.datetime] = ...) -> None: ...

class AccountLink:
    uai: str
    school: str
    learner: Learner
    def __init__(self, uai: str, school: str, learner: Learner) -> None: ...

class AccountDetails:
    account: Account
    learners: Tuple[AccountLink, ...]
    def __init__(self, account: Account, learners: Tuple[AccountLink, ...] = ...) -> None: ...

# --- the database ----------------------------------------------------------------------------

class Database:
    @property
    def path(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Database: ...
    def __exit__(self, *exc_info: Any) -> None: ...
    def create_organization(self, uai: str, name: str) -> Organization: ...
    def organizations(self) -> List[Organization]: ...
    def import_roster(self, uai: str, path: PathLike, *, dry_run: bool = ...,
                      progress: Optional[Callable[[int, int], Any]] = ...) -> ImportReport: ...
    def learners(self, uai: str, division: Optional[str] = ..., *,
                 include_disabled: bool = ..., state: Optional[Union[LearnerState, str]] = ...,
                 limit: Optional[int] = ..., offset: Optional[int] = ...) -> List[Learner]: ...
    def learner(self, uai: str, ine: str) -> Learner: ...
    def account(self, username: str) -> AccountDetails: ...
    def create_campaign(self, uai: str, name: str, division: Optional[str] = ...,
                        target_profile: Optional[str] = ...) -> Campaign: ...
    def find_campaign(self, code: str, client_key: Optional[str] = ...) -> Campaign: ...
    def campaigns(self, uai: str) -> List[Campaign]: ...
    def archive_campaign(self, code: str) -> Campaign: ...
    def unarchive_campaign(self, code: str) -> Campaign: ...
    def delete_campaign(self, code: str, *, actor: str = ...) -> None: ...
    def campaign_participants(self, code: str) -> List[Participant]: ...
    def participants_csv(self, code: str) -> str: ...
    def class_sheet(self, code: str, base_url: Optional[str] = ...) -> str: ...
    def match(self, code: str, first_name: str, last_name: str, birthdate: BirthDateLike,
              client_key: Optional[str] = ...) -> MatchReport: ...
    def register(self, code: str, first_name: str, last_name: str, birthdate: BirthDateLike,
                 password: str, client_key: Optional[str] = ...) -> Registration: ...
    def login(self, username: str, password: str) -> LoginResult: ...
    def authenticate(self, session_token: str) -> Session: ...
    def logout(self, session_token: str) -> None: ...
    def participations(self, session_token: str) -> List[Participation]: ...
    def complete_participation(self, session_token: str, code: str) -> Participation: ...
    def share_participation(self, session_token: str, code: str) -> Participation: ...
    def change_password(self, username: str, old_password: str, new_password: str) -> None: ...
    def change_password_with_token(self, token: str, new_password: str) -> None: ...
    def join_campaign(self, session_token: str, code: str, first_name: Optional[str] = ...,
                      last_name: Optional[str] = ..., birthdate: Optional[BirthDateLike] = ...,
                      client_key: Optional[str] = ...) -> Registration: ...
    def not_joined(self, code: str) -> List[Learner]: ...
    def reset_password(self, uai: str, username: str, *, actor: str = ...) -> str: ...
    def unblock(self, uai: str, username: str, *, actor: str = ...) -> None: ...
    def import_account(self, uai: str, ine: str, username: str, password_hash: str, *,
                       actor: str = ...) -> str: ...
    def generate_credentials(self, uai: str, division: str, *, reset_existing: bool = ...,
                             ines: Optional[Iterable[str]] = ...,
                             actor: str = ...) -> Credentials: ...
    def dissociate(self, uai: str, ine: str, *, actor: str = ...) -> None: ...
    def anonymize_learner(self, uai: str, ine: str, *, actor: str = ...) -> None: ...
    def export_learner(self, uai: str, ine: str, *, actor: str = ...) -> Dict[str, Any]: ...

def open(path: PathLike, *, username_policy: str = ..., matching: str = ...,
         hash_memory_kib: Optional[int] = ...,
         hash_iterations: Optional[int] = ..., hash_parallelism: Optional[int] = ...,
         refuse_weak_passwords: Optional[bool] = ..., busy_timeout_ms: Optional[int] = ...,
         throttle_max_failures: Optional[int] = ...,
         throttle_window_seconds: Optional[int] = ...,
         login_failures_per_block: Optional[int] = ...,
         login_first_block_seconds: Optional[int] = ...,
         login_permanent_block_failures: Optional[int] = ...,
         change_token_seconds: Optional[int] = ..., session_seconds: Optional[int] = ...,
         temporary_password_days: Optional[int] = ...,
         clock: Optional[Callable[[], int]] = ...) -> Database: ...

# --- functions without a database ------------------------------------------------------------

def username(first_name: str, last_name: str, birthdate: BirthDateLike) -> str: ...
def normalize(text: str) -> str: ...
def username_part(text: str) -> str: ...
def validate_name(text: str) -> None: ...
def is_valid_username(text: str) -> bool: ...
def parse_birthdate(value: BirthDateLike) -> datetime.date: ...
def describe(code: str, language: str = ...) -> str: ...
def error_codes() -> List[str]: ...
