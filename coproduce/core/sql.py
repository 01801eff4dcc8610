"""Hand-written SQL for the few reads on the hottest request paths.

Django's ORM spends most of a small query's time building it: on the machines this product is
measured on, a one-row read costs about 450 µs through a QuerySet and about 20 µs as the same SQL
through a cursor (benchmarks/insight_interactive.py). The coding screen posts once per coding
and every signed-in request reads the user's roles, so those reads are written out here and in
the selectors that use this module. Everything else stays with the ORM.

Rules for SQL written against this module: plain statements that SQLite and PostgreSQL both
run; table names taken from the models (`table(Model)`), so a renamed table fails loudly; column
names quoted where they are SQL keywords ("end"); values always passed as parameters.
"""

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quote(name: str) -> str:
    """A column name that is also an SQL keyword ("index", "order")."""
    return connection.ops.quote_name(name)


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def first(sql: str, params=()):
    """The first row, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchone()


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)
