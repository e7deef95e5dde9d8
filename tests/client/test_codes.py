"""Tencent's codes are named once (``codes``), and every name is reachable where it was before."""

from __future__ import annotations

import pytest
from pulumi_tencentchat import codes
from pulumi_tencentchat import errors as e

NAMED = {name: value for name, value in vars(codes).items()
         if name.isupper() and isinstance(value, int)}
SETS = {name: value for name, value in vars(codes).items()
        if name.isupper() and isinstance(value, frozenset)}


def test_every_catalogued_code_has_exactly_one_name() -> None:
    assert sorted(NAMED.values()) == sorted(codes.CATALOGUE)
    assert len(set(NAMED.values())) == len(NAMED)


def test_every_code_set_holds_catalogued_codes_only() -> None:
    for name, members in SETS.items():
        assert members <= set(codes.CATALOGUE), name


@pytest.mark.parametrize("name", sorted([*NAMED, *SETS, "CATALOGUE"]))
def test_every_code_name_is_importable_from_errors(name: str) -> None:
    assert getattr(e, name) is getattr(codes, name)


def test_the_conflict_sets() -> None:
    assert codes.ID_IN_USE == {10021, 10025}
    # A create of a custom permission-group ID also looks at the server after 10004.
    assert codes.CREATE_CONFLICT_CODES == {10021, 10025, 10004}
    assert codes.CONFLICT_CODES == {10021, 10025, 10013}
    for code in codes.CONFLICT_CODES:
        assert e.error_class(code) is e.ConflictError
    assert e.error_class(codes.INVALID_PARAMETER) is e.InvalidRequestError


def test_named_codes_have_the_documented_values() -> None:
    assert (codes.INTERNAL_ERROR, codes.INVALID_PARAMETER, codes.FREQUENCY_LIMIT,
            codes.INSUFFICIENT_PERMISSION, codes.GROUP_NOT_FOUND, codes.ALREADY_MEMBER,
            codes.INVALID_GROUP_ID, codes.GROUP_ID_IN_USE, codes.GROUP_ID_IN_USE_BY_OWNER,
            codes.UNSUPPORTED, codes.REST_FREQUENCY) == (
        10002, 10004, 10006, 10007, 10010, 10013, 10015, 10021, 10025, 11000, 60007)
    assert (codes.PERMISSION_GROUP_NOT_FOUND, codes.INVALID_PERMISSION_GROUP_ID,
            codes.TOPIC_PERMISSION_NOT_FOUND) == (110006, 110008, 110011)


def test_explain_known_and_unknown_codes() -> None:
    meaning, action = e.explain(codes.PERMISSION_GROUP_NOT_FOUND)
    assert "permission group does not exist" in meaning and "pulumi refresh" in action
    assert e.explain(123456) == ("unknown error code",
                                 "look the code up in Tencent Chat's error code reference")
    failure = e.ItemFailure(key="k", code=codes.GROUP_NOT_FOUND)
    assert (failure.meaning, failure.action) == e.explain(10010)
