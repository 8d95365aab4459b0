"""The OpenAPI paths: every operation with its parameters, request body and responses."""

from __future__ import annotations

from typing import Any

from kitchen.api.openapi_components import errors
from kitchen.api.openapi_schemas import Schema, enum, ref
from kitchen.enums import Discipline
from kitchen.fields import Facet, shown_facets
from kitchen.models import ItemStatus
from kitchen.search import SORTS

READ = (400, 401, 429)  # 400: a control character in the address
WRITE = (400, 401, 403, 404, 429)  # 400: a cookie-authenticated call without its CSRF token


def json_body(schema: Schema) -> dict[str, Any]:
    """A required JSON request body."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def answer(status: int, description: str, schema: Schema | None = None) -> dict[str, Any]:
    """A success response, with a JSON body when a schema is given."""
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return {str(status): response}


def operation(
    op_id: str, summary: str, tag: str, responses: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """One operation."""
    return {
        "operationId": op_id,
        "summary": summary,
        "tags": [tag],
        "responses": responses,
        **extra,
    }


def params(*names: str) -> list[Schema]:
    """References to shared parameters."""
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def query(name: str, schema: Schema, description: str) -> Schema:
    """An optional query parameter used by one operation."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def facet_param(facet: Facet) -> Schema:
    """The search's query parameter of a facet (from the facet spec)."""
    schema: Schema
    if facet.choices is not None:
        schema = enum(facet.choices)
    elif facet.numeric:
        schema = {"type": "integer", "minimum": 1, "maximum": facet.maximum}
    else:
        schema = {"type": "string", "maxLength": 64}
    note = " Centre staff only; others' searches ignore it." if facet.staff_only else ""
    return query(facet.query_param, schema, f"Only items with this {facet.label.lower()}.{note}")


def item_action(op_id: str, summary: str, statuses: tuple[int, ...], **extra: Any) -> dict:
    """A POST on one item answering the item."""
    responses = answer(200, "The item after the change.", ref("Item")) | errors(*statuses)
    return {"post": operation(op_id, summary, "items", responses, **extra)}


def _account_paths() -> dict[str, Any]:
    """The caller and the campaigns."""
    return {
        "/me": {
            "get": operation(
                "getMe",
                "The caller's account",
                "account",
                answer(200, "The account.", ref("Me")) | errors(*READ),
            )
        },
        "/campaigns": {
            "get": operation(
                "listCampaigns",
                "Every campaign, open ones first",
                "account",
                answer(200, "The campaigns.", ref("CampaignList")) | errors(*READ),
            )
        },
    }


def _item_paths() -> dict[str, Any]:
    """Creating, reading, editing and listing items."""
    status = query("status", enum(ItemStatus), "Only items in this state.")
    listing = params("Kind", "Org", "Campaign", "Page", "PerPage")
    return {
        "/items": {
            "get": operation(
                "listItems",
                "Items within the caller's scope, newest change first",
                "items",
                answer(200, "One page of items.", ref("ItemPage")) | errors(*READ, 422),
                parameters=[status, *listing],
            ),
            "post": operation(
                "createItem",
                "A new draft of the caller's organisation (contributors)",
                "items",
                answer(201, "The draft.", ref("Item")) | errors(*WRITE, 422),
                requestBody=json_body(ref("ItemCreate")),
            ),
        },
        "/items/{item_id}": {
            "parameters": params("ItemId"),
            "get": operation(
                "getItem",
                "One item with its state, campaigns and files",
                "items",
                answer(200, "The item.", ref("Item")) | errors(*READ, 404),
            ),
            "delete": operation(
                "deleteItem",
                "Delete a draft of the caller's organisation, with its files",
                "items",
                answer(204, "Deleted.") | errors(*WRITE, 409),
            ),
            "patch": operation(
                "updateItem",
                "Change fields of a draft or of an item sent back",
                "items",
                answer(200, "The item.", ref("Item")) | errors(*WRITE, 422),
                requestBody=json_body(ref("ItemUpdate")),
            ),
        },
        "/items/{item_id}/versions": {
            "parameters": params("ItemId"),
            "post": operation(
                "proposeVersion",
                "The item in another language: its organisation proposes, a curator's is "
                "approved at once",
                "items",
                answer(201, "The version (pending, or approved).", ref("ItemVersion"))
                | errors(*WRITE, 404, 409, 422),
                requestBody=json_body(ref("ItemVersionInput")),
            ),
        },
    }


