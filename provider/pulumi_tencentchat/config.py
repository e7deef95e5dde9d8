"""Provider settings: stack config + environment -> validated :class:`ClientSettings`."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, model_validator

from .errors import ConfigError
from .ratelimit import DEFAULT_RATE, MAX_RATE
from .regions import REGION_NAMES, get_region, validate_endpoint
from .retry import RetryPolicy
from .validation import member_account

NAMESPACE = "tencentchat"
#: The App admin account the Chat console creates with every application.
DEFAULT_IDENTIFIER = "administrator"

#: setting -> (config key, environment variable or None, secret?)
KEYS: dict[str, tuple[str, str | None, bool]] = {
    "sdkappid": ("sdkAppId", "TENCENTCHAT_SDKAPPID", False),
    "identifier": ("identifier", "TENCENTCHAT_IDENTIFIER", False),
    "secret_key": ("secretKey", "TENCENTCHAT_SECRET_KEY", True),
    "usersig": ("userSig", "TENCENTCHAT_USERSIG", True),
    "region": ("region", "TENCENTCHAT_REGION", False),
    "endpoint": ("endpoint", "TENCENTCHAT_ENDPOINT", False),
    "requests_per_second": ("requestsPerSecond", None, False),
    "connect_timeout": ("connectTimeout", None, False),
    "read_timeout": ("readTimeout", None, False),
    "operation_timeout": ("operationTimeout", None, False),
}

_PLACEHOLDER = {
    "sdkappid": "<SDKAppID>",
    "identifier": "<admin-user-id>",
    "secret_key": "<key>",
    "usersig": "<usersig>",
    "region": "<region>",
    "endpoint": "<https-url>",
    "requests_per_second": "<number>",
    "connect_timeout": "<seconds>",
    "read_timeout": "<seconds>",
    "operation_timeout": "<seconds>",
}


#: Appended when no ``tencentchat:*`` key arrived at all: the CLI passes the stack config to
#: Python dynamic providers only from 3.139 (pulumi/pulumi#17673; engine
#: ``pkg/resource/deploy/target.go:40-72``); an older CLI sends none.
MIN_CLI_VERSION = "3.139.0"
_NO_CONFIG_AT_ALL = (
    f" No tencentchat:* key reached the provider at all: the Pulumi CLI passes stack "
    f"configuration to Python dynamic providers only from version {MIN_CLI_VERSION}. If the "
    f"key is set in Pulumi.<stack>.yaml, check `pulumi version` and upgrade the CLI "
    f"(or pass the settings as TENCENTCHAT_* environment variables).")


def full_key(setting: str) -> str:
    """``tencentchat:<key>`` for a setting name."""
    return f"{NAMESPACE}:{KEYS[setting][0]}"


def fix_hint(setting: str) -> str:
    """The command(s) that set ``setting``."""
    _key, env, secret = KEYS[setting]
    flag = "--secret " if secret else ""
    text = f"Run `pulumi config set {flag}{full_key(setting)} {_PLACEHOLDER[setting]}`"
    if env:
        text += f" or set {env}"
    return text + "."


def _bad(setting: str, rule: str) -> ConfigError:
    return ConfigError(f"{full_key(setting)} {rule}. {fix_hint(setting)}")


class ClientSettings(BaseModel):
    """Validated connection settings; ``TencentChatClient.from_settings`` builds the client.

    Secret values are ``SecretStr``: they never appear in ``repr`` or error messages.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    sdkappid: int
    identifier: str = DEFAULT_IDENTIFIER
    secret_key: SecretStr | None = None
    usersig: SecretStr | None = None
    region: str | None = None
    endpoint: str | None = None
    requests_per_second: float = DEFAULT_RATE
    connect_timeout: float = RetryPolicy.connect_timeout
    read_timeout: float = RetryPolicy.read_timeout
    operation_timeout: float = RetryPolicy.deadline

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            # pydantic messages can echo input values: report field names and rules only.
            first = exc.errors(include_input=False, include_url=False)[0]
            original = (first.get("ctx") or {}).get("error")
            if isinstance(original, ConfigError):
                raise ConfigError(str(original)) from None
            setting = str(first["loc"][0]) if first.get("loc") else "settings"
            if setting in KEYS:
                raise _bad(setting, f"is invalid ({first['msg']})") from None
            raise ConfigError(f"invalid provider settings: {first['msg']}") from None

    @model_validator(mode="after")
    def _check(self) -> ClientSettings:
        if self.sdkappid <= 0:
            raise _bad("sdkappid", "must be a positive integer (the SDKAppID from the console)")
        try:
            member_account(self.identifier)  # the admin is a UserID like any member
        except ValueError:
            raise _bad("identifier", "must be an App admin UserID of 1 to 32 bytes of "
                       "printable ASCII, without surrounding whitespace") from None
        has_key = self.secret_key is not None and self.secret_key.get_secret_value() != ""
        has_sig = self.usersig is not None and self.usersig.get_secret_value() != ""
        if has_key == has_sig:
            which = "both are set" if has_key else "neither is set"
            raise ConfigError(
                f"exactly one of tencentchat:secretKey or tencentchat:userSig is required "
                f"({which}). Run `pulumi config set --secret tencentchat:secretKey <key>` "
                "(recommended: the provider signs and renews its own UserSig) or set "
                "TENCENTCHAT_SECRET_KEY; or `pulumi config set --secret tencentchat:userSig "
                "<usersig>` / TENCENTCHAT_USERSIG."
            )
        if (self.region is None) == (self.endpoint is None):
            which = "both are set" if self.region is not None else "neither is set"
            raise ConfigError(
                f"exactly one of tencentchat:region or tencentchat:endpoint is required "
                f"({which}). Run `pulumi config set tencentchat:region <region>` (one of "
                f"{', '.join(REGION_NAMES)}) or set TENCENTCHAT_REGION; or `pulumi config set "
                "tencentchat:endpoint <https-url>` / TENCENTCHAT_ENDPOINT."
            )
        if self.region is not None:
            try:
                get_region(self.region)
            except ValueError:
                raise _bad(
                    "region",
                    f"is {self.region!r}, not a Tencent Chat region; valid regions: "
                    + ", ".join(REGION_NAMES),
                ) from None
        if self.endpoint is not None:
            try:
                validate_endpoint(self.endpoint)
            except ValueError as exc:
                raise _bad("endpoint", f"is invalid: {exc}") from None
        if not (0 < self.requests_per_second <= MAX_RATE) or math.isnan(
            self.requests_per_second
        ):
            raise _bad(
                "requests_per_second",
                f"must be greater than 0 and at most {MAX_RATE:g} (the API's per-second cap)",
            )
        for name in ("connect_timeout", "read_timeout", "operation_timeout"):
            value = getattr(self, name)
            if not (0 < value <= 3600) or math.isnan(value):
                raise _bad(name, "must be a number of seconds greater than 0 and at most 3600")
        return self

    @property
    def base_url(self) -> str:
        from .regions import resolve_base_url

        return resolve_base_url(self.region, self.endpoint)

    @classmethod
    def from_config(
        cls,
        get: Callable[[str], str | None],
        environ: Mapping[str, str] = os.environ,
    ) -> ClientSettings:
        """Read ``tencentchat:*`` keys via ``get`` and let ``TENCENTCHAT_*`` env vars win.

        An environment credential replaces a configured credential of the other kind
        (secret key vs UserSig); the same holds for region vs endpoint.
        """

        def text(value: object) -> str | None:
            if value is None:
                return None
            out = str(value).strip()
            return out or None

        values: dict[str, str | None] = {}
        for setting, (_key, env, _secret) in KEYS.items():
            values[setting] = text(get(full_key(setting)))
            if env is not None:
                env_value = text(environ.get(env))
                if env_value is not None:
                    values[setting] = env_value
                    values[f"env:{setting}"] = "1"

        def prefer_env(a: str, b: str) -> None:
            a_env, b_env = f"env:{a}" in values, f"env:{b}" in values
            if a_env and not b_env:
                values[b] = None
            elif b_env and not a_env:
                values[a] = None

        prefer_env("secret_key", "usersig")
        prefer_env("region", "endpoint")

        data: dict[str, Any] = {}
        raw_id = values["sdkappid"]
        if raw_id is None:
            configured = any(get(full_key(setting)) is not None for setting in KEYS)
            raise ConfigError(f"{full_key('sdkappid')} is not set. {fix_hint('sdkappid')}"
                              + ("" if configured else _NO_CONFIG_AT_ALL))
        try:
            data["sdkappid"] = int(raw_id)
        except ValueError:
            raise _bad("sdkappid", "must be a number (the SDKAppID from the Chat console)") \
                from None
        if values["identifier"] is not None:
            data["identifier"] = values["identifier"]
        for setting in ("secret_key", "usersig"):
            if values[setting] is not None:
                data[setting] = SecretStr(values[setting])  # type: ignore[arg-type]
        for setting in ("region", "endpoint"):
            if values[setting] is not None:
                data[setting] = values[setting]
        for setting in ("requests_per_second", "connect_timeout", "read_timeout",
                        "operation_timeout"):
            raw = values[setting]
            if raw is None:
                continue
            try:
                data[setting] = float(raw)
            except ValueError:
                raise _bad(setting, f"must be a number, got {raw!r}") from None
        return cls(**data)

