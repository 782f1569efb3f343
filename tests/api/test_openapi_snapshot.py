"""The OpenAPI schema is a committed contract.

Regenerate the snapshot after an intended change with::

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/api/test_openapi_snapshot.py
"""

import json
import os
from pathlib import Path

from manchette.api.api import api

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"


def _current_schema():
    schema = api.get_openapi_schema()
    return json.loads(json.dumps(schema, sort_keys=True, default=str))


def test_openapi_schema_matches_snapshot():
    current = _current_schema()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(
            json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == expected, (
        "The API schema changed. If intended, run "
        "UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/api/test_openapi_snapshot.py"
    )


def test_openapi_every_operation_has_explicit_id():
    operations = [
        op
        for path in _current_schema()["paths"].values()
        for op in path.values()
        if isinstance(op, dict)
    ]
    assert operations
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("comments_") for i in ids)


def test_openapi_output_schemas_hold_no_private_field():
    schemas = _current_schema()["components"]["schemas"]
    for name, schema in schemas.items():
        if name.endswith("Out"):
            fields = set(schema.get("properties", {}))
            assert not fields & {"author_email", "email", "ip_address", "user_agent"}
