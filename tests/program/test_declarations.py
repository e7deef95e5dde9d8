"""Each resource's inputs are declared once (its provider's ``Inputs`` model); the forms users
write (``…Args``, constructor keywords) and read (``Output`` annotations) must agree with it.

Like a provider schema test: adding a field to one place and not the others fails here.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from pulumi_tencentchat.resources._fields import Mode, rule_of

from tests.support.registry import ResourceSpec, resources

SPECS = resources()


def keywords(spec: ResourceSpec) -> dict[str, inspect.Parameter]:
    params = inspect.signature(spec.cls.__init__).parameters.values()
    return {p.name: p for p in params if p.kind is p.KEYWORD_ONLY and p.name != "opts"}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_inputs_args_keywords_and_outputs_agree(spec: ResourceSpec) -> None:
    inputs = list(spec.provider.Inputs.model_fields)
    assert sorted(f.name for f in dataclasses.fields(spec.args)) == sorted(inputs)
    assert sorted(keywords(spec)) == sorted(inputs)
    outputs = set(spec.cls.__annotations__)
    derived = set(spec.provider.derived)
    assert outputs == set(inputs) | set(spec.provider.outputs_only) | derived
    # A derived value is computed from an input and is not one itself.
    assert not derived & set(inputs) and not derived & set(spec.provider.outputs_only)
    assert {d.source for d in spec.provider.derived.values()} <= set(inputs)


PERMISSION_OUTPUTS = {"PermissionGroup": {"permission_names": "permission"},
                      "TopicPermission": {"permission_names": "permission"},
                      "TopicPermissions": {"permission_names": "permissions"},
                      "CommunityPermissionSettings": {"default_permission_names":
                                                      "default_permission"}}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_permission_input_has_its_bit_names(spec: ResourceSpec) -> None:
    # Every input holding a permission bitmask carries its bit names as a derived output.
    bitmasks = {name for name, info in spec.provider.Inputs.model_fields.items()
                if "permission" in name and info.annotation is int}
    sources = {name: d.source for name, d in spec.provider.derived.items()}
    assert sources == PERMISSION_OUTPUTS.get(spec.name, {})
    assert bitmasks <= set(sources.values())


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_input_has_a_rule_and_a_diff_mode(spec: ResourceSpec) -> None:
    for name in spec.provider.Inputs.model_fields:
        found = rule_of(spec.provider.Inputs, name)
        assert found is not None and isinstance(found.mode, Mode), name
    provider = spec.provider
    assert provider.replace_fields  # an identity
    assert set(provider.replace_fields) | set(provider.update_fields) == set(
        provider.Inputs.model_fields)
    assert not set(provider.replace_fields) & set(provider.update_fields)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_defaults_agree(spec: ResourceSpec) -> None:
    model_fields = spec.provider.Inputs.model_fields
    args_fields = {f.name: f for f in dataclasses.fields(spec.args)}
    filled = set(spec.provider.program_filled)
    for name, info in model_fields.items():
        arg = args_fields[name]
        keyword = keywords(spec)[name]
        if info.is_required() and name not in filled:
            assert arg.default is dataclasses.MISSING, name  # required in …Args too
            assert keyword.default is None, name  # checked in the program, named
            continue
        default = None if info.is_required() else info.default
        assert arg.default in (default, None), (name, arg.default, default)
        assert keyword.default in (default, None), (name, keyword.default, default)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_type_token_and_provider_module(spec: ResourceSpec) -> None:
    # Provider classes are pickled by reference into state: their paths are a contract.
    assert spec.provider.__module__ == spec.module == spec.cls.__module__
    assert spec.cls._resource_type_name == f"dynamic/tencentchat:{spec.name}"
    assert spec.provider.kind == spec.name
