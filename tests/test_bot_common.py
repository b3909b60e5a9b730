"""Telegram's limits, kept in one place: splitting, buttons, paging data, escaping."""

from __future__ import annotations

import pytest

from bot.fakegram import BotAPIError, FakeBotAPI, html_to_text, utf16_length
from handlers.common import PageRef, keyboard, page_buttons, split_message
from ledger.render import esc


def test_short_text_is_one_message() -> None:
    assert split_message("a\nb") == ["a\nb"]


def test_long_text_splits_at_line_breaks_within_the_limit() -> None:
    lines = [f"<b>{n}</b> " + "科普" * 40 for n in range(200)]
    parts = split_message("\n".join(lines))
    assert len(parts) > 1
    assert all(utf16_length(part) <= 4096 for part in parts)
    assert "\n".join(parts).split("\n") == lines  # nothing lost, nothing cut
    for part in parts:
        html_to_text(part)  # each part is valid HTML on its own


def test_a_single_overlong_line_is_cut_but_never_inside_an_entity() -> None:
    line = "x" * 4094 + "&amp;" + "y" * 5000
    parts = split_message(line)
    assert all(utf16_length(p) <= 4096 for p in parts)
    assert "".join(parts) == line
    assert parts[0].endswith("x") and parts[1].startswith("&amp;")


def test_limits_count_utf16_units() -> None:
    parts = split_message("😀" * 3000)  # two UTF-16 units each
    assert all(utf16_length(p) <= 4096 for p in parts) and len(parts) == 2


def test_escaping_makes_ledger_text_safe_html() -> None:
    text = "完成率<50% & “A&B”>"
    assert html_to_text(esc(text)) == text


def test_keyboard_refuses_data_over_64_bytes() -> None:
    with pytest.raises(ValueError):
        keyboard([[("x", "大" * 22)]])
    assert keyboard([]) is None
    markup = keyboard([[("a", "1"), ("b", "2")], []])
    assert markup is not None and len(markup.inline_keyboard) == 1


def test_page_data_round_trips_and_carries_no_grant() -> None:
    ref = PageRef("dept", "普及部（中心）", 3, 17)
    data = ref.data()
    assert data is not None and len(data.encode()) <= 64
    assert PageRef.read(data) == ref
    assert PageRef("search", "科" * 30, 0, 1).data() is None
    assert PageRef.read("pg:todo:1:2") is None


def test_page_buttons_leave_out_what_does_not_exist() -> None:
    ref = PageRef("todo", "", 0, 1)
    assert [label for label, _ in page_buttons(ref, pages=1)] == []
    assert [label for label, _ in page_buttons(ref, pages=3)] == ["1/3", "›"]
    last = PageRef("todo", "", 2, 1)
    assert [label for label, _ in page_buttons(last, pages=3)] == ["‹", "3/3"]


@pytest.mark.parametrize(
    "bad", ["a < b", "<script>x</script>", "<b>open", "R&D", "<b>x</i>", "&bogus;"]
)
def test_the_fake_api_refuses_what_telegram_refuses(bad: str) -> None:
    api = FakeBotAPI()
    status, body = api.answer("sendMessage", {"chat_id": 1, "text": bad, "parse_mode": "HTML"})
    assert status == 400 and "can't parse entities" in body["description"]
    with pytest.raises(BotAPIError):
        html_to_text(bad)


def test_the_fake_api_refuses_long_messages_and_long_button_data() -> None:
    api = FakeBotAPI()
    status, body = api.answer("sendMessage", {"chat_id": 1, "text": "x" * 4097})
    assert status == 400 and "too long" in body["description"]
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "x" * 65}]]}
    status, body = api.answer("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": markup})
    assert status == 400 and "BUTTON_DATA_INVALID" in body["description"]
    assert api.answer("noSuchMethod", {})[0] == 404
