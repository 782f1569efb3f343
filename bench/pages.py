"""Page and comment benchmarks against the production profile (run by hand).

    .venv/bin/python bench/pages.py [--duration 10] [--connections 8]
        [--sizes 2,50,200,1000] [--skip-posts]
    .venv/bin/python bench/pages.py --in-process [--repeat 30] [--sizes ...]

What it does, on this machine only (127.0.0.1):

1. starts PostgreSQL and Redis if needed, creates the ``manchette_bench``
   database, runs ``collectstatic`` and ``migrate`` with the production settings;
2. seeds articles with 2, 50, 200 and 1,000 approved comments (``bench-seed``);
3. for each server configuration (page cache off with default comment
   pagination, page cache off with every comment on one page, page cache on)
   starts gunicorn (``manchette/gunicorn_conf.py``, Redis cache, PostgreSQL
   pool), warms up, then runs ``wrk`` against each article and reads the
   gunicorn processes' CPU time from ``/proc/<pid>/stat`` before and after;
4. posts comments through the real form flow (CSRF cookie + token and a fresh
   signed form token per POST, fetched beforehand from the cached page) with
   ``wrk`` and a Lua script, and counts the comments stored;
5. prints a Markdown table (requests/s, p50/p99 latency, server CPU ms per
   request) to paste into docs/performance.md.

``--in-process`` skips gunicorn and wrk: after steps 1-2 it renders each
article with ``django.test.Client`` inside this process (production settings,
page cache off, PostgreSQL and Redis) and reports the CPU time
(``time.process_time``) per uncached page, median over ``--repeat`` renders,
with the comment list fragment warm and cold (the page's version token
replaced before each render, as after a comment status change). CPU time, not
wall time, so other work on the machine inflates it less.

``wrk`` comes from Debian (``apt-get install -y wrk``). The client runs on the
same 2 cores as the server, so requests/s are a lower bound for the server.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
PORT = 8099
BASE = f"http://{HOST}:{PORT}"
CLK_TCK = os.sysconf("SC_CLK_TCK")
#: ``bench-seed`` size of the article that receives the benchmark's posts.
POST_ARTICLE_COMMENTS = 1

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "manchette.settings.production",
    "DATABASE_URL": os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/manchette_bench"
    ),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
    "SECRET_KEY": "bench-only-" + "k" * 60,
    "ALLOWED_HOSTS": f"{HOST},localhost",
    "HTTPS": "0",
    "BIND": f"{HOST}:{PORT}",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "STATIC_ROOT": str(ROOT / "staticfiles"),
    "GUNICORN_MAX_REQUESTS": "0",
    "LOG_LEVEL": "WARNING",
}

POST_LUA = r"""
local lines = {}
local n = 0
local i = 0
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  local k = 0
  local nthreads = tonumber(args[2])
  for line in io.lines(args[1]) do
    if k % nthreads == tid then
      table.insert(lines, line)
    end
    k = k + 1
  end
  n = #lines
end
function request()
  i = i + 1
  if i > n then i = 1 end
  local cookie, body = lines[i]:match("^([^\t]*)\t(.*)$")
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
  }, body)
end
"""


@dataclass
class Result:
    """One wrk run: what was requested and what it cost."""

    label: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float
    errors: int
    kb: float
    load: float = 0.0

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_request(self) -> float:
        """Server CPU milliseconds per request."""
        return self.cpu_ms / self.requests if self.requests else 0.0


def manage(*args: str, env: dict[str, str] | None = None) -> str:
    """Run ``manage.py`` with the production environment; return stdout."""
    done = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env or ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def prepare(sizes: list[int]) -> dict[int, str]:
    """Start services, create and migrate the database, seed articles."""
    subprocess.run([str(ROOT / "scripts" / "ensure-services")], check=True)
    subprocess.run(
        [PY, str(ROOT / "scripts" / "ensure-database"), ENV["DATABASE_URL"]],
        check=True,
    )
    manage("collectstatic", "--no-input", "-v", "0")
    manage("migrate", "--no-input", "-v", "0", "--skip-checks")
    paths = {}
    for n in sizes:
        out = manage("bench-seed", "--comments", str(n), "--skip-checks")
        paths[n] = out.strip().splitlines()[-1]
        print(f"seeded {n:>5} comments at {paths[n]}", file=sys.stderr)
    return paths


def post_target() -> str:
    """Return the path of the article the POST runs write to.

    A separate article (seeded with one comment), so the comments posted by
    the benchmark never change the pages the page runs measure.
    """
    out = manage(
        "bench-seed", "--comments", str(POST_ARTICLE_COMMENTS), "--skip-checks"
    )
    return out.strip().splitlines()[-1]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cpu_ticks(pids: list[int]) -> int:
    """Return utime + stime (clock ticks) summed over ``pids``."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


