"""The OpenAPI document as a contract: every documented request example is accepted, the case
vocabulary in the schema is the loaded packs' own, every operation has a human summary, a tag
and the one error shape for each error status, live answers match their declared models, and
HEAD works wherever GET does."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import test_web_support as support
from brightline import rules
from brightline.service.officers import import_roster, roster_index
from test_roster_support import subset_dir
from test_web_support import DETAINER_CASE, OPEN_CASE, REPORT, Web, make_web

EXAMPLE_PASSWORD = "correct horse battery"
sqlite_web = support.sqlite_web


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return subset_dir(tmp_path_factory)


@pytest.fixture
def site(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subset: Path
) -> Iterator[Web]:
    w = make_web(db_url, tmp_path, monkeypatch)
    import_roster(w.service.engine, [subset])
    with w.client:
        yield w
    w.service.close()


def _document(web: Web) -> dict[str, Any]:
    reply = web.client.get("/api/v1/openapi.json")
    assert reply.status_code == 200
    return reply.json()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return _resolve(document, node)


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Validator:
    """A validator of ``schema`` whose $refs resolve inside the OpenAPI document."""
    root = {**schema, "components": document["components"]}
    return jsonschema.Draft202012Validator(root)


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def _examples(document: dict[str, Any], operation: dict[str, Any]) -> list[Any]:
    """Every example of an operation's JSON request body (named examples and the schema's)."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    found = [e["value"] for e in content.get("examples", {}).values()]
    if "example" in content:
        found.append(content["example"])
    schema = _resolve(document, content.get("schema", {}))
    found += schema.get("examples", [])
    return found


# ---- the examples ----------------------------------------------------------------------------


def test_every_request_body_has_examples_that_fit_its_schema(sqlite_web: Web) -> None:
    document = _document(sqlite_web)
    with_body = 0
    for method, path, operation in _operations(document):
        if "requestBody" not in operation:
            continue
        with_body += 1
        examples = _examples(document, operation)
        assert examples, f"{method.upper()} {path} documents no example body"
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        validator = _validator(document, schema)
        for example in examples:
            problems = [e.message for e in validator.iter_errors(example)]
            assert not problems, (method, path, example, problems)
    assert with_body >= 5


def _prepare(web: Web, path: str, example: Any) -> tuple[str, dict[str, str]]:
    """The URL and headers an integrator would use to send ``example`` to ``path``."""
    if path == "/api/v1/decisions":
        return path, web.auth("officer")
    if path == "/api/v1/reviews/{decision_id}":
        made = web.client.post("/api/v1/decisions", json=OPEN_CASE, headers=web.auth("officer"))
        assert made.json()["decision"]["outcome"] == "needs_review"
        return f"/api/v1/reviews/{made.json()['id']}", web.auth("supervisor")
    if path == "/api/v1/tokens":
        web.service.add_user(example["username"], EXAMPLE_PASSWORD, "officer")
        return path, {}
    if path == "/api/v1/inspections":
        return path, web.auth("supervisor")
    return _prepare_oversight(web, path)


def _prepare_oversight(web: Web, path: str) -> tuple[str, dict[str, str]]:
    """The custody log and the inbox: a fresh request, or a fresh report, to act on."""
    if path == "/api/v1/custody":
        return path, web.auth("officer")
    if path == "/api/v1/custody/{request_id}/events":
        made = web.client.post(
            "/api/v1/custody",
            json={
                "received_at": "2026-01-05T08:00",
                "agency": "usms",
                "document_type": "judicial_warrant",
                "case_ref": "CB-20261234",
            },
            headers=web.auth("officer"),
        )
        return f"/api/v1/custody/{made.json()['request_id']}/events", web.auth("officer")
    if path == "/api/v1/oversight/reports":
        return path, web.auth("auditor")
    if path == "/api/v1/reports/{report_id}/resolution":
        filed = web.client.post("/api/v1/reports", json=REPORT)
        return f"/api/v1/reports/{filed.json()['id']}/resolution", web.auth("auditor")
    return path, {}


def test_every_documented_example_is_accepted(site: Web) -> None:
    """Send each example body exactly as documented; each must succeed."""
    document = _document(site)
    sent = 0
    for method, path, operation in _operations(document):
        for example in _examples(document, operation):
            if path == "/api/v1/tokens":
                example = {**example, "password": EXAMPLE_PASSWORD}
            url, headers = _prepare(site, path, example)
            reply = site.client.request(method, url, json=example, headers=headers)
            assert 200 <= reply.status_code < 300, (method, path, example, reply.text)
            sent += 1
    assert sent >= 12


