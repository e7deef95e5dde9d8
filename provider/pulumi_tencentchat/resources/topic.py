"""``tencentchat:Topic``: a topic of a topic-enabled Community.

API: create/get/modify/destroy_topic (docs/tencent-api.md#716-create_topic to
#719-destroy_topic). Without ``topic_id`` the ID is derived from project, stack and resource name
(``<group_id>@TOPIC#_<name>-<hash>``), so a create whose answer was lost is recognised on the
next run. Every create, read, update and delete is one REST call on the happy path; an adopting
create (``adopt_existing``) reads first and writes only what differs. Deleting a
topic destroys its messages: protect production topics (``protect=True``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, UpdateResult
from pydantic import BaseModel, ConfigDict

from .. import validation as v
from ..codes import GROUP_NOT_FOUND, ID_IN_USE
from ..naming import auto_topic_id, is_auto_topic_id
from . import _claims
from ._base import BaseProvider, code_of, topic_in_its_community
from ._fields import STORED, Replace, StateOnly, Update
from ._program import construct, read_existing, resolve_now_or_later

if TYPE_CHECKING:
    from ..models import TopicInfo

# Unverified: the code for an unknown topic (per item of get/destroy_topic, and of
# modify_topic) is taken to be the one for an unknown group, 10010.
TOPIC_NOT_FOUND = GROUP_NOT_FOUND
# Unverified: a custom TopicId already in use is refused like a group ID in use (10021/10025).
CREATE_CONFLICT_CODES = ID_IN_USE
#: The profile fields ``modify_topic`` changes, as inputs.
PROFILE = ("topic_name", "introduction", "notification", "face_url", "custom_string")


class TopicInputs(BaseModel):
    """Checked inputs (and outputs) of a topic."""

    model_config = ConfigDict(frozen=True)

    group_id: Annotated[str, Replace(v.group_id)]
    topic_id: Annotated[str, Replace(v.topic_id)]
    topic_name: Annotated[str, Update(v.topic_name)]
    introduction: Annotated[str, Update(v.introduction)] = ""
    notification: Annotated[str, Update(v.notification)] = ""
    face_url: Annotated[str, Update(v.face_url)] = ""
    custom_string: Annotated[str, Update(v.custom_string)] = ""
    adopt_existing: Annotated[bool, StateOnly(v.flag)] = False


class TopicProvider(BaseProvider[TopicInputs]):
    """Create/read/update/delete of one topic."""

    kind = "Topic"
    Inputs = TopicInputs
    item_noun = "topic"
    program_filled = ("topic_id",)
    id_format = "'<topic_id>', e.g. '@TGS#_dev@TOPIC#_general'"

    cross_check = topic_in_its_community

    @staticmethod
    def ident(a: TopicInputs) -> str:
        return f"{a.topic_id}"

    @staticmethod
    def resource_id(a: TopicInputs) -> str:
        return a.topic_id

    @staticmethod
    def _profile(a: TopicInputs) -> dict[str, str]:
        return {name: getattr(a, name) for name in PROFILE}

    # -- create ---------------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        from ..errors import ChatClientError, certainly_not_applied, is_transient

        a = self.args(props)
        if a.adopt_existing:
            # Adoption looks before it writes: a topic that already holds the declared profile
            # costs one read and no write (an exported program applies without a change).
            found = self._fetch(a.group_id, a.topic_id)
            if found is not None:
                if not self._same(found, a):
                    self._modify(a, found)
                return CreateResult(self.resource_id(a), a.model_dump())
        profile = self._profile(a)
        try:
            self.client().create_topic(
                a.group_id, a.topic_name, topic_id=a.topic_id,
                **{k: (val or None) for k, val in profile.items() if k != "topic_name"})
        except ChatClientError as exc:
            conflict = code_of(exc) in CREATE_CONFLICT_CODES
            if not conflict and not (is_transient(exc) and not certainly_not_applied(exc)):
                raise self.fail(self.ident(a), "create", exc) from None
            existing = self._fetch(a.group_id, a.topic_id)
            if existing is None:
                raise self.fail(self.ident(a), "create", exc) from None
            same = self._same(existing, a)
            # Taken over only when something shows it is this stack's (see PermissionGroup).
            ours = (a.adopt_existing or is_auto_topic_id(a.topic_id)
                    or _claims.is_ours(self.identities(props)[0])
                    or (same and (not conflict or getattr(exc, "after_doubtful_attempt", False))))
            if not ours:
                raise self.fail(self.ident(a), "create", ValueError(
                    f"topic {a.topic_id} already exists (named {existing.topic_name!r}), and "
                    "nothing shows it belongs to this stack: another stack or the console may "
                    "own it. If this stack made it in an update that failed, or you mean to "
                    "manage it here, set adopt_existing=True (its profile is then updated to "
                    "the declared one; consider retain_on_delete=True and protect=True: "
                    "deleting a topic destroys its messages). If another stack manages it, "
                    "choose another topic_id.")) from None
            if not same:
                self._modify(a, existing)
        return CreateResult(self.resource_id(a), a.model_dump())

    @staticmethod
    def _same(existing: TopicInfo, a: TopicInputs) -> bool:
        return all(getattr(existing, name) == getattr(a, name) for name in PROFILE)

    def _fetch(self, group_id: str, topic_id: str) -> TopicInfo | None:
        """The server's record of this topic, or None when it (or its community) is gone."""
        result = self.call(topic_id, "read", lambda: self.client().get_topics(
            group_id, [topic_id]), gone=(GROUP_NOT_FOUND,))
        if result is None:
            return None
        self.check_items(topic_id, "read", result.items, gone=(TOPIC_NOT_FOUND,))
        return next((i for i in result.items if i.ok and i.topic_id == topic_id), None)

    def _modify(self, new: TopicInputs, old: Any) -> None:
        changes = {name: getattr(new, name) for name in PROFILE
                   if getattr(new, name) != (getattr(old, name) or "")}
        if not changes:
            return
        modified = self.call(self.ident(new), "update", lambda: self.client().modify_topic(
            new.group_id, new.topic_id, **changes) or True, gone=(TOPIC_NOT_FOUND,))
        if modified is None:
            # Destroyed outside Pulumi since the last refresh: bring it back as declared.
            self.call(self.ident(new), "update (re-create)", lambda: self.client().create_topic(
                new.group_id, new.topic_name, topic_id=new.topic_id,
                **{k: (val or None) for k, val in self._profile(new).items()
                   if k != "topic_name"}))

    # -- read, update, delete -------------------------------------------------------------
    def id_fields(self, id_: str) -> dict[str, str]:
        group, sep, rest = id_.partition(v.TOPIC_ID_SEPARATOR)
        if not sep or not rest or not group.startswith(v.COMMUNITY_ID_PREFIX):
            raise ValueError(f"{id_!r} is not a topic ID")
        return {"group_id": group, "topic_id": id_}

    def current(self, values: dict[str, Any], by_id: bool) -> dict[str, Any] | None:
        item = self._fetch(values["group_id"], values["topic_id"])
        if item is None:
            return None
        return TopicInputs.model_validate(dict(
            group_id=values["group_id"], topic_id=values["topic_id"],
            **{name: getattr(item, name) or "" for name in PROFILE},
            adopt_existing=bool(values.get("adopt_existing"))), context=STORED).model_dump()

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = self.args(news)
        self._modify(new, self.args(olds))
        return UpdateResult(new.model_dump())

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        a = self.args(props)
        if self.held(self.identities(props)[0]):
            return
        # A community that is gone took its topics with it.
        result = self.call(self.ident(a), "delete", lambda: self.client().destroy_topics(
            a.group_id, [a.topic_id]), gone=(GROUP_NOT_FOUND,))
        if result is not None:
            self.check_items(self.ident(a), "delete", result.items, gone=(TOPIC_NOT_FOUND,))


