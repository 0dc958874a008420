"""A real HTTP receiver for webhooks: a threaded server on 127.0.0.1 that records each
request and answers as the test says (a status, or a callable choosing one)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # The status to answer, or a function of the request choosing it.
    answer: int | Callable[[Received], int] = 200
    reply: bytes = b'{"ok": true}'
    lock: threading.Lock = field(default_factory=threading.Lock)

    def delivered(self) -> list[Received]:
        """The requests answered 2xx (what the receiver accepted)."""
        return [r for r in self.requests if getattr(r, "status", 200) < 300]


@contextmanager
def serve_receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = box["r"]
            length = int(self.headers.get("Content-Length", "0"))
            got = Received(
                self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
            )
            status = receiver.answer(got) if callable(receiver.answer) else receiver.answer
            got.status = status  # type: ignore[attr-defined]
            with receiver.lock:
                receiver.requests.append(got)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(receiver.reply)))
            self.end_headers()
            self.wfile.write(receiver.reply)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True  # a kept-alive connection must not hold up the test's end
    server.block_on_close = False
    box["r"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box["r"]
    finally:
        server.shutdown()
        server.server_close()
