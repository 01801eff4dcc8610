"""The production layout of docs/deploy/README.md, started for real on a new PostgreSQL
database: one `serve` with two gunicorn workers, two task workers and the reminders loop, all
from this virtualenv's `coproduce` with a production environment.

(a) Forty invitations queued at once are each e-mailed exactly once, between both workers
    (django-tasks-db claims a task with SELECT ... FOR UPDATE SKIP LOCKED).
(b) A worker killed with SIGKILL in the middle of a QDPX import's transaction leaves none of it
    behind; the job page marks the job failed with the reason once the worker has been silent
    for COPRODUCE_LIMIT_JOB_SILENCE_SECONDS, and "Try again" with a fresh worker imports the
    project completely, once.
(c) The web server answers /healthz and a signed-in page throughout.

The wheel and `coproduce release` from a clean install are tests/core/test_release.py's.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.insight.corpus import build_qdpx, make_corpus

from .processes import Client, answers, environment, free_port, new_database, stop, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# This virtualenv's `coproduce` (tests/core/test_release.py installs a wheel in a new one).
COPRODUCE = Path(sys.executable).with_name("coproduce")
PASSWORD = "a-long-admin-passphrase-2026"
INVITATIONS = 40
SILENCE = 2  # seconds: COPRODUCE_LIMIT_JOB_SILENCE_SECONDS for every process

# The study to import into, and forty invitations queued at once (when the loop's transaction
# commits) for the two workers.
SETUP = """
from django.db import transaction
from coproduce.accounts import actions as accounts
from coproduce.accounts.models import User
from coproduce.insight import actions as insight
from coproduce.people.models import Organisation

admin = User.objects.get(email="admin@example.org")
organisation = Organisation.objects.get()
insight.create_study(
    by=admin, organisation=organisation, title="Interviews", slug="interviews",
    seed_comb=False, standard_attributes=False,
)
with transaction.atomic():
    for n in range(INVITATIONS):
        accounts.invite(
            by=admin, organisation=organisation, email=f"person{n:02d}@example.org", role="lead"
        )
