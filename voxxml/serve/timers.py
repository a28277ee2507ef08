"""Durable timers: due times in the store, fired by whichever runner is alive.

Each runner looks at the store every ``timer_poll`` seconds, and also wakes up exactly when a
timer it stored itself is due (so a Pause costs no poll interval on a lone runner). A due timer
is claimed in the store (one claimer wins) and fired under its call's lock.

Beside the timers, the same loop finishes turns a dead runner left unfinished
(``Engine.recover_stuck``): every call at start, then every ``RECOVER_EVERY`` seconds the calls
not written for ``RECOVER_QUIET`` seconds (a request that never left brings no webhook).
"""

from __future__ import annotations

import asyncio
import logging
import time

import anyio.to_thread

from .engine import Engine
from .logs import log

RECOVER_EVERY = 0.5
RECOVER_QUIET = 1.0


class TimerLoop:
    def __init__(self, engine: Engine, poll: float) -> None:
        self.engine = engine
        self.poll = poll
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def wake_at(self, due: float) -> None:
        """Thread-safe: look again when ``due`` (epoch seconds) comes."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._schedule, due)

    def _schedule(self, due: float) -> None:
        assert self._loop is not None
        self._loop.call_later(max(0.0, due - time.time()), self._wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.engine.on_timer = self.wake_at
        store, owner = self.engine.store, self.engine.config.instance
        recovery = asyncio.create_task(self._recover())
        self._tasks.add(recovery)
        try:
            while True:
                try:
                    claimed = await anyio.to_thread.run_sync(store.claim_due, owner, time.time())
                except Exception as error:  # the store is down: say so, and try again at the next poll
                    log("cannot claim timers", logging.ERROR, error=f"{type(error).__name__}: {error}")
                    claimed = []
                for call_id, timer in claimed:
                    task = asyncio.create_task(self._fire(call_id, timer))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll)
                except asyncio.TimeoutError:
                    pass
                self._wake.clear()
        finally:
            recovery.cancel()

    async def _recover(self) -> None:
        quiet = 0.0  # at start: every unfinished turn (this runner's own, from before it died)
        while True:
            try:
                await anyio.to_thread.run_sync(self.engine.recover_stuck, quiet)
            except Exception as error:  # the store is down: say so, and try again
                log("cannot finish unfinished turns", logging.ERROR, error=f"{type(error).__name__}: {error}")
            quiet = RECOVER_QUIET
            await asyncio.sleep(RECOVER_EVERY)

    async def _fire(self, call_id: str, timer: int) -> None:
        try:
            await anyio.to_thread.run_sync(self.engine.fire_timer, call_id, timer)
        except Exception as error:  # logged with the call; the claim lapses and another runner retries
            log("timer failed", logging.ERROR, call=call_id, timer=timer, error=f"{type(error).__name__}: {error}")


__all__ = ["TimerLoop"]
