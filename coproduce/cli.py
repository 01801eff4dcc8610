"""The `coproduce` command: demo, release, setup, serve, worker, reminders, insight, data,
backup, restore and manage."""

import argparse
import os
import signal
import subprocess
import sys
import time


def _django(demo: bool = False):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    if demo:
        os.environ["COPRODUCE_DEMO"] = "1"
    import django

    django.setup()


def _call(*args, **kwargs):
    from django.core.management import call_command

    call_command(*args, **kwargs)


def _prepare(demo: bool) -> None:
    from coproduce.site import release as release_steps

    release_steps.run(verbosity=0)


# How long serve, worker and reminders wait for `coproduce release` before refusing to start.
WAIT_SECONDS = int(os.environ.get("COPRODUCE_WAIT_SECONDS") or "120")


def _wait_until_ready(seconds: int) -> None:
    """Start only on a migrated database with this version's static files; wait for them (a
    release running at the same time) and refuse, in one sentence, if they do not come."""
    import logging

    from coproduce.site import release as release_steps

    log = logging.getLogger("coproduce.release")
    problem = release_steps.wait_until_ready(timeout=seconds, log=log.warning)
    if problem:
        log.error("%s Not starting (waited %s s).", problem, seconds)
        sys.exit(1)


def demo(args) -> int:
    # Links in the demo's e-mails point at the port it serves (unless SITE_URL says otherwise);
    # set before settings load, and inherited by the worker and reminder processes.
    os.environ["SITE_URL"] = os.environ.get("SITE_URL") or f"http://127.0.0.1:{args.port}"
    _django(demo=True)
    from django.conf import settings

    _prepare(demo=True)
    from coproduce.core.demo import SIGN_INS
    from coproduce.site.demo import load
    from coproduce.site.generate import generated

    made = generated()
    if made:
        # Generated data (coproduce data generate) already has the demo sign-ins: keep it as is.
        print(f"Generated data ({made['scale']} scale) present: demo data not loaded.")
    else:
        created = load()
        print("Demo data " + ("loaded." if created else "already present: nothing changed."))
    print(f"Data directory: {settings.DATA_DIR}")
    if args.no_serve:
        return 0
    url = f"http://127.0.0.1:{args.port}/"
    print(f"\ncoproduce is running at {url}\n\nDemo sign-ins (password for all: {SIGN_INS[0][2]}):")
    for role, email, _password in SIGN_INS:
        print(f"  {role:<38} {email}")
    print("\nEmails are printed here instead of being sent. Press Ctrl+C to stop.\n", flush=True)
    env = dict(os.environ, COPRODUCE_DEMO="1")
    worker = subprocess.Popen([sys.executable, "-m", "coproduce.cli", "worker"], env=env)
    reminder_loop = subprocess.Popen(
        [sys.executable, "-m", "coproduce.cli", "reminders", "--every", "900"], env=env
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coproduce.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    return _supervise([server, worker, reminder_loop])


def _supervise(processes) -> int:
    def stop(*_):
        for p in processes:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in processes)


# gunicorn's access log with the request id (coproduce/core/observability.py), the client's
# address as the proxy saw it, and the time taken.
ACCESS_LOG_FORMAT = (
    '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms '
    'request_id=%({x-request-id}o)s "%(a)s"'
)


def release(args) -> int:
    """Once per deploy, before (re)starting serve, worker and reminders."""
    _django()
    from django.db import OperationalError

    from coproduce.site import release as release_steps

    try:
        release_steps.run(verbosity=args.verbosity)
    except OperationalError as exc:
        print(f"coproduce release: the database cannot be reached ({exc}).", file=sys.stderr)
        return 1
    print("Release complete: the database is migrated and static files are collected.")
    return 0


def setup(args) -> int:
    """The first organisation and its administrator, on a fresh installation."""
    _django()
    _wait_until_ready(args.wait)
    from coproduce.site.setup import run as run_setup

    return run_setup(args)


def serve(args) -> int:
    _django()
    _wait_until_ready(args.wait)
    # Loopback by default: the service belongs behind an HTTPS proxy on the same machine.
    # HOST=0.0.0.0 (or --bind) where the proxy is elsewhere, as in a container.
    host = os.environ.get("HOST") or "127.0.0.1"
    bind = args.bind or f"{host}:{os.environ.get('PORT', '8000')}"
    os.execvp(
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coproduce.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
        ],
    )


def worker(args) -> int:
    _django()
    _wait_until_ready(args.wait)
    extra = args.extra or []
    # db_worker's own options follow "--": coproduce worker -- --worker-id web1-a
    _call("db_worker", *(extra[1:] if extra[:1] == ["--"] else extra))
    return 0


def reminders(args) -> int:
    """Send due reminders once, or every --every seconds (a small alternative to cron)."""
    _django()
    _wait_until_ready(args.wait)
    while True:
        _call("send_reminders")
        if not args.every:
            return 0
        time.sleep(args.every)


def data(args) -> int:
    """Synthetic data for demos and benchmarks (coproduce.site.generate)."""
    # The demo's settings: generated data is for exploring and measuring, never production.
    _django(demo=True)
    _call("migrate", interactive=False, verbosity=0)
    _call("load_frameworks", verbosity=0)
    from coproduce.site.generate import GenerateError, generate

    started = time.perf_counter()
    try:
        written = generate(scale=args.scale, seed=args.seed, as_of=args.as_of)
    except GenerateError as error:
        print(error, file=sys.stderr)
        return 1
    rows = sum(written.values())
    seconds = time.perf_counter() - started
    print(f"Generated {rows:,} rows ({args.scale} scale) in {seconds:.0f} s.")
    return 0