def test_the_report_example_of_the_issue_now_works(sqlite_web: Web) -> None:
    """The old documented report (category masked_officer, field when) was refused; the
    documented one decides and logs."""
    document = _document(sqlite_web)
    operation = document["paths"]["/api/v1/reports"]["post"]
    examples = _examples(document, operation)
    assert {e["category"] for e in examples} == {
        "officer_appearance",
        "immigration_assistance",
        "property_use",
        "federal_conduct",
    }
    first = sqlite_web.client.post("/api/v1/reports", json=examples[0])
    assert first.status_code == 201, first.text
    assert first.json()["decision"]["outcome"] == "prohibited"


# ---- the vocabulary --------------------------------------------------------------------------


def _pack_facts() -> dict[str, dict[str, Any]]:
    """kind -> fact -> its domain, over every loaded pack."""
    out: dict[str, dict[str, Any]] = {}
    for name in rules.available_packs():
        for kind, info in rules.pack_catalog(name)["kinds"].items():
            for fact in info["facts"]:
                values = True if fact["type"] == "bool" else list(fact["values"])
                out.setdefault(kind, {})[fact["name"]] = values
    return out


def _camel(name: str) -> str:
    return "".join(p.capitalize() for p in name.split("_"))


def test_case_vocabulary_in_the_schema_is_the_packs(sqlite_web: Web) -> None:
    document = _document(sqlite_web)
    schemas = document["components"]["schemas"]
    packs = _pack_facts()
    case = schemas["Case"]
    assert set(case["discriminator"]["mapping"]) == set(packs)
    for kind, facts in packs.items():
        variant = schemas[f"{_camel(kind)}Case"]["properties"]
        assert variant["kind"]["enum"] == [kind]
        deciding = [n for n in rules.available_packs() if kind in rules.pack_catalog(n)["kinds"]]
        assert variant["jurisdiction"]["enum"] == deciding
        declared = schemas[f"{_camel(kind)}Facts"]
        assert declared["additionalProperties"] is False
        assert set(declared["properties"]) == set(facts), kind
        for fact, domain in facts.items():
            value = declared["properties"][fact]["anyOf"][0]
            if domain is True:
                assert value == {"type": "boolean"}, (kind, fact)
            else:
                assert value["enum"] == domain, (kind, fact)
    decision = schemas["Decision"]["properties"]
    assert _resolve(document, decision["kind"])["enum"] == sorted(packs)
    assert _resolve(document, decision["jurisdiction"])["enum"] == list(rules.available_packs())
    assert _resolve(document, decision["outcome"])["enum"] == [
        "prohibited",
        "permitted",
        "needs_review",
        "not_applicable",
    ]
    assert schemas["Kind"]["enum"] == sorted(packs)
    all_facts = sorted({f for facts in packs.values() for f in facts})
    assert schemas["FactName"]["enum"] == all_facts
    for model in ("Question", "Flip", "Condition"):
        assert _resolve(document, schemas[model]["properties"]["fact"])["enum"] == all_facts, model
    assert "x-brightline-vocabulary" not in str(document)


def test_cases_md_vocabulary_is_in_the_schema(sqlite_web: Web) -> None:
    """A few names of cases.md, spelled as there, as an outside tool would rely on them."""
    schemas = _document(sqlite_web)["components"]["schemas"]
    assistance = schemas["AssistanceFacts"]["properties"]
    assert "crowd_control" in assistance["activity"]["anyOf"][0]["enum"]
    assert assistance["within_jurisdiction"]["anyOf"][0] == {"type": "boolean"}
    appearance = schemas["AppearanceFacts"]["properties"]
    assert "balaclava" in appearance["face_covering"]["anyOf"][0]["enum"]
    assert "cook_county" in schemas["PropertyUseFacts"]["properties"]["owner"]["anyOf"][0]["enum"]


# ---- summaries, tags and errors ---------------------------------------------------------------


