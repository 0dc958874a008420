"""The write endpoints under ``/v3/company/{realmId}``: ``POST /{entity}`` (create or
update), ``POST /{entity}?operation=delete``, and ``POST /upload`` (multipart: a
``file_metadata_NN`` JSON part and a ``file_content_NN`` file part per attachment, as
Intuit's attachments guide lays them out).

A ``requestid`` query parameter makes a write idempotent, as Intuit documents it: the
first successful answer for that id in that company is kept and given again for a
retry, without writing twice. A refused write keeps nothing, so it can be retried with
the same id once the cause is fixed."""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ledgerport.simulators.qbo import faults, writes
from ledgerport.simulators.qbo.dates import response_time
from ledgerport.simulators.qbo.entities import entity
from ledgerport.simulators.qbo.generated import File
from ledgerport.simulators.qbo.mapping.common import Json
from ledgerport.simulators.qbo.store import Replay
from ledgerport.simulators.qbo.writes.common import WriteContext

if TYPE_CHECKING:
    from ledgerport.simulators.qbo.app import QboSimulator


def _sim(request: Request) -> QboSimulator:
    sim: QboSimulator = request.app.state.qbo
    return sim


def _json_body(raw: bytes) -> Json:
    try:
        body = json.loads(raw or b"{}", parse_float=Decimal)
    except ValueError:
        raise faults.invalid_request("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise faults.invalid_request("Request body must be a JSON object")
    return body


def _replayed(
    sim: QboSimulator, request: Request
) -> tuple[tuple[str, str] | None, Response | None]:
    request_id = request.query_params.get("requestid")
    if not request_id:
        return None, None
    key = (request.path_params["realm_id"], request_id)
    with sim.overlay.lock:
        kept = sim.overlay.replays.get(key)
    if kept is None:
        return key, None
    return key, faults.json_response(kept.body, kept.status)


def _keep(sim: QboSimulator, key: tuple[str, str] | None, body: Json) -> Response:
    if key is not None:
        with sim.overlay.lock:
            sim.overlay.replays[key] = Replay(200, body)
    return faults.json_response(body)


def post_entity(request: Request, body: bytes) -> Response:
    with _sim(request).overlay.writing():  # a retry waits for the first try to finish
        return _post_entity(request, body)


def _post_entity(request: Request, body: bytes) -> Response:
    sim = _sim(request)
    kind = entity(request.path_params["entity"])
    if kind is None:
        raise faults.QboFault(
            faults.UNSUPPORTED_OPERATION,
            "Unsupported Operation",
            f"Operation is not supported for {request.path_params['entity']}.",
        )
    key, replay = _replayed(sim, request)
    if replay is not None:
        return replay
    payload = _json_body(body)
    ctx = WriteContext(sim.ledger(), sim.overlay, sim.clock())
    operation = request.query_params.get("operation", "").lower()
    if operation == "delete":
        result = writes.delete(ctx, kind, payload)
    elif operation in ("", "update", "create"):
        if request.query_params.get("include"):
            raise writes.unsupported(f"update include={request.query_params['include']}", kind)
        result = sim.presented(request, kind.name, writes.save(ctx, kind, payload))
    else:
        raise writes.unsupported(operation, kind)
    return _keep(sim, key, {kind.name: result, "time": response_time(ctx.now)})


_PART = re.compile(rb"\r?\n\r?\n")


def parts(raw: bytes, content_type: str) -> list[tuple[dict[str, str], bytes]]:
    """The parts of a multipart body, each with its headers (lower-case names). Lenient
    about line ends: python-quickbooks writes its multipart body with ``\\n`` alone."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise faults.invalid_request("multipart/form-data needs a boundary")
    delimiter = b"--" + match.group(1).encode()
    out = []
    for chunk in raw.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.lstrip(b"\r\n")
        split = _PART.search(chunk)
        if split is None:
            continue
        head, content = chunk[: split.start()], chunk[split.end() :]
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            if value:
                headers[name.strip().lower()] = value.strip()
        out.append((headers, content))
    return out


def _part_name(headers: dict[str, str]) -> tuple[str, str | None]:
    disposition = headers.get("content-disposition", "")
    name = re.search(r'name="([^"]*)"', disposition)
    filename = re.search(r'filename="([^"]*)"', disposition)
    return (name.group(1) if name else "", filename.group(1) if filename else None)


def upload(request: Request, body: bytes) -> Response:
    with _sim(request).overlay.writing():
        return _upload(request, body)


def _upload(request: Request, body: bytes) -> Response:
    sim = _sim(request)
    key, replay = _replayed(sim, request)
    if replay is not None:
        return replay
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/"):
        raise faults.invalid_request("upload needs a multipart/form-data body")
    metadata: dict[str, Json] = {}
    files: dict[str, tuple[dict[str, str], bytes, str | None]] = {}
    for headers, content in parts(body, content_type):
        name, filename = _part_name(headers)
        suffix = name.rsplit("_", 1)[-1]
        if name.startswith("file_metadata"):
            metadata[suffix] = _json_body(content.strip())
        elif name.startswith("file_content"):
            files[suffix] = (headers, content, filename)
    if not files:
        raise faults.required("file_content_01")
    ctx = WriteContext(sim.ledger(), sim.overlay, sim.clock())
    answers: list[Any] = []
    for suffix, (headers, content, filename) in sorted(files.items()):
        meta = metadata.get(suffix, {})
        if headers.get("content-transfer-encoding", "").lower() == "base64":
            content = base64.b64decode(content)
        name = str(meta.get("FileName") or filename or f"attachment-{suffix}")
        kind = str(
            meta.get("ContentType") or headers.get("content-type") or "application/octet-stream"
        )
        record = writes.attach(ctx, meta, File(name, kind, content))
        answers.append({"Attachable": sim.presented(request, "Attachable", record)})
    return _keep(sim, key, {"AttachableResponse": answers, "time": response_time(ctx.now)})