def _workflow_paths() -> dict[str, Any]:
    """Moving items through review."""
    take_over = query("take_over", {"type": "boolean"}, "Take the item from another curator.")
    return {
        f"/items/{{item_id}}/{name}": {"parameters": params("ItemId"), **spec}
        for name, spec in {
            "submit": item_action(
                "submitItem", "Send to review once complete (contributors)", (*WRITE, 409, 422)
            ),
            "retract": item_action(
                "retractItem", "Take back to draft before a decision", (*WRITE, 409)
            ),
            "review": item_action(
                "reviewItem",
                "Correct, tag, feature and decide (curators)",
                (*WRITE, 409, 422),
                requestBody=json_body(ref("Review")),
            ),
            "claim": item_action(
                "claimItem",
                "Take a submitted item into one's hands (curators)",
                (*WRITE, 409),
                parameters=[take_over],
            ),
            "release": item_action(
                "releaseItem", "Let go of a claimed item (curators)", (*WRITE, 409)
            ),
        }.items()
    }


def _upload_body() -> dict[str, Any]:
    """A multipart upload of one file."""
    schema = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "caption": {"type": "string", "maxLength": 2000},
        },
    }
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def _file_paths() -> dict[str, Any]:
    """Uploading, captioning and removing an item's files."""
    return {
        "/items/{item_id}/files": {
            "parameters": params("ItemId"),
            "post": operation(
                "uploadFile",
                "Attach a file to an editable item (contributors)",
                "files",
                answer(201, "The stored file.", ref("UploadedFile"))
                | errors(*WRITE, 409, 413, 422),
                requestBody=_upload_body(),
            ),
        },
        "/items/{item_id}/files/{file_id}": {
            "parameters": params("ItemId", "FileId"),
            "patch": operation(
                "updateFile",
                "Change a file's caption",
                "files",
                answer(200, "The file.", ref("File")) | errors(*WRITE, 422),
                requestBody=json_body(ref("Caption")),
            ),
            "delete": operation(
                "deleteFile",
                "Remove a file from an editable item",
                "files",
                answer(204, "Removed.") | errors(*WRITE, 422),
            ),
        },
        "/items/{item_id}/files/{file_id}/text": {
            "parameters": params("ItemId", "FileId"),
            "put": operation(
                "correctFileText",
                "Correct the words read from a file (curators)",
                "files",
                answer(200, "The file, its text corrected.", ref("File")) | errors(*WRITE, 422),
                requestBody=json_body(ref("FileTextInput")),
                description="One line a segment; search reads every line of a corrected text. "
                "An empty text leaves the file without words.",
            ),
        },
    }


def _download_paths() -> dict[str, Any]:
    """Downloading a file or one of its renditions."""
    rendition = {
        "name": "rendition",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": ["original", "web", "thumb", "poster"]},
        "description": "The uploaded file, or a JPEG made from it.",
    }
    disposition = {
        "Content-Disposition": {
            "description": "attachment, with the original name (RFC 5987 for Chinese names).",
            "schema": {"type": "string"},
        }
    }
    binary = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
    ok = {"200": {"description": "The bytes.", "headers": disposition, "content": binary}}
    return {
        "/files/{file_id}/{rendition}": {
            "parameters": [*params("FileId"), rendition],
            "get": operation(
                "downloadFile",
                "The bytes of a file or of one of its renditions",
                "files",
                ok | errors(*READ, 404, 409),
                parameters=[
                    query(
                        "accept_terms",
                        {"type": "string", "enum": ["editorial_only"]},
                        "A media account confirms an editorial-only item's terms (else 409).",
                    )
                ],
            ),
        },
    }


def _search_paths() -> dict[str, Any]:
    """Searching the library."""
    search_params = [
        query("q", {"type": "string", "maxLength": 500}, "Words, in Chinese or English."),
        *(facet_param(facet) for facet in shown_facets(staff=True)),
        query(
            "from",
            {"type": "string", "format": "date"},
            "Only items of this day or later: the event's date, else the day it was approved.",
        ),
        query("to", {"type": "string", "format": "date"}, "Only items of this day or earlier."),
        query("sort", {"type": "string", "enum": list(SORTS)}, "Order."),
        *params("SearchPage", "PerPage"),
    ]
    return {
        "/search": {
            "get": operation(
                "search",
                "Search within the caller's scope, with facet counts",
                "search",
                answer(200, "One page of results.", ref("SearchResults")) | errors(*READ, 403, 422),
                parameters=search_params,
            )
        },
        "/openapi.json": {
            "get": operation(
                "openapi",
                "This description",
                "account",
                answer(200, "The OpenAPI document.", {"type": "object"}),
                security=[],
            )
        },
    }