def test_every_operation_has_a_summary_tag_and_the_one_error_shape(sqlite_web: Web) -> None:
    document = _document(sqlite_web)
    text = str(document)
    assert "HTTPValidationError" not in text and "ValidationError'" not in text
    tags = {t["name"] for t in document["tags"]}
    count = 0
    for method, path, operation in _operations(document):
        count += 1
        where = f"{method.upper()} {path}"
        summary = operation.get("summary", "")
        generated = operation["operationId"].replace("_", " ").title()
        assert summary and summary != generated, (where, summary)
        assert operation.get("tags") and set(operation["tags"]) <= tags, where
        assert operation.get("description"), where
        for status, response in operation["responses"].items():
            if int(status) < 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema.get("$ref") or schema.get("type"), (where, status)
                continue
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (where, status)
        if "requestBody" in operation:
            assert {"413", "415", "422"} <= set(operation["responses"]), where
        if operation.get("parameters"):
            assert "422" in operation["responses"], where
    assert count >= 20


def test_model_names_are_unique(sqlite_web: Web) -> None:
    """Two models of one name give pydantic's module-qualified component names, which client
    generators refuse: every response and request model has one plain name."""
    schemas = _document(sqlite_web)["components"]["schemas"]
    qualified = [name for name in schemas if "__" in name]
    assert not qualified, f"models defined twice (reuse the one in web/api_models.py): {qualified}"


def test_non_json_body_is_415_in_the_error_shape(sqlite_web: Web) -> None:
    reply = sqlite_web.client.post(
        "/api/v1/reports", content=b"category=x", headers={"content-type": "text/plain"}
    )
    assert reply.status_code == 415
    assert reply.json()["error"]["code"] == "unsupported_media_type"
    assert reply.json()["error"]["details"]["allowed"] == ["application/json"]


def test_validation_errors_of_parameters_use_the_project_shape(sqlite_web: Web) -> None:
    reply = sqlite_web.client.get(
        "/api/v1/decisions", params={"outcome": "maybe"}, headers=sqlite_web.auth("officer")
    )
    assert reply.status_code == 422
    assert set(reply.json()) == {"error"}
    assert reply.json()["error"]["code"] == "invalid_request"
    assert "outcome" in reply.json()["error"]["message"]


def test_consistency_errors_speak_of_from_and_to(sqlite_web: Web) -> None:
    for _ in range(3):
        sqlite_web.client.post("/api/v1/reports", json=REPORT)
    backwards = sqlite_web.client.get(
        "/api/v1/ledger/proof/consistency", params={"from": 3, "to": 2}
    )
    assert backwards.status_code == 422
    error = backwards.json()["error"]
    assert error["message"].startswith("from (3) must not exceed to (2)")
    assert error["details"]["field"] == "from"
    assert "size1" not in backwards.text and "size2" not in backwards.text
    beyond = sqlite_web.client.get("/api/v1/ledger/proof/consistency", params={"from": 1, "to": 9})
    assert beyond.status_code == 404
    assert beyond.json()["error"]["details"]["field"] == "to"
    assert beyond.json()["error"]["message"].startswith("to 9 is beyond the ledger")


# ---- live answers against their models --------------------------------------------------------


def _check_response(document: dict[str, Any], method: str, path: str, reply: Any) -> None:
    operation = document["paths"][path][method]
    declared = operation["responses"].get(str(reply.status_code))
    assert declared is not None, (method, path, reply.status_code, reply.text)
    schema = declared["content"]["application/json"]["schema"]
    problems = [e.message for e in _validator(document, schema).iter_errors(reply.json())]
    assert not problems, (method, path, problems)


