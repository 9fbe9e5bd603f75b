"""One watcher per client for many concurrent job waits: status polls batched into lists.

``jobs.wait`` polls ``GET /jobs/{jobId}`` for its job. With thousands of waits on one
client (an orchestrator's triggerer, a fan-out of syncs), that is thousands of requests
per poll interval. One ``GET /jobs?orderBy=updatedAt|DESC`` answers a hundred jobs
at once, newest change first, so the watcher answers every wait from *rounds* of list
calls instead:

- a wait asks for news of its job; it joins the round in flight, or starts one (at most
  one every ``JOB_WATCH_ROUND_MIN`` seconds: the others join it);
- a round pages through the jobs, newest change first (no filter: the server filters
  jobs after paging, so a filtered page says nothing about the jobs it left out), and
  stops once it has seen every watched job, or reaches jobs that last changed before
  the previous round began (those, watched or not, have not changed since), or has read
  as many pages as the watched jobs fill plus a few;
- a watched job the rounds have not shown for ``JOB_WATCH_STALE`` seconds is asked for
  directly, and so is every job while fewer than ``JOB_WATCH_BATCH_MIN`` are watched,
  after a round failed, for ``JOB_WATCH_STALE`` seconds after a round hit its page
  limit (too many jobs changing that are not watched), or for good once the server
  refused a list call (a token that may not list jobs): the watcher never makes a
  wait miss its job's final state, it only saves requests.

Rounds run in tasks of their own, awaited through a shield: a wait that is cancelled
stops waiting, the round goes on for the others.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _config
from .._errors import AirbyteError, APIConnectionError, InternalServerError, RateLimitError
from ..models import Job

if TYPE_CHECKING:
    from .jobs import Jobs

__all__ = ["JobWatcher"]

logger = logging.getLogger("aiobyte")

# The rounds' own failures that say nothing about listing as such: the next round may
# work. Anything else (403, 400, ...) means this server or token will not list jobs.
_PASSING = (APIConnectionError, InternalServerError, RateLimitError)


def _instant(stamp: str | None) -> float | None:
    """Seconds since the epoch for the server's ISO 8601 timestamps; None if not one."""
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


class _Round:
    """One round of list calls: what it saw, and the newest change among it."""

    __slots__ = ("newest", "seen", "started", "task")

    def __init__(self, started: float) -> None:
        self.started = started
        self.seen: dict[int, Job] = {}
        self.newest: float | None = None
        self.task: asyncio.Task[None] | None = None


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


