"""The one gate for what enters by HTTP: text, ids, body sizes and redirect targets.

- Pasted text (form fields and JSON strings) loses its control characters on the way in
  (`validation.clean`: vertical tab and form feed become line breaks, the rest goes), so
  nothing stored can break a feed or a database. Services clean again, for the CLI's sake.
- An address (path or query string) holding a control character is refused with 400 and a
  message in the UI language: nobody types one, and no view should have to think about it.
- Ids: the `int` URL converter stops at the largest id a column can hold (404 beyond), and
  `record_id` does the same for ids in forms and query strings.
- Body size: each request may send at most what its route needs (`body_limit`), checked while
  the body streams, before any of it is parsed or spooled to disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from kitchen.services import uploads
from kitchen.services.media import MediaType
from kitchen.services.storage import megabytes
from kitchen.services.validation import MAX_ID as MAX_ID
from kitchen.services.validation import NOT_IN_ADDRESS, clean

MAX_PAGE = 100_000


class RecordIdConverter(IntegerConverter):
    """`<int:…>` for ids: ASCII digits up to MAX_ID; a larger number is not a page (404).

    Werkzeug's own would match any Unicode digit and hand 10**25 to the database.
    """

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        if len(value) > 10 or int(value) > MAX_ID:
            raise NotFound()
        return int(value)


def record_id(raw: str) -> int:
    """An id from a form or query string (for `type=`): ValueError unless 1 … MAX_ID."""
    value = raw.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID):
        raise ValueError(raw)
    return int(value)


def record_ids(values: Iterable[str]) -> list[int]:
    """The valid ids among form values, in order, each once."""
    found: dict[int, None] = {}
    for raw in values:
        try:
            found.setdefault(record_id(raw), None)
        except ValueError:
            continue
    return list(found)


def page_number(raw: str) -> int:
    """A page number from a query string (for `type=`): ValueError unless 1 … MAX_PAGE."""
    value = record_id(raw)
    if value > MAX_PAGE:
        raise ValueError(raw)
    return value


def safe_target(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, else `fallback` (the one open-redirect guard).

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
    `/\\t/evil.example` and `/\\evil.example` would leave the site: any of those is refused.
    """
    if not target or NOT_IN_ADDRESS.search(target) or "\\" in target:
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: _clean_json(v) for k, v in value.items()}
    return value


class KitchenRequest(Request):
    """Flask's request, with form fields and JSON strings cleaned of control characters."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form:
            self.__dict__["form"] = ImmutableMultiDict(
                # A multipart part without a name (a forged body) is not a field: dropped.
                [(clean(k), clean(v)) for k, v in form.items(multi=True) if k is not None]
            )

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:  # type: ignore[override]
        return _clean_json(super().get_json(force=force, silent=silent, cache=cache))


def _upload_limit() -> int:
    return uploads.body_limit((request.view_args or {}).get("item_id"))


# Routes whose body may be larger than a form: each gives its limit in bytes.
def _photo_limit() -> int:
    return uploads.limits()[MediaType.IMAGE] + uploads.FORM_ALLOWANCE


BODY_LIMITS: dict[str, Callable[[], int]] = {
    "submit.upload": _upload_limit,
    "submit.batch_photo": _photo_limit,
    "api.upload_file": _upload_limit,
}


def too_large_message() -> str | None:
    """For a refused upload, the limit it went over, in the UI language (None for other routes)."""
    if request.endpoint not in BODY_LIMITS or not request.max_content_length:
        return None
    limit = max(0, request.max_content_length - uploads.FORM_ALLOWANCE)
    return _("The file is larger than the limit of %(limit)s MB.", limit=megabytes(limit))


def init_app(app: Flask) -> None:
    """Install the request class, the id converter and the gate (before CSRF reads the form)."""
    app.request_class = KitchenRequest
    app.url_map.converters["int"] = RecordIdConverter

    @app.before_request
    def gate() -> ResponseReturnValue | None:
        limit = BODY_LIMITS.get(request.endpoint or "")
        request.max_content_length = limit() if limit else app.config["MAX_FORM_BYTES"]
        if NOT_IN_ADDRESS.search(request.path) or any(
            NOT_IN_ADDRESS.search(key) or NOT_IN_ADDRESS.search(value)
            for key, value in request.args.items(multi=True)
        ):
            from kitchen.blueprints.errors import error_response

            message = _("The address contains control characters. Please check the link.")
            return error_response(400, "control_characters", message)
        return None
