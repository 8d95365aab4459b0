"""Every interface text has a Simplified Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("kitchen/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def test_every_message_is_translated_to_chinese() -> None:
    with (ROOT / "translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.string}
    missing = set()
    for path in ("kitchen", "templates"):
        for _file, _line, message, _c, _ctx in extract_from_dir(
            ROOT / path,
            method_map=[(p.split("/", 1)[1], m) for p, m in METHODS if p.startswith(path)],
            keywords=KEYWORDS,
        ):
            key = message if isinstance(message, str) else message[0]
            if key and key not in translated:
                missing.add(key)
    assert sorted(missing) == []
