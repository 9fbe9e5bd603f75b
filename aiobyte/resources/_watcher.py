"""One watcher per client for many concurrent job waits: status polls batched into lists.

``jobs.wait`` polls ``GET /jobs/{jobId}`` for its job. With thousands of waits on one
client (an orchestrator's triggerer, a fan-out of syncs), that is thousands of requests
per poll interval. One ``GET /jobs?orderBy=updatedAt|DESC`` answers a hundred jobs
at once, newest change first, so the watcher answers every wait from *rounds* of list
calls instead:

- a wait asks for news of its job; it joins the round in flight, or starts one (at most
  one every ``JOB_WATCH_ROUND_MIN`` seconds: the others join it); its first poll too,
  when other waits are batching: thousands of waits that begin together read their
  jobs from one round (a hundred a page) instead of one ``GET`` each, and a job that
  round does not show is asked for directly;
- a round pages through the jobs, newest change first (no filter: the server filters
  jobs after paging, so a filtered page says nothing about the jobs it left out), and
  stops once it has seen every watched job, or reaches jobs that last changed before
  the previous round began (those, watched or not, have not changed since), or has read
  as many pages as the watched jobs fill, plus those of the jobs whose waits just ended
  (they changed lately, so they are still on the first pages), plus a few;
- a job read by a wait (its first poll) sends the next round back no further than the
  last change it shows or the newest change a round showed before, whichever is later:
  it was read after both. A job queued for a week does not send every round a week back
  through the history of a busy workspace;
- pages are offsets into a list that moves while it is read: a job that changes jumps
  to the top, and the jobs between shift by one, so a round can miss a job. A watched job
  that a round should have shown (it changed since the round's horizon, or the round
  stopped at its page limit before it) and did not is asked for directly, in the same
  poll; first polls a round did not answer too;
- a watched job the rounds have not shown for ``JOB_WATCH_STALE`` seconds is asked for
  directly, and so is every job while fewer than ``JOB_WATCH_BATCH_MIN`` are watched,
  after a round failed, for ``JOB_WATCH_STALE`` seconds after a round stopped at its page
  limit having shown fewer watched jobs than it read pages (so many jobs change that are
  not watched that rounds cost more than they save; a round that shows most of them and
  leaves a few to direct polls goes on), or for good once the server refused a list
  call (a token that may not list jobs): the watcher never makes a wait miss its job's
  final state, it only saves requests.

``jobs.wait`` hands its wait over once it has read its job (``until_final``), while the
rounds answer the waits: it sleeps on one future until its job has ended, and the
watcher's one task asks about it on the wait's own schedule (its poll interval growing
as before), answering it as soon as a round shows its final state, or handing it back to
poll on its own at its deadline or when rounds stop answering. 10,000 waits then hold
no timer and make no garbage while their jobs run: each poll of a sleeping wait made
a chain of coroutines and futures that lived through the sleep, and the collector's
full passes over them held the loop (``jobs.watch`` polls as before: it yields every
change).

When a round ends, its waits are woken ``JOB_WATCH_WAKE_BURST`` per turn of the event
loop, not all in one: 10,000 waits woken at once would hold the loop for a quarter of a
second (and their next polls would come due together again); handed waits are answered
so too, and looked at ``_BATCH`` per turn.

Rounds run in tasks of their own, awaited through a shield: a wait that is cancelled
stops waiting, the round goes on for the others.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
import logging
from collections import deque
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _config
from .._clock import Clock
from .._errors import AirbyteError, APIConnectionError, InternalServerError, RateLimitError
from ..models import Job

if TYPE_CHECKING:
    from .jobs import Jobs

__all__ = ["Alarm", "JobWatcher"]

_T = TypeVar("_T")

logger = logging.getLogger("aiobyte")

_FINAL = frozenset({"succeeded", "failed", "cancelled"})  # statuses a job does not leave
_BATCH = 500  # handed waits looked at per turn of the loop

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

    __slots__ = ("newest", "number", "seen", "started", "task", "waiters")

    def __init__(self, started: float, number: int) -> None:
        self.started = started
        self.number = number
        self.seen: dict[int, Job] = {}
        self.newest: float | None = None
        self.task: asyncio.Task[None] | None = None
        # The waits for its end, woken a burst per turn of the loop once it ends.
        self.waiters: deque[tuple[asyncio.Future[None], None]] = deque()

    def wake(self, _: object = None) -> None:
        """Wake its waiters, a burst per turn of the loop."""
        _settle(self.waiters)


class _Bell:
    """The sleepers of one grain of due times: one timer for all of them."""

    __slots__ = ("live", "task", "waiters")

    def __init__(self) -> None:
        self.waiters: deque[tuple[asyncio.Future[None], None]] = deque()
        self.live = 0  # waiters not cancelled
        self.task: asyncio.Task[None] | None = None


class _Waiter:
    """A wait handed to the watcher until its job ends."""

    __slots__ = ("deadline", "future", "interval", "job_id", "last", "max_interval")

    def __init__(
        self,
        job_id: int,
        last: Job,
        future: asyncio.Future[Job],
        interval: float,
        max_interval: float,
        deadline: float | None,
    ) -> None:
        self.job_id = job_id
        self.last = last
        self.future = future
        self.interval = interval
        self.max_interval = max_interval
        self.deadline = deadline


def _settle(answers: deque[tuple[asyncio.Future[_T], _T]]) -> None:
    """Answer the next burst of waiters, each with its result; the rest in the next turns
    of the loop (thousands woken in one turn would hold it)."""
    for _ in range(min(len(answers), _config.JOB_WATCH_WAKE_BURST)):
        future, result = answers.popleft()
        if not future.done():  # not cancelled meanwhile
            future.set_result(result)
    if answers:
        asyncio.get_running_loop().call_soon(_settle, answers)


class Alarm:
    """The sleeps of waits between polls, on the client's clock.

    10,000 waits that began together poll together: their 10,000 timers would fire in
    one turn of the event loop and their tasks run in the next, holding it for a tenth
    of a second or more. Sleeps that end within ``JOB_WATCH_SLEEP_GRAIN`` seconds of
    each other share one timer (the first one's: a lone sleep lasts exactly as long
    as asked), and their sleepers are woken ``JOB_WATCH_WAKE_BURST`` per turn.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._bells: dict[int, _Bell] = {}

    async def sleep(self, seconds: float) -> None:
        """Sleep about ``seconds`` (within the grain, and the turns the burst takes)."""
        loop = asyncio.get_running_loop()
        grain = int((self._clock.monotonic() + seconds) // _config.JOB_WATCH_SLEEP_GRAIN)
        bell = self._bells.get(grain)
        if bell is None:
            bell = self._bells[grain] = _Bell()
            bell.task = loop.create_task(self._ring(grain, bell, seconds))
        waiter = loop.create_future()
        bell.waiters.append((waiter, None))
        bell.live += 1
        try:
            await waiter
        except BaseException:
            bell.live -= 1
            if bell.live == 0 and bell.task is not None and not bell.task.done():
                # Nobody left to wake: no timer left behind.
                bell.task.cancel()
                self._drop(grain, bell)
            raise

    async def _ring(self, grain: int, bell: _Bell, seconds: float) -> None:
        try:
            await self._clock.sleep(seconds)
        finally:
            self._drop(grain, bell)
            _settle(bell.waiters)

    def _drop(self, grain: int, bell: _Bell) -> None:
        if self._bells.get(grain) is bell:
            del self._bells[grain]


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


class JobWatcher:
    """Answers ``jobs.wait``/``watch``/``run`` polls from batched list calls."""

    def __init__(self, jobs: Jobs, clock: Clock) -> None:
        self._jobs = jobs
        self._monotonic = clock.monotonic
        self._clock = clock
        # Waits handed over until their job ends (``until_final``): by when each wants
        # news next, and by job; the task that answers them, and what wakes it early.
        self._due: list[tuple[float, int, _Waiter]] = []
        # The handed waits by deadline: handed back the moment it comes, not a round
        # later, to take their last look as a wait polling on its own does.
        self._deadlines: list[tuple[float, int, _Waiter]] = []
        self._handed: dict[int, list[_Waiter]] = {}
        self._order = itertools.count()
        self._driver: asyncio.Task[None] | None = None
        self._poke: asyncio.Future[None] | None = None
        self._wake_at = float("inf")
        # Watched jobs: id -> number of waits on it; the newest state a round showed,
        # and when (on the client's clock).
        self._waits: dict[int, int] = {}
        # Jobs whose waits are at their first poll (no state read yet): id -> waits.
        self._first: dict[int, int] = {}
        self._latest: dict[int, Job] = {}
        self._shown: dict[int, float] = {}
        self._round: _Round | None = None
        self._rounds = 0  # rounds begun so far
        # Server time: every change to a watched job before it is in ``_latest`` (or
        # in what the wait read itself); rounds look back no further.
        self._horizon: float | None = None
        # The oldest change (less the margin) of the jobs watched since the last round
        # began: the next horizon may not be later, or their changes could be skipped.
        self._floor = float("inf")
        # The newest change any round showed (server time): a job read after it was
        # read at a later server time, so the rounds need not look back past it for it.
        self._newest = float("-inf")
        # When the jobs whose waits ended last changed (server time): until the horizon
        # passes them they still fill the rounds' pages, watched or not.
        self._ended: list[float] = []
        self._refused = False
        # Until then, polls go direct: the last round hit its page limit (many jobs
        # changing that are not watched), and rounds would cost more than they save.
        self._crowded_until = float("-inf")

    def watch(self, job: Job) -> None:
        """A wait begins on ``job`` (as just read from the server)."""
        job_id = job.job_id
        self._waits[job_id] = self._waits.get(job_id, 0) + 1
        self._shown.setdefault(job_id, self._monotonic())
        self._latest.setdefault(job_id, job)
        changed = _instant(job.last_updated_at)
        if changed is None:
            self._shown[job_id] = float("-inf")  # no timestamp to reason with: ask it
        else:
            # Its next change is later than when it was read, which is later than its
            # last change and than any change a round showed before: a job that last
            # changed a week ago must not send the rounds a week back.
            read = max(changed, self._newest)
            self._floor = min(self._floor, read - _config.JOB_WATCH_MARGIN)

    def unwatch(self, job_id: int, last: Job | None = None) -> None:
        """A wait on ``job_id`` ended (``last``: the job as it last read it)."""
        left = self._waits.get(job_id, 0) - 1
        if left > 0:
            self._waits[job_id] = left
            return
        self._waits.pop(job_id, None)
        self._shown.pop(job_id, None)
        self._latest.pop(job_id, None)
        changed = None if last is None else _instant(last.last_updated_at)
        if changed is not None and self._horizon is not None and changed >= self._horizon:
            self._ended.append(changed)

    @property
    def batching(self) -> bool:
        """Whether polls are answered from rounds (enough waits, and listing works)."""
        watched = len(self._waits) + len(self._first)
        return not self._refused and watched >= _config.JOB_WATCH_BATCH_MIN

    async def first(self, job_id: int) -> Job:
        """The first poll of a wait on ``job_id``: from a round when batching, else (or
        when the round did not show the job) ``GET /jobs/{id}``."""
        # Counted until it is answered, the GET included: waits that begin together
        # (each runs up to its first request before the next begins) find the others.
        first = self._first
        first[job_id] = first.get(job_id, 0) + 1
        begun = self._rounds  # rounds begun before this wait
        try:
            # A round that began before this wait may have read past its job: then the
            # next round, which looks for it from the start, answers it.
            for _ in range(2):
                if not self.batching or self._monotonic() < self._crowded_until:
                    break
                current = await self._join(fresh=True)
                if current is None:
                    break
                job = current.seen.get(job_id)
                if job is not None:
                    return job
                if current.number > begun:
                    break
            return await self._jobs.get(job_id)
        finally:
            left = first[job_id] - 1
            if left > 0:
                first[job_id] = left
            else:
                del first[job_id]

    async def poll(self, job_id: int, last: Job) -> Job:
        """News of a watched job: from a round when batching, else ``GET /jobs/{id}``.

        Returns ``last`` (or a newer state a round showed) when the job has not changed.
        """
        now = self._monotonic()
        if not self.batching or job_id not in self._waits or now < self._crowded_until:
            return await self._jobs.get(job_id)
        if now - self._shown[job_id] <= _config.JOB_WATCH_STALE:
            if await self._join() is None:
                return await self._jobs.get(job_id)  # the round failed: ask directly
            shown = self._shown.get(job_id)
            if shown is None or shown > float("-inf"):
                return self._latest.get(job_id, last)
            # The round could not vouch for this job (it stopped before it, or the job
            # moved while it paged): asked for now, not a poll interval later.
        job = await self._jobs.get(job_id)
        if job_id in self._shown:
            self._shown[job_id] = self._monotonic()
            self._latest[job_id] = job
        return job

    @property
    def answering(self) -> bool:
        """Whether waits may be handed over until their job ends (``until_final``)."""
        return self.batching and self._monotonic() >= self._crowded_until

    async def until_final(
        self,
        job_id: int,
        last: Job,
        interval: float,
        max_interval: float,
        deadline: float | None,
    ) -> Job:
        """The final state of a watched job, from the rounds; or, when the wait should
        poll on its own again (its deadline came, or rounds stopped answering: too few
        waits, a failed round or list call, a crowded workspace, a failed ``GET``), the
        newest state known.

        The wait is asked about on its own schedule (``interval`` growing to
        ``max_interval``), as if it polled: no task of its own wakes for it meanwhile,
        nothing is allocated for it, and it is woken once, when its job has ended.
        """
        loop = asyncio.get_running_loop()
        waiter = _Waiter(job_id, last, loop.create_future(), interval, max_interval, deadline)
        self._handed.setdefault(job_id, []).append(waiter)
        self._schedule(waiter, self._monotonic(), first=True)
        try:
            return await waiter.future
        finally:
            waiters = self._handed.get(job_id)
            if waiters is not None and waiter in waiters:
                waiters.remove(waiter)
                if not waiters:
                    del self._handed[job_id]
            if not self._handed and self._poke is not None and not self._poke.done():
                self._poke.set_result(None)  # nobody left: the driver ends, no timer behind

    def _schedule(self, waiter: _Waiter, now: float, *, first: bool = False) -> None:
        due = now + waiter.interval
        if waiter.deadline is not None:
            due = min(due, waiter.deadline)
            if first:
                heapq.heappush(self._deadlines, (waiter.deadline, next(self._order), waiter))
        heapq.heappush(self._due, (due, next(self._order), waiter))
        driver = self._driver
        if driver is None or driver.done():
            self._driver = driver = asyncio.get_running_loop().create_task(self._drive())
            driver.add_done_callback(_retrieve)
        elif due < self._wake_at and self._poke is not None and not self._poke.done():
            self._poke.set_result(None)

    async def _drive(self) -> None:
        """Answer the handed waits: a round when the first of them is due (rounds at
        least ``JOB_WATCH_ROUND_MIN`` apart), then each due one from it."""
        due, deadlines = self._due, self._deadlines
        try:
            while True:
                while due and due[0][2].future.done():
                    heapq.heappop(due)
                while deadlines and deadlines[0][2].future.done():
                    heapq.heappop(deadlines)
                if not due:
                    return
                self._release_expired()
                at = due[0][0]
                if self._round is not None:
                    at = max(at, self._round.started + _config.JOB_WATCH_ROUND_MIN)
                if deadlines:
                    at = min(at, deadlines[0][0])
                wait = at - self._monotonic()
                if wait > 0:
                    await self._nap(at, wait)
                    continue  # woken early by a wait due sooner, or it is time
                if not self.answering:
                    return
                current = await self._join()
                if current is None:
                    return  # the round failed: the waits poll on their own
                await self._answer(current)
        finally:
            self._hand_back()

    def _release_expired(self) -> None:
        """Hand back the waits whose deadline has come, with their job as known now."""
        deadlines, now = self._deadlines, self._monotonic()
        answers: deque[tuple[asyncio.Future[Job], Job]] = deque()
        while deadlines and deadlines[0][0] <= now:
            waiter = heapq.heappop(deadlines)[2]
            if not waiter.future.done():
                answers.append((waiter.future, self._latest.get(waiter.job_id, waiter.last)))
        _settle(answers)

    async def _nap(self, at: float, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._poke = poke = loop.create_future()
        self._wake_at = at
        sleeper = loop.create_task(self._clock.sleep(seconds))
        try:
            await asyncio.wait((sleeper, poke), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            self._poke = None
            self._wake_at = float("inf")

    async def _answer(self, current: _Round) -> None:
        # Thousands of waits may be due together: a share of them per turn of the loop.
        answers: deque[tuple[asyncio.Future[Job], Job]] = deque()
        handed = self._handed
        for job_id, job in current.seen.items():  # ended: answered now, due or not
            if job.status.value in _FINAL and job_id in handed:
                answers.extend((waiter.future, job) for waiter in handed[job_id])
        _settle(answers)
        answers = deque()
        now = self._monotonic()
        due, ready = self._due, []
        while due and due[0][0] <= now:
            waiter = heapq.heappop(due)[2]
            if not waiter.future.done():
                ready.append(waiter)
                if len(ready) % _BATCH == 0:
                    await asyncio.sleep(0)
        asking: dict[int, list[_Waiter]] = {}
        for i, waiter in enumerate(ready):
            if i % _BATCH == _BATCH - 1:
                await asyncio.sleep(0)
            if waiter.future.done():
                continue
            shown = self._shown.get(waiter.job_id)
            if shown is None or now - shown > _config.JOB_WATCH_STALE:
                asking.setdefault(waiter.job_id, []).append(waiter)  # asked directly
            else:
                self._next(waiter, self._latest.get(waiter.job_id, waiter.last), now, answers)
        if asking:
            # The jobs the rounds could not vouch for: one GET each.
            got = await asyncio.gather(
                *(self._jobs.get(job_id) for job_id in asking), return_exceptions=True
            )
            now = self._monotonic()
            for (job_id, waiters), answer in zip(asking.items(), got, strict=True):
                if isinstance(answer, Job):
                    if job_id in self._shown:
                        self._shown[job_id] = now
                        self._latest[job_id] = answer
                    for waiter in waiters:
                        self._next(waiter, answer, now, answers)
                else:  # the wait asks on its own, and meets the error there
                    answers.extend((w.future, self._latest.get(job_id, w.last)) for w in waiters)
        _settle(answers)

    def _next(
        self,
        waiter: _Waiter,
        job: Job,
        now: float,
        answers: deque[tuple[asyncio.Future[Job], Job]],
    ) -> None:
        """A due wait, its job as now known: answered if it ended or its deadline came,
        else asked about again after its next interval."""
        waiter.last = job
        if job.status.value in _FINAL or (waiter.deadline is not None and now >= waiter.deadline):
            answers.append((waiter.future, job))
            return
        waiter.interval = min(waiter.max_interval, waiter.interval * _config.JOB_POLL_FACTOR)
        self._schedule(waiter, now)

    def _hand_back(self) -> None:
        """Every wait still handed over goes back to polling on its own."""
        due, self._due = self._due, []
        self._deadlines = []
        answers = deque(
            (waiter.future, self._latest.get(waiter.job_id, waiter.last))
            for _, _, waiter in due
            if not waiter.future.done()
        )
        _settle(answers)

    async def _join(self, *, fresh: bool = False) -> _Round | None:
        """Wait for the round in flight, or a new one: None if it failed.

        A round that ended less than ``JOB_WATCH_ROUND_MIN`` seconds ago is news enough,
        unless ``fresh`` (a first poll: that round did not look for its job). A round
        in flight does, as long as it reads pages.
        """
        current = self._round
        if current is not None and current.task is not None and current.task.done():
            recent = self._monotonic() - current.started < _config.JOB_WATCH_ROUND_MIN
            succeeded = not current.task.cancelled() and current.task.exception() is None
            if recent and succeeded and not fresh:
                return current
            current = None
        if current is None:
            self._rounds += 1
            current = _Round(self._monotonic(), self._rounds)
            task = asyncio.get_running_loop().create_task(self._run(current))
            task.add_done_callback(_retrieve)
            task.add_done_callback(current.wake)
            current.task = task
            self._round = current
        running = current.task
        assert running is not None
        if not running.done():
            # Not the task itself: a wait that is cancelled leaves the round running.
            waiter = asyncio.get_running_loop().create_future()
            current.waiters.append((waiter, None))
            await waiter
        if running.cancelled():
            raise asyncio.CancelledError
        failure = running.exception()
        if isinstance(failure, AirbyteError):
            return None
        if failure is not None:
            raise failure
        return current

    async def _run(self, current: _Round) -> None:
        waits, first = self._waits, self._first
        wanted = {*waits, *first}
        floor, self._floor = self._floor, float("inf")
        horizon: float | None = floor if self._horizon is None else min(self._horizon, floor)
        if horizon == float("inf"):
            horizon = None  # nothing known yet: read until every job is seen
        if horizon is not None:
            # Jobs whose waits ended and that changed since the horizon: still on the
            # pages this round reads, before the horizon.
            self._ended = [changed for changed in self._ended if changed >= horizon]
        ended = len(self._ended)

        def pages_for(jobs: int) -> int:  # what the watched and just ended jobs fill
            return -(-(jobs + ended) // _config.PAGE_SIZE) + _config.JOB_WATCH_EXTRA_PAGES

        filled = -(-len(wanted) // _config.PAGE_SIZE)  # pages the watched jobs fill
        limit = pages_for(len(wanted))
        pages = 0
        reached_horizon = False
        exhausted = False  # every page read: what a round did not see is not listed
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
                    # also the jobs watched since it began
                    if job.job_id in waits or job.job_id in first:
                        current.seen[job.job_id] = job
                if pages >= limit:
                    # Waits that began meanwhile count too: their pages are not waste.
                    limit = max(limit, pages_for(len(waits) + len(first)))
                if reached_horizon or wanted <= current.seen.keys() or pages >= limit:
                    break
            else:
                exhausted = True
        except BaseException as exc:
            self._floor = min(self._floor, floor)  # still owed to the next round
            if isinstance(exc, AirbyteError) and not isinstance(exc, _PASSING):
                self._refused = True
                logger.info("listing jobs failed (%s): polling each job on its own", exc)
            raise
        shown = self._monotonic()
        seen = current.seen
        latest = self._latest
        for job_id, job in seen.items():
            if job_id in self._waits:
                latest[job_id] = job
                self._shown[job_id] = shown
        if current.newest is not None:
            self._newest = max(self._newest, current.newest)
        # Every watched job was seen, or is asked for directly at its next poll (below),
        # or (the horizon reached) has not changed since: the next round looks back only
        # to the newest change seen now, less a margin, or to the oldest change of a
        # job watched since this round began.
        if current.newest is not None:
            self._horizon = min(current.newest - _config.JOB_WATCH_MARGIN, self._floor)
        elif horizon is not None:
            self._horizon = min(horizon, self._floor)
        # Stopped at its page limit, not at the horizon, the end or the last job it wanted.
        stopped_short = not (reached_horizon or exhausted or wanted <= seen.keys())
        for job_id in wanted - seen.keys():
            if job_id not in self._shown:
                continue  # a first poll (it asks directly), or its wait ended meanwhile
            state = latest.get(job_id)
            changed = None if state is None else _instant(state.last_updated_at)
            recent = changed is None or horizon is None or changed >= horizon
            if exhausted or stopped_short or recent:
                # No page showed it (deleted, or never listed); or the round stopped at
                # its page limit before reaching it; or it changed since the horizon,
                # so it was on the pages read, unless it moved while the round paged
                # (offsets shift as jobs change): asked for directly.
                self._shown[job_id] = float("-inf")
        if stopped_short and len(seen) < pages:
            # Stopped at its page limit having shown fewer watched jobs than it read
            # pages: so many jobs change that are not watched that rounds cost more
            # than asking for each job. Every poll goes directly for a while. (A round
            # that shows most of them does save requests, even if it asks for the rest.)
            self._crowded_until = shown + _config.JOB_WATCH_STALE
