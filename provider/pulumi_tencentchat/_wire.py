"""What every wire model shares: the base class, Tencent's envelope, per-item results, and the
field types that normalise Tencent's loose answers (null text, integer or string cursors)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _empty_if_none(value: Any) -> Any:
    return "" if value is None else value


def _cursor(value: Any) -> Any:
    # Tencent's field table says Integer, the samples a String; normalise to str ("" = done)
    # (docs/tencent-api.md#74-get_permission_group).
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return "" if value == 0 else str(value)
    return value


#: Text that Tencent may answer as ``null``: read as ``""``.
Text = Annotated[str, BeforeValidator(_empty_if_none)]
#: A paging cursor, integer or string on the wire: read as a string, ``""`` at the end.
Cursor = Annotated[str, BeforeValidator(_cursor)]


class WireModel(BaseModel):
    """Base of every wire model: aliases on the wire, snake_case in Python, extras ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    def to_wire(self) -> dict[str, Any]:
        """The JSON object sent to Tencent Chat."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


def envelope_problem(data: Any) -> str | None:
    """Why ``data`` is not Tencent's envelope (docs/tencent-api.md#envelope), or None when it is.

    An answer counts only with a string ``ActionStatus`` and an integer ``ErrorCode``; a
    zero code must come with ``"OK"``. A gateway's ``{"code": 503}``, ``{}`` or
    ``{"ErrorCode": 0}`` is not an answer: treating it as success would report objects
    that were never made, or gone when they exist.
    """
    if not isinstance(data, dict):
        return "body is not a JSON object"
    if "ActionStatus" not in data or "ErrorCode" not in data:
        return "ActionStatus or ErrorCode missing"
    if not isinstance(data["ActionStatus"], str):
        return "ActionStatus is not a string"
    code = data["ErrorCode"]
    if not isinstance(code, int) or isinstance(code, bool):
        return "ErrorCode is not an integer"
    if code == 0 and data["ActionStatus"] != "OK":
        return "ActionStatus is not OK although ErrorCode is 0"
    return None


class Envelope(WireModel):
    """Fields every response carries (docs/tencent-api.md#envelope).

    Parse only bodies :func:`envelope_problem` accepted: the model itself tolerates a missing
    ``ActionStatus`` (documented samples of some list items omit it) but never assumes "OK".
    """

    #: Wire names of the result fields a successful answer to this command must carry.
    RESULT_FIELDS: ClassVar[tuple[str, ...]] = ()

    action_status: str = Field("", alias="ActionStatus")
    error_code: int = Field(alias="ErrorCode")
    error_info: Text = Field("", alias="ErrorInfo")

    @property
    def ok(self) -> bool:
        return self.action_status == "OK" and self.error_code == 0

    @classmethod
    def missing_results(cls, data: dict[str, Any], extra: Sequence[str] = ()) -> list[str]:
        """The result fields (``RESULT_FIELDS`` plus ``extra``) absent, null or empty-string."""
        return [name for name in (*cls.RESULT_FIELDS, *extra) if data.get(name) in (None, "")]


#: A response model: what a call returns, parsed.
R = TypeVar("R", bound=Envelope)


class ItemResult(WireModel):
    """A per-item result of a batch call."""

    error_code: int = Field(0, alias="ErrorCode")
    error_info: Text = Field("", alias="ErrorInfo")

    @property
    def ok(self) -> bool:
        """True when this item succeeded."""
        return self.error_code == 0

    @property
    def key(self) -> str:
        """The identifier this item refers to (used in failure reports)."""
        return ""
