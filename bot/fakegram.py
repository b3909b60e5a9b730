"""An in-process fake Telegram Bot API: the transport for tests and the console.

`FakeBotAPI` answers the Bot API methods the bot uses and records every call, checking what
Telegram would check (message length, HTML markup, callback data size, "message is not
modified") and, when asked, its sending limits. It can also be told to refuse a chat as
Telegram does: blocked, not found, flooded, migrated to a supergroup, or a passing 5xx or
timeout. `FakeRequest` plugs it into python-telegram-bot as the HTTP transport, so the real
`Application` runs unchanged. `FakeTelegram` types messages, sends documents and presses
buttons as a given user by feeding real `Update`s to `Application.process_update`.

Files people send are registered by file_id (``add_file``); the bot asks ``getFile`` for a
file's path and downloads its bytes from the file URL, through the same transport.
"""

from __future__ import annotations

import itertools
import json
import math
import mimetypes
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

from telegram import Update
from telegram.error import TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

JSON = dict[str, Any]

MESSAGE_LIMIT = 4096  # characters (UTF-16 code units) after entity parsing
CAPTION_LIMIT = 1024  # a photo's or a document's caption, likewise
CALLBACK_DATA_LIMIT = 64  # bytes
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the largest file a bot may download (getFile refuses more)

# Telegram's sending limits (Bots FAQ) as (messages, seconds), enforced when asked: about 30
# messages a second overall, one a second in a private chat, 20 a minute in a group.
OVERALL_LIMIT = (30, 1.0)
PRIVATE_CHAT_LIMIT = (1, 1.0)
GROUP_LIMIT = (20, 60.0)

# The HTML Telegram accepts (https://core.telegram.org/bots/api#html-style).
_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_MARKUP = re.compile(r"<(/?)([a-zA-Z-]*)([^<>]*)>|[<>]|&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);|&")
_ENTITIES = {"lt", "gt", "amp", "quot"}


