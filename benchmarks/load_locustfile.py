"""The users of benchmarks/load_run.py (run by locust, not on its own).

LOAD_PAGES names a JSON file of each role's pages ({role: {name: path}}, from
benchmarks/at_scale.py --list); LOAD_WAIT is the think time in seconds between a user's
requests. load_run.py names the classes to run: Member, Lead and Finance for the signed-in
mix, Healthz for the trivial view.
"""

import itertools
import json
import os
import random
import re

from locust import FastHttpUser, between, constant, task

PAGES = json.loads(open(os.environ["LOAD_PAGES"], encoding="utf-8").read())["pages"]
WAIT = float(os.environ.get("LOAD_WAIT", "0"))
PASSWORD = os.environ["LOAD_PASSWORD"]
EMAILS = {
    "lead": "lead@demo.coproduce.test",
    "member": "member@demo.coproduce.test",
    "finance": "finance@demo.coproduce.test",
}
# How often each page is opened in the mix: the pages people live in (their home page, their
# project, its meetings and decisions, the transcript they are coding) most.
WEIGHTS = {
    "home": 6,
    "a project": 5,
    "a meeting": 3,
    "decisions list": 3,
    "a decision": 4,
    "transcript coding page": 5,
    "insight search": 2,
    "register list": 2,
    "register search": 2,
    "finance queue": 4,
    "recognition my time": 2,
}
SEQUENCE = itertools.count()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _SignedIn(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(WAIT * 0.5, WAIT * 1.5) if WAIT else constant(0)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="sign in (form)")
        token = TOKEN.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            data={"login": EMAILS[self.role], "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.role} could not sign in: {response.status_code}")
        pages = PAGES[self.role]
        self.mix = [
            (name, path) for name, path in pages.items() for _ in range(WEIGHTS.get(name, 1))
        ]
        # Each user its own seeded sequence of pages: the same mix every run.
        self.rng = random.Random(f"{self.role}:{next(SEQUENCE)}")

    @task
    def view(self):
        name, path = self.rng.choice(self.mix)
        self.client.get(path, name=f"{self.role}: {name}")


class Member(_SignedIn):
    role = "member"
    weight = 6


class Lead(_SignedIn):
    role = "lead"
    weight = 3


class Finance(_SignedIn):
    role = "finance"
    weight = 1


class Healthz(FastHttpUser):
    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="/healthz")
