"""The OpenAPI schema tells the truth about real objects (issue 13), a check that fuzzing with
generated data cannot make: most generated ids find nothing, so a list comes back empty and a
documented field or filter is never seen at work.

With one object of every kind in region A (the outsider matrix's makers) and a signed-in member
of the cast who reads it:

- every documented query parameter is read: a value the parameter cannot match answers a 400
  or other results than no parameter at all (a boolean: ``true`` and ``false`` not both the
  unfiltered list), and a schema-valid value answers 200;
- every list returns, for a real object, exactly the fields its schema declares, with a null
  only where the schema says ``nullable``;
- the statuses a missing object (404) and bad input (400) answer are declared for the operation.

Every request goes through Django's test client: one run is a few hundred requests, a few seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from tests.quality.outsider_routes import COVERAGE

pytestmark = pytest.mark.django_db

# Who reads what: the network (adviser), candidates (the guide), the national sessions (awvn).
READERS = ["adviser_a", "guide_a", "coordinator_a", "awvn"]
PAGINATION = {"page", "page_size"}
MISSING_ID = 2_000_000_000
# A path parameter that is not an object id: the year of a region's target is any year.
NOT_AN_OBJECT = {"year": "2026"}


def _schema() -> dict[str, Any]:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


SCHEMA = _schema()


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rpartition("/")[2]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return {**_deref(node["allOf"][0]), **{k: v for k, v in node.items() if k != "allOf"}}
    return node


def _params(operation: dict[str, Any], where: str) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters", []) if p["in"] == where]


def list_item_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of one row, if the 200 answer is a list (plain or paginated)."""
    body = _deref(
        operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
    )
    if body.get("type") == "array":
        return _deref(body["items"])
    results = body.get("properties", {}).get("results")
    return _deref(results["items"]) if results and results.get("type") == "array" else None


# --- The objects: one of each kind in region A ---------------------------------------------


def _seed_extras(cast: dict[str, Any], made: dict[str, dict[str, Any]]) -> None:
    """History rows the makers do not write: a stage change and a match state change."""
    from candidates.models import MatchChange
    from employers.models import Employer
    from employers.services import employer_change_stage

    employer = Employer.objects.get(pk=made["employer-stage-history"]["pk"])
    employer_change_stage(
        employer=employer, by=cast["adviser_a"], stage="active" if employer.stage != "active" else "open"
    )
    MatchChange.objects.create(match_id=made["match-history"]["pk"], to_state="suggested", by=cast["guide_a"])


