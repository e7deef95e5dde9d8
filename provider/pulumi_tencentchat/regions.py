"""Tencent Chat REST regions (docs/tencent-api.md#regions-and-domains) and base-URL
resolution."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Region:
    """A Chat data centre: its primary REST domain and the DNS-hijack fallback domain."""

    name: str
    primary: str
    backup: str

    @property
    def base_url(self) -> str:
        return f"https://{self.primary}"


REGIONS: dict[str, Region] = {
    r.name: r
    for r in (
        Region("china", "console.tim.qq.com", "adminapi.my-imcloud.com"),
        Region("singapore", "adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com"),
        Region("seoul", "adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com"),
        Region("tokyo", "adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com"),
        Region("frankfurt", "adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com"),
        Region("siliconvalley", "adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com"),
        Region("jakarta", "adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com"),
        Region("riyadh", "adminapiksa.im.qcloud.com", "adminapiksa.my-imcloud.com"),
        # Legacy: dropped from the newer permission-group pages, still on the REST overview.
        Region("mumbai", "adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com"),
    )
}

#: Names offered to users; "mumbai" is accepted but not advertised.
REGION_NAMES: tuple[str, ...] = (
    "china", "singapore", "seoul", "tokyo", "frankfurt", "siliconvalley", "jakarta", "riyadh",
)

_ALIASES = {"silicon-valley": "siliconvalley", "silicon_valley": "siliconvalley"}


def _normalise(name: str) -> str:
    key = name.strip().lower().replace(" ", "")
    return _ALIASES.get(key, key)


def get_region(name: str) -> Region:
    """Look a region up by name (case-insensitive); ``ValueError`` lists the valid names."""
    region = REGIONS.get(_normalise(name))
    if region is None:
        raise ValueError(
            f"region {name!r} is not a Tencent Chat region; valid regions: "
            + ", ".join(REGION_NAMES)
        )
    return region


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_endpoint(endpoint: str) -> str:
    """Return ``endpoint`` without a trailing slash, or raise ``ValueError`` naming it.

    HTTPS is required except for loopback hosts (local emulators), which may use HTTP.
    """
    text = endpoint.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"endpoint {endpoint!r} is not a valid URL") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(
            f"endpoint {endpoint!r} must be an absolute URL such as https://console.tim.qq.com"
        )
    if parts.scheme == "http" and not is_loopback_host(host):
        raise ValueError(
            f"endpoint {endpoint!r} must use https; plain http is allowed only for loopback "
            "hosts (localhost, 127.0.0.0/8, ::1)"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"endpoint {endpoint!r} must not contain a query string or fragment")
    return text.rstrip("/")


def resolve_base_url(region: str | None = None, endpoint: str | None = None) -> str:
    """Base URL from exactly one of ``region`` (a name) or ``endpoint`` (a URL)."""
    has_region = region is not None and region.strip() != ""
    has_endpoint = endpoint is not None and endpoint.strip() != ""
    if has_region and has_endpoint:
        raise ValueError("set either region or endpoint, not both")
    if not has_region and not has_endpoint:
        raise ValueError(
            "either region or endpoint is required; valid regions: " + ", ".join(REGION_NAMES)
        )
    if has_region:
        return get_region(region).base_url  # type: ignore[arg-type]
    return validate_endpoint(endpoint)  # type: ignore[arg-type]
