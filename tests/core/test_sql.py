"""The plain-SQL helpers behave the same on SQLite and PostgreSQL (docs/decisions/0005)."""

import pytest

from coproduce.core import sql
from coproduce.core.audit import AuditEvent

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_sql_quote_keyword_column_runs_on_both_engines():
    # "order" is an SQL keyword: unquoted, both engines refuse the statement.
    assert sql.rows(f"SELECT 1 AS {sql.quote('order')}") == [(1,)]


def test_sql_table_names_the_model_table():
    assert sql.table(AuditEvent).strip('"`') == AuditEvent._meta.db_table


def test_sql_rows_and_first_pass_parameters():
    assert sql.rows("SELECT %s, %s", ["Llanelli", 2]) == [("Llanelli", 2)]
    assert sql.first("SELECT %s", ["Ŵyn"]) == ("Ŵyn",)
    assert sql.first(f"SELECT id FROM {sql.table(AuditEvent)} WHERE id = %s", [-1]) is None


def test_sql_placeholders_counts():
    assert sql.placeholders(3) == "%s, %s, %s"
    assert sql.placeholders(1) == "%s"
