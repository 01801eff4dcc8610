"""The time-credit ledger: every transfer is two movements summing to zero; reversals are new
transfers; balances are the sum of movements; nothing overdraws below the account's limit."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from coproduce.recognition import actions
from coproduce.recognition.models import Account, Movement, Transfer

from ..factories import OrganisationFactory, PersonFactory

# Engine-specific: also runs in the PostgreSQL pass (tests/test_suite_rules.py).
pytestmark = pytest.mark.postgres

steps = st.lists(
    st.one_of(
        st.tuples(st.just("give"), st.integers(0, 3), st.integers(0, 3), st.integers(1, 200)),
        st.tuples(st.just("reverse"), st.integers(0, 50)),
    ),
    max_size=25,
)


class LedgerProperties(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=steps, limit=st.integers(0, 120))
    def test_ledger_properties_hold_for_any_sequence(self, steps, limit):
        org = OrganisationFactory(kind="community")
        issuer = actions.account_for(organisation=org, issuer=True)
        people = [PersonFactory() for _ in range(3)]
        accounts = [actions.account_for(person=p) for p in people]
        accounts.append(actions.account_for(organisation=org))
        for account in accounts:
            actions.set_overdraft(by=None, account=account, minutes=limit)
        # Seed some credits from the issuer, as approval does.
        for account in accounts[:2]:
            actions._transfer(source=issuer, target=account, minutes=100)
        for step in steps:
            try:
                if step[0] == "give":
                    _, a, b, minutes = step
                    actions._transfer(source=accounts[a], target=accounts[b], minutes=minutes)
                else:
                    transfers = list(Transfer.objects.order_by("id"))
                    actions.reverse_transfer(by=None, transfer=transfers[step[1] % len(transfers)])
            except ValidationError:
                pass  # refused: an overdraft, a second reversal, a self-transfer
            for transfer in Transfer.objects.prefetch_related("movements"):
                moves = [m.minutes for m in transfer.movements.all()]
                assert len(moves) == 2
                assert sum(moves) == 0
        assert Movement.objects.aggregate(s=Sum("minutes"))["s"] == 0
        for account in Account.objects.all():
            total = sum(account.movements.values_list("minutes", flat=True))
            assert actions.balance(account) == total
            if account.overdraft_minutes is not None:
                assert total >= -limit


@pytest.mark.django_db
def test_transfer_overdraft_refused_and_nothing_written():
    giver, taker = PersonFactory(), PersonFactory()
    with pytest.raises(ValidationError) as exc:
        actions.give_credits(by=None, from_person=giver, to_person=taker, minutes=1)
    assert exc.value.messages == ["There are not enough time credits for this."]
    assert Transfer.objects.count() == 0
    assert Movement.objects.count() == 0


@pytest.mark.django_db
def test_reverse_transfer_writes_new_opposite_transfer():
    org = OrganisationFactory()
    person = PersonFactory()
    issuer = actions.account_for(organisation=org, issuer=True)
    account = actions.account_for(person=person)
    original = actions._transfer(source=issuer, target=account, minutes=90)
    reversal = actions.reverse_transfer(by=None, transfer=original)
    assert reversal.reverses_id == original.pk
    assert sorted(original.movements.values_list("minutes", flat=True)) == [-90, 90]
    assert actions.balance(account) == 0
    with pytest.raises(ValidationError):
        actions.reverse_transfer(by=None, transfer=original)
