"""The README's "Running in production", followed as a new operator would, from the package.

The working tree (uncommitted work included) is copied as a clone would be, built into a wheel
(`pip wheel`, npm's packages already fetched), installed non-editable into a new virtualenv
with no source checkout and no node_modules beside it, and run against a new PostgreSQL
database: two `serve` and a `worker` started together before `coproduce release`, which wait
for it and then serve pages with their CSS; `coproduce setup` makes the first administrator,
who invites someone; the worker e-mails the invitation, and the invitee accepts it on the
other server.

To stay off the network, the new virtualenv reaches the test environment's installed
dependencies through a .pth file, and the wheel is built without build isolation.
"""

import os
import quopri
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .processes import Client, answers, environment, free_port, new_database, stop, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-admin-passphrase-2026"


def _copy_as_a_clone(dest: Path) -> None:
    """What `git clone` of the working tree would give: tracked and new files, not ignored
    ones (.venv, node_modules, built assets, .mo files)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


@pytest.fixture
def database():
    with new_database("coproduce_release") as url:
        yield url


@pytest.fixture
def installed(tmp_path):
    """A virtualenv with coproduce installed from a freshly built wheel, and nothing else of
    the checkout. Returns its bin folder."""
    source = tmp_path / "clone"
    _copy_as_a_clone(source)
    build_env = dict(os.environ, COPRODUCE_NODE_MODULES=str(REPO / "node_modules"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(tmp_path / "dist"), str(source)],
        env=build_env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("coproduce-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
        + ["install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (site_packages,) = (venv / "lib").glob("python3*/site-packages")
    here = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    # After the new site-packages, so the installed coproduce is the one imported.
    (site_packages / "test-dependencies.pth").write_text("\n".join(here) + "\n")
    shutil.rmtree(source)
    return venv / "bin"


def test_release_readme_production_steps_from_wheel(tmp_path, database, installed):
    env = environment(tmp_path / "data", database)
    run = tmp_path / "run"
    run.mkdir()

    def start(name, *args):
        log = (run / f"{name}.log").open("w")
        process = subprocess.Popen(
            [str(installed / "coproduce"), *args],
            env=env,
            cwd=run,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(process)
        return process

    def log(name):
        return (run / f"{name}.log").read_text()

    def mail():
        # The console e-mail backend prints to the worker's log, quoted-printable.
        return quopri.decodestring(log("worker").encode()).decode(errors="replace")

    where = subprocess.run(
        [str(installed / "python"), "-c", "import coproduce; print(coproduce.__file__)"],
        env=env,
        cwd=run,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(tmp_path / "venv"))

    processes = []
    ports = [free_port(), free_port()]
    try:
        # Started together before the database is migrated: they wait, none crashes.
        for number, port in enumerate(ports):
            start(f"serve{number}", "serve", "--bind", f"127.0.0.1:{port}", "--wait", "300")
        start("worker", "worker", "--wait", "300")
        wait_for(
            lambda: all(
                "run `coproduce release`" in log(n) for n in ("serve0", "serve1", "worker")
            ),
            seconds=60,
            what="the waiting log lines",
        )
        assert [p.poll() for p in processes] == [None, None, None]

        release = subprocess.run(
            [str(installed / "coproduce"), "release"],
            env=env,
            cwd=run,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert release.returncode == 0, release.stderr
        assert "Release complete" in release.stdout

        for port in ports:
            wait_for(lambda port=port: answers(port), seconds=120, what=f"serve on {port}")
        assert [p.poll() for p in processes] == [None, None, None]

        # The sign-in page and its CSS, from the wheel's assets, on both servers.
        for port in ports:
            status, headers, body = Client(port).get("/accounts/login/")
            assert status == 200
            assert headers["X-Request-ID"]
            css = re.search(rb'href="(/static/nhsuk/nhsuk-frontend\.min\.[0-9a-f]+\.css)"', body)
            assert css is not None
            status, headers, body = Client(port).get(css.group(1).decode())
            assert (status, headers["Content-Type"]) == (200, 'text/css; charset="utf-8"')
            assert b".nhsuk-header" in body
        # Invite-only outside the demo: no "Create an account" on the sign-in page.
        assert b"/accounts/signup/" not in Client(ports[0]).get("/accounts/login/")[2]
        # The API docs load Swagger UI from our own static files.
        status, _headers, body = Client(ports[0]).get("/api/v1/docs")
        bundle = re.search(rb'src="(/static/ninja/swagger-ui-bundle\.[0-9a-f]+\.js)"', body)
        assert (status, Client(ports[0]).get(bundle.group(1).decode())[0]) == (200, 200)

        # The first organisation and its administrator.
        password_file = tmp_path / "password"
        password_file.write_text(PASSWORD + "\n")
        setup_args = ["setup", "--organisation", "Bwrdd Iechyd Prawf"]
        setup_args += ["--admin", "Admin@Example.org", "--password-file", str(password_file)]
        setup = subprocess.run(
            [str(installed / "coproduce"), *setup_args],
            env=env,
            cwd=run,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert setup.returncode == 0, setup.stderr
        assert setup.stdout == (
            "Set up Bwrdd Iechyd Prawf with admin@example.org as its administrator.\n"
        )
        again = subprocess.run(
            [str(installed / "coproduce"), *setup_args],
            env=env,
            cwd=run,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr
        assert again.stdout.startswith("Already set up: admin@example.org is an administrator")

        # The administrator signs in (no confirmation e-mail: the address is verified) and
        # invites a coproduction lead whose invitation is in Welsh.
        admin = Client(ports[0])
        admin.get("/accounts/login/")
        status, headers, _ = admin.post(
            "/accounts/login/", {"login": "admin@example.org", "password": PASSWORD}
        )
        assert (status, headers["Location"]) == (302, "/")
        status, _, body = admin.get("/me/")
        assert status == 302
        status, _, _ = admin.get("/organisations/bwrdd-iechyd-prawf/invitations/")
        assert status == 200
        status, headers, _ = admin.post(
            "/organisations/bwrdd-iechyd-prawf/invitations/",
            {
                "email": "cerys@example.org",
                "full_name": "Cerys Jones",
                "role": "lead",
                "language": "cy",
            },
        )
        assert (status, headers["Location"]) == (
            302,
            "/organisations/bwrdd-iechyd-prawf/invitations/",
        )

        # The worker sends it; the invitee accepts on the other server.
        link = wait_for(
            lambda: re.search(
                r"https://coproduce\.example\.test(/invitations/accept/\S+/)", mail()
            ),
            seconds=60,
            what="the invitation e-mail",
        )
        assert "Mae admin wedi eich gwahodd i ymuno â Bwrdd Iechyd Prawf" in mail()
        invitee = Client(ports[1])
        status, _, body = invitee.get(link.group(1))
        assert status == 200
        assert b"Cerys Jones" in body
        status, headers, _ = invitee.post(
            link.group(1),
            {"full_name": "Cerys Jones", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert (status, headers["Location"]) == (302, "/")
        status, _, _ = invitee.get("/people/")
        assert status == 200  # a coproduction lead sees the register
        assert invitee.get(link.group(1))[0] == 410  # the link works once
        assert [p.poll() for p in processes] == [None, None, None]
    finally:
        stop(processes)
