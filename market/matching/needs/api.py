"""The needs API under /api/v1/needs: the same services and rules as the pages.

Lists and full needs carry the private postcode: only the need's owners and staff reach
them (anyone else gets 404; a PA or trainer, 403)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromQuery, JSONBody

from market.errors import Invalid
from market.matching.needs import lifecycle as needs
from market.matching.needs import recipients
from market.matching.needs.pages import ACTORS
from market.matching.needs.schemas import (
    NeedInput,
    NeedOut,
    NeedSummary,
    RecipientInput,
    RecipientOut,
    StatusInput,
)
from market.web.params import RecordId


class NeedsAPI(Controller):
    path = "/api/v1/needs"
    opt = ACTORS
    tags = ["matching"]

    @get("/", summary="The needs you may act for (all of them for staff)")
    async def index(self, request: Request, status: FromQuery[str] = "") -> list[NeedSummary]:
        return await needs.list_needs(request.user, status=status)

    @post("/", summary="A new need (a draft) for a person you act for")
    async def create(self, request: Request, data: JSONBody[NeedInput]) -> NeedOut:
        if data.recipient_id is None:
            raise Invalid({"recipient_id": "Say which person the need is for"})
        need_id = await needs.create_need(request.user, data.recipient_id, data)
        return await needs.get_need(request.user, need_id)

    @get("/{need_id:int}", summary="A need in full, with its private postcode")
    async def show(self, request: Request, need_id: RecordId) -> NeedOut:
        return await needs.get_need(request.user, need_id)

    @put("/{need_id:int}", summary="Change a need: send the version you read, or get 409")
    async def update(self, request: Request, need_id: RecordId, data: JSONBody[NeedInput]) -> NeedOut:
        await needs.update_need(request.user, need_id, data)
        return await needs.get_need(request.user, need_id)

    @post("/{need_id:int}/status", summary="Open, pause, fill or close a need (with its version)")
    async def status(self, request: Request, need_id: RecordId, data: JSONBody[StatusInput]) -> NeedOut:
        await needs.change_status(request.user, need_id, data.action, data.version)
        return await needs.get_need(request.user, need_id)


class RecipientsAPI(Controller):
    path = "/api/v1/recipients"
    opt = ACTORS
    tags = ["matching"]

    @get("/", summary="The people you act for (everyone, for staff)")
    async def index(self, request: Request) -> list[RecipientOut]:
        return await recipients.list_recipients(request.user)

    @post("/", summary="Add a person you find support for")
    async def create(self, request: Request, data: JSONBody[RecipientInput]) -> RecipientOut:
        recipient_id = await recipients.create_recipient(request.user, data)
        return await recipients.get_recipient(request.user, recipient_id)


ROUTES: list[Any] = [NeedsAPI, RecipientsAPI]
