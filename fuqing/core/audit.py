"""Writing and verifying the audit log (SEC-7).

Every event is appended under a lock on the chain head; its hash is an HMAC (with a key kept outside the
database) over its content and the previous hash, so someone who can write to the database cannot
rewrite the chain consistently. ``manage.py verify_audit`` finds any record changed, inserted or removed,
and compares the head with anchors it wrote earlier to a file outside the database (cutting records off
the end is found too).
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
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

GENESIS = "0" * 64

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
    key = settings.AUDIT_KEY
    if not key:
        path = settings.VAR_DIR / "audit_key"
        if not path.exists():
            path.write_text(secrets.token_hex(32), encoding="utf-8")
            path.chmod(0o600)
        key = path.read_text(encoding="utf-8").strip()
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
    from fuqing.core.scoping import is_scoped, org_of

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
    return event


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


def check_anchors(path: Path) -> list[ChainProblem]:
    """Every (seq, hash) anchored earlier must still be in the chain unchanged."""
    if not path.exists():
        return []
    problems = []
    anchors = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    stored = dict(AuditEvent.objects.filter(seq__in=[int(a[0]) for a in anchors]).values_list("seq", "hash"))
    for seq, digest, *_when in anchors:
        if stored.get(int(seq)) != digest:
            problems.append(
                ChainProblem(int(seq), "differs from the anchor written earlier (rewritten or cut)")
            )
    return problems


def write_anchor(path: Path) -> None:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or not head.seq:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{head.seq} {head.hash} {timezone.now().isoformat()}\n")


__all__ = ["AuditAction", "AuditResult", "client_ip", "record", "verify_chain"]