def _report_paths() -> dict[str, Any]:
    """The quarterly report and recorded uses."""
    period = query(
        "period",
        {"type": "string", "pattern": r"^\d{4}([Qq][1-4]|-(0[1-9]|1[0-2]))?$"},
        "2026Q4, 2026-11 or 2026; the current quarter when absent.",
    )
    return {
        "/reports": {
            "get": operation(
                "getReport",
                "The period's figures and evaluation index (the centre: every member "
                "organisation; a contributor: their own)",
                "reports",
                answer(200, "The report.", ref("Report")) | errors(*READ, 403, 422),
                parameters=[period],
            )
        },
        "/items/{item_id}/uses": {
            "parameters": params("ItemId"),
            "get": operation(
                "listUses",
                "Where the item was published",
                "reports",
                answer(200, "The recorded uses.", ref("UseList")) | errors(*READ, 404),
            ),
            "post": operation(
                "recordUse",
                "Record a publication of an approved item (media accounts, curators)",
                "reports",
                answer(201, "The recorded use.", ref("Use")) | errors(*WRITE, 409, 422),
                requestBody=json_body(ref("UseCreate")),
            ),
        },
        "/uses/{use_id}": {
            "parameters": params("UseId"),
            "delete": operation(
                "removeUse",
                "Take back a recorded use (its recorder or a curator)",
                "reports",
                answer(204, "Removed.") | errors(*WRITE),
            ),
        },
    }


def _people_paths() -> dict[str, Any]:
    """科技人物 and the expert directory."""
    filters = [
        query("q", {"type": "string", "maxLength": 80}, "Name, other name or pinyin initials."),
        query("field", enum(Discipline), "Only people in this field."),
        query("honour", {"type": "string", "maxLength": 80}, "Only people with this honour."),
        query("region", {"type": "string", "maxLength": 40}, "Only people of this region."),
        *params("SearchPage"),
    ]
    listing = answer(200, "One page of people, by name.", ref("PersonList")) | errors(*READ)
    return {
        "/people": {
            "get": operation(
                "listPeople",
                "People the caller may see (media accounts: those who agreed to be featured)",
                "people",
                listing,
                parameters=filters,
            )
        },
        "/experts": {
            "get": operation(
                "listExperts",
                "Experts who agreed to be contacted by the media, through the centre",
                "people",
                listing,
                parameters=filters,
            )
        },
        "/people/{person_id}": {
            "get": operation(
                "getPerson",
                "One person and the approved material featuring them",
                "people",
                answer(200, "The person.", ref("PersonDetail")) | errors(*READ, 404),
                parameters=[
                    {
                        "name": "person_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1},
                    },
                    *params("SearchPage"),
                ],
            )
        },
    }


def _desk_paths() -> dict[str, Any]:
    """A journalist's desk: saved searches and collections."""
    collection_id = {
        "name": "collection_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }
    return {
        "/saved-searches": {
            "get": operation(
                "listSavedSearches",
                "The caller's saved searches, with their feeds",
                "search",
                answer(200, "The saved searches, by name.", ref("SavedSearchList")) | errors(*READ),
            ),
            "post": operation(
                "saveSearch",
                "Save a search; new approved matches are announced once a day at most",
                "search",
                answer(201, "The saved search.", ref("SavedSearch")) | errors(*WRITE, 422),
                requestBody=json_body(ref("SavedSearchCreate")),
            ),
        },
        "/collections": {
            "get": operation(
                "listCollections",
                "The caller's collections and those shared with the caller",
                "search",
                answer(200, "The collections, the basket first.", ref("CollectionList"))
                | errors(*READ),
            )
        },
        "/collections/{collection_id}": {
            "get": operation(
                "getCollection",
                "One collection with its items and notes",
                "search",
                answer(200, "The collection.", ref("CollectionDetail")) | errors(*READ, 404),
                parameters=[collection_id],
            )
        },
        "/collections/{collection_id}/items": {
            "post": operation(
                "addToCollection",
                "Put an approved item into a collection (the owner and editors)",
                "search",
                answer(201, "The collection.", ref("CollectionDetail")) | errors(*WRITE, 409, 422),
                parameters=[collection_id],
                requestBody=json_body(ref("CollectionAdd")),
            )
        },
    }


def paths() -> dict[str, Any]:
    """Every path of the API."""
    return {
        **_desk_paths(),
        **_people_paths(),
        **_account_paths(),
        **_item_paths(),
        **_workflow_paths(),
        **_file_paths(),
        **_download_paths(),
        **_search_paths(),
        **_report_paths(),
    }
