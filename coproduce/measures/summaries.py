"""One-sentence text summaries of the result tables, so nobody has to read a table to get the
point (and screen-reader users get it first)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .readiness import GROUP_LABELS, MIN_SHOWN, what_would_change


def number(value) -> str:
    """2.0 -> "2", 1.5 -> "1.5" (in the active language's format)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return number_format(value, decimal_pos=1)


def group_label(key: str) -> str:
    return str(GROUP_LABELS[key])


def between(position: float | None, items: list) -> str:
    """A median position on a ladder or scale, as words: "Co-design", or "between Engagement and
    Co-design" for a half."""
    if position is None:
        return ""
    if float(position).is_integer():
        return str(items[int(position) - 1])
    low = int(position)
    return _("between %(low)s and %(high)s") % {"low": items[low - 1], "high": items[low]}


def readiness(result) -> str:
    if result.respondents == 0:
        return _("No one has answered yet.")
    total = len(result.criteria)
    if all(c.met is None for c in result.criteria):
        return _(
            "Fewer than %(min)s members have rated the criteria, so results are not shown."
        ) % {"min": MIN_SHOWN}
    text = _("%(met)s of %(total)s criteria are met.") % {"met": result.met_count, "total": total}
    if result.disagreement_count:
        text += " " + ngettext(
            "Perspectives disagree on %(num)s criterion.",
            "Perspectives disagree on %(num)s criteria.",
            result.disagreement_count,
        ) % {"num": result.disagreement_count}
    return text


def comparison(rows) -> str:
    """rows: (round, result), oldest first."""
    if len(rows) < 2:
        return _("There is one readiness check so far; later checks will appear here to compare.")
    first, latest = rows[0][1], rows[-1][1]
    return _(
        "Criteria met: %(first)s in the first check and %(latest)s in the latest of %(num)s."
    ) % {"first": first.met_count, "latest": latest.met_count, "num": len(rows)}


def rung_gap(gap) -> str:
    value = gap.rung
    if value is None and gap.protects:
        return _(
            "The gap cannot be shown: one of the two perspectives is hidden so that a smaller "
            "perspective cannot be worked out from “Everyone”."
        )
    if value is None:
        return _(
            "The gap cannot be shown: it needs at least 3 lived-experience and 3 professional "
            "respondents."
        )
    if value == 0:
        return _(
            "Lived-experience and professional members place the project on the same rung (median)."
        )
    size = abs(value)
    if float(size).is_integer():
        n = int(size)
        if value < 0:
            text = ngettext(
                "Lived-experience members place the project %(num)s rung lower than "
                "professional members (median).",
                "Lived-experience members place the project %(num)s rungs lower than "
                "professional members (median).",
                n,
            )
        else:
            text = ngettext(
                "Lived-experience members place the project %(num)s rung higher than "
                "professional members (median).",
                "Lived-experience members place the project %(num)s rungs higher than "
                "professional members (median).",
                n,
            )
        return text % {"num": n}
    if value < 0:
        text = _(
            "Lived-experience members place the project %(num)s rungs lower than professional "
            "members (median)."
        )
    else:
        text = _(
            "Lived-experience members place the project %(num)s rungs higher than professional "
            "members (median)."
        )
    return text % {"num": number(size)}


def principle_gap(gap, labels: dict) -> str:
    largest = gap.largest_principle()
    if largest is None and gap.protects:
        return ""  # rung_gap has already said why
    if largest is None:
        return _(
            "No principle gap can be shown: each needs at least 3 answers from lived-experience "
            "and from professional members."
        )
    key, value = largest
    if value == 0:
        return _("Lived-experience and professional members agree equally with every principle.")
    size = abs(value)
    # "1 point", "1.5 points": a fraction takes the plural, as any whole number but one does.
    count = int(size) if size == int(size) else 100
    if value < 0:
        text = ngettext(
            "The widest gap is on %(principle)s: lived-experience members agree %(num)s point "
            "less than professional members (median).",
            "The widest gap is on %(principle)s: lived-experience members agree %(num)s points "
            "less than professional members (median).",
            count,
        )
    else:
        text = ngettext(
            "The widest gap is on %(principle)s: lived-experience members agree %(num)s point "
            "more than professional members (median).",
            "The widest gap is on %(principle)s: lived-experience members agree %(num)s points "
            "more than professional members (median).",
            count,
        )
    return text % {"principle": labels[key], "num": number(size)}


def rung_distribution(result, rungs: list) -> str:
    overall = result.overall
    if not overall.shown:
        return _("Fewer than %(min)s members have responded, so results are not shown yet.") % {
            "min": MIN_SHOWN
        }
    return _("Overall, members place the project at %(rung)s (median of %(num)s responses).") % {
        "rung": between(overall.rung_median, [r.label for r in rungs]),
        "num": overall.n,
    }


def agreement_distribution(figures, principles: list) -> str:
    known = [(p, figures.principles[p.key].median) for p in principles]
    known = [(p, m) for p, m in known if m is not None]
    if not known:
        return _("Too few answers to give a median for any principle.")
    best = max(known, key=lambda pm: pm[1])
    worst = min(known, key=lambda pm: pm[1])
    if best[1] == worst[1]:
        return _("The median agreement is the same for every principle answered.")
    return _("Agreement is highest for %(best)s and lowest for %(worst)s (median).") % {
        "best": best[0].label,
        "worst": worst[0].label,
    }


def change(key: str) -> str:
    """What would need to change for a criterion to be met (readiness.WHAT_WOULD_CHANGE)."""
    return str(what_would_change(key))


def trend(rows) -> str:
    """rows: (pulse, result), oldest first. How the rung gap moved across pulses."""
    gaps = [result.gap.rung for _pulse, result in rows if result.gap.rung is not None]
    if len(gaps) < 2:
        return _(
            "A trend needs at least two pulses with 3 or more lived-experience and 3 or more "
            "professional respondents."
        )
    first, last = gaps[0], gaps[-1]
    if abs(last) < abs(first):
        text = _(
            "The perception gap has narrowed, from %(first)s to %(last)s rungs, over %(num)s "
            "pulses."
        )
    elif abs(last) > abs(first):
        text = _(
            "The perception gap has widened, from %(first)s to %(last)s rungs, over %(num)s pulses."
        )
    else:
        text = _("The perception gap is the same, %(first)s rungs, after %(num)s pulses.")
    return text % {"first": number(first), "last": number(last), "num": len(gaps)}