class BotAPIError(Exception):
    """An error answer: HTTP status, Telegram's description and its parameters (retry_after)."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class NoAnswer(Exception):
    """Telegram did not answer in time: the transport times out (FakeRequest raises TimedOut)."""


def utf16_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def html_to_text(html_text: str) -> str:
    """What the reader sees of a message sent with parse_mode HTML; raises for bad markup."""
    out: list[str] = []
    open_tags: list[str] = []
    position = 0
    for match in _MARKUP.finditer(html_text):
        out.append(html_text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token.startswith("&"):
            entity = match.group(4)
            if entity is None or (not entity.startswith("#") and entity not in _ENTITIES):
                raise BotAPIError(400, f"Bad Request: can't parse entities: bad '&' at {position}")
            out.append(unescape(token))
        elif token in ("<", ">"):
            raise BotAPIError(400, f"Bad Request: can't parse entities: unescaped '{token}'")
        else:
            closing, tag = match.group(1), match.group(2).lower()
            if tag not in _TAGS:
                raise BotAPIError(400, f"Bad Request: can't parse entities: unsupported tag {tag}")
            if closing:
                if not open_tags or open_tags.pop() != tag:
                    raise BotAPIError(400, f"Bad Request: can't parse entities: stray </{tag}>")
            else:
                open_tags.append(tag)
    out.append(html_text[position:])
    if open_tags:
        raise BotAPIError(400, f"Bad Request: can't parse entities: unclosed <{open_tags[-1]}>")
    return "".join(out)


def _check_markup(markup: Any) -> None:
    if not markup:
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise BotAPIError(400, "Bad Request: BUTTON_DATA_INVALID")


def _visible_text(params: JSON) -> str:
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        text = html_to_text(text)
    if not text.strip():
        raise BotAPIError(400, "Bad Request: message text is empty")
    if utf16_length(text) > MESSAGE_LIMIT:
        raise BotAPIError(400, "Bad Request: message is too long")
    return text


@dataclass(frozen=True)
class Upload:
    """A file the bot sent: its name and bytes, as Telegram received them."""

    field: str  # document | photo
    file_name: str
    content: bytes


_UPLOAD = "_upload"  # where a call's params keep its Upload (never a Bot API parameter)


@dataclass
class Call:
    """One request the bot made, and what the fake answered."""

    method: str
    params: JSON
    result: Any = None
    error: str | None = None

    @property
    def text(self) -> str:
        """The HTML the bot sent (sendMessage, editMessageText) or the notice it answered."""
        return str(self.params.get("text", ""))

    @property
    def upload(self) -> Upload | None:
        """The file the bot uploaded with this call (sendDocument, sendPhoto), if any."""
        found = self.params.get(_UPLOAD)
        return found if isinstance(found, Upload) else None

    @property
    def buttons(self) -> list[JSON]:
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


def user(
    user_id: int,
    first_name: str,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "zh-hans",
) -> JSON:
    """A Telegram user as the Bot API sends it."""
    value: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        value["last_name"] = last_name
    if username:
        value["username"] = username
    if language_code:
        value["language_code"] = language_code
    return value


def private_chat(of: JSON) -> JSON:
    return {"id": of["id"], "type": "private", "first_name": of["first_name"]}


def group_chat(chat_id: int, title: str) -> JSON:
    return {"id": chat_id, "type": "supergroup", "title": title}


@dataclass
class FakeBotAPI:
    """The Bot API's side of the conversation, in memory. Not thread-safe: lock around it."""

    bot_id: int = 7_000_000_001
    username: str = "duban_test_bot"
    first_name: str = "督办助手"
    clock: Callable[[], float] = time.time
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[int, int], JSON] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    chats: dict[int, JSON] = field(default_factory=dict)  # every chat a message came from
    updates: list[JSON] = field(default_factory=list)  # waiting for getUpdates
    blocked: set[int] = field(default_factory=set)  # chats whose person blocked the bot
    missing: set[int] = field(default_factory=set)  # chats Telegram does not know (400)
    migrated: dict[int, int] = field(default_factory=dict)  # group -> the supergroup it became
    floods: dict[int, list[int]] = field(default_factory=dict)  # chat -> retry_after to answer
    failures: dict[int, list[int | None]] = field(default_factory=dict)  # chat -> 5xx, None
    # Telegram's sending limits: off unless asked; sendMessage beyond them answers 429 and the
    # chat refused is counted in too_many. limit_clock is monotonic, unlike clock (dates).
    enforce_limits: bool = False
    limit_clock: Callable[[], float] = time.monotonic
    limit_slack: float = 0.02  # seconds of scheduling jitter forgiven at a window's edge
    too_many: list[int] = field(default_factory=list)
    files: dict[str, JSON] = field(default_factory=dict)  # file_id -> the File getFile answers
    file_bytes: dict[str, bytes] = field(default_factory=dict)  # file_path -> its content
    _sent_at: deque[float] = field(default_factory=deque)  # every message, within the window
    _chat_sent_at: dict[int, deque[float]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # --- the bot's side: answering methods -------------------------------------------------

    @property
    def me(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def answer(self, method: str, params: JSON) -> tuple[int, JSON]:
        """The HTTP status and JSON body Telegram would answer; the call is recorded.

        Raises NoAnswer when Telegram is to time out (see ``fail``).
        """
        call = Call(method, params)
        self.calls.append(call)
        handler = getattr(self, f"_{method}", None)
        try:
            if handler is None:
                raise BotAPIError(404, f"Not Found: method {method} is not faked")
            call.result = handler(params)
        except NoAnswer:
            call.error = "timed out"
            raise
        except BotAPIError as error:
            call.error = error.description
            body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
            return error.status, body
        return 200, {"ok": True, "result": call.result}

    def _getMe(self, params: JSON) -> JSON:
        return self.me

    def _chat(self, chat_id: Any) -> JSON:
        chat_id = int(chat_id)
        known = self.chats.get(chat_id)
        return dict(known) if known else {"id": chat_id, "type": "private"}

    def flood(self, chat_id: int, *, retry_after: int, times: int = 1) -> None:
        """The next ``times`` messages to ``chat_id`` are refused: 429, retry after N seconds."""
        self.floods.setdefault(chat_id, []).extend([retry_after] * times)

    def fail(self, chat_id: int, *, status: int | None = 502, times: int = 1) -> None:
        """The next ``times`` messages to ``chat_id`` meet a passing fault: that 5xx status, or
        with ``status=None`` no answer in time (the transport raises TimedOut)."""
        self.failures.setdefault(chat_id, []).extend([status] * times)

    def migrate(self, chat_id: int, *, to: int) -> None:
        """The group ``chat_id`` became the supergroup ``to``: messages to it answer 400."""
        self.migrated[chat_id] = to
        self.chats[to] = {**self.chats.get(chat_id, {}), "id": to, "type": "supergroup"}

    def _deliverable(self, chat_id: int) -> None:
        """Refuse as Telegram does a chat that is gone, moved, or gets too much at once."""
        if chat_id in self.blocked:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.missing:
            raise BotAPIError(400, "Bad Request: chat not found")
        if chat_id in self.migrated:
            raise BotAPIError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        waits = self.floods.get(chat_id)
        if waits:
            retry_after = waits.pop(0)
            raise BotAPIError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        faults = self.failures.get(chat_id)
        if faults:
            status = faults.pop(0)
            if status is None:
                raise NoAnswer
            raise BotAPIError(status, HTTPStatus(status).phrase)

    def _within_limits(self, chat_id: int) -> float:
        """Now on the limit clock; 429 if a message to ``chat_id`` now would break a limit."""
        now = self.limit_clock()
        if not self.enforce_limits:
            return now
        chat_limit = PRIVATE_CHAT_LIMIT if chat_id > 0 else GROUP_LIMIT
        chat_log = self._chat_sent_at.setdefault(chat_id, deque())
        for log, (count, seconds) in ((self._sent_at, OVERALL_LIMIT), (chat_log, chat_limit)):
            while log and now - log[0] >= seconds - self.limit_slack:
                log.popleft()
            if len(log) >= count:
                self.too_many.append(chat_id)
                retry_after = max(1, math.ceil(log[0] + seconds - now))
                raise BotAPIError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
        return now

    def _sendMessage(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        self._deliverable(chat_id)
        text = _visible_text(params)
        _check_markup(params.get("reply_markup"))
        now = self._within_limits(chat_id)
        if self.enforce_limits:
            self._sent_at.append(now)
            self._chat_sent_at[chat_id].append(now)
        message: JSON = {
            "message_id": next(self._ids),
            "date": int(self.clock()),
            "chat": self._chat(params["chat_id"]),
            "from": self.me,
            "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    def _sendDocument(self, params: JSON) -> JSON:
        return self._send_file(params, "document")

    def _sendPhoto(self, params: JSON) -> JSON:
        return self._send_file(params, "photo")

    def _send_file(self, params: JSON, kind: str) -> JSON:
        """A document or photo the bot uploads (with its caption): kept with the call."""
        chat_id = int(params["chat_id"])
        self._deliverable(chat_id)
        upload = params.get(_UPLOAD)
        if not isinstance(upload, Upload) or upload.field != kind:
            raise BotAPIError(400, f"Bad Request: there is no {kind} in the request")
        if len(upload.content) > (10 if kind == "photo" else 50) * 1024 * 1024:
            raise BotAPIError(413, "Request Entity Too Large")
        caption = str(params.get("caption", ""))
        if params.get("parse_mode") == "HTML":
            caption = html_to_text(caption)
        if utf16_length(caption) > CAPTION_LIMIT:
            raise BotAPIError(400, "Bad Request: message caption is too long")
        _check_markup(params.get("reply_markup"))
        now = self._within_limits(chat_id)
        if self.enforce_limits:
            self._sent_at.append(now)
            self._chat_sent_at[chat_id].append(now)
        message_id = next(self._ids)
        sent = {"file_id": f"sent-{message_id}", "file_unique_id": f"u-sent-{message_id}"}
        message: JSON = {
            "message_id": message_id,
            "date": int(self.clock()),
            "chat": self._chat(chat_id),
            "from": self.me,
            "caption": caption,
        }
        if kind == "photo":
            message["photo"] = [{**sent, "width": 1280, "height": 720}]
        else:
            message["document"] = {**sent, "file_name": upload.file_name}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message_id)] = message
        return message

    def _edited(self, params: JSON, *, text: str | None) -> JSON:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise BotAPIError(400, "Bad Request: message to edit not found")
        old = self.messages[key]
        markup = params.get("reply_markup")
        _check_markup(markup)
        new_text = old["text"] if text is None else text
        if new_text == old["text"] and markup == old.get("reply_markup"):
            raise BotAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message = {**old, "text": new_text, "edit_date": int(self.clock())}
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self.messages[key] = message
        return message

    def _editMessageText(self, params: JSON) -> JSON:
        return self._edited(params, text=_visible_text(params))

    def _editMessageReplyMarkup(self, params: JSON) -> JSON:
        return self._edited(params, text=None)

    def _setMyCommands(self, params: JSON) -> bool:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, params.get("language_code", ""))] = list(params["commands"])
        return True

    def _deleteMyCommands(self, params: JSON) -> bool:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands.pop((scope, params.get("language_code", "")), None)
        return True

    def _getMyCommands(self, params: JSON) -> list[JSON]:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        return self.commands.get((scope, params.get("language_code", "")), [])

    def _getFile(self, params: JSON) -> JSON:
        found = self.files.get(str(params.get("file_id", "")))
        if found is None:
            raise BotAPIError(400, "Bad Request: invalid file_id")
        if found["file_size"] > DOWNLOAD_LIMIT:
            raise BotAPIError(400, "Bad Request: file is too big")
        return dict(found)

    def download(self, file_path: str) -> tuple[int, bytes]:
        """The file at the Bot API's file URL: its bytes, or 404. Recorded as a "download" call."""
        call = Call("download", {"file_path": file_path})
        self.calls.append(call)
        content = self.file_bytes.get(file_path)
        if content is None:
            call.error = "Not Found"
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            return 404, json.dumps(body).encode()
        call.result = len(content)
        return 200, content

    def _getUpdates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        return self.updates[:limit]

    def _getWebhookInfo(self, params: JSON) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _true(self, params: JSON) -> bool:
        return True

    _answerCallbackQuery = _true
    _deleteWebhook = _true
    _setWebhook = _true
    _sendChatAction = _true
    _close = _true
    _logOut = _true

    # --- the people's side: building updates -----------------------------------------------

    def message_update(self, sender: JSON, text: str, *, chat: JSON | None = None) -> JSON:
        """An Update carrying a text message from ``sender``; commands and @mentions marked."""
        chat = chat or private_chat(sender)
        self.chats[chat["id"]] = chat
        entities: list[JSON] = []
        command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if command:
            entities.append({"type": "bot_command", "offset": 0, "length": command.end()})
        for mention in re.finditer(r"@[A-Za-z0-9_]{5,32}", text):
            if not command or mention.start() >= command.end():
                entities.append(
                    {
                        "type": "mention",
                        "offset": utf16_length(text[: mention.start()]),
                        "length": utf16_length(mention.group(0)),
                    }
                )
        message: JSON = {
            "message_id": next(self._ids),
            "date": int(self.clock()),
            "chat": chat,
            "from": sender,
            "text": text,
        }
        if entities:
            message["entities"] = entities
        self.messages[(chat["id"], message["message_id"])] = message
        return {"update_id": next(self._ids), "message": message}

    def file_update(
        self, sender: JSON, file_id: str, *, kind: str = "photo", caption: str | None = None
    ) -> JSON:
        """An Update carrying a photo (or a document) from ``sender`` in their private chat."""
        chat = private_chat(sender)
        self.chats[chat["id"]] = chat
        message: JSON = {
            "message_id": next(self._ids),
            "date": int(self.clock()),
            "chat": chat,
            "from": sender,
        }
        unique = f"u-{file_id}"
        if kind == "photo":
            message["photo"] = [
                {
                    "file_id": f"{file_id}-small",
                    "file_unique_id": unique + "s",
                    "width": 90,
                    "height": 60,
                },
                {"file_id": file_id, "file_unique_id": unique, "width": 1280, "height": 853},
            ]
        else:
            message["document"] = {
                "file_id": file_id,
                "file_unique_id": unique,
                "file_name": "report.pdf",
                "mime_type": "application/pdf",
            }
        if caption is not None:
            message["caption"] = caption
        self.messages[(chat["id"], message["message_id"])] = message
        return {"update_id": next(self._ids), "message": message}

    def add_file(
        self,
        content: bytes,
        *,
        file_name: str,
        file_id: str | None = None,
        file_size: int | None = None,
    ) -> JSON:
        """Keep ``content`` as a file someone sent; the Document a message carries for it.

        ``file_size`` is what Telegram says the file weighs (default: its length), so a test
        can send a file too large to fetch without holding that many bytes.
        """
        number = next(self._ids)
        file_id = file_id or f"document-{number}"
        size = len(content) if file_size is None else file_size
        path = f"documents/file_{number}_{file_name}"
        self.files[file_id] = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": size,
            "file_path": path,
        }
        self.file_bytes[path] = content
        document: JSON = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "file_size": size,
        }
        mime_type = mimetypes.guess_type(file_name)[0]
        if mime_type:
            document["mime_type"] = mime_type
        return document

    def document_update(
        self,
        sender: JSON,
        document: JSON,
        *,
        caption: str | None = None,
        chat: JSON | None = None,
    ) -> JSON:
        """An Update carrying ``document`` (see ``add_file``) from ``sender``."""
        chat = chat or private_chat(sender)
        self.chats[chat["id"]] = chat
        message: JSON = {
            "message_id": next(self._ids),
            "date": int(self.clock()),
            "chat": chat,
            "from": sender,
            "document": document,
        }
        if caption is not None:
            message["caption"] = caption
        self.messages[(chat["id"], message["message_id"])] = message
        return {"update_id": next(self._ids), "message": message}

    def callback_update(self, sender: JSON, message: JSON, data: str) -> JSON:
        """An Update for ``sender`` pressing a button with ``data`` under ``message``."""
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": str(next(self._ids)),
                "from": sender,
                "message": message,
                "chat_instance": str(message["chat"]["id"]),
                "data": data,
            },
        }

    def sent(self, *methods: str) -> list[Call]:
        """The successful calls of these methods (default: messages sent or edited)."""
        methods = methods or ("sendMessage", "editMessageText")
        return [c for c in self.calls if c.method in methods and c.error is None]


