"""Writing and verifying the audit log (SEC-7).

Every event is appended under a lock on the chain head; its hash is an HMAC (with a key kept outside the
database) over its content and the previous hash, so someone who can write to the database cannot
rewrite the chain consistently. ``manage.py verify_audit`` finds any record changed, inserted or removed.

Cutting the newest records off the end and rewinding the head leaves a consistent, shorter chain; only a
witness outside the database can tell. The anchor log (``FUQING_AUDIT_ANCHOR_FILE``, one ``seq hash time``
line each) is that witness: a line is appended when each event's transaction commits, at every
verification, and on a schedule (``manage.py anchor_audit``). Verification checks every line against the
chain and compares the head with the anchor log's tail (its highest seq): a head behind it, or a record
there that differs, is a cut or a rewrite.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fuqing.core.models import AuditAction, AuditEvent, AuditHead, AuditResult
from fuqing.core.scoping import is_scoped, org_of
from fuqing.env import local_secret

GENESIS = "0" * 64
log = logging.getLogger(__name__)

_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)


@contextmanager
def client_ip(ip: str | None):
    """Events recorded inside carry this IP (set per request by the middleware)."""
    token = _ip.set(ip)
    try:
        yield
    finally:
        _ip.reset(token)


def current_ip() -> str | None:
    return _ip.get()


def request_ip(request) -> str | None:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def _canonical(event: AuditEvent) -> bytes:
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = [
        event.seq,
        at,
        event.actor_id,
        event.actor_username,
        event.org_id,
        event.action,
        event.result,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.ip,
        event.details,
        event.prev_hash,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@lru_cache(maxsize=1)
def _audit_key() -> bytes:
    """FUQING_AUDIT_KEY (or _FILE); a single-machine install keeps one under var/ (mode 600)."""
    key = settings.AUDIT_KEY or local_secret(settings.VAR_DIR / "audit_key", lambda: secrets.token_hex(32))
    return key.encode()


def compute_hash(event: AuditEvent) -> str:
    return hmac.new(_audit_key(), _canonical(event), hashlib.sha256).hexdigest()


def _object_fields(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk), str(obj)[:200]


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    result: str = AuditResult.SUCCESS,
    org=None,
    details: dict | None = None,
    username: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event. ``org`` defaults to the object's organisation, else the actor's."""

    if obj is not None:
        object_type, object_id, object_repr = _object_fields(obj)
        if org is None and is_scoped(obj.__class__):
            org = org_of(obj)
    if org is None and actor is not None and getattr(actor, "is_authenticated", False):
        org = actor.org
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor_obj,
            actor_username=(actor_obj.username if actor_obj else username)[:150],
            org=org,
            action=action,
            result=result,
            object_type=object_type[:60],
            object_id=str(object_id)[:64],
            object_repr=str(object_repr)[:200],
            ip=current_ip(),
            details=_plain(details or {}),
            prev_hash=head.hash or GENESIS,
        )
        event.hash = compute_hash(event)
        event.save()
        AuditHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
        # the witness outside the database: only once the event is committed (a rolled-back savepoint
        # drops this callback with its event, so no line ever names a record that was never written)
        transaction.on_commit(lambda seq=event.seq, digest=event.hash: _witness(seq, digest))
    return event


def _witness(seq: int, digest: str) -> None:
    """Append a committed event's (seq, hash) to the anchor log; a failure is logged, never raised (the
    event is already committed, and the next anchor covers it)."""
    try:
        _append_anchor(anchor_path(), seq, digest)
    except OSError as exc:
        log.error("audit anchor log %s not written: %s", anchor_path(), exc)


def _plain(details: dict) -> dict:
    """Details as they will read back from the database (JSON types only)."""
    return json.loads(json.dumps(details, ensure_ascii=False, default=str))


@dataclass
class ChainProblem:
    seq: int
    problem: str


def verify_chain(batch: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the chain in order; report altered, inserted or removed records."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch):
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(expected_seq, f"records {expected_seq}..{event.seq - 1} are missing")
            )
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.seq, "link to the previous record is broken"))
        if compute_hash(event) != event.hash:
            problems.append(ChainProblem(event.seq, "content does not match its hash (altered)"))
        expected_prev = event.hash
        expected_seq = event.seq + 1
        last_seq = event.seq
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != last_seq:
        problems.append(
            ChainProblem(last_seq + 1, f"records {last_seq + 1}..{head.seq} are missing at the end")
        )
    elif head is not None and head.seq and head.hash != expected_prev:
        problems.append(ChainProblem(head.seq, "last record does not match the chain head"))
    return checked, problems


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE or settings.VAR_DIR / "audit-anchors.log")


def _append_anchor(path: Path, seq: int, digest: str) -> None:
    """One line, one ``write`` on a file opened for appending (whole lines from concurrent writers),
    created readable by the owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    line = f"{seq} {digest} {timezone.now().isoformat()}\n".encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _anchors(path: Path):
    """(seq, hash) of every readable line; a torn line (a crash mid-write) is skipped."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and parts[0].isdigit() and len(parts[1]) == 64:
                yield int(parts[0]), parts[1]


def check_anchors(path: Path, batch: int = 5000) -> list[ChainProblem]:
    """Every (seq, hash) anchored earlier must still be in the chain unchanged, and the head must not be
    behind the anchor log's tail (records cut off the end and the head rewound)."""
    if not path.exists():
        return []
    problems: list[ChainProblem] = []
    tail = 0

    def compare(chunk: list[tuple[int, str]]) -> None:
        stored = dict(AuditEvent.objects.filter(seq__in={seq for seq, _ in chunk}).values_list("seq", "hash"))
        for seq, digest in chunk:
            if stored.get(seq) != digest:
                problems.append(
                    ChainProblem(seq, "differs from the anchor written earlier (rewritten or cut)")
                )

    chunk: list[tuple[int, str]] = []
    for seq, digest in _anchors(path):
        tail = max(tail, seq)
        chunk.append((seq, digest))
        if len(chunk) >= batch:
            compare(chunk)
            chunk = []
    if chunk:
        compare(chunk)
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.seq if head is not None else 0
    if head_seq < tail:
        problems.append(
            ChainProblem(
                head_seq + 1,
                f"the chain head ({head_seq}) is behind the anchor log's tail ({tail}): "
                f"records {head_seq + 1}..{tail} were cut off the end and the head rewound",
            )
        )
    return problems


def write_anchor(path: Path) -> int:
    """Append the current head to the anchor log (at verification and on a schedule); its seq (0: none)."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or not head.seq:
        return 0
    _append_anchor(path, head.seq, head.hash)
    return head.seq


__all__ = ["AuditAction", "AuditResult", "client_ip", "record", "verify_chain"]