def backup(args) -> int:
    """The database and the uploaded files, in one file (coproduce.core.backup)."""
    _django()
    from coproduce.core.backup import BackupError, create

    try:
        done = create(args.file, stderr=sys.stderr)
    except BackupError as error:
        print(f"coproduce backup: {error}", file=sys.stderr)
        return 1
    print(
        f"Backed up {done.rows:,} rows in {done.tables} tables and {done.files:,} uploaded files "
        f"to {done.path} ({done.size:,} bytes). It holds personal data: keep it as safe as the "
        "database. It does not hold SECRET_KEY; keep that too (docs/decisions/0006)."
    )
    return 0


def restore(args) -> int:
    """Replace the database and the uploaded files with a backup."""
    _django()
    from coproduce.core.backup import BackupError
    from coproduce.core.backup import restore as restore_backup

    try:
        done = restore_backup(
            args.file, force=args.force, accept_new_secret_key=args.accept_new_secret_key
        )
    except BackupError as error:
        print(f"coproduce restore: {error}", file=sys.stderr)
        return 1
    print(
        f"Restored {done.rows:,} rows in {done.tables} tables and {done.files:,} uploaded files "
        f"from {args.file} (made {done.created_at} by coproduce {done.app_version})"
        + (", and migrated them to this version." if done.migrated else ".")
    )
    if done.secret_key == "different":
        print(
            "Warning: the backup was made under another SECRET_KEY. Everyone must sign in "
            "again, reset and e-mail links sent before are void, and pulses answered before "
            "can be answered again by the same people.",
            file=sys.stderr,
        )
    return 0


def manage(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["coproduce manage", *args.extra])
    return 0


def insight(args) -> int:
    _django()
    from coproduce.insight.cli import run

    return run(args)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="coproduce", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="create the embedded database, load demo data and serve it")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--no-serve", action="store_true", help="only create the database and data")
    p.set_defaults(func=demo)
    p = sub.add_parser(
        "release", help="once per deploy: migrate, load frameworks, collect static files"
    )
    p.add_argument("--verbosity", type=int, default=1)
    p.set_defaults(func=release)
    p = sub.add_parser("setup", help="make the first organisation and its administrator")
    from coproduce.site.setup import add_arguments as add_setup_arguments

    add_setup_arguments(p)
    wait_help = f"seconds to wait for `coproduce release` (default {WAIT_SECONDS})"
    p.add_argument("--wait", type=int, default=WAIT_SECONDS, help=wait_help)
    p.set_defaults(func=setup)
    p = sub.add_parser("serve", help="production server (gunicorn); settings from the environment")
    p.add_argument("--bind", help="address:port (default $HOST:$PORT, HOST 127.0.0.1, PORT 8000)")
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    p.add_argument("--wait", type=int, default=WAIT_SECONDS, help=wait_help)
    p.set_defaults(func=serve)
    p = sub.add_parser("worker", help="run the background-task worker")
    p.add_argument("--wait", type=int, default=WAIT_SECONDS, help=wait_help)
    p.add_argument("extra", nargs=argparse.REMAINDER)
    p.set_defaults(func=worker)
    p = sub.add_parser("reminders", help="e-mail reminders that are due (closing soon, review)")
    p.add_argument("--every", type=int, default=0, help="repeat every N seconds")
    p.add_argument("--wait", type=int, default=WAIT_SECONDS, help=wait_help)
    p.set_defaults(func=reminders)
    p = sub.add_parser("insight", help="insight studies: list, QDPX, Table 1, barriers, agreement")
    from coproduce.insight.cli import add_arguments as add_insight_arguments

    add_insight_arguments(p)
    p.set_defaults(func=insight)
    p = sub.add_parser("data", help="synthetic data for demos and benchmarks")
    data_sub = p.add_subparsers(dest="data_command", required=True)
    g = data_sub.add_parser("generate", help="fill an empty database with a synthetic dataset")
    g.add_argument("--scale", choices=["tiny", "small", "medium", "wales"], default="small")
    g.add_argument("--seed", type=int, default=2026)
    g.add_argument("--as-of", help="the day the data is generated as of (default: today)")
    g.set_defaults(func=data)
    p = sub.add_parser("backup", help="write the database and uploaded files to one file")
    p.add_argument("file", help="the backup file to write (a new .zip)")
    p.set_defaults(func=backup)
    p = sub.add_parser(
        "restore",
        help="replace the database and uploaded files with a backup (stop serve and worker first)",
    )
    p.add_argument("file", help="a file written by `coproduce backup`")
    p.add_argument("--force", action="store_true", help="replace a database that holds data")
    p.add_argument(
        "--accept-new-secret-key",
        action="store_true",
        help="restore a backup made under another SECRET_KEY (see docs/decisions/0006)",
    )
    p.set_defaults(func=restore)
    p = sub.add_parser("manage", help="Django management commands", add_help=False)
    p.add_argument("extra", nargs=argparse.REMAINDER)
    p.set_defaults(func=manage)
    args = parser.parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
