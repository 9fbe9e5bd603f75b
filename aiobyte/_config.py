"""Every tunable number in aiobyte, with the reason for its value.

Options of :class:`aiobyte.AirbyteClient` default to these; nothing else in the
package hard-codes a timeout, a cap or a size.
"""

from __future__ import annotations

#: Airbyte Cloud. Self-managed installs serve the same API under ``/api/public/v1``.
CLOUD_BASE_URL = "https://api.airbyte.com/v1"
SELF_MANAGED_EXAMPLE = "http://localhost:8000/api/public/v1"

#: Environment variables read when the caller passes nothing.
ENV_BASE_URL = "AIRBYTE_API_URL"
ENV_CLIENT_ID = "AIRBYTE_CLIENT_ID"
ENV_CLIENT_SECRET = "AIRBYTE_CLIENT_SECRET"
ENV_TOKEN = "AIRBYTE_TOKEN"

#: Requests one client keeps in flight at once. Tens keep a fan-out of thousands of
#: coroutines queued on our side instead of tripping the server's load shedding (429),
#: while a single caller still gets plenty of parallelism.
MAX_IN_FLIGHT = 32
#: Requests a client starts in one turn of the event loop, when its MAX_IN_FLIGHT is
#: larger: starting one (a new connection, above all) takes about 0.2 ms of the loop,
#: so 500 released at once (when a token arrives) would hold it for 100 ms; 32 at a
#: time hold it for a few ms per turn. A client within the default bound never waits.
SEND_BURST = 32

#: Seconds to open a TCP (and TLS) connection. Only the socket connect counts: waiting
#: for a free pooled connection is bounded by MAX_IN_FLIGHT, not by a timeout.
CONNECT_TIMEOUT = 10.0
#: Seconds without a byte from the server before an attempt is abandoned. Listing
#: pages of 100 connector configurations is well under a second on a healthy server.
READ_TIMEOUT = 60.0
#: Seconds one attempt may take in all (connect, send, and read the whole answer), so a
#: server that drips a byte every few seconds (never tripping READ_TIMEOUT) still ends.
#: Five minutes, aiohttp's own default: the slowest legitimate answers (``/streams``
#: runs the connector's schema discovery, which takes minutes on a large database)
#: fit, and a stuck attempt still ends. ``Timeouts(total=None)`` turns it off.
ATTEMPT_TIMEOUT = 300.0

#: Bytes of one answer's body (after decompression) read at most; a larger body is an
#: UnexpectedResponseError. The largest real answers (a page of 100 connections with
#: their stream settings, a declarative manifest) are a few MB: 32 MiB is ten times
#: that, yet a gzip bomb or an endless stream stops long before it can exhaust memory
#: (the body is held once while read, and once more while decoded).
MAX_BODY_SIZE = 32 * 1024 * 1024

#: Retries after the first attempt, for errors that are safe to retry.
MAX_RETRIES = 3
#: Exponential backoff: base * 2**n seconds, capped, with "equal jitter" (half fixed,
#: half random) so that callers who failed together do not come back together.
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
#: The longest ``Retry-After`` we wait for. A server asking for longer gets an error
#: (RateLimitError.retry_after says how long) instead of a silently hung caller.
RETRY_AFTER_CAP = 60.0
#: A 429 without ``Retry-After`` is the server's load shedding: a hard limit. Back off
#: much longer and give up sooner than for other errors.
HARD_RATE_LIMIT_RETRIES = 2
HARD_RATE_LIMIT_BACKOFF = 5.0
#: The retry budget shared by one client: at most RETRY_BUDGET + RETRY_BUDGET_RATIO x
#: (successful requests) retries in its lifetime, so a fan-out against a server that
#: is down costs about one request per caller, not MAX_RETRIES + 1 of them.
RETRY_BUDGET = 20.0
RETRY_BUDGET_RATIO = 0.2

#: Lifetime assumed for a token whose answer has neither ``expires_in`` nor an ``exp``
#: claim (older self-managed versions): Airbyte documents three minutes.
TOKEN_DEFAULT_LIFETIME = 180.0
#: A token is refreshed this fraction of its lifetime before it expires (18 s for
#: Cloud's 180 s tokens), never more than TOKEN_MARGIN_CAP: a fixed margin would either
#: refresh short tokens on every call or let long ones run to the edge.
TOKEN_MARGIN_RATIO = 0.1
TOKEN_MARGIN_CAP = 300.0
#: The longest a token is trusted for, whatever ``expires_in`` or ``exp`` say (1e308,
#: "inf"). Airbyte's tokens live minutes (scoped tokens 15); a day is far above any
#: real one, so a real token is never refreshed early, while a bogus lifetime still
#: ends and the arithmetic stays finite.
TOKEN_MAX_LIFETIME = 86_400.0
#: The token request's own retry budget (a RetryBudget of this many retries, one more
#: back per token obtained): a token endpoint that is down costs each refresh at most
#: its RetryPolicy's retries, and never the retries that API requests share.
TOKEN_RETRY_BUDGET = 6.0
TOKEN_RETRY_BUDGET_RATIO = 1.0