@pytest.fixture
def made(cast: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """url name -> the path kwargs of an object of region A, for every API route the outsider
    matrix knows (its names carry no namespace)."""
    objects = {name: make(cast) for name, (make, _) in COVERAGE.items() if ":" not in name}
    _seed_extras(cast, objects)
    return objects


def url_for(path: str, made: dict[str, dict[str, Any]], missing: bool = False) -> str | None:
    """The path with real (or missing) ids in; None if no maker knows the route."""
    names = [p.strip("{}") for p in path.split("/") if p.startswith("{")]
    if not names:
        return path
    probe = path
    for name in names:
        probe = probe.replace("{" + name + "}", NOT_AN_OBJECT.get(name, "1"))
    url_name = resolve(probe).url_name
    if url_name not in made and not missing:
        return None
    for name in names:
        if name in NOT_AN_OBJECT:
            value = NOT_AN_OBJECT[name]
        elif missing:
            value = "XX99" if name == "code" else str(MISSING_ID)
        else:
            value = str(next(iter(made[url_name].values())))
        path = path.replace("{" + name + "}", value)
    return path


def reader(get: Callable[[str, str], Any], url: str) -> tuple[str, Any] | tuple[None, None]:
    """The first member of the cast who gets the URL (a list: with rows in it)."""
    for role in READERS:
        response = get(role, url)
        if response.status_code == 200 and _rows(response.json()) != []:
            return role, response
    return None, None


def _rows(body: Any) -> list[Any] | None:
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return body["results"]
    return None


@pytest.fixture
def get(cast: dict[str, Any], api: Callable[[Any], Any]) -> Callable[..., Any]:
    clients = {role: api(cast[role]) for role in READERS}

    def call(role: str, url: str, params: dict[str, str] | None = None) -> Any:
        return clients[role].get(url, params or {})

    return call


# --- Query parameters ---------------------------------------------------------------------


def valid_value(param: dict[str, Any], made: dict[str, dict[str, Any]], cast: dict[str, Any]) -> str:
    schema = _deref(param["schema"])
    if schema.get("type") == "array":
        schema = _deref(schema["items"])
    if "enum" in schema:
        return str(next(v for v in schema["enum"] if v not in (None, "")))
    kind, fmt, name = schema.get("type"), schema.get("format"), param["name"]
    if fmt == "date":
        return date.today().isoformat()
    if fmt == "date-time":
        return "2026-01-01T00:00:00Z"
    if kind == "boolean":
        return "true"
    if name in ("owner", "by"):
        return str(cast["adviser_a"].pk)
    if kind in ("integer", "number"):
        # An id filter takes the id of the object made for that model's detail route.
        return str(made[f"{name}-detail"]["pk"]) if f"{name}-detail" in made else "1"
    return "AM18" if name == "region" else "x"


def unmatchable_value(param: dict[str, Any]) -> str:
    schema = _deref(param["schema"])
    kind = _deref(schema["items"]).get("type") if schema.get("type") == "array" else schema.get("type")
    return "-1" if kind in ("integer", "number") and param["name"] in PAGINATION else "zz-no-such-value-zz"


def test_every_documented_query_parameter_is_read(
    get: Callable[..., Any], made: dict[str, dict[str, Any]], cast: dict[str, Any]
):
    problems = []
    for path, method, operation in operations():
        query = [p for p in _params(operation, "query") if p["name"] not in PAGINATION]
        url = url_for(path, made) if method == "get" and query else None
        role, plain = reader(get, url) if url else (None, None)
        if url and role is None:
            problems.append(f"GET {path}: no member of the cast reads a real object")
        if role is None:
            continue
        for param in query:
            name = param["name"]
            if _deref(param["schema"]).get("type") == "boolean":
                answers = [get(role, url, {name: v}) for v in ("true", "false")]
                if all(a.status_code == 200 and a.json() == plain.json() for a in answers):
                    problems.append(f"GET {path} ?{name}: true and false both answer the unfiltered list")
                continue
            valid = get(role, url, {name: valid_value(param, made, cast)})
            if valid.status_code != 200:
                problems.append(f"GET {path} ?{name}={valid_value(param, made, cast)}: {valid.status_code}, not 200")
            odd = get(role, url, {name: unmatchable_value(param)})
            if odd.status_code == 200 and odd.json() == plain.json():
                problems.append(f"GET {path} ?{name}: documented, but a value it cannot match changes nothing")
    assert not problems, "\n".join(problems)


# --- Response fields ------------------------------------------------------------------------

_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def field_problems(row: dict[str, Any], item: dict[str, Any]) -> list[str]:
    declared = {name: _deref(spec) for name, spec in item.get("properties", {}).items()}
    shown = {name for name, spec in declared.items() if not spec.get("writeOnly")}
    problems = []
    if set(row) - shown:
        problems.append(f"returns undeclared {sorted(set(row) - shown)}")
    if shown - set(row):
        problems.append(f"declares but does not return {sorted(shown - set(row))}")
    for name in sorted(set(row) & shown):
        spec, value = declared[name], row[name]
        if value is None:
            if not spec.get("nullable"):
                problems.append(f"{name} is null, the schema says {spec.get('type', 'a value')}")
        elif spec.get("type") in _TYPES and not isinstance(value, _TYPES[spec["type"]]):
            problems.append(f"{name} is {type(value).__name__}, the schema says {spec['type']}")
        elif spec.get("type") == "integer" and isinstance(value, bool):
            problems.append(f"{name} is bool, the schema says integer")
    return problems


def test_every_list_returns_the_fields_its_schema_declares_for_a_real_object(
    get: Callable[..., Any], made: dict[str, dict[str, Any]]
):
    problems, checked = [], 0
    for path, method, operation in operations():
        item = list_item_schema(operation) if method == "get" else None
        url = url_for(path, made) if item is not None else None
        if item is None or url is None:
            continue
        role, response = reader(get, url)
        if role is None:
            problems.append(f"GET {path}: no member of the cast sees a row")
            continue
        checked += 1
        for problem in field_problems(_rows(response.json())[0], item):
            problems.append(f"GET {path} (as {role}): {problem}")
    assert checked >= 15, f"only {checked} lists checked"
    assert not problems, "\n".join(problems)


def test_the_field_check_would_catch_an_undeclared_a_missing_and_a_null_field():
    item = {"properties": {"id": {"type": "integer"}, "employer": {"type": "integer"}, "x": {"type": "string"}}}
    assert field_problems({"id": 1, "employer": None, "extra": 2}, item) == [
        "returns undeclared ['extra']",
        "declares but does not return ['x']",
        "employer is null, the schema says integer",
    ]


# --- Statuses a missing object and bad input answer ---------------------------------------


def _call(client: Any, method: str, url: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _missing_object(clients: dict[str, Any], path: str, method: str, made: dict[str, Any]) -> tuple[set[int], str]:
    url = url_for(path, made, missing=True)
    answered = {_call(c, method, url, {}).status_code for c in clients.values()}
    return answered, "" if 404 in answered else f"a missing object answers {sorted(answered)}, no 404"


def _bad_body(clients: dict[str, Any], path: str, method: str, made: dict[str, Any]) -> set[int]:
    # A list where an object belongs: no serializer takes it.
    url = url_for(path, made)
    return (
        set() if url is None else {_call(c, method, url, ["not", "an", "object"]).status_code for c in clients.values()}
    )


def _bad_query(clients: dict[str, Any], path: str, query: list[dict[str, Any]], made: dict[str, Any]) -> set[int]:
    url = url_for(path, made)
    if url is None:
        return set()
    return {c.get(url, {p["name"]: "zz"}).status_code for p in query for c in clients.values()}


def _is_typed(param: dict[str, Any]) -> bool:
    """A parameter that a wrong value can miss (a number, date, boolean, choice): a 400 exists."""
    schema = _deref(param["schema"])
    schema = _deref(schema["items"]) if schema.get("type") == "array" else schema
    return schema.get("type") != "string" or "enum" in schema or "format" in schema


def test_a_missing_object_and_bad_input_answer_declared_statuses(
    cast: dict[str, Any], api: Callable[[Any], Any], made: dict[str, dict[str, Any]]
):
    clients = {role: api(cast[role]) for role in READERS}
    problems = []
    for path, method, operation in operations():
        name, declared, answered = f"{method.upper()} {path}", set(operation["responses"]), set()
        query = [p for p in _params(operation, "query") if p["name"] not in PAGINATION]
        if _params(operation, "path"):
            statuses, problem = _missing_object(clients, path, method, made)
            answered |= statuses
            problems += [f"{name}: {problem}"] if problem else []
        if "requestBody" in operation:
            answered |= _bad_body(clients, path, method, made)
        if method == "get" and query:
            answered |= _bad_query(clients, path, query, made)
        if ("requestBody" in operation or any(map(_is_typed, query))) and "400" not in declared:
            problems.append(f"{name}: takes input that can be wrong, but declares no 400")
        problems += [
            f"{name}: answers {s}, declares {sorted(declared)}" for s in sorted(answered) if str(s) not in declared
        ]
    assert not problems, "\n".join(problems)
