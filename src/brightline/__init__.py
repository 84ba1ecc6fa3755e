"""brightline: the "Protecting Chicago" orders as tested rules, with a verifiable decision ledger.

What users call lives here::

    import brightline
    decision = brightline.decide({"jurisdiction": "chicago", "at": "2025-10-04", ...})
"""

from __future__ import annotations

from typing import Any

from brightline.errors import (
    BrightlineError,
    InvalidCase,
    InvalidInput,
    LedgerError,
    PackError,
    VerificationError,
    error_body,
)

__version__ = "0.1.0"


def decide(case: dict[str, Any], *, flips: bool = True) -> dict[str, Any]:
    """Decide one case (the JSON-shaped dict of cases.md) and return the decision dict."""
    from brightline.rules import decide as _decide

    return _decide(case, flips=flips)


__all__ = [
    "BrightlineError",
    "InvalidCase",
    "InvalidInput",
    "LedgerError",
    "PackError",
    "VerificationError",
    "__version__",
    "decide",
    "error_body",
]