""".replace("INVITATIONS", str(INVITATIONS))


@pytest.fixture
def database():
    with new_database("coproduce_processes") as url:
        yield url


class Sql:
    def __init__(self, url):
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)

    def value(self, query, *params):
        return self.connection.execute(query, params).fetchone()[0]

    def rows(self, query, *params):
        return self.connection.execute(query, params).fetchall()


def _counts(sql):
    def counts(study):
        found = {
            table: sql.value(f"SELECT count(*) FROM insight_{table} WHERE study_id = %s", study)
            for table in ("source", "participant", "code")
        }
        found["coding"] = sql.value(
            "SELECT count(*) FROM insight_coding JOIN insight_source "
            "ON insight_source.id = insight_coding.source_id WHERE insight_source.study_id = %s",
            study,
        )
        return found

    return counts


class Watch(threading.Thread):
    """Asks the web server for /healthz and a signed-in page every 0.2 s until stopped, and
    keeps every answer that was not a 200."""

    def __init__(self, port, cookies):
        super().__init__(daemon=True)
        self.port, self.cookies = port, cookies
        self.asked, self.failures = 0, []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            client = Client(self.port)
            client.cookies = dict(self.cookies)
            for path in ("/healthz", "/insight/"):
                try:
                    status = client.get(path)[0]
                except OSError as exc:
                    status = repr(exc)
                self.asked += 1
                if status != 200:
                    self.failures.append((path, status))
            self.stopping.wait(0.2)


def test_processes_share_the_queue_and_survive_a_killed_worker(tmp_path, database):
    started_at = time.monotonic()

    def mark(what):
        print(f"{time.monotonic() - started_at:5.1f} s  {what}")

    env = environment(
        tmp_path / "data",
        database,
        COPRODUCE_LIMIT_JOB_SILENCE_SECONDS=str(SILENCE),
        COPRODUCE_WAIT_SECONDS="60",
    )
    run = tmp_path / "run"
    run.mkdir()
    processes = {}

    def start(name, *args):
        log = (run / f"{name}.log").open("w")
        processes[name] = subprocess.Popen(
            [str(COPRODUCE), *args],
            env=env,
            cwd=run,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return processes[name]

    def coproduce(*args):
        done = subprocess.run(
            [str(COPRODUCE), *args],
            env=env,
            cwd=run,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def log(name):
        return (run / f"{name}.log").read_text(errors="replace")

    def sent(name):
        return re.findall(r"^To: (person\d\d@example\.org)$", log(name), re.MULTILINE)

    coproduce("release", "--verbosity", "0")
    mark("release")
    sql = Sql(database)
    counts = _counts(sql)
    watch = None
    port = free_port()
    try:
        # The layout: web (several gunicorn workers), two task workers, reminders.
        start("serve", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2")
        # No start-up delay and a short poll, so that both are taking tasks when the forty
        # arrive (by default each waits a random while first, and one can take them all).
        poll = ("--no-startup-delay", "--interval", "0.1")
        start("worker0", "worker", "--", "--worker-id", "worker0", *poll)
        start("worker1", "worker", "--", "--worker-id", "worker1", *poll)
        start("reminders", "reminders", "--every", "3600")
        password_file = tmp_path / "password"
        password_file.write_text(PASSWORD + "\n")
        coproduce(
            "setup",
            *("--organisation", "Bwrdd Iechyd Prawf", "--admin", "admin@example.org"),
            *("--password-file", str(password_file)),
        )
        # Both workers polling before the tasks are queued, so that both can take some.
        wait_for(
            lambda: all("Starting worker" in log(n) for n in ("worker0", "worker1")),
            seconds=30,
            what="the workers",
        )
        coproduce("manage", "shell", "-c", SETUP)
        mark("set up")
        wait_for(lambda: answers(port), seconds=30, what="serve")
        mark("serving")

        # (a) Forty e-mails queued at once: each sent once, by one of the two workers.
        wait_for(
            lambda: len(sent("worker0")) + len(sent("worker1")) >= INVITATIONS,
            seconds=30,
            what="the invitation e-mails",
        )
        time.sleep(1)  # a task run twice would have sent its second e-mail by now
        both = sent("worker0") + sent("worker1")
        assert sorted(both) == [f"person{n:02d}@example.org" for n in range(INVITATIONS)]
        assert sent("worker0") and sent("worker1"), "one worker took every task"
        claims = sql.rows(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s",
            "%send_invitation",
        )
        assert len(claims) == INVITATIONS
        assert {(status, len(ids)) for status, ids in claims} == {("SUCCESSFUL", 1)}

        mark("(a) e-mails")
        # (b) A project big enough for its import to take a few seconds, uploaded on the web.
        qdpx = tmp_path / "interviews.qdpx"
        holds = build_qdpx(make_corpus(docs=30, turns=30), highlights=1500, path=qdpx)
        mark("qdpx built")
        lead = Client(port)
        lead.get("/accounts/login/")
        status, headers, _ = lead.post(
            "/accounts/login/", {"login": "admin@example.org", "password": PASSWORD}
        )
        assert status == 302
        watch = Watch(port, lead.cookies)
        watch.start()
        lead.get("/insight/interviews/exchange/")
        status, headers, _ = lead.post(
            "/insight/interviews/exchange/import/", files={"file": (qdpx.name, qdpx.read_bytes())}
        )
        assert status == 302, _
        job_page = headers["Location"]
        job = int(re.fullmatch(r"/insight/interviews/jobs/(\d+)/", job_page).group(1))

        mark("uploaded")

        # Killed once its transaction has written rows of the import.
        def inserting():
            return sql.value(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction') "
                "AND query LIKE 'INSERT INTO \"insight\\_%%' AND query NOT LIKE '%%insight_job%%'"
            )

        wait_for(inserting, seconds=30, what="the import's transaction", every=0.05)
        (running,) = sql.value(
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s AND status = 'RUNNING'",
            "%run_job",
        )
        mark("inserting")
        killed = processes[running]
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=10)
        wait_for(lambda: not inserting(), seconds=10, what="PostgreSQL to roll back", every=0.1)
        assert sql.value("SELECT status FROM insight_job WHERE id = %s", job) == "running"
        study = sql.value("SELECT id FROM insight_study WHERE slug = 'interviews'")
        assert counts(study) == {"source": 0, "coding": 0, "participant": 0, "code": 0}
        assert sql.value("SELECT count(*) FROM core_auditevent WHERE action = 'study.import'") == 0

        mark("killed, rolled back")
        # The job page marks it failed, with the reason, once the worker has been silent.
        time.sleep(SILENCE)
        status, _, body = lead.get(job_page)
        assert status == 200
        page = body.decode()
        assert "The worker stopped while running this job" in page
        assert f"/insight/interviews/jobs/{job}/retry/" in page
        assert sql.value("SELECT status FROM insight_job WHERE id = %s", job) == "failed"

        mark("reaped")
        # Try again, with a fresh worker beside the one left.
        start("worker2", "worker", "--", "--worker-id", "worker2")
        status, headers, _ = lead.post(f"/insight/interviews/jobs/{job}/retry/", {})
        assert (status, headers["Location"]) == (302, job_page)
        wait_for(
            lambda: (
                sql.value("SELECT status FROM insight_job WHERE id = %s", job) in ("done", "failed")
            ),
            seconds=60,
            what="the import to finish",
        )
        assert sql.rows("SELECT status, error FROM insight_job WHERE id = %s", job) == [
            ("done", "")
        ]
        mark("retried import done")
        report = sql.value("SELECT report FROM insight_job WHERE id = %s", job)
        assert counts(study) == {
            "source": holds["sources"],
            "coding": report["imported"]["codings"],
            "participant": holds["sources"],  # one interviewee a transcript
            "code": 30,  # tests/insight/corpus.py's codebook: 20 leaves and 10 parents
        }
        # Once: the same highlight twice in the project is one coding (the rest are "matched").
        assert report["imported"]["codings"] > holds["selections"]
        assert (
            sql.value(
                'SELECT count(*) FROM (SELECT DISTINCT source_id, code_id, start, "end" '
                "FROM insight_coding) AS distinct_codings"
            )
            == report["imported"]["codings"]
        )
        assert sql.value("SELECT count(*) FROM core_auditevent WHERE action = 'study.import'") == 1
        assert "Added to the study" in lead.get(job_page)[2].decode()

        # (c) The web server answered throughout, and everything else still runs.
        watch.stopping.set()
        watch.join(timeout=10)
        assert watch.asked > 10
        assert watch.failures == []
        assert {n: p.poll() for n, p in processes.items() if p is not killed} == {
            n: None for n in processes if processes[n] is not killed
        }
    finally:
        if watch is not None:
            watch.stopping.set()
        stop(list(processes.values()))
        if sys.exc_info()[0] is not None:
            for name in processes:  # shown with the failure
                print(f"--- {name}.log, the end:\n" + "\n".join(log(name).splitlines()[-15:]))
        sql.connection.close()
    mark("stopped")
