"""Privacy helpers: anonymised IP addresses and keyed, non-reversible avatars.

An IP address is kept only as its network: the last octet of an IPv4 address
(/24) and everything after the first 48 bits of an IPv6 address (/48) are zeroed,
the rule Isso applies before storing an address.
"""

from __future__ import annotations

import base64
import functools
import ipaddress

from django.utils.crypto import salted_hmac

#: How many leading bits of an address :func:`anonymize_ip` keeps.
IPV4_PREFIX = 24
IPV6_PREFIX = 48

_AVATAR_SALT = "manchette.comments.avatar"
_AVATAR_GRID = 5
_AVATAR_CELL = 8


def anonymize_ip(raw: str | None) -> str | None:
    """Return the /24 (IPv4) or /48 (IPv6) network address of ``raw``.

    An IPv4-mapped IPv6 address is treated as IPv4. Return ``None`` for an empty
    or unparsable value rather than storing something that is not an address.
    """
    if not raw:
        return None
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(_network(address).network_address)


def _network(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def anonymized_network(stored: str) -> str:
    """Return the network an anonymised address stands for, with its prefix.

    ``"127.0.0.0"`` gives ``"127.0.0.0/24"`` and ``"2001:db8:1::"`` gives
    ``"2001:db8:1::/48"``: every address :func:`anonymize_ip` stores as
    ``stored``. A value that is not an address is returned unchanged.
    """
    try:
        address = ipaddress.ip_address(stored.strip())
    except ValueError:
        return stored
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(_network(address))


def avatar_key(*, email: str, name: str) -> bytes:
    """Return a keyed digest identifying an author for their avatar.

    The digest is an HMAC keyed with ``SECRET_KEY`` (``salted_hmac``), so nobody
    without the server secret can test an email guess against it offline. It is
    never rendered as text: only the picture drawn from it is.
    """
    identity = (email.strip().lower() or name.strip().casefold()).encode()
    return salted_hmac(_AVATAR_SALT, identity, algorithm="sha256").digest()


@functools.lru_cache(maxsize=4096)
def _identicon_data_uri(key: bytes) -> str:
    hue = int.from_bytes(key[:2], "big") % 360
    colour = f"hsl({hue},55%,45%)"
    half = (_AVATAR_GRID + 1) // 2
    cells = []
    bits = int.from_bytes(key[2:6], "big")
    for row in range(_AVATAR_GRID):
        for col in range(half):
            if bits & 1:
                for x in {col, _AVATAR_GRID - 1 - col}:
                    cells.append(
                        f'<rect x="{x * _AVATAR_CELL}" y="{row * _AVATAR_CELL}" '
                        f'width="{_AVATAR_CELL}" height="{_AVATAR_CELL}"/>'
                    )
            bits >>= 1
    size = _AVATAR_GRID * _AVATAR_CELL
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">'
        f'<rect width="{size}" height="{size}" fill="#eef0f2"/>'
        f'<g fill="{colour}">{"".join(cells)}</g></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def avatar_data_uri(*, email: str, name: str) -> str:
    """Return an identicon for an author as an inline ``data:`` SVG URI.

    The picture is drawn locally (no Gravatar or other third party) from
    :func:`avatar_key`, so it is stable for an author but reveals nothing that
    could be matched against an email address.
    """
    return _identicon_data_uri(avatar_key(email=email, name=name))
