"""A load run: signed-in page views against gunicorn serving generated data, then the trivial
/healthz view on the same server, each with locust, headless, on loopback.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/load_run.py [--data DIR | --database-url URL] [--scale small]
        [--duration 300] [--healthz-duration 60] [--users 16] [--wait 0] [--workers 2]

Without --data or --database-url it generates --scale into a temporary folder. The mix is the
pages benchmarks/at_scale.py measures, as each role may open them, weighted toward the pages
people live in (load_locustfile.py); users are 6 members to 3 leads to 1 finance officer, each
signing in with the demo password once. With --wait 0 each user sends its next request as soon
as the last is answered, so the figure is the most the server held. Zero errors are expected:
the exit status is 1 if any request failed. Static files are not requested (the server runs
without collectstatic). Prints one JSON document: requests/s held, median and p95 response
time, failures, for the mix and for /healthz.
"""

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def _env(args) -> dict:
    env = dict(os.environ, COPRODUCE_DEMO="1", DJANGO_SETTINGS_MODULE="coproduce.settings")
    env["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    env["PYTHONPATH"] = str(ROOT)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
        env["COPRODUCE_DATA"] = args.data
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer {url}")


def _locust(args, env, host, classes, seconds, users, out: Path) -> dict:
    prefix = out / classes[0].lower()
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "load_locustfile.py")]
    command += ["--headless", "--host", host, "-u", str(users), "-r", str(users)]
    command += ["-t", f"{seconds}s", "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"]
    subprocess.run(command + classes, env=env, check=False, stdout=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = {
        r["Name"]: {
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "p50_ms": float(r["50%"]),
            "p95_ms": float(r["95%"]),
        }
        for r in rows
        if r["Name"] != "Aggregated"
    }
    return {
        "seconds": seconds,
        "users": users,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "pages": pages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="a data folder (SQLite) holding generated data")
    parser.add_argument("--database-url", help="a PostgreSQL database holding generated data")
    parser.add_argument("--scale", default="small", help="generate at this scale if empty")
    parser.add_argument("--duration", type=int, default=300, help="seconds of the page mix")
    parser.add_argument("--healthz-duration", type=int, default=60, help="seconds of /healthz")
    parser.add_argument("--users", type=int, default=16, help="simulated users at once")
    parser.add_argument("--wait", type=float, default=0, help="think time between requests, s")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args()
    if not args.database_url and not args.data:
        args.data = tempfile.mkdtemp(prefix="coproduce-load-")
    env = _env(args)
    out = Path(tempfile.mkdtemp(prefix="coproduce-load-run-"))
    pages = out / "pages.json"
    listing = [sys.executable, str(HERE / "at_scale.py"), "--list", "--json", str(pages)]
    listing += ["--scale", args.scale]
    listing += ["--database-url", args.database_url] if args.database_url else ["--data", args.data]
    subprocess.run(listing, env=env, check=True, stdout=subprocess.DEVNULL)
    from_listing = json.loads(pages.read_text())

    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "coproduce.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
        + ["--threads", str(args.threads), "--log-level", "warning"],
        env=env,
    )
    try:
        _wait_for(f"{host}/healthz")
        from coproduce.core.demo import PASSWORD

        env.update(LOAD_PAGES=str(pages), LOAD_WAIT=str(args.wait), LOAD_PASSWORD=PASSWORD)
        mix = _locust(
            args, env, host, ["Member", "Lead", "Finance"], args.duration, args.users, out
        )
        healthz = _locust(args, env, host, ["Healthz"], args.healthz_duration, args.users, out)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "scale": from_listing["scale"],
        "engine": "postgresql" if args.database_url else "sqlite",
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "cores": os.cpu_count(),
        "mix": mix,
        "healthz": healthz,
    }
    text = json.dumps(result, indent=1)
    if args.json:
        Path(args.json).write_text(text)
    print(text)
    return 1 if mix["failures"] or healthz["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
