"""PLT-3, issue 10 point 9: bad input never gives a 500 — on every API operation and every page.

Classes of bad value: ids and offsets past 2^63, counts like 10^20, amounts like 1e40, dates like
0001-01-01 (refused with the field named: outside any campaign year), NUL characters, an over-large
JSON body (a JSON answer, not an HTML page). Each class goes to every operation that takes a value of
its kind; query strings (?page=, ?offset=, ?year=, ?org= …) to every page.
"""

from __future__ import annotations

import json

import pytest

from fuqing.api.api import api
from tests.api.conftest import _resolve, sample, token_for

pytestmark = pytest.mark.filterwarnings("ignore")

HUGE = 2**64
SCHEMA = None


def _schema() -> dict:
    global SCHEMA  # built once per process (it is large)
    if SCHEMA is None:
        SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
    return SCHEMA


def operations() -> list[tuple[str, str]]:
    return sorted((m.upper(), p) for p, item in _schema()["paths"].items() for m in item)


def _kind(schema: dict, components: dict) -> str:
    schema = _resolve(schema, components)
    if schema.get("type") == "integer":
        return "integer"
    if schema.get("format") == "date":
        return "date"
    if schema.get("type") == "number" or (schema.get("type") == "string" and "pattern" in schema):
        return "number"  # pydantic Decimals are documented as number or a pattern-constrained string
    if schema.get("type") == "string" and not schema.get("format"):
        return "text"
    return ""


BAD = {"integer": HUGE, "date": "0001-01-01", "number": "1e40", "text": "a\x00b"}


def _request(method, path, kind):
    """The operation's URL, query and body with every value of ``kind`` replaced by the bad one."""
    schema = _schema()
    components = schema["components"]["schemas"]
    operation = schema["paths"][path][method.lower()]
    url, query, hits = path, {}, []
    for param in operation.get("parameters", []):
        value = sample(param["schema"], components)
        if _kind(param["schema"], components) == kind:
            value = BAD[kind]
            hits.append(param["name"])
        if param["in"] == "path":
            url = url.replace("{" + param["name"] + "}", str(value))
        elif param["in"] == "query" and (param.get("required") or param["name"] in hits):
            query[param["name"]] = value
    body = None
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body_schema = _resolve(content["application/json"]["schema"], components)
        body = sample(body_schema, components)
        for name, prop in body_schema.get("properties", {}).items():
            inner = _resolve(prop, components)
            if _kind(prop, components) == kind:
                body[name] = BAD[kind]
                hits.append(name)
            elif inner.get("type") == "array" and _kind(inner.get("items", {}), components) == kind:
                body[name] = [BAD[kind]]
                hits.append(name)
    return url, query, body, hits


@pytest.mark.parametrize("kind", sorted(BAD))
def test_plt3_bad_values_never_give_a_500_on_any_api_operation(client, tree, city_leader, kind):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(city_leader)}"}
    tried, problems = 0, []
    for method, path in operations():
        if path == "/api/v1/auth/revoke":
            continue
        url, query, body, hits = _request(method, path, kind)
        if not hits:
            continue
        tried += 1
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        if body is None:
            response = client.generic(method, url, **headers)
        else:
            response = client.generic(method, url, json.dumps(body), "application/json", **headers)
        if response.status_code >= 500 or not response["Content-Type"].startswith("application/json"):
            problems.append((method, path, response.status_code))
        elif kind == "date" and response.status_code == 422:
            errors = response.json()["errors"]
            for name in hits:
                named = [m for field, ms in errors.items() if field.split(".")[0] == name for m in ms]
                if not any("2000" in m and "2100" in m for m in named):
                    problems.append((method, path, f"{name} not refused as outside the campaign years"))
        elif response.status_code not in (400, 401, 403, 404, 409, 413, 422, 429):
            problems.append((method, path, response.status_code))
    assert tried >= 3 and problems == []


def test_plt3_a_visit_dated_0001_01_01_is_refused_naming_the_field(client, tree, daoli):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(daoli)}"}
    body = {"kind": "stationed", "started_on": "0001-01-01", "ended_on": "0001-01-05"}
    response = client.post("/api/v1/visits/", json.dumps(body), "application/json", **headers)
    assert response.status_code == 422
    assert (
        "开始日期（started_on）：日期须在 2000 年至 2100 年之间" in response.json()["errors"]["started_on"][0]
    )


def test_plt3_amounts_counts_ids_and_offsets_past_the_limits_answer_422(client, tree, daoli):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(daoli)}"}
    for url in (f"/api/v1/orgs/?offset={HUGE}", f"/api/v1/orgs/{HUGE}/", f"/api/v1/topics/?year={10**20}"):
        response = client.get(url, **headers)
        assert response.status_code == 422, url
    body = {"service": "funds", "amount": "1e40", "given_on": "2014-05-01"}
    response = client.post("/api/v1/actions/", json.dumps(body), "application/json", **headers)
    assert response.status_code == 422 and "金额（amount）" in response.json()["errors"]["amount"][0]
    raw = (
        '{"service": "funds", "amount": 1e40, "given_on": "2014-05-01", "group_size": 100000000000000000000}'
    )
    assert client.post("/api/v1/actions/", raw, "application/json", **headers).status_code == 422
    nan = '{"service": "funds", "amount": NaN}'
    assert client.post("/api/v1/actions/", nan, "application/json", **headers).status_code == 422


def test_plt3_an_over_large_json_body_gets_a_json_answer(client, tree, daoli, settings):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(daoli)}"}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    big = json.dumps({"title": "x" * (2 * 1024 * 1024)})
    response = client.post("/api/v1/topics/", big, "application/json", **headers)
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
    assert "1 MB" in response.json()["detail"]
    # Past the upload limit the request is refused before it is read — in JSON on the API too.
    beyond = (settings.UPLOAD_MAX_MB + 2) * 1024 * 1024
    response = client.post("/api/v1/topics/", "{}", "application/json", CONTENT_LENGTH=str(beyond), **headers)
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
