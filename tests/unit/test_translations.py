"""Every interface text has a Simplified Chinese translation."""

from __future__ import annotations

import re
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


# A translation in a template is marked safe, so a quote in it would end the attribute it sits
# in (the search box's hint stopped at 脱贫攻坚). In attributes texts go through |forceescape.
IN_ATTRIBUTE = re.compile(r"""[\w-]+="\{\{ ?_\((['"])(.*?)(?<!\\)\1\)(\|\w+)* ?\}\}""")


def test_texts_in_attributes_are_escaped() -> None:
    with (ROOT / "translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    unsafe = []
    for template in (ROOT / "templates").rglob("*.html"):
        for match in IN_ATTRIBUTE.finditer(template.read_text(encoding="utf-8")):
            msgid = match.group(2).replace('\\"', '"').replace("\\'", "'")
            found = catalog.get(msgid)
            texts = [msgid, found.string if found is not None else ""]
            escaped = "|forceescape" in match.group(0)
            if not escaped and any(set(t) & set("\"'<>&") for t in texts):
                unsafe.append(f"{template.relative_to(ROOT)}: {msgid}")
    assert unsafe == []
