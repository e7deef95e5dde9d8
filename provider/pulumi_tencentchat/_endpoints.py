"""What every endpoint family of the client builds on: the documented per-request caps, which
service serves which command, and the call shapes (a create, a chunked batch, a paged listing)
written once on top of the client's single ``_call``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from . import models as m
from ._wire import R
from .errors import TransportError

if TYPE_CHECKING:  # pragma: no cover
    from ._transport import Transport

GROUP_SERVICE = "group_open_http_svc"
TOPIC_SERVICE = "million_group_open_http_svc"
#: Commands not served by ``GROUP_SERVICE``.
SERVICES: dict[str, str] = {
    "create_topic": TOPIC_SERVICE,
    "modify_topic": TOPIC_SERVICE,
    "get_topic": TOPIC_SERVICE,
    "destroy_topic": TOPIC_SERVICE,
}

#: Per-request caps (docs/tencent-api.md#list-caps-and-page-sizes).
DESTROY_CHUNK = 20
GET_BY_ID_CHUNK = 20
TOPIC_PERMISSION_CHUNK = 50
TOPIC_ID_CHUNK = 50
MEMBER_CHUNK = 100
MAX_GROUP_PAGE = 20
MAX_MEMBER_PAGE = 50
GROUP_INFO_CHUNK = 50  # get_group_info GroupIdList (docs/tencent-api.md#list-caps-and-page-sizes)
MAX_APPID_GROUP_PAGE = 10000  # Limit (docs/tencent-api.md#720-get_appid_group_list)

I = TypeVar("I")  # noqa: E741
T = TypeVar("T")


def unique(values: Iterable[str]) -> list[str]:
    """``values`` without repeats, in first-seen order."""
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def page_limit(limit: int, cap: int) -> int:
    """A page size the API accepts: 1 to ``cap``."""
    return max(1, min(int(limit), cap))


class Endpoints:
    """Base of the endpoint families composed into
    :class:`~pulumi_tencentchat.client.TencentChatClient`, which supplies these attributes."""

    _identifier: str
    _transport: Transport
    #: POST one command with retries and return the parsed answer
    #: (``TencentChatClient._call``).
    _call: Callable[..., Any]

    def _create(
        self,
        command: str,
        body: m.WireModel,
        response_model: type[R],
        field: str,
        created: Callable[[R], str],
        requested: str | None,
    ) -> str:
        """Create an object; return its ID: the server's when it chose one (the answer must
        carry ``field`` then), else the one requested, which the answer may not contradict.

        Retried only when an ID was requested (a retry cannot then make a second object).
        """
        response = self._call(
            command,
            body.to_wire(),
            response_model,
            idempotent=requested is not None,
            expect=(field,) if requested is None else (),
        )
        answered = created(response)
        if requested is None:
            return answered  # present: required through ``expect``
        if answered and answered != requested:
            raise self._transport.refused(command, f"the answer's {field} is not the ID requested")
        return requested

    def _follow_pages(
        self, command: str, fetch: Callable[[str], tuple[list[T], str]]
    ) -> Iterator[T]:
        """Yield items page by page, following ``Next`` until ``""``; a repeated cursor fails."""
        cursor = ""
        seen: set[str] = set()
        while True:
            items, cursor = fetch(cursor)
            yield from items
            if not cursor:
                return
            if cursor in seen:
                raise TransportError(command, self._transport.host, "decode",
                                     "paging cursor repeated")
            seen.add(cursor)

    def _batch(
        self,
        command: str,
        items: list[I],
        *,
        chunk: int,
        build: Callable[[list[I]], m.WireModel],
        response_model: type[R],
        results: Callable[[R], list[Any]],
    ) -> m.BatchResult[Any]:
        """One call per ``chunk`` items; the per-item results of all of them, in order."""
        collected: list[Any] = []
        doubts: list[bool] = []
        for part in m.chunked(items, chunk):
            response = self._call(command, build(part).to_wire(), response_model,
                                  on_doubt=lambda: doubts.append(True))
            collected.extend(results(response))
        return m.BatchResult[Any](command=command, items=collected, doubtful=bool(doubts))

    def _all_or_batch(
        self,
        command: str,
        ids: Sequence[str] | None,
        *,
        chunk: int,
        build: Callable[[list[str] | None], m.WireModel],
        response_model: type[R],
        results: Callable[[R], list[Any]],
    ) -> m.BatchResult[Any]:
        """Every item in one call when ``ids`` is None, else a batch of those IDs."""
        if ids is None:
            response = self._call(command, build(None).to_wire(), response_model)
            return m.BatchResult[Any](command=command, items=results(response))
        return self._batch(command, unique(ids), chunk=chunk, build=build,
                           response_model=response_model, results=results)