class Server:
    """gunicorn with the production settings, started and stopped by the bench."""

    def __init__(self, **extra_env: str) -> None:
        self.env = {**ENV, **extra_env}
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", "python:manchette.gunicorn_conf"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{BASE}/healthz", timeout=30) as r:  # noqa: S310 - loopback http
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            self.__exit__()
            msg = "gunicorn did not become healthy"
            raise RuntimeError(msg)
        return self

    def pids(self) -> list[int]:
        """Return the master's and the workers' process ids."""
        if self.proc is None:
            return []
        return [self.proc.pid, *_children(self.proc.pid)]

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None


_LAT = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    server: Server,
    url: str,
    label: str,
    *,
    duration: int,
    connections: int,
    script: list[str] | None = None,
) -> Result:
    """Run wrk against ``url`` and measure the server's CPU time meanwhile."""
    pids = server.pids()
    before = cpu_ticks(pids)
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    # wrk reads the script's own arguments after the URL and a "--".
    if script:
        cut = script.index("--") if "--" in script else len(script)
        cmd += [*script[:cut], url, *script[cut:]]
    else:
        cmd.append(url)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    after = cpu_ticks(pids)
    span = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    if span is None:
        raise RuntimeError(out)
    requests = int(span[1])
    seconds = float(span[2]) * {"ms": 0.001, "s": 1.0, "m": 60.0}[span[3]]
    lat = {m[1]: _ms(m[2], m[3]) for m in _LAT.finditer(out)}
    errors_match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: .*?(\d+).*?(\d+).*?(\d+).*?(\d+)", out)
    errors = int(errors_match[1]) if errors_match else 0
    if socket_errors:
        errors += sum(int(socket_errors[i]) for i in range(1, 5))
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    kb = 0.0
    if transfer:
        kb = (
            float(transfer[1])
            * {"B": 1 / 1024, "KB": 1, "MB": 1024, "GB": 1 << 20}[transfer[2]]
        )
    return Result(
        label=label,
        requests=requests,
        seconds=seconds,
        p50_ms=lat.get("50", 0.0),
        p99_ms=lat.get("99", 0.0),
        cpu_ms=(after - before) * 1000 / CLK_TCK,
        errors=errors,
        kb=kb,
        load=os.getloadavg()[0],
    )


def page_benchmarks(
    paths: dict[int, str], *, duration: int, connections: int, only: set[str]
) -> list[Result]:
    """Measure every article uncached (two paginations) and cached.

    ``only`` keeps the configurations named there (``off``, ``off-one-page``,
    ``cached``); empty keeps all.
    """
    results = []
    configs = [
        # The comment list fragment stays on: after the warm-up these runs
        # measure the page rendered around a warm fragment.
        ("page cache off", {"PAGE_CACHE": "0"}),
        (
            "page cache off, one page",
            {"PAGE_CACHE": "0", "COMMENTS_PER_PAGE": "100000"},
        ),
        ("cached", {"PAGE_CACHE": "1"}),
    ]
    names = {"page cache off": "off", "page cache off, one page": "off-one-page"}
    for name, extra in configs:
        if only and names.get(name, name) not in only:
            continue
        with Server(**extra) as server:
            for n, path in paths.items():
                url = BASE + path
                run_wrk(server, url, "warm-up", duration=2, connections=connections)
                result = run_wrk(
                    server,
                    url,
                    f"{n} comments, {name}",
                    duration=duration,
                    connections=connections,
                )
                print(_row(result), file=sys.stderr)
                results.append(result)
    return results


