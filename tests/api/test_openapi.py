"""The OpenAPI document: Codat's security scheme and error bodies, and a golden copy so
any change to the API surface shows up in review.

Regenerate the golden file after an intended change with
``LEDGERPORT_UPDATE_GOLDEN=1 make test``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi.testclient import TestClient

GOLDEN = Path(__file__).parents[1] / "golden" / "openapi.json"


def test_security_scheme_and_error_documentation(app_client: TestClient) -> None:
    doc = app_client.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["auth_header"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            writes = ("post", "put", "patch", "delete")  # an Idempotency-Key reused: 422
            assert "422" not in responses or method in writes, (path, method)
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorMessage", (path, method, code)
    assert {
        "list-companies",
        "create-company",
        "get-company",
        "replace-company",
        "update-company",
        "delete-company",
        "list-connections",
        "create-connection",
        "get-connection",
        "unlink-connection",
        "delete-connection",
        "get-company-access-token",
        "list-integrations",
        "get-integration",
        "get-integrations-branding",
        "list-api-keys",
        "create-api-key",
        "delete-api-key",
    } <= {op["operationId"] for ops in doc["paths"].values() for op in ops.values()}


def test_openapi_matches_golden_file(app_client: TestClient) -> None:
    doc = app_client.get("/openapi.json").json()
    rendered = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    if os.environ.get("LEDGERPORT_UPDATE_GOLDEN") == "1" or not GOLDEN.exists():
        GOLDEN.write_text(rendered)
    assert GOLDEN.read_text() == rendered, (
        "The API surface changed. If intended, regenerate with LEDGERPORT_UPDATE_GOLDEN=1 "
        "make test and review the diff of tests/golden/openapi.json."
    )
