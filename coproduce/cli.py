"""The `coproduce` command: demo, serve, worker, reminders, insight and manage."""

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
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    _call("build_frontend")
    _call("migrate", interactive=False, verbosity=0)
    _call("load_frameworks", verbosity=0)
    _call("collectstatic", interactive=False, verbosity=0)


def demo(args) -> int:
    _django(demo=True)
    from django.conf import settings

    _prepare(demo=True)
    from coproduce.core.demo import SIGN_INS
    from coproduce.site.demo import load

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


def serve(args) -> int:
    _django()
    if not args.no_migrate:
        _prepare(demo=False)
    bind = args.bind or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
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
        ],
    )


def worker(args) -> int:
    _django()
    _call("db_worker", *(args.extra or []))
    return 0


def reminders(args) -> int:
    """Send due reminders once, or every --every seconds (a small alternative to cron)."""
    _django()
    while True:
        _call("send_reminders")
        if not args.every:
            return 0
        time.sleep(args.every)


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
    p = sub.add_parser("serve", help="production server (gunicorn); settings from the environment")
    p.add_argument("--bind", help="address:port (default 0.0.0.0:$PORT or 8000)")
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    p.add_argument("--no-migrate", action="store_true", help="skip migrate and collectstatic")
    p.set_defaults(func=serve)
    p = sub.add_parser("worker", help="run the background-task worker")
    p.add_argument("extra", nargs=argparse.REMAINDER)
    p.set_defaults(func=worker)
    p = sub.add_parser("reminders", help="e-mail reminders that are due (closing soon, review)")
    p.add_argument("--every", type=int, default=0, help="repeat every N seconds")
    p.set_defaults(func=reminders)
    p = sub.add_parser("insight", help="insight studies: list, QDPX, Table 1, barriers, agreement")
    from coproduce.insight.cli import add_arguments as add_insight_arguments

    add_insight_arguments(p)
    p.set_defaults(func=insight)
    p = sub.add_parser("manage", help="Django management commands", add_help=False)
    p.add_argument("extra", nargs=argparse.REMAINDER)
    p.set_defaults(func=manage)
    args = parser.parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
