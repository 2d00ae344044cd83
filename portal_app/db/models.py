"""SQLModel tables of the portal. Times are stored in UTC; every table has id, created_at, updated_at."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import AutoString, Field, SQLModel

from portal_app.db.vocabulary import (
    ActorRole,
    AddressKind,
    CallbackOutcome,
    CallbackStatus,
    CallbackSubject,
    ChallengePurpose,
    ClaimStatus,
    ContractStatus,
    Direction,
    EventType,
    FileStatus,
    MessageAuthor,
    Relation,
    Role,
    TokenPurpose,
    TripStatus,
    Unit,
    one_of,
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(**kwargs) -> object:
    return Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True), **kwargs)


def _optional_timestamp(**kwargs) -> object:
    return Field(default=None, sa_type=sa.DateTime(timezone=True), **kwargs)


def _word(length: int, **kwargs) -> object:
    """A column holding a word of a vocabulary: stored as a plain VARCHAR, checked by the table's CHECK."""
    return Field(sa_type=AutoString(length=length), **kwargs)


class TimestampedTable(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp(sa_column_kwargs={"onupdate": utc_now})


class Insurer(TimestampedTable, table=True):
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)


class Offer(TimestampedTable, table=True):
    code: str = Field(max_length=64, unique=True)
    label: str = Field(max_length=200)
    gives_portal_access: bool = False
    # Service codes (transport_scolaire, aide_menagere, ...), comma-separated, sorted.
    services: str = Field(default="", max_length=1000)