#: Token values (and credentials passed to ``applications.token``) a client remembers
#: in order to scrub them from what a server echoes, besides its configured secrets.
#: At one 180 s token every 162 s that is two days of tokens, about 1 MB of Airbyte's
#: JWTs: bounded in a service that runs for months, and far longer than any token lives.
SECRETS_REMEMBERED = 1000
#: Of those, the last this many are looked for in every form an echo may give them
#: (JSON-escaped, percent-encoded); the older ones as they are, in one pass whatever
#: their number, so that scrubbing an error costs the same after months of tokens.
SCRUB_RECENT = 8
#: A secret at least this long is masked wherever it appears in text aiobyte shows; a
#: shorter one (a test token "t", a password "abc") only where it stands alone, or
#: masking it inside every word would garble the message. Real client secrets and
#: tokens are tens to hundreds of characters.
SCRUB_ANYWHERE_FROM = 8

#: Page size for list endpoints: the server's maximum, so that listing 10,000 items
#: takes 100 requests, not 500 at the server's default of 20.
PAGE_SIZE = 100
PAGE_SIZE_MAX = 100
#: Pages a listing may have in flight ahead of the one being read. Offsets are known in
#: advance (0, 100, 200, ...), so a listing need not pay one round trip per page: the
#: window starts at one page and doubles while pages come back full. With 50 ms to the
#: server, 10,000 sources take about 0.9 s at 8 instead of 5.7 s one page at a time;
#: 16 would halve that again but take half of a default client's MAX_IN_FLIGHT for one
#: listing. At most this many requests are wasted past the last page.
PAGE_PREFETCH = 8

#: Characters of an unexpected body quoted in an error message.
ERROR_EXCERPT = 300

#: Job polling for ``jobs.wait``: start quickly (short syncs finish in seconds), then
#: settle at a gentle interval (a sync of hours needs no sub-second polling).
JOB_POLL_INITIAL = 1.0
JOB_POLL_MAX = 15.0
JOB_POLL_FACTOR = 1.5

#: ``jobs.watch``: seconds between polls by default. A progress display looks live at
#: this pace, and the server's row and byte counters do not move faster than that.
JOB_WATCH_INTERVAL = 2.0
#: ``jobs.run(attach=True)``: newest jobs of the connection searched for the running one
#: after a 409. A connection runs one job at a time, so it is among the newest.
JOB_ATTACH_SCAN = 20
#: ``jobs.run(cancel_on_exit=True)``: seconds the cancel request may take once the
#: caller is cancelled or timed out (it runs shielded): enough for the request and its
#: retries on a healthy server, bounded so a cancelled caller is not held for long.
JOB_CANCEL_TIMEOUT = 30.0
#: ``jobs.wait`` (and ``run``): seconds a streak of failed polls is ridden out when
#: each failure is transient (no connection, a timeout, 5xx, 429) before the wait ends
#: with the last error. A sync of hours should survive a rolling restart or a short
#: outage of the API; five minutes of nothing but failures is no longer "transient".
JOB_WAIT_GRACE = 300.0
#: The job watcher (``aiobyte/resources/_watcher.py``) answers the polls of many waits
#: on one client from list calls (a hundred jobs each) instead of one GET per job.
#: Below this many watched jobs a GET per poll is cheaper than a page of a hundred.
JOB_WATCH_BATCH_MIN = 4
#: Seconds between the starts of two rounds of list calls: the shortest poll interval
#: (JOB_POLL_INITIAL) doubled. Waits asking sooner get the last round's news.
JOB_WATCH_ROUND_MIN = 2.0
#: Seconds a watched job may go unseen by the rounds before it is asked for directly:
#: a bound on how late a final state can be noticed, whatever the server's ordering.
JOB_WATCH_STALE = 60.0
#: Seconds subtracted from the newest change a round saw before the next round stops
#: there: the server writes whole seconds, and two changes can share one.
JOB_WATCH_MARGIN = 5.0
#: Pages a round may read beyond those its watched jobs (and the jobs whose waits just
#: ended, still among the latest changes) fill, for the other jobs that changed (other
#: clients' syncs) before it leaves the rest to direct polls.
JOB_WATCH_EXTRA_PAGES = 3
#: Waits woken per turn of the event loop when a round ends. Each takes a few tens of
#: microseconds to read its answer and go back to sleep: 200 hold the loop for a few
#: ms; 10,000 at once held it for a quarter of a second.
JOB_WATCH_WAKE_BURST = 200
#: Seconds within which the sleeps of waits between polls end together on one timer
#: (their waits then woken JOB_WATCH_WAKE_BURST per turn): thousands of waits begun
#: together poll together, and a timer each would fire them all in one turn. A tenth
#: of a second is nothing next to a poll interval of one to fifteen.
JOB_WATCH_SLEEP_GRAIN = 0.1

#: ``fan_out``: keys worked on at once by default. Each key holds at most one request at
#: a time, so this stays below MAX_IN_FLIGHT and leaves the client room for other work.
FAN_OUT_LIMIT = 16