def test_answers_match_their_declared_models(site: Web) -> None:
    document = _document(site)
    c = site.client
    officer, supervisor, auditor = (
        site.auth("officer"),
        site.auth("supervisor"),
        site.auth("auditor"),
    )
    made = c.post("/api/v1/decisions", json=DETAINER_CASE, headers=officer)
    _check_response(document, "post", "/api/v1/decisions", made)
    open_one = c.post("/api/v1/decisions", json=OPEN_CASE, headers=officer)
    report = c.post("/api/v1/reports", json=REPORT)
    _check_response(document, "post", "/api/v1/reports", report)
    queue = c.get("/api/v1/reviews", headers=supervisor)
    _check_response(document, "get", "/api/v1/reviews", queue)
    resolved = c.post(
        f"/api/v1/reviews/{open_one.json()['id']}",
        json={"outcome": "prohibited", "note": "no warrant"},
        headers=supervisor,
    )
    _check_response(document, "post", "/api/v1/reviews/{decision_id}", resolved)
    person = next(p for p in roster_index(site.service).people.values() if p.stars).public_view()
    calls = [
        (
            "get",
            "/api/v1/decisions/{decision_id}",
            f"/api/v1/decisions/{made.json()['id']}",
            officer,
        ),
        (
            "get",
            "/api/v1/decisions/{decision_id}",
            f"/api/v1/decisions/{open_one.json()['id']}",
            supervisor,
        ),
        ("get", "/api/v1/decisions", "/api/v1/decisions", supervisor),
        ("get", "/api/v1/reports/{report_id}", f"/api/v1/reports/{report.json()['id']}", auditor),
        ("get", "/api/v1/reports/{report_id}", f"/api/v1/reports/{report.json()['id']}", {}),
        ("get", "/api/v1/stats", "/api/v1/stats", {}),
        ("get", "/api/v1/ledger/checkpoint", "/api/v1/ledger/checkpoint", {}),
        ("get", "/api/v1/ledger/proof/inclusion", "/api/v1/ledger/proof/inclusion?index=0", {}),
        (
            "get",
            "/api/v1/ledger/proof/consistency",
            "/api/v1/ledger/proof/consistency?from=1&to=3",
            {},
        ),
        ("get", "/api/v1/ledger/entries/{index}", "/api/v1/ledger/entries/1", {}),
        ("get", "/api/v1/packs", "/api/v1/packs", {}),
        ("get", "/api/v1/packs/{name}", "/api/v1/packs/chicago", {}),
        ("get", "/api/v1/packs/{name}/rules", "/api/v1/packs/chicago/rules?at=2025-10-04", {}),
        ("get", "/api/v1/me", "/api/v1/me", officer),
        ("get", "/api/v1/me", "/api/v1/me", {}),
        ("get", "/api/v1/officers", f"/api/v1/officers?star={person['stars'][0]}", {})
        if person["stars"]
        else ("get", "/api/v1/officers", "/api/v1/officers?name=ab", {}),
        ("get", "/api/v1/officers", "/api/v1/officers?star=1&name=zzzzzz", {}),
        ("get", "/api/v1/officers/{officer_id}", f"/api/v1/officers/{person['id']}", {}),
        ("get", "/api/v1/inspections/failures", "/api/v1/inspections/failures", supervisor),
        ("get", "/api/v1/inspections/compliance", "/api/v1/inspections/compliance", auditor),
        ("get", "/api/v1/decisions/{decision_id}", "/api/v1/decisions/d-missing", supervisor),
        ("get", "/api/v1/reviews", "/api/v1/reviews", officer),
        ("get", "/api/v1/reviews", "/api/v1/reviews", {}),
    ]
    for method, path, url, headers in calls:
        reply = c.request(method, url, headers=headers)
        _check_response(document, method, path, reply)


# ---- HEAD ------------------------------------------------------------------------------------


def test_head_works_wherever_get_does(sqlite_web: Web) -> None:
    c = sqlite_web.client
    made = c.post("/api/v1/reports", json=REPORT).json()
    urls = [
        "/",
        "/law",
        "/ledger",
        "/login",
        "/officers",
        "/report",
        "/stats",
        "/screen",
        "/static/does-not-exist.css",
        "/api/v1/stats",
        "/api/v1/ledger/checkpoint",
        "/api/v1/ledger/proof/inclusion?index=0",
        f"/api/v1/reports/{made['id']}",
        "/api/v1/packs/chicago",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/api/v1/packs/nowhere",
        "/api/v1/me",
    ]
    document = _document(sqlite_web)
    for path, item in document["paths"].items():
        if "get" in item and "{" not in path and path not in urls:
            urls.append(path)
    for url in urls:
        got = c.get(url)
        head = c.head(url)
        assert head.status_code == got.status_code, (url, head.status_code, got.status_code)
        assert head.content == b"", url
        assert head.headers.get("content-type") == got.headers.get("content-type"), url
        if got.headers.get("content-length"):
            assert head.headers["content-length"] == got.headers["content-length"], url


def test_a_method_that_is_not_allowed_says_which_are(sqlite_web: Web) -> None:
    reply = sqlite_web.client.delete("/api/v1/stats")
    assert reply.status_code == 405
    assert {m.strip() for m in reply.headers["allow"].split(",")} == {"GET", "HEAD"}
    assert reply.json()["error"]["code"] == "method_not_allowed"
    post_only = sqlite_web.client.get("/api/v1/inspections")
    assert post_only.status_code == 405 and post_only.headers["allow"] == "POST"


def test_document_is_stable_between_requests(sqlite_web: Web) -> None:
    first = _document(sqlite_web)
    second = _document(sqlite_web)
    assert first == second
    assert copy.deepcopy(first)["info"]["version"]
