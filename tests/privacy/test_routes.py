"""Every route has a privacy decision: the URL resolver and the API's OpenAPI document are walked,
and each route must be classified in routes.py (how the privacy tests exercise it). A route
added without a classification fails here, with the line to add."""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from . import test_actions, test_reads
from .endpoints import READS
from .routes import ADMIN_PREFIX, API_ROUTES, ROUTES

# The API's own pages (not operations of its OpenAPI document).
API_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def walk(resolver=None, prefix: str = "", namespace: tuple = ()):
    """(name with its namespaces, path pattern) of every route, recursing into includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern), namespace + ((entry.namespace,) if entry.namespace else ()))
        elif isinstance(entry, URLPattern):
            yield ":".join(namespace + (entry.name or "",)), prefix + str(entry.pattern)


def _openapi_path(pattern: str) -> str:
    """api/v1/reports/<tracking_number> -> /api/v1/reports/{tracking_number}"""
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_every_route_is_classified(schema):
    routes = list(walk())
    api_paths = set(schema["paths"])
    problems = []
    seen = set()
    for name, pattern in routes:
        seen.add(name)
        if name.startswith(ADMIN_PREFIX) or name == "admin:":
            continue  # the Django admin: every model's pages, fetched by test_reads.test_no_leaks
        if name.startswith("api:") and name not in API_PAGES:
            if _openapi_path(pattern) not in api_paths:
                problems.append(f"API route {name} ({pattern}) is not in the OpenAPI document")
            continue  # its operations are classified by API_ROUTES below
        if not name or name.endswith(":"):
            problems.append(f"route /{pattern} has no name: name it, then classify it in tests/privacy/routes.py")
        elif name not in ROUTES:
            problems.append(
                f"route {name} (/{pattern}) has no privacy decision: add a line to ROUTES in tests/privacy/routes.py, "
                f'e.g.  "{name}": page(),  or read(...), action(...), listing(...), post_only("why")'
            )
    for name in sorted(set(ROUTES) - seen):
        problems.append(f"ROUTES names {name}, which no longer exists: remove or rename its line")
    operations = {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}
    for op in sorted(operations - set(API_ROUTES)):
        problems.append(f'API operation {op} has no privacy decision: add "{op}": ... to API_ROUTES in tests/privacy/routes.py')
    for op in sorted(set(API_ROUTES) - operations):
        problems.append(f"API_ROUTES names {op}, which the OpenAPI document no longer has")
    assert not problems, f"{len(problems)} routes without a privacy decision:\n" + "\n".join(problems)


def test_every_classification_is_exercised():
    """Each kind names something that exists: a rendering rule of the matrix, a test of the
    actions, a list check; and every rendering rule is used by a route."""
    problems = []
    everything = {**ROUTES, **API_ROUTES}
    for name, route in everything.items():
        if route.kind == "read" and not set(route.spec.split(" / ")) <= set(READS):
            problems.append(f"{name}: read({route.spec!r}) is not a key of endpoints.READS")
        elif route.kind == "listing" and route.spec not in test_reads.LIST_CHECKS:
            problems.append(f"{name}: listing({route.spec!r}) is not a check of test_reads.LIST_CHECKS")
        elif route.kind == "action":
            for test in route.spec.split(" / "):
                if not callable(getattr(test_actions, test, None)):
                    problems.append(f"{name}: action({route.spec!r}) names no test of test_actions.py")
        elif route.kind == "post_only" and not route.why:
            problems.append(f"{name}: post_only() needs the reason it shows no report data")
        elif route.kind not in ("read", "listing", "action", "post_only", "page", "submission"):
            problems.append(f"{name}: unknown kind {route.kind!r}")
    # A route that shows several things of a report (the files of the track page) has a rule for each, "a / b".
    unused = set(READS) - {spec for route in everything.values() if route.kind == "read" for spec in route.spec.split(" / ")}
    if unused:
        problems.append(f"rendering rules no route uses: {sorted(unused)}")
    assert not problems, "\n".join(problems)


def test_the_walk_finds_routes():
    """The walker is not vacuous: it finds the site's, the accounts', the API's and the admin's routes."""
    names = {name for name, _ in walk()}
    assert {"web:track", "web:officer_report", "login", "api:get_report", "admin:index"} <= names
    assert len(names) > 50