class FakeRequest(BaseRequest):
    """python-telegram-bot's HTTP transport, answered by a FakeBotAPI instead of the network."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        path = urlsplit(url).path
        if "/file/bot" in path:  # a file download: /file/bot<token>/<file_path>
            file_path = unquote(path.split("/file/bot", 1)[1].partition("/")[2])
            return self.api.download(file_path)
        name = url.rstrip("/").rsplit("/", 1)[-1]
        params = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        for kind, part in (request_data.multipart_data if request_data else {}).items():
            file_name, content = part[0], part[1]
            data = content if isinstance(content, bytes) else content.read()
            params[_UPLOAD] = Upload(kind, file_name or kind, data)
        try:
            status, body = self.api.answer(name, params)
        except NoAnswer:
            raise TimedOut from None  # as python-telegram-bot's HTTP transport does
        return status, json.dumps(body, ensure_ascii=False).encode()


@dataclass
class FakeTelegram:
    """Someone on Telegram, talking to a running Application through a FakeBotAPI."""

    application: Application[Any, Any, Any, Any, Any, Any]
    api: FakeBotAPI

    async def send(self, sender: JSON, text: str, *, chat: JSON | None = None) -> list[Call]:
        """``sender`` writes ``text``; the calls the bot made in reply."""
        return await self.process(self.api.message_update(sender, text, chat=chat))

    async def send_photo(
        self, sender: JSON, file_id: str, *, caption: str | None = None, kind: str = "photo"
    ) -> list[Call]:
        """``sender`` sends a photo (or, with kind="document", a file); the bot's calls."""
        return await self.process(self.api.file_update(sender, file_id, kind=kind, caption=caption))

    async def send_document(
        self,
        sender: JSON,
        content: bytes,
        *,
        file_name: str,
        caption: str | None = None,
        file_size: int | None = None,
        chat: JSON | None = None,
    ) -> list[Call]:
        """``sender`` sends a file named ``file_name`` holding ``content``; the bot's calls."""
        document = self.api.add_file(content, file_name=file_name, file_size=file_size)
        return await self.process(
            self.api.document_update(sender, document, caption=caption, chat=chat)
        )

    async def press(self, sender: JSON, message: JSON, button: str | int) -> list[Call]:
        """``sender`` presses a button of ``message`` (by its label or its index)."""
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        if isinstance(button, int):
            chosen = buttons[button]
        else:
            chosen = next(b for b in buttons if b["text"] == button)
        return await self.forge(sender, message, chosen["callback_data"])

    async def forge(self, sender: JSON, message: JSON, data: str) -> list[Call]:
        """``sender`` sends a callback query with any ``data`` at all (as a forger would)."""
        return await self.process(self.api.callback_update(sender, message, data))

    async def process(self, update_json: JSON) -> list[Call]:
        """Feed any update (as the Bot API would send it); the calls the bot made."""
        start = len(self.api.calls)
        update = Update.de_json(update_json, self.application.bot)
        await self.application.process_update(update)
        return self.api.calls[start:]

    def message(self, call: Call) -> JSON:
        """The message (as Telegram now holds it) that a sendMessage or edit call produced."""
        result = call.result
        assert isinstance(result, dict), call
        return self.api.messages[(result["chat"]["id"], result["message_id"])]