def _fetch_form(
    url: str,
) -> tuple[str, dict[str, str], str]:
    """GET the page without cookies; return (csrf cookie, hidden fields, action)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url, timeout=10) as response:
        html = response.read().decode()
    cookie = next((c.value for c in jar if c.name == "csrftoken"), "")
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    )
    action = re.search(r'<form action="([^"]+)" method="post" id="commentform"', html)
    if action is None:
        msg = f"no comment form on {url}"
        raise RuntimeError(msg)
    return cookie or "", fields, action[1]


def _stored(marker: str) -> int:
    import psycopg

    url = urllib.parse.urlsplit(ENV["DATABASE_URL"])
    with psycopg.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.path.lstrip("/"),
    ) as conn:
        row = conn.execute(
            "SELECT count(*) FROM comments_comment WHERE body LIKE %s", [marker + "%"]
        ).fetchone()
    return int(row[0]) if row else 0


def post_benchmark(path: str, *, duration: int, connections: int) -> Result:
    """POST comments through the form, with moderation, and count what is stored.

    Every post comes from 127.0.0.1, so the per-IP budget of the comments app
    (``COMMENTS_IP_BUDGET``, 20 a minute by default) is raised for this server;
    the per-session and per-email flood slots still apply (each post has its
    own session and email).
    """
    marker = f"Banc {secrets.token_hex(3)}"
    with Server(PAGE_CACHE="1", COMMENTS_IP_BUDGET="100000000") as server:
        url = BASE + path
        count = 300 * duration

        def one(i: int) -> tuple[str, str]:
            cookie, fields, action = _fetch_form(url)
            fields.update(
                {
                    "body": f"{marker} {i} : un avis de lecteur sur le sujet du jour,"
                    " avec assez de mots pour passer les règles de longueur.",
                    "author_name": f"Lecteur {i}",
                    "author_email": f"banc{i}.{marker[5:]}@example.org",
                }
            )
            return action, f"{cookie}\t{urllib.parse.urlencode(fields)}"

        with ThreadPoolExecutor(max_workers=4) as pool:
            fetched = list(pool.map(one, range(count)))
        action = fetched[0][0]
        lines = [line for _action, line in fetched]
        time.sleep(3.5)  # past the form's minimum fill-in time
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "posts.tsv"
            data.write_text("\n".join(lines) + "\n")
            script = Path(tmp) / "post.lua"
            script.write_text(POST_LUA)
            before_rows = _stored(marker)
            result = run_wrk(
                server,
                BASE + action,
                "comment POST (form + moderation)",
                duration=duration,
                connections=connections,
                script=["-s", str(script), "--", str(data), "2"],
            )
            stored = _stored(marker) - before_rows
    if result.requests > len(lines):
        print(
            f"warning: wrk sent {result.requests} posts for {len(lines)} forms;"
            " forms were reused (refused as double posts)",
            file=sys.stderr,
        )
    result.label += f" ({result.requests} sent, {stored} stored)"
    result.requests = stored  # per-second and CPU figures count stored comments
    return result


def _row(r: Result) -> str:
    return (
        f"| {r.label} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
        f"| {r.cpu_per_request:.1f} | {r.kb / r.rps if r.rps else 0:.0f} | {r.errors} "
        f"| {r.load:.1f} |"
    )


def in_process(paths: dict[int, str], *, repeat: int) -> None:
    """Print CPU ms and queries per uncached page render, fragments warm and cold.

    Four states per article: every fragment warm; the comment list cold (page
    version token replaced before each render, as after a comment status
    change); the site fragments cold (site version token replaced, as after any
    page is published: route, chrome, article fragments re-rendered, comment
    list warm); no fragment cache at all (``OPS_FRAGMENT_CACHE=False``).
    """
    os.environ.update({**ENV, "PAGE_CACHE": "0", "COMMENTS_IP_BUDGET": "100000000"})
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    from manchette.ops.caching import SITE_VERSION_KEY, version_key

    def median_ms(client: Client, url: str, *, cold: list[str]) -> tuple[float, int]:
        samples = []
        queries = 0
        for _ in range(repeat):
            for key in cold:
                cache.set(key, secrets.token_hex(8), timeout=None)
            start = time.process_time()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            samples.append((time.process_time() - start) * 1000)
            queries = len(captured.captured_queries)
            if response.status_code != 200:
                msg = f"{url}: HTTP {response.status_code}"
                raise RuntimeError(msg)
        return sorted(samples)[len(samples) // 2], queries

    print(
        "| article | comments shown | all fragments warm | comment list cold"
        " | site fragments cold | no fragment cache |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for n, path in paths.items():
        page_pk = Page.objects.get(slug=path.rstrip("/").rsplit("/", 1)[1]).pk
        for per_page in (None, 100_000):
            overrides = {} if per_page is None else {"COMMENTS_PER_PAGE": per_page}
            cells = []
            shown = 0
            for state, cold, fragments in (
                ("warm", [], True),
                ("list", [version_key(page_pk)], True),
                ("site", [SITE_VERSION_KEY], True),
                ("none", [], False),
            ):
                with override_settings(**overrides, OPS_FRAGMENT_CACHE=fragments):
                    client = Client(HTTP_HOST=HOST)
                    for _ in range(3):
                        body = client.get(path).content
                    shown = body.count(b'class="comment depth-')
                    ms, queries = median_ms(client, path, cold=cold)
                cells.append(f"{ms:.1f} ms, {queries} q")
                del state
            label = f"{n} comments" + (", one page" if per_page else "")
            print(f"| {label} | {shown} | " + " | ".join(cells) + " |")
    print(
        f"\nCPU ms (time.process_time) and queries per request, median of {repeat}"
        f" renders each; load average {os.getloadavg()[0]:.1f} on"
        f" {os.cpu_count()} cores"
    )
    post_in_process(post_target(), count=max(repeat, 20))


def post_in_process(path: str, *, count: int) -> None:
    """Print CPU ms and queries per comment POST (form, CSRF, moderation).

    Fetches ``count`` forms from the page (each with its own CSRF cookie and
    signed form token), waits past the form's minimum fill-in time, then posts
    them one by one with ``django.test.Client`` (CSRF enforced) and times each
    POST with ``time.process_time``. The moderation engine runs in this
    process, as in a web worker; the first five posts warm it up.
    """
    from collections import Counter

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from manchette.comments.models import Comment

    marker = f"Banc {secrets.token_hex(3)}"
    forms = []
    for i in range(count + 5):
        client = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)
        html = client.get(path).content.decode()
        fields = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
        )
        found = re.search(
            r'<form action="([^"]+)" method="post" id="commentform"', html
        )
        if found is None:
            msg = f"no comment form on {path}"
            raise RuntimeError(msg)
        fields.update(
            {
                "body": f"{marker} {i} : un avis de lecteur sur le sujet du jour,"
                " avec assez de mots pour passer les règles de longueur.",
                "author_name": f"Lecteur {i}",
                "author_email": f"banc{i}.{marker[5:]}@example.org",
            }
        )
        forms.append((client, found[1], fields))
    time.sleep(3.5)  # past the form's minimum fill-in time
    for client, action, fields in forms[:5]:
        client.post(action, fields)
    samples = []
    queries = []
    for client, action, fields in forms[5:]:
        start = time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(action, fields)
        samples.append((time.process_time() - start) * 1000)
        queries.append(len(captured.captured_queries))
        if response.status_code not in {200, 302, 303}:
            msg = f"POST {action}: HTTP {response.status_code}"
            raise RuntimeError(msg)
    samples.sort()
    median, p90 = samples[len(samples) // 2], samples[len(samples) * 9 // 10]
    statuses = Counter(
        Comment.objects.filter(body__startswith=marker).values_list("status", flat=True)
    )
    print(
        f"\ncomment POST in process: {len(samples)} posts, CPU median"
        f" {median:.1f} ms, p90 {p90:.1f} ms; queries median"
        f" {sorted(queries)[len(queries) // 2]}; stored by"
        f" status {dict(statuses)}; load average {os.getloadavg()[0]:.1f}"
    )


def main() -> int:
    """Run everything and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--sizes", default="2,50,200,1000")
    parser.add_argument("--skip-posts", action="store_true")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="CPU time per uncached page in this process instead of wrk runs",
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated page runs to keep: off,off-one-page,cached",
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (WEB_CONCURRENCY)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="threads per worker (GUNICORN_THREADS; >1 = gthread, keep-alive)",
    )
    args = parser.parse_args()
    if args.in_process:
        in_process(prepare([int(s) for s in args.sizes.split(",")]), repeat=args.repeat)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 1
    if args.workers:
        ENV["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        ENV["GUNICORN_THREADS"] = str(args.threads)
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) * 0.5:
        print(
            f"warning: load average {load:.1f} on {os.cpu_count()} cores: other"
            " processes compete with the server; figures will be unreliable",
            file=sys.stderr,
        )
    sizes = [int(s) for s in args.sizes.split(",")]
    paths = prepare(sizes)
    only = {name for name in args.only.split(",") if name}
    results = page_benchmarks(
        paths, duration=args.duration, connections=args.connections, only=only
    )
    if not args.skip_posts:
        results.append(
            post_benchmark(
                post_target(), duration=args.duration, connections=args.connections
            )
        )
    workers = ENV.get("WEB_CONCURRENCY") or str(2 * (os.cpu_count() or 1))
    threads = int(ENV.get("GUNICORN_THREADS", "2"))
    kind = f"gthread ({threads} threads each)" if threads > 1 else "sync"
    print(
        f"\nwrk -t2 -c{args.connections} -d{args.duration}s --latency; gunicorn"
        f" {workers} {kind} workers; {os.cpu_count()} cores shared with wrk\n"
    )
    print(
        "| run | req/s | p50 ms | p99 ms | server CPU ms/req | KB/req | errors"
        " | load avg |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(_row(r))
    if not args.skip_posts:
        print(
            "\nPOST row: req/s = comments stored per second, server CPU ms ="
            " per stored comment (moderation included), latency = per POST."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
