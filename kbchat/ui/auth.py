"""Staff console access: constant-time password check and a growing delay after failures."""

from __future__ import annotations

import hmac

FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 60.0


def password_matches(given: str, expected: str) -> bool:
    """Compare in constant time; an empty expected password never matches."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def lockout_seconds(failures: int) -> float:
    """How long to refuse new attempts after this many consecutive failures."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY_SECONDS, 2.0 ** (failures - FREE_ATTEMPTS + 1))
