"""What every section of the generator shares: the run's settings and random draws, row ids,
batched writing with progress, and names."""

import datetime
import gc
import random
import sys
import time
import uuid
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max
from django.utils import timezone

BATCH = 2000


class Progress:
    """Counts and rates on stderr (or any stream; None is silent), at most every 2 seconds
    within a section and once at its end."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.started = time.perf_counter()
        self.totals: dict[str, int] = {}
        self._section = ""
        self._section_rows = 0
        self._section_started = 0.0
        self._last = 0.0

    def section(self, name: str) -> None:
        self.finish()
        self._section = name
        self._section_rows = 0
        self._section_started = self._last = time.perf_counter()

    def add(self, label: str, n: int) -> None:
        self.totals[label] = self.totals.get(label, 0) + n
        self._section_rows += n
        now = time.perf_counter()
        if now - self._last >= 2:
            self._last = now
            # On a terminal the line is rewritten in place; in a log, each is a line of its own.
            tty = self.stream is not None and self.stream.isatty()
            self._say(now, end="\r" if tty else "\n")

    def _say(self, now: float, end: str) -> None:
        if self.stream is None or not self._section:
            return
        rows = self._section_rows
        elapsed = now - self._section_started
        rate = rows / elapsed if elapsed else 0
        total = sum(self.totals.values())
        print(
            f"{self._section:<12} {rows:>10,} rows in {elapsed:6.1f} s ({rate:7,.0f}/s); "
            f"{total:>10,} rows in {now - self.started:6.1f} s",
            end=end,
            file=self.stream,
            flush=True,
        )

    def finish(self) -> None:
        if self._section:
            self._say(time.perf_counter(), end="\n")
        self._section = ""


@dataclass
class Run:
    """One generation: the scale's counts, the seed, the day it is generated "as of", and what
    the sections hand each other (ids of people, projects, memberships...)."""

    counts: dict
    seed: int
    as_of: datetime.date
    progress: Progress
    next_ids: dict = field(default_factory=dict)
    written: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)

    def section(self, name: str) -> None:
        """Start a section (for the progress lines). What earlier sections hand on (hundreds of
        thousands of tuples) lives to the end: frozen, the cyclic garbage collector stops
        rescanning it, which at full scale had made each section slower than at a tenth."""
        self.progress.section(name)
        gc.collect()
        gc.freeze()

    def rng(self, section: str) -> random.Random:
        # One generator per section, seeded by name: a change to one section's draws leaves
        # every other section's content as it was.
        return random.Random(f"{self.seed}:{section}")

    def ids(self, model, n: int) -> range:
        """n fresh primary keys for model. Ids are given, not returned by the database, so a
        batch needs no RETURNING and the same run gives the same ids on SQLite and PostgreSQL
        (their sequences are moved on afterwards, in finish())."""
        if model not in self.next_ids:
            self.next_ids[model] = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        start = self.next_ids[model]
        self.next_ids[model] = start + n
        return range(start, start + n)

    def write(self, model, rows: list, label: str | None = None) -> None:
        """bulk_create in batches, counting the rows."""
        if not rows:
            return
        model._default_manager.bulk_create(rows, batch_size=BATCH)
        name = label or model._meta.label
        self.written[name] = self.written.get(name, 0) + len(rows)
        self.progress.add(name, len(rows))

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def days_ago(self, n: int) -> datetime.date:
        return self.as_of - datetime.timedelta(days=n)


def uuid_from(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID from the section's generator (uuid4() would differ every run)."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def reset_sequences(models) -> None:
    """PostgreSQL: move each table's id sequence past the ids the generator gave."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


# -- Names ------------------------------------------------------------------------------------
# Welsh and English first names and surnames, as on a register in Wales; a few with accents, so
# sorting, search and e-mail addresses meet them.

FIRST_NAMES = (
    "Angharad Bethan Carys Dafydd Eleri Ffion Gareth Gwen Huw Iolo Lowri Meinir Nia Owain Rhian "
    "Rhys Sioned Tomos Aled Catrin Siân Gwenllian Elin Cerys Llinos Mared Hywel Emyr Gethin Alun "
    "Dylan Manon Heledd Osian Elis Seren Nerys Glesni Iestyn Cadi Dewi Gruffudd Mali Ifan Eurig "
    "Amira Ben Chloe Daniel Emma Femi Grace Hassan Jack Kiran Oliver Sophie James Olivia Harry "
    "Emily George Charlotte Thomas Jessica William Lucy Mohammed Aisha Priya Wei Zofia Tomasz "
    "Fatima Sarah David Michael Rebecca Joanne Mark Karen Paul Helen Stephen Chidi Zoë Noémie"
).split()
LAST_NAMES = (
    "Jones Williams Davies Evans Thomas Roberts Hughes Lewis Morgan Griffiths Price Owen Rees "
    "Jenkins Pritchard Powell Phillips Morris James Edwards Lloyd Parry Bowen Howells Llywelyn "
    "Prosser Bevan Watkins Vaughan Pugh Gruffydd Hopkins Rowlands Jarvis Protheroe Smith Brown "
    "Taylor Wilson Wright Walker Green Hall Clarke Ahmed Khan Okafor Nowak Patel Chen Begum "
    "Singh Murphy O'Brien Mensah Kowalska Rhydderch ap Siôn"
).split()
# "ap Siôn" is one surname.
LAST_NAMES = [n for n in LAST_NAMES if n not in ("ap", "Siôn")] + ["ap Siôn"]

PLACES = (
    "Aberteg Llanfair-Teg Pontyrafon Bryncoed Cwmderwen Trefynydd Porth-Hafren Caerwen Llanwyn "
    "Glanrhyd Penybryn Dolwen Tregarn Abercelyn Rhydygroes Maesyrhos Cefn-Onnen Ystrad-Fach "
    "Llanhafod Pentre-Isaf"
).split()
STREETS = "Heol y Bont|Stryd Fawr|Bridge Street|Church Road|Ffordd yr Orsaf|Station Road".split("|")

_ASCII = str.maketrans("âêîôûŵŷäëïöüÿáéíóúàèìòù", "aeiouwyaeiouyaeiouaeiou")


def email_for(full_name: str, n: int) -> str:
    """An address that cannot reach anyone (example.org is reserved for examples)."""
    local = full_name.casefold().translate(_ASCII).replace("'", "").replace(" ", ".")
    return f"{local}.{n}@example.org"
