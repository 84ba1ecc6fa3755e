"""Running a coroutine from a test, whatever else holds the main thread's event loop."""

from __future__ import annotations

from typing import Any


def run_coroutine(coro: Any) -> Any:
    """Run ``coro`` to completion on a new event loop in its own thread.

    The browser tests keep a Playwright session open for the whole worker, and Playwright's sync
    API marks its event loop as running in the main thread; ``asyncio.run`` there would refuse.
    """
    import asyncio
    import threading

    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed back to the test
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]