@dataclass
class TopicArgs:
    """Inputs of :class:`Topic`, in the style of Pulumi SDK ``…Args`` classes."""

    group_id: pulumi.Input[str]
    topic_name: pulumi.Input[str]
    topic_id: pulumi.Input[str] | None = None
    introduction: pulumi.Input[str] | None = None
    notification: pulumi.Input[str] | None = None
    face_url: pulumi.Input[str] | None = None
    custom_string: pulumi.Input[str] | None = None
    adopt_existing: pulumi.Input[bool] = False


class Topic(Resource, module="tencentchat", name="Topic"):
    """A topic of a Tencent Cloud Chat community.

    Without ``topic_id`` the ID is derived from project, stack and resource name (stable across
    runs). Deleting a topic destroys its messages: give production topics ``protect=True``.
    """

    group_id: pulumi.Output[str]
    topic_id: pulumi.Output[str]
    topic_name: pulumi.Output[str]
    introduction: pulumi.Output[str]
    notification: pulumi.Output[str]
    face_url: pulumi.Output[str]
    custom_string: pulumi.Output[str]
    adopt_existing: pulumi.Output[bool]

    def __init__(self, resource_name: str, args: TopicArgs | None = None, *,
                 group_id: pulumi.Input[str] | None = None,
                 topic_name: pulumi.Input[str] | None = None,
                 topic_id: pulumi.Input[str] | None = None,
                 introduction: pulumi.Input[str] | None = None,
                 notification: pulumi.Input[str] | None = None,
                 face_url: pulumi.Input[str] | None = None,
                 custom_string: pulumi.Input[str] | None = None,
                 adopt_existing: pulumi.Input[bool] = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        def named(props: dict[str, Any]) -> dict[str, Any]:
            if props.get("topic_id") is None and props.get("group_id") is not None:
                project, stack = pulumi.get_project(), pulumi.get_stack()
                props["topic_id"] = resolve_now_or_later(
                    props["group_id"], lambda g: auto_topic_id(g, project, stack, resource_name))
            return props

        construct(self, TopicProvider(), resource_name, args, dict(
            group_id=group_id, topic_name=topic_name, topic_id=topic_id,
            introduction=introduction, notification=notification, face_url=face_url,
            custom_string=custom_string, adopt_existing=adopt_existing), opts, fill=named)

    @classmethod
    def get(cls, resource_name: str, id: pulumi.Input[str],
            opts: pulumi.ResourceOptions | None = None) -> Topic:
        """An existing topic read by its ID, not managed by this stack; fails when it does not
        exist."""
        return read_existing(cls, TopicProvider(), resource_name, id, opts)
