"""The scale benchmark: the desk over HTTP on committed archives of 10k and 100k claims (1M with --million).

    .venv/bin/python -m scripts.benchmark_scale                 # make benchmark-scale
    .venv/bin/python -m scripts.benchmark_scale --sizes 10000   # one size
    .venv/bin/python -m scripts.benchmark_scale --million       # adds 1M claims (generation takes long)

Each size has its own embedded PostgreSQL in var/archive-<size>/ (git-ignored), built once with
``manage.py generate_archive`` and reused after. For each: gunicorn with 2 workers and DEBUG off
serves it; every page is requested ``--runs`` times, one at a time, after two warm-up requests,
as the editor or as a partner (API key); p50 and p95 are reported with the response size. Then:
SQL queries per page (``manage.py benchmark_scale --queries``, Django's test client), the two
API ratios (the API list's p50 against raw psycopg fetching the same rows and fields, and against a
bare JsonResponse view returning the same 50 claims on the same stack), the change log's write rate
with generic plans on and off, the claim assistant's stories/s with matching
(``manage.py benchmark_assistant``), ``manage.py import_stories``'s stories/s (rolled back), each
gunicorn worker's memory after the run, and each page's slowest SQL query with its
``EXPLAIN (ANALYZE, BUFFERS)`` (shown for the largest size).

The tables go into docs/performance.md between the ``benchmark-scale`` markers, with the growth
from each size to the next; the raw figures into var/benchmark-scale.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import psutil

from scripts.soak import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "var" / "benchmark-scale.json"
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- benchmark-scale:start -->", "<!-- benchmark-scale:end -->"
PLAN_LINES = 20  # of each slowest query's plan in the doc (the whole plan is in var/benchmark-scale.json)


def label(claims: int) -> str:
    return f"{claims // 1_000_000}M" if claims >= 1_000_000 else f"{claims // 1000}k"


def environment(claims: int) -> dict[str, str]:
    archive = ROOT / "var" / f"archive-{label(claims)}"
    return {
        **os.environ,
        "CLAIMDESK_PGDATA": str(archive),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "benchmark-static"),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "scripts.benchmark_settings",
    }


def manage(env: dict[str, str], *args: str) -> str:
    # output to files, not pipes: the embedded PostgreSQL server a command starts inherits its
    # descriptors and outlives it, so a pipe would never reach end of file
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        code = subprocess.call([PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=err)  # noqa: S603
        out.seek(0), err.seek(0)
        if code:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{err.read()[-3000:]}")
        return out.read()


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return response.status, len(body), elapsed


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_size(claims: int, runs: int, workers: int) -> dict:
    env = environment(claims)
    Path(env["CLAIMDESK_PGDATA"]).parent.mkdir(exist_ok=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    prepared = json.loads(manage(env, "benchmark_scale", "--prepare", str(claims)).strip().splitlines()[-1])
    port = free_port()
    log = (ROOT / "var" / f"benchmark-gunicorn-{label(claims)}.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [PYTHON, "-m", "gunicorn", "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "300", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(port, "/accounts/login/", {})[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start: see var/benchmark-gunicorn-*.log") from None
                time.sleep(0.5)
        as_desk = {"Cookie": f"sessionid={prepared['session']}", "X-Forwarded-Proto": "https"}
        as_api = {"Authorization": f"Api-Key {prepared['key']}", "X-Forwarded-Proto": "https"}
        pages = {}
        for name, page in prepared["pages"].items():
            headers = as_desk if page["as"] == "desk" else as_api
            for _ in range(2 * workers):  # every worker loads templates, URL patterns and plans first
                get(port, page["path"], headers)
            samples, size, status = [], 0, 0
            for _ in range(runs):
                status, size, elapsed = get(port, page["path"], headers)
                samples.append(elapsed)
            p50, p95 = statistics.median(samples), percentile(samples, 0.95)
            pages[name] = {"p50": p50, "p95": p95, "bytes": size, "status": status}
            print(f"  {label(claims)} {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms ({status})")
        memory = [p.memory_info().rss / 2**20 for p in psutil.Process(server.pid).children()]
    finally:
        server.terminate()
        server.wait(timeout=60)
    load = os.getloadavg()  # the machine is shared: how busy it was while the pages were timed
    measured = json.loads(manage(env, "benchmark_scale", "--queries").strip().splitlines()[-1])
    return {"claims": prepared["claims"], "pages": pages, "worker_mb": memory, "load": load, **measured}


def growth(before: float, after: float) -> str:
    return f"{after / before:.1f}x" if before else "-"


def render(results: dict[str, dict]) -> str:
    sizes = sorted(results.values(), key=lambda r: r["claims"])
    heads = [label(r["claims"]) for r in sizes]
    lines = [
        START,
        "| page | "
        + " | ".join(f"{h} p50 / p95" for h in heads)
        + " | growth p50 | SQL queries | slowest query (ms) |",
        "|---|" + "---|" * (len(heads) + 3),
    ]

    def same(name: str, other: str) -> bool:  # "largest dispute (1,681 claims)" at one size, (1,900) at another
        return name.split(" (")[0] == other.split(" (")[0]

    def at(result: dict, section: str, name: str) -> dict | None:
        return next((v for n, v in result[section].items() if same(n, name)), None)

    for name in sizes[-1]["pages"]:
        pages = [at(r, "pages", name) for r in sizes]
        cells = [f"{p['p50']:.0f} / {p['p95']:.0f} ms" if p else "-" for p in pages]
        p50s = [p["p50"] if p else 0 for p in pages]
        grown = ", ".join(growth(a, b) for a, b in pairwise(p50s)) or "-"
        counts = [str((at(r, "queries", name) or {}).get("queries", "-")) for r in sizes]
        slowest = [(at(r, "queries", name) or {}).get("slowest_ms") for r in sizes]
        slow = " / ".join("-" if ms is None else f"{ms:.0f}" for ms in slowest)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {grown} | {' / '.join(counts)} | {slow} |")
    lines += ["", "| | " + " | ".join(heads) + " |", "|---|" + "---|" * len(heads)]
    api, bare = "API claims list, page of 50", "bare JsonResponse, same 50 claims"
    rows = {
        "claims in the archive": [f"{r['claims']:,}" for r in sizes],
        "API list p50 / raw psycopg (same rows and fields)": [
            f"{r['pages'][api]['p50'] / r['raw_api_list_ms']:.1f}x ({r['raw_api_list_ms']:.1f} ms raw)" for r in sizes
        ],
        "API list throughput / bare JsonResponse throughput": [
            f"{100 * r['pages'][bare]['p50'] / r['pages'][api]['p50']:.0f}%" for r in sizes
        ],
        "claims logged per second, generic plans (auto)": [
            f"{r['writes']['force_generic_plan']['claims_per_s']:.0f} ({r['writes']['auto']['claims_per_s']:.0f})"
            for r in sizes],
        "assistant, seed stories with matching: stories/s (1,017-word story)": [
            f"{r['assistant']['with_matching_stories_per_second']:.1f} "
            f"({r['assistant']['thousand_word_story_with_matching_ms']:.0f} ms)" if "assistant" in r else "-"
            for r in sizes],
        "import_stories: stories/s (ms a story), rolled back": [
            f"{r['imports']['stories_per_s']:.0f} ({r['imports']['ms_per_story']:.1f} ms)" if "imports" in r else "-"
            for r in sizes],
        "gunicorn worker memory after the run": [" / ".join(f"{m:.0f} MB" for m in r["worker_mb"]) for r in sizes],
        "requests per page": [str(r.get("runs", "-")) for r in sizes],
        "load average (1 / 5 / 15 min) after the pages": [
            " / ".join(f"{x:.1f}" for x in r["load"]) if "load" in r else "-" for r in sizes],
    }  # fmt: skip
    lines += [f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows.items()]
    largest = sizes[-1]
    lines += ["", f"The slowest query of each page at {label(largest['claims'])}, `EXPLAIN (ANALYZE, BUFFERS)`:", ""]
    for name, measured in largest["queries"].items():
        if measured.get("slowest_plan"):
            plan = measured["slowest_plan"].splitlines()
            more = [f"... ({len(plan) - PLAN_LINES} more lines)"] if len(plan) > PLAN_LINES else []
            shown = plan[:PLAN_LINES] + more
            lines += [f"- {name}: {measured['slowest_ms']:.0f} ms", "", "  ```", *(f"  {line}" for line in shown),
                      "  ```", ""]  # fmt: skip
    lines.append(END)
    return "\n".join(lines)


def write_doc(results: dict[str, dict]) -> None:
    text = DOC.read_text()
    table = render(results)
    if START in text:
        text = text[: text.index(START)] + table + text[text.index(END) + len(END) :]
    else:
        text += "\n" + table + "\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="Also 1,000,000 claims (generation takes long).")
    parser.add_argument(
        "--runs", type=int, nargs="+", default=[20],
        help="Requests per page (p50 and p95 over these): one number for every size, or one per size.",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--show", type=int, nargs="*", default=[], metavar="CLAIMS",
        help="Sizes measured by an earlier run (var/benchmark-scale.json) to show in the table too.",
    )  # fmt: skip
    args = parser.parse_args()
    sizes = [*args.sizes, *([1_000_000] if args.million else [])]
    if len(args.runs) not in {1, len(sizes)}:
        parser.error("--runs takes one number, or one per size")
    runs = args.runs * len(sizes) if len(args.runs) == 1 else args.runs
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for claims, size_runs in zip(sizes, runs, strict=True):
        print(f"{label(claims)}: preparing and measuring ({size_runs} requests a page)")
        results[label(claims)] = {**measure_size(claims, size_runs, args.workers), "runs": size_runs}
        RESULTS.write_text(json.dumps(results, indent=1))
    write_doc({k: v for k, v in results.items() if k in {label(c) for c in [*sizes, *args.show]}})


if __name__ == "__main__":
    main()
