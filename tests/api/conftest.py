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


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _resolve(options[0], components)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    return schema


def sample(schema: dict, components: dict):
    """A value of the right shape: ids that exist nowhere, dates inside the campaign years."""
    schema = _resolve(schema, components)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        return {
            name: sample(prop, components)
            for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(schema.get("minimum", 0), min(987654, schema.get("maximum", 987654)))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2014-04-15"
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if schema.get("format") == "binary":
        return None
    return "x"
