"""The chain list and the public page run the same number of queries with 10 inputs as with 200."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .chain import build_chain


def _grow(world, n):
    for i in range(n):
        build_chain(
            world["project"], contributor=world["member"] if i % 2 else None, is_public=True
        )


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page,role", [("reports:chain", "lead"), ("reports:public", None)])
def test_query_count_reports_page_bounded(world, client_for, page, role):
    client = client_for(world[role] if role else None)
    path = reverse(page, args=[world["project"].pk])
    _grow(world, 10)
    small = _count(client, path)
    _grow(world, 190)
    large = _count(client, path)
    assert large == small
