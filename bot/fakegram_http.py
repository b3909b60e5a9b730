"""A small fake Telegram Bot API server over real HTTP (stdlib only): end-to-end tests, bench.

The bot runs as a separate process (`python -m bot run`) with TELEGRAM_BASE_URL pointing
here. Updates queued with `push` are handed out by long-polling getUpdates; everything the
bot calls is answered by the same FakeBotAPI the in-process tests use, and recorded; the files
people send (``send_document``) are served at /file/bot<token>/<file_path>.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from bot.fakegram import JSON, Call, FakeBotAPI, NoAnswer

# Parameters PTB sends form-encoded whose values are JSON (objects, arrays, numbers, booleans).
_JSON_VALUES = {
    "reply_markup",
    "reply_parameters",
    "commands",
    "scope",
    "allowed_updates",
    "entities",
    "link_preview_options",
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "show_alert",
    "cache_time",
    "drop_pending_updates",
    "max_connections",
}
LONG_POLL_CAP = 5.0  # seconds; shorter than PTB's read timeout for getUpdates


def _params(content_type: str, body: bytes) -> JSON:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        loaded = json.loads(body)
        return loaded if isinstance(loaded, dict) else {}
    params: JSON = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        params[key] = json.loads(value) if key in _JSON_VALUES and value else value
    return params


class FakeBotAPIServer:
    """Serves /bot<token>/<method> on 127.0.0.1 at a free port; ``url`` is the base URL."""

    def __init__(self, *, token: str, api: FakeBotAPI | None = None) -> None:
        self.token = token
        self.api = api or FakeBotAPI()
        self.changed = threading.Condition()
        self._closing = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                # A download: its path is URL-quoted, the token's colon too (%3A).
                if unquote(self.path).startswith(f"/file/bot{server.token}/"):
                    self._send(*server.download(self.path), content_type="application/octet-stream")
                    return
                try:
                    status, answer = server.handle(
                        self.path, self.headers.get("Content-Type", ""), body
                    )
                except NoAnswer:
                    self.close_connection = True  # hang up unanswered: the bot sees a fault
                    return
                payload = json.dumps(answer, ensure_ascii=False).encode()
                self._send(status, payload, content_type="application/json")

            def _send(self, status: int, payload: bytes, *, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot gave up a long poll (it is stopping): nobody to answer

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeBotAPIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self.changed:
            self._closing = True
            self.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeBotAPIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- serving -----------------------------------------------------------------------------

    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, JSON]:
        prefix, _, method = path.lstrip("/").partition("/")
        if prefix != f"bot{self.token}":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        params = _params(content_type, body)
        if method == "getUpdates":
            self._wait_for_updates(params)
        with self.changed:
            try:
                status, answer = self.api.answer(method, params)
            finally:
                self.changed.notify_all()
        return status, answer

    def download(self, path: str) -> tuple[int, bytes]:
        """A file's bytes at /file/bot<token>/<file_path>, as Telegram serves them."""
        file_path = unquote(urlsplit(path).path).partition(f"/file/bot{self.token}/")[2]
        with self.changed:
            try:
                return self.api.download(file_path)
            finally:
                self.changed.notify_all()

    def _wait_for_updates(self, params: JSON) -> None:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        with self.changed:
            self.changed.wait_for(
                lambda: self._closing or any(u["update_id"] >= offset for u in self.api.updates),
                timeout=timeout,
            )

    # --- the test's side ---------------------------------------------------------------------

    def push(self, update: JSON) -> None:
        """Queue an update for the bot's next getUpdates."""
        with self.changed:
            self.api.updates.append(update)
            self.changed.notify_all()

    def say(self, sender: JSON, text: str) -> None:
        with self.changed:
            update = self.api.message_update(sender, text)
        self.push(update)

    def send_document(
        self, sender: JSON, content: bytes, *, file_name: str, caption: str | None = None
    ) -> None:
        """``sender`` sends a file; the bot can fetch it with getFile and download it."""
        with self.changed:
            document = self.api.add_file(content, file_name=file_name)
            update = self.api.document_update(sender, document, caption=caption)
        self.push(update)

    def press(self, sender: JSON, message: JSON, data: str) -> None:
        with self.changed:
            update = self.api.callback_update(sender, message, data)
        self.push(update)

    def mark(self) -> int:
        """A place in the call record: wait_for looks only at calls after it."""
        with self.changed:
            return len(self.api.calls)

    def wait_for(
        self, predicate: Callable[[Call], bool], *, since: int = 0, timeout: float = 30
    ) -> Call:
        """The first call after ``since`` matching ``predicate``; TimeoutError if none comes."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for call in self.api.calls[since:]:
                    if predicate(call):
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the bot did not make the expected call")
                self.changed.wait(left)
