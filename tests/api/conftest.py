"""Helpers for the API-wide tests (PLT-3): bearer tokens and a JSON client."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone

from fuqing.api.auth import TOKEN_PREFIX, digest
from fuqing.orgs.models import ApiToken


def token_for(user) -> str:
    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=8)
    )
    return raw


@pytest.fixture
def call(client):
    """call(user_or_token, "post", "/reports/", body) → the response (JSON in, JSON out)."""

    def do(who, method, path, body=None, **extra):
        token = who if isinstance(who, str) else token_for(who)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", **extra}
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        if method == "get":
            return client.get(url, body or {}, **headers)
        data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
        return client.generic(method.upper(), url, data, content_type="application/json", **headers)

    return do
