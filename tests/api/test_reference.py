"""The reference codes for integrators (lapor/api/reference.py): regions, categories, agencies and
SLA policies, against the world of tests/conftest.py; every bad parameter a 4xx naming it; the
OpenAPI document."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from lapor.agencies.models import Agency, Category, Region, SlaPolicy
from lapor.core import clock


def body(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


# --- regions -------------------------------------------------------------------------------------
def test_regions_without_parent_are_the_provinces(api):
    assert body(api.get("/regions")) == [
        {"code": "35", "name": "Jawa Timur", "level": "province", "kind": ""},
        {"code": "91", "name": "Papua", "level": "province", "kind": ""},
    ]


def test_regions_under_a_parent_by_code(api, world):
    Region.objects.create(code="35.79", name="Kota Batu", level="regency", parent=world.province, kind="kota")  # before Surabaya by name
    assert body(api.get("/regions?parent=35")) == [
        {"code": "35.78", "name": "Kota Surabaya", "level": "regency", "kind": "kota"},
        {"code": "35.79", "name": "Kota Batu", "level": "regency", "kind": "kota"},
    ]
    assert body(api.get("/regions?parent=35.78")) == [{"code": "35.78.01", "name": "Karang Pilang", "level": "district", "kind": ""}]
    assert body(api.get("/regions?parent=35.78.01")) == [
        {"code": "35.78.01.1001", "name": "Karang Pilang", "level": "village", "kind": "kelurahan"}
    ]
    assert body(api.get("/regions?parent=35.78.01.1001")) == []  # a village has nothing below it


def test_regions_under_an_unknown_parent_is_404(api):
    assert body(api.get("/regions?parent=36"), 404) == {
        "detail": "There is no region with the code “36”.", "code": "not_found", "field": "parent"
    }


# --- categories ----------------------------------------------------------------------------------
def category(code, **extra):
    return {"code": code, "is_priority": False, "active_from": None, "active_until": None, "children": [], **extra}


@pytest.fixture
def campaigns(world):
    """Beside the world's PENDIDIKAN > PPDB: a priority campaign that ended, one that starts
    tomorrow (WIB), one that ends today, and an ended sub-category of PENDIDIKAN."""
    top = world.category.parent
    Category.objects.create(code="mbg", name="MAKAN BERGIZI GRATIS", is_priority=True, active_until=date(2026, 11, 22))
    Category.objects.create(code="mbg-menu", name="MENU", parent=Category.objects.get(code="mbg"))
    Category.objects.create(code="cek-kesehatan", name="CEK KESEHATAN GRATIS", is_priority=True, active_from=date(2026, 11, 24))
    Category.objects.create(code="bansos", name="BANTUAN SOSIAL", active_from=date(2026, 1, 1), active_until=date(2026, 11, 23))
    Category.objects.create(code="pendidikan-bos", name="DANA BOS", parent=top, active_until=date(2025, 12, 31))


def test_categories_active_today_as_a_tree(api, campaigns):
    assert body(api.get("/categories")) == [
        {**category("bansos", active_from="2026-01-01", active_until="2026-11-23"), "name": "BANTUAN SOSIAL"},
        {**category("pendidikan", children=[{**category("pendidikan-ppdb"), "name": "PPDB"}]), "name": "PENDIDIKAN DAN KEBUDAYAAN"},
    ]
    assert body(api.get("/categories?active=true")) == body(api.get("/categories"))


def test_all_categories_with_their_dates(api, campaigns):
    found = body(api.get("/categories?active=false"))
    assert [(c["code"], [s["code"] for s in c["children"]]) for c in found] == [
        ("bansos", []), ("cek-kesehatan", []), ("mbg", ["mbg-menu"]), ("pendidikan", ["pendidikan-bos", "pendidikan-ppdb"]),
    ]
    assert found[2]["is_priority"] is True and found[2]["active_until"] == "2026-11-22"
    assert found[3]["children"][0]["active_until"] == "2025-12-31"


def test_active_means_today_in_wib(api, campaigns):
    clock.freeze(datetime(2026, 11, 23, 17, 30, tzinfo=UTC))  # Tuesday 00:30 WIB, still Monday in UTC
    codes = [c["code"] for c in body(api.get("/categories"))]
    assert codes == ["cek-kesehatan", "pendidikan"]  # bansos ended on Monday; the check-up campaign began


# --- agencies ------------------------------------------------------------------------------------
def agency(code, name, kind, *, short_name="", parent_code=None, receives_reports=False):
    return {"code": code, "name": name, "short_name": short_name, "kind": kind, "parent_code": parent_code, "receives_reports": receives_reports}


def test_agencies_by_name_with_their_fields(api, world):
    found = body(api.get("/agencies"))
    assert (found["count"], found["page"], found["page_size"]) == (9, 1, 50)
    assert [a["code"] for a in found["results"]] == [
        "national-desk", "kota-35-78-dinkes", "kota-91-71-disdik", "kota-35-78-disdik", "kemenkes-yankes", "kemenkes",
        "ombudsman", "kota-91-71", "kota-35-78",
    ]
    rows = {a["code"]: a for a in found["results"]}
    assert rows["kemenkes"] == agency("kemenkes", "Kementerian Kesehatan", "ministry", short_name="Kemenkes", receives_reports=True)
    assert rows["kota-35-78-disdik"] == agency("kota-35-78-disdik", "Dinas Pendidikan Kota Surabaya", "unit", parent_code="kota-35-78")
    assert rows["national-desk"]["receives_reports"] is False  # it sends reports on, never receives them
    assert rows["ombudsman"]["receives_reports"] is True


def test_agencies_only_active(api, world):
    Agency.objects.filter(code__in=["kota-91-71-disdik", "ombudsman"]).update(is_active=False)
    codes = [a["code"] for a in body(api.get("/agencies"))["results"]]
    assert "kota-91-71-disdik" not in codes and "ombudsman" not in codes and len(codes) == 7


@pytest.mark.parametrize(
    "query, codes",
    [
        ("?q=surabaya", ["kota-35-78-dinkes", "kota-35-78-disdik", "kota-35-78"]),
        ("?q=%20KEMENKES%20", ["kemenkes"]),  # the exact short name, any case
        ("?q=kemenk", []),  # a short name matches only whole
        ("?q=pendidikan&kind=unit", ["kota-91-71-disdik", "kota-35-78-disdik"]),
        ("?kind=ministry", ["kemenkes"]),
        ("?parent=kota-35-78", ["kota-35-78-dinkes", "kota-35-78-disdik"]),
        ("?parent=kota-35-78&q=pendidikan", ["kota-35-78-disdik"]),
        ("?parent=kemenkes-yankes", []),  # a unit without units
    ],
)
def test_agency_filters(api, query, codes):
    found = body(api.get("/agencies" + query))
    assert [a["code"] for a in found["results"]] == codes and found["count"] == len(codes)


def test_agency_pages(api):
    first, second = body(api.get("/agencies?page_size=4")), body(api.get("/agencies?page=2&page_size=4"))
    last, beyond = body(api.get("/agencies?page=3&page_size=4")), body(api.get("/agencies?page=4&page_size=4"))
    codes = [a["code"] for page in (first, second, last) for a in page["results"]]
    assert len(codes) == len(set(codes)) == 9
    assert (second["count"], second["page"], second["page_size"]) == (9, 2, 4)
    assert beyond["results"] == [] and beyond["count"] == 9


@pytest.mark.parametrize("code", ["tidak-ada", "kota-91-71"])
def test_agencies_under_an_unknown_or_inactive_parent_is_404(api, code):
    Agency.objects.filter(code="kota-91-71").update(is_active=False)
    assert body(api.get(f"/agencies?parent={code}"), 404) == {
        "detail": f"There is no agency with the code “{code}”.", "code": "not_found", "field": "parent"
    }


# --- SLA policies --------------------------------------------------------------------------------
def test_sla_policies_built_in_when_there_are_no_rows(api):
    found = body(api.get("/sla-policies"))
    assert [(p["stage"], p["duration"], p["unit"], p["agency_code"], p["category_code"]) for p in found] == [
        ("desk_verification", 3, "working_days", None, None),
        ("agency_verification", 3, "working_days", None, None),
        ("follow_up", 5, "working_days", None, None),
        ("reporter_reply", 10, "working_days", None, None),
        ("escalation", 3, "working_days", None, None),
        ("ombudsman", 60, "calendar_days", None, None),
    ]
    assert found[2]["stage_label"] == "follow-up by the unit" and found[2]["description"] == "5 working days"
    assert found[5]["description"] == "60 days"


def test_sla_policies_rows_override_and_are_listed(api, world):
    SlaPolicy.objects.create(stage="follow_up", duration=14, unit="calendar_days")
    SlaPolicy.objects.create(stage="follow_up", agency=world.ministry, duration=10)
    SlaPolicy.objects.create(stage="follow_up", category=world.category, duration=2)
    SlaPolicy.objects.create(stage="follow_up", agency=world.city, category=world.category, duration=1)
    follow_up = [p for p in body(api.get("/sla-policies")) if p["stage"] == "follow_up"]
    assert [(p["agency_code"], p["category_code"], p["duration"], p["description"]) for p in follow_up] == [
        (None, None, 14, "14 days"),
        (None, "pendidikan-ppdb", 2, "2 working days"),
        ("kemenkes", None, 10, "10 working days"),
        ("kota-35-78", "pendidikan-ppdb", 1, "1 working day"),
    ]


# --- the same for everyone, cacheable ------------------------------------------------------------
@pytest.mark.parametrize("path", ["/regions?parent=35", "/categories?active=false", "/agencies?page_size=200", "/sla-policies"])
def test_public_and_the_same_for_every_caller(api, world, path):
    anonymous = api.get(path)
    assert anonymous.status_code == 200
    assert anonymous["Cache-Control"] == "public, max-age=600"
    for user in (world.national_admin, world.citizen):
        assert api.get(path, user=user).content == anonymous.content


def test_errors_are_not_cached(api):
    for path in ("/regions?parent=36", "/agencies?page=0"):
        assert "public" not in api.get(path).get("Cache-Control", "")


# --- bad input: a 4xx naming the parameter, never a 500 ------------------------------------------
BAD = [
    ("/agencies?page=0", 422, "page", "The page must be a whole number from 1 to 100000."),
    ("/agencies?page=-1", 422, "page", "The page must be a whole number from 1 to 100000."),
    ("/agencies?page=99999999999999999999", 422, "page", "The page must be a whole number from 1 to 100000."),
    ("/agencies?page=" + "9" * 5000, 422, "page", "The page must be a whole number from 1 to 100000."),
    ("/agencies?page=abc", 422, "page", "The page must be a whole number from 1 to 100000."),
    ("/agencies?page=1.5", 422, "page", "The page must be a whole number from 1 to 100000."),
    ("/agencies?page=", 422, "page", "The page must be a whole number from 1 to 100000."),
    ("/agencies?page_size=0", 422, "page_size", "The page size must be a whole number from 1 to 200."),
    ("/agencies?page_size=201", 422, "page_size", "The page size must be a whole number from 1 to 200."),
    ("/agencies?page_size=99999999999999999999", 422, "page_size", "The page size must be a whole number from 1 to 200."),
    ("/agencies?q=" + "a" * 1000, 422, "q", "The search text may have at most 100 characters."),
    ("/agencies?kind=instansi", 422, "kind", ("The kind must be one of: national_desk, ksp, ombudsman, coordinating_ministry, "
                                              "ministry, agency, public_body, province, regency, city, unit.")),
    ("/agencies?parent=" + "a" * 500, 422, "parent", "The parent is not an agency code (letters, digits and hyphens, e.g. kota-35-78)."),
    ("/agencies?parent=kota 35", 422, "parent", "The parent is not an agency code (letters, digits and hyphens, e.g. kota-35-78)."),
    ("/agencies?parent=tidak-ada", 404, "parent", "There is no agency with the code “tidak-ada”."),
    ("/regions?parent=" + "3" * 500, 422, "parent", "The parent is not a Kemendagri region code (such as 35, 35.78, 35.78.01 or 35.78.01.1001)."),
    ("/regions?parent=35.78.1", 422, "parent", "The parent is not a Kemendagri region code (such as 35, 35.78, 35.78.01 or 35.78.01.1001)."),
    ("/regions?parent=35'--", 422, "parent", "The parent is not a Kemendagri region code (such as 35, 35.78, 35.78.01 or 35.78.01.1001)."),
    ("/regions?parent=99.99", 404, "parent", "There is no region with the code “99.99”."),
    ("/categories?active=maybe", 422, "active", "“active” must be true or false."),
    ("/categories?active=", 422, "active", "“active” must be true or false."),
]


@pytest.mark.parametrize("path, status, field, message", BAD, ids=[p[:40] for p, *_ in BAD])
def test_bad_parameters_are_named(api, path, status, field, message):
    found = body(api.get(path), status)
    assert (found["field"], found["code"]) == (field, "invalid" if status == 422 else "not_found")
    assert found["detail"] in (message, f"{field}: {message}")


# --- the OpenAPI document ------------------------------------------------------------------------
def test_openapi_lists_the_reference_endpoints(api):
    doc = json.loads(api.http.get("/api/v1/openapi.json").content)
    expected = {
        "/api/v1/regions": {"parent"},
        "/api/v1/categories": {"active"},
        "/api/v1/agencies": {"q", "kind", "parent", "page", "page_size"},
        "/api/v1/sla-policies": set(),
    }
    for path, parameters in expected.items():
        operation = doc["paths"][path]["get"]
        assert operation["tags"] == ["reference"]
        assert {p["name"] for p in operation.get("parameters", [])} == parameters, path
        assert all(p["in"] == "query" and not p["required"] for p in operation.get("parameters", []))
        assert {"200", "422"} <= set(operation["responses"])
    agency_params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/agencies"]["get"]["parameters"]}
    assert (agency_params["page_size"]["minimum"], agency_params["page_size"]["maximum"]) == (1, 200)
    assert agency_params["q"]["maxLength"] == 100
    assert {"enum": Agency.Kind.values, "type": "string"} in agency_params["kind"]["anyOf"]
    active = doc["paths"]["/api/v1/categories"]["get"]["parameters"][0]["schema"]
    assert (active["type"], active["default"]) == ("boolean", True)
    schemas = doc["components"]["schemas"]
    assert set(schemas["AgencyOut"]["properties"]) == {"code", "name", "short_name", "kind", "parent_code", "receives_reports"}
    assert schemas["CategoryOut"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/CategoryOut"}
    assert set(schemas["RegionOut"]["properties"]) == {"code", "name", "level", "kind"}
    assert {"stage", "duration", "unit", "agency_code", "category_code"} <= set(schemas["SlaPolicyOut"]["properties"])
