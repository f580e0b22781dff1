"""The committed JSON Schemas (for editors) are exactly what the pydantic models export."""

from __future__ import annotations

import json
from pathlib import Path

from solutions.config import json_schemas

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "params" / "schema"


def test_committed_schemas_match_the_models() -> None:
    for name, schema in json_schemas().items():
        committed = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())
        assert committed == schema, f"params/schema/{name}.schema.json is stale: run `solutions schema`"


def test_schema_rejects_unknown_keys() -> None:
    assert json_schemas()["country"]["additionalProperties"] is False