class JobWatcher:
    """Answers ``jobs.wait``/``watch``/``run`` polls from batched list calls."""

    def __init__(self, jobs: Jobs, monotonic: Callable[[], float]) -> None:
        self._jobs = jobs
        self._monotonic = monotonic
        # Watched jobs: id -> number of waits on it; the newest state a round showed,
        # and when (on the client's clock).
        self._waits: dict[int, int] = {}
        self._latest: dict[int, Job] = {}
        self._shown: dict[int, float] = {}
        self._round: _Round | None = None
        # Server time: every change to a watched job before it is in ``_latest`` (or
        # in what the wait read itself); rounds look back no further.
        self._horizon: float | None = None
        # The oldest change (less the margin) of the jobs watched since the last round
        # began: the next horizon may not be later, or their changes could be skipped.
        self._floor = float("inf")
        self._refused = False
        # Until then, polls go direct: the last round hit its page limit (many jobs
        # changing that are not watched), and rounds would cost more than they save.
        self._crowded_until = float("-inf")

    def watch(self, job: Job) -> None:
        """A wait begins on ``job`` (as just read from the server)."""
        job_id = job.job_id
        self._waits[job_id] = self._waits.get(job_id, 0) + 1
        self._shown.setdefault(job_id, self._monotonic())
        changed = _instant(job.last_updated_at)
        if changed is None:
            self._shown[job_id] = float("-inf")  # no timestamp to reason with: ask it
        else:
            self._floor = min(self._floor, changed - _config.JOB_WATCH_MARGIN)

    def unwatch(self, job_id: int) -> None:
        """A wait on ``job_id`` ended."""
        left = self._waits.get(job_id, 0) - 1
        if left > 0:
            self._waits[job_id] = left
            return
        self._waits.pop(job_id, None)
        self._shown.pop(job_id, None)
        self._latest.pop(job_id, None)

    @property
    def batching(self) -> bool:
        """Whether polls are answered from rounds (enough waits, and listing works)."""
        return not self._refused and len(self._waits) >= _config.JOB_WATCH_BATCH_MIN

    async def poll(self, job_id: int, last: Job) -> Job:
        """News of a watched job: from a round when batching, else ``GET /jobs/{id}``.

        Returns ``last`` (or a newer state a round showed) when the job has not changed.
        """
        now = self._monotonic()
        if not self.batching or job_id not in self._waits or now < self._crowded_until:
            return await self._jobs.get(job_id)
        if now - self._shown[job_id] > _config.JOB_WATCH_STALE:
            job = await self._jobs.get(job_id)
            if job_id in self._shown:
                self._shown[job_id] = self._monotonic()
                self._latest[job_id] = job
            return job
        if not await self._join():
            return await self._jobs.get(job_id)  # the round failed: ask directly
        return self._latest.get(job_id, last)

    async def _join(self) -> bool:
        """Wait for the round in flight, or a new one: False if it failed.

        A round that ended less than ``JOB_WATCH_ROUND_MIN`` seconds ago is news enough.
        """
        current = self._round
        if current is not None and current.task is not None and current.task.done():
            recent = self._monotonic() - current.started < _config.JOB_WATCH_ROUND_MIN
            if recent and not current.task.cancelled() and current.task.exception() is None:
                return True
            current = None
        if current is None:
            current = _Round(self._monotonic())
            task = asyncio.get_running_loop().create_task(self._run(current))
            task.add_done_callback(_retrieve)
            current.task = task
            self._round = current
        assert current.task is not None
        try:
            await asyncio.shield(current.task)
        except AirbyteError:
            return False
        return True

    async def _run(self, current: _Round) -> None:
        wanted = set(self._waits)
        floor, self._floor = self._floor, float("inf")
        horizon = None if self._horizon is None else min(self._horizon, floor)
        waits = self._waits
        filled = -(-len(wanted) // _config.PAGE_SIZE)  # pages the watched jobs fill
        limit = filled + _config.JOB_WATCH_EXTRA_PAGES
        pages = 0
        reached_horizon = False
        listing = self._jobs.list(order_by="updatedAt|DESC", page_size=_config.PAGE_SIZE)
        # Fetching ahead pays only when many pages are read; past the end it is waste.
        listing = listing.prefetch(max(1, min(filled, _config.PAGE_PREFETCH)))
        try:
            async for page in listing.pages():
                pages += 1
                for job in page.items:
                    changed = _instant(job.last_updated_at)
                    if changed is not None:
                        if current.newest is None or changed > current.newest:
                            current.newest = changed
                        if horizon is not None and changed < horizon:
                            reached_horizon = True
                    if job.job_id in waits:  # also the jobs watched since it began
                        current.seen[job.job_id] = job
                if reached_horizon or wanted <= current.seen.keys() or pages >= limit:
                    break
        except BaseException as exc:
            self._floor = min(self._floor, floor)  # still owed to the next round
            if isinstance(exc, AirbyteError) and not isinstance(exc, _PASSING):
                self._refused = True
                logger.info("listing jobs failed (%s): polling each job on its own", exc)
            raise
        shown = self._monotonic()
        for job_id, job in current.seen.items():
            if job_id in self._waits:
                self._latest[job_id] = job
                self._shown[job_id] = shown
        complete = reached_horizon or wanted <= current.seen.keys()
        if complete:
            # Every change since the horizon was on these pages (newest first): the
            # next round looks back only to the newest change seen now, less a margin,
            # or to the oldest change of a job watched since this round began.
            if current.newest is not None:
                self._horizon = min(current.newest - _config.JOB_WATCH_MARGIN, self._floor)
            elif horizon is not None:
                self._horizon = min(horizon, self._floor)
        else:
            # Stopped at the page limit: the watched jobs it did not reach are asked
            # for directly, and so is every job for a while; the horizon stays.
            for job_id in wanted - current.seen.keys():
                if job_id in self._shown:
                    self._shown[job_id] = float("-inf")
            self._crowded_until = shown + _config.JOB_WATCH_STALE