class Contract(TimestampedTable, table=True):
    __table_args__ = (
        sa.UniqueConstraint("insurer_id", "member_number_key"),
        one_of("status", ContractStatus, "ck_contract_status"),
    )

    insurer_id: int = Field(foreign_key="insurer.id", index=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    member_number: str = Field(max_length=64)
    # Upper-case, without spaces, dots or dashes: what registration compares.
    member_number_key: str = Field(max_length=64, index=True)
    holder_first_name: str = Field(max_length=100)
    holder_last_name: str = Field(max_length=100)
    valid_from: date
    valid_to: date | None = None
    status: ContractStatus = _word(20, default=ContractStatus.ACTIVE)


class Beneficiary(TimestampedTable, table=True):
    __table_args__ = (one_of("relation", Relation, "ck_beneficiary_relation"),)

    contract_id: int = Field(foreign_key="contract.id", index=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: date
    relation: Relation = _word(20)


class Account(TimestampedTable, table=True):
    __table_args__ = (one_of("role", Role, "ck_account_role"),)

    contract_id: int | None = Field(default=None, foreign_key="contract.id", unique=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-case
    email_confirmed_at: datetime | None = _optional_timestamp()
    phone: str | None = Field(default=None, max_length=20)  # E.164, +336… or +337…
    password_hash: str = Field(max_length=100)
    role: Role = _word(20, default=Role.MEMBER)
    failed_login_count: int = 0
    last_failed_login_at: datetime | None = _optional_timestamp()
    locked_at: datetime | None = _optional_timestamp()
    last_login_at: datetime | None = _optional_timestamp()
    password_changed_at: datetime | None = _optional_timestamp()
    # Set when the member closed the account: e-mail and phone are then anonymised, the contract released.
    closed_at: datetime | None = _optional_timestamp()
    # Set by the operator for an adviser who must no longer get in (left, on leave): sessions end at once.
    disabled_at: datetime | None = _optional_timestamp()


class EmailToken(TimestampedTable, table=True):
    """A single-use link sent by e-mail; only the SHA-256 of the secret is kept."""

    __table_args__ = (one_of("purpose", TokenPurpose, "ck_emailtoken_purpose"),)

    account_id: int = Field(foreign_key="account.id", index=True)
    purpose: TokenPurpose = _word(30)
    token_hash: str = Field(max_length=64, unique=True)
    new_email: str | None = Field(default=None, max_length=254)
    expires_at: datetime = _timestamp()
    used_at: datetime | None = _optional_timestamp()


class LoginSession(TimestampedTable, table=True):
    """A login: only the SHA-256 of the cookie's random token is kept."""

    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    last_seen_at: datetime = _timestamp()
    expires_at: datetime = _timestamp()
    ended_at: datetime | None = _optional_timestamp()
    # Advisers: the password is checked but the TOTP code not yet; such a session opens nothing.
    second_factor_pending: bool = False


class OutgoingMail(TimestampedTable, table=True):
    """The mail queue: written in the same transaction as the change it reports, sent later.

    The body is erased once the message is delivered, so links it carried do not stay in the database.
    """

    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str | None = Field(default=None, sa_type=sa.Text)
    attempts: int = 0
    next_attempt_at: datetime = _timestamp(index=True)
    claimed_until: datetime | None = _optional_timestamp()
    sent_at: datetime | None = _optional_timestamp(index=True)
    last_error: str | None = Field(default=None, max_length=500)


class RateLimitCounter(TimestampedTable, table=True):
    """A counter of `domain/rate_limits.py` when Redis is not configured (shared by every worker).

    `key` names the limit and the SHA-256 of what it counts (an address, an IP, a numéro adhérent): the table
    never holds them in clear. Times are milliseconds since the epoch, compared inside one SQL statement.
    """

    key: str = Field(max_length=100, unique=True)
    hits: int = 0
    last_hit_ms: int = Field(default=0, sa_type=sa.BigInteger)
    resets_at_ms: int = Field(default=0, sa_type=sa.BigInteger, index=True)


class AuditEvent(SQLModel, table=True):
    """Append-only trail (HDS traceability): who, what, when (UTC), from where. Never a secret or health detail.

    On PostgreSQL a trigger refuses UPDATE and DELETE on this table.
    """

    __table_args__ = (one_of("actor_role", ActorRole, "ck_auditevent_actor_role"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _timestamp(index=True)
    updated_at: datetime = _timestamp()
    actor_account_id: int | None = Field(default=None, index=True)
    actor_role: ActorRole = _word(20, default=ActorRole.ANONYMOUS)
    action: str = Field(max_length=60, index=True)
    target_type: str = Field(default="", max_length=40)
    target_id: int | None = None
    member_account_id: int | None = Field(default=None, index=True)
    contract_id: int | None = Field(default=None, index=True)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)
    detail: str = Field(default="", max_length=300)


class SecondFactor(TimestampedTable, table=True):
    """An adviser's TOTP authenticator; the secret is encrypted with the portal's key."""

    account_id: int = Field(foreign_key="account.id", unique=True)
    secret_encrypted: str = Field(max_length=300)
    confirmed_at: datetime | None = _optional_timestamp()
    last_used_step: int = 0
    # Wrong codes across logins (a right password starts no fresh count); reset by a right code or an unlock.
    failed_attempts: int = 0
    locked_at: datetime | None = _optional_timestamp()  # set after too many: only an operator or adviser unlocks


class RecoveryCode(TimestampedTable, table=True):
    account_id: int = Field(foreign_key="account.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    used_at: datetime | None = _optional_timestamp()


class Passkey(TimestampedTable, table=True):
    """A passkey (WebAuthn credential) of an account: only its public key is kept, never a secret.

    `user_handle` is the random id the authenticator stores with the credential (the same for every passkey of
    one account); a login checks it as well as the credential id, so a passkey opens only its own account.
    """

    account_id: int = Field(foreign_key="account.id", index=True)
    credential_id: str = Field(max_length=1400, unique=True)  # base64url, up to 1023 bytes
    public_key: bytes = Field(sa_type=sa.LargeBinary)  # COSE key
    user_handle: str = Field(max_length=100)  # base64url
    sign_count: int = 0
    name: str = Field(max_length=60)
    transports: str = Field(default="", max_length=200)  # comma-separated hints for the browser
    last_used_at: datetime | None = _optional_timestamp()


class WebAuthnChallenge(TimestampedTable, table=True):
    """A challenge given to the browser for one passkey ceremony: single use, expires within minutes.

    The server keeps it and compares it with what the authenticator signed: the client never chooses it.
    """

    __table_args__ = (one_of("purpose", ChallengePurpose, "ck_webauthnchallenge_purpose"),)

    purpose: ChallengePurpose = _word(20)
    challenge: str = Field(max_length=100, unique=True)  # base64url of 32 random bytes
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    login_session_id: int | None = Field(default=None, foreign_key="loginsession.id")
    expires_at: datetime = _timestamp()
    used_at: datetime | None = _optional_timestamp()


class ReferenceCounter(SQLModel, table=True):
    """The last number given for a prefix and year (AS-2026-…): numbers are never reused."""

    name: str = Field(primary_key=True, max_length=20)
    last_value: int = 0
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp(sa_column_kwargs={"onupdate": utc_now})


class AssistanceFile(TimestampedTable, table=True):
    __table_args__ = (
        one_of("event_type", EventType, "ck_assistancefile_event_type"),
        one_of("status", FileStatus, "ck_assistancefile_status"),
    )

    reference: str = Field(max_length=20, unique=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id")
    event_type: EventType = _word(30)
    event_date: date
    status: FileStatus = _word(20, default=FileStatus.OPEN)
    opened_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    closed_at: datetime | None = _optional_timestamp()


class Entitlement(TimestampedTable, table=True):
    """One service granted by an assistance file: quantity in its unit (euros are stored in cents)."""

    __table_args__ = (
        sa.UniqueConstraint("assistance_file_id", "service"),
        one_of("unit", Unit, "ck_entitlement_unit"),
    )

    assistance_file_id: int = Field(foreign_key="assistancefile.id", index=True)
    service: str = Field(max_length=40)
    unit: Unit = _word(10)
    quantity: int
    used: int = 0
    valid_from: date
    valid_to: date


class Address(TimestampedTable, table=True):
    """A member's address. Deleting hides it (deleted_at): past trips keep where they went."""

    __table_args__ = (one_of("kind", AddressKind, "ck_address_kind"),)

    account_id: int = Field(foreign_key="account.id", index=True)
    label: str = Field(max_length=60)  # intitulé: the name used when planning trips, not the address
    kind: AddressKind = _word(20)
    street_number: str = Field(max_length=10)
    street: str = Field(max_length=150)
    postcode: str = Field(max_length=5)
    city: str = Field(max_length=100)
    complement: str = Field(default="", max_length=150)
    deleted_at: datetime | None = _optional_timestamp()


class Trip(TimestampedTable, table=True):
    """One ride of one child. A child has at most one live trip per direction and day."""

    __table_args__ = (
        sa.Index(
            "uq_trip_child_day_direction",
            "beneficiary_id",
            "trip_date",
            "direction",
            unique=True,
            postgresql_where=sa.text("status <> 'cancelled'"),
            sqlite_where=sa.text("status <> 'cancelled'"),
        ),
        one_of("direction", Direction, "ck_trip_direction"),
        one_of("status", TripStatus, "ck_trip_status"),
    )

    account_id: int = Field(foreign_key="account.id", index=True)
    assistance_file_id: int = Field(foreign_key="assistancefile.id", index=True)
    entitlement_id: int = Field(foreign_key="entitlement.id")
    beneficiary_id: int = Field(foreign_key="beneficiary.id")
    trip_date: date = Field(index=True)
    pickup_time: str = Field(max_length=5)  # HH:MM, Paris time
    from_address_id: int = Field(foreign_key="address.id")
    to_address_id: int = Field(foreign_key="address.id")
    direction: Direction = _word(10)  # aller (home → school), retour (school → home)
    status: TripStatus = _word(20, default=TripStatus.PLANNED)
    notes: str = Field(default="", max_length=300)
    cancelled_at: datetime | None = _optional_timestamp()


class Claim(TimestampedTable, table=True):
    """A reimbursement request (demande de remboursement) for an assistance service paid in advance."""

    __table_args__ = (one_of("status", ClaimStatus, "ck_claim_status"),)

    reference: str = Field(max_length=20, unique=True)
    # The form's one-time key: a double click, a second tab or a retry finds the same claim.
    submission_key: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    assistance_file_id: int = Field(foreign_key="assistancefile.id")
    entitlement_id: int = Field(foreign_key="entitlement.id")
    service: str = Field(max_length=40)
    service_date_from: date
    service_date_to: date
    provider: str = Field(max_length=150)
    amount_cents: int
    accepted_amount_cents: int | None = None
    iban_encrypted: str = Field(max_length=300)
    iban_last4: str = Field(max_length=4)
    status: ClaimStatus = _word(30, default=ClaimStatus.SUBMITTED, index=True)
    decided_by_account_id: int | None = Field(default=None, foreign_key="account.id")


class ClaimFile(TimestampedTable, table=True):
    """An invoice file, encrypted with AES-256-GCM; key_id names the key used (for rotation)."""

    claim_id: int = Field(foreign_key="claim.id", index=True)
    filename: str = Field(max_length=150)
    content_type: str = Field(max_length=50)
    size_bytes: int
    key_id: str = Field(max_length=40)
    ciphertext: bytes = Field(sa_type=sa.LargeBinary)


class ClaimEvent(TimestampedTable, table=True):
    """One step of a claim's timeline: a status and, from an adviser, a message to the member."""

    __table_args__ = (one_of("status", ClaimStatus, "ck_claimevent_status"),)

    claim_id: int = Field(foreign_key="claim.id", index=True)
    status: ClaimStatus = _word(30)
    message: str = Field(default="", max_length=2000)
    author_account_id: int | None = Field(default=None, foreign_key="account.id")


class CallbackRequest(TimestampedTable, table=True):
    """« Être rappelé »: a member asks the platform to call back, on a subject, in up to three slots.

    The slots are the starts of the chosen time slots (UTC), earliest first: advisers work through open
    requests by `slot_1_at`. One open request per account at a time (the partial unique index).
    """

    __table_args__ = (
        sa.Index(
            "uq_callbackrequest_one_open",
            "account_id",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
        one_of("subject", CallbackSubject, "ck_callbackrequest_subject"),
        one_of("status", CallbackStatus, "ck_callbackrequest_status"),
        one_of("outcome", CallbackOutcome, "ck_callbackrequest_outcome"),
    )

    account_id: int = Field(foreign_key="account.id", index=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    subject: CallbackSubject = _word(20)
    phone: str = Field(max_length=20)  # E.164, +336… or +337…
    note: str = Field(default="", max_length=500)
    slot_1_at: datetime = Field(sa_type=sa.DateTime(timezone=True), index=True)
    slot_2_at: datetime | None = _optional_timestamp()
    slot_3_at: datetime | None = _optional_timestamp()
    status: CallbackStatus = _word(20, default=CallbackStatus.OPEN, index=True)
    outcome: CallbackOutcome | None = _word(20, default=None, nullable=True)
    adviser_note: str = Field(default="", max_length=500)
    handled_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    handled_at: datetime | None = _optional_timestamp()
    cancelled_at: datetime | None = _optional_timestamp()


class MessageThread(TimestampedTable, table=True):
    """A conversation a member started with the platform, about one of their assistance files or in general.

    Owned by the account that started it (like claims: a closed account keeps its own). `waiting_since` is the
    time of the oldest member message no adviser has answered yet (None: nothing to answer), so the advisers'
    queue reads oldest-unanswered first from one indexed column.
    """

    account_id: int = Field(foreign_key="account.id", index=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    assistance_file_id: int | None = Field(default=None, foreign_key="assistancefile.id")
    subject: str = Field(max_length=120)
    last_message_at: datetime = _timestamp()
    waiting_since: datetime | None = _optional_timestamp(index=True)


class Message(TimestampedTable, table=True):
    """One message of a thread; `read_at` is when the member first opened an adviser's message (unread count)."""

    __table_args__ = (one_of("author_role", MessageAuthor, "ck_message_author_role"),)

    thread_id: int = Field(foreign_key="messagethread.id", index=True)
    author_role: MessageAuthor = _word(10)
    author_account_id: int = Field(foreign_key="account.id")
    body: str = Field(max_length=4000)
    read_at: datetime | None = _optional_timestamp()
