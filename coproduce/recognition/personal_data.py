"""What the recognition app holds about a person, for their export. No bank details are held."""

from .models import Claim, Contribution, Expense, Movement, PaymentChoice


def export_for(person) -> dict:
    choice = PaymentChoice.objects.filter(person=person).first()
    return {
        "recognition_choice": (
            {
                "choice": choice.choice,
                "route": choice.route,
                "benefits_acknowledged_on": choice.benefits_acknowledged_on.isoformat()
                if choice.benefits_acknowledged_on
                else None,
            }
            if choice
            else None
        ),
        "contributions": [
            {
                "date": c.date.isoformat(),
                "activity_type": c.activity_type,
                "project": c.project.title if c.project else None,
                "organisation": c.organisation.name,
                "minutes": c.minutes,
                "preparation_minutes": c.preparation_minutes,
                "notes": c.notes,
                "amount": str(c.amount) if c.amount is not None else None,
            }
            for c in Contribution.objects.filter(person=person).select_related(
                "project", "organisation"
            )
        ],
        "expenses": [
            {
                "date": e.date.isoformat(),
                "kind": e.kind,
                "amount": str(e.amount),
                "description": e.description,
                "receipt": bool(e.receipt),
            }
            for e in Expense.objects.filter(person=person)
        ],
        "claims": [
            {
                "organisation": c.organisation.name,
                "status": c.status,
                "choice": c.choice,
                "submitted_on": c.submitted_on.isoformat(),
                "approved_on": c.approved_on.isoformat() if c.approved_on else None,
                "paid_on": c.paid_on.isoformat() if c.paid_on else None,
                "total": str(c.total),
            }
            for c in Claim.objects.filter(person=person).select_related("organisation")
        ],
        "time_credits": [
            {"date": m.transfer.made_on.isoformat(), "minutes": m.minutes}
            for m in Movement.objects.filter(account__person=person).select_related("transfer")
        ],
    }
