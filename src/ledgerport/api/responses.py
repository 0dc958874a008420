"""Fast JSON responses.

Routes build plain dicts and return ``JSONBytes``: orjson encodes them directly,
skipping FastAPI's jsonable_encoder and a second pydantic pass (perf-limits.md measured
the default path at a fraction of this one's throughput). The pydantic models in
``api/models`` still describe every response in the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse, Response


class JSONBytes(JSONResponse):
    """A ``JSONResponse`` (so FastAPI documents each route's ``response_model`` as its
    body; any other response class is documented as a bare string) rendered by orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        return orjson.dumps(content)


def empty(status_code: int) -> Response:
    """A body-less success (204, or Codat's 200 on delete connection)."""
    return Response(status_code=status_code)
