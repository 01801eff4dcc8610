"""Permission-sweep rows for coding: the transcript page and its coding endpoints, the codebook
and its versions, themes and memos."""

from django.urls import reverse

from coproduce.insight import actions

from .sweep import CODE, MANAGE, VIEW


def entries(world, objects) -> dict:
    study, source, code = objects["study"], objects["source"], objects["code"]
    coding, theme = objects["coding"], objects["theme"]
    # The coder's own memo: they and the lead researchers may change it.
    memo = actions.write_memo(
        by=world["member"].user, study=study, text="Early theme: not heard", source=source
    )
    # A code nobody has used, in a theme and with a memo: its delete page offers the button and
    # says what else changes, so the page scan sees that state as well as the refusal.
    unused = actions.create_code(by=None, study=study, name="Waiting room chairs")
    actions.create_theme(by=None, study=study, name="Surroundings", codes=[unused])
    actions.write_memo(by=None, study=study, text="Nobody mentions chairs", code=unused)
    s = study.slug
    return {
        "insight:source": (reverse("insight:source", args=[s, source.pk]), VIEW, 200),
        "insight:coding_add": (reverse("insight:coding_add", args=[s, source.pk]), CODE, 405),
        "insight:coding_remove": (reverse("insight:coding_remove", args=[s, coding.pk]), CODE, 405),
        "insight:coding_polarity": (
            reverse("insight:coding_polarity", args=[s, coding.pk]),
            CODE,
            405,
        ),
        "insight:codebook": (reverse("insight:codebook", args=[s]), VIEW, 200),
        "insight:codebook_seed": (reverse("insight:codebook_seed", args=[s]), MANAGE, 405),
        "insight:codebook_versions": (reverse("insight:codebook_versions", args=[s]), MANAGE, 200),
        "insight:code": (reverse("insight:code", args=[s, code.pk]), VIEW, 200),
        "insight:code_create": (reverse("insight:code_create", args=[s]), CODE, 200),
        "insight:code_update": (reverse("insight:code_update", args=[s, code.pk]), MANAGE, 200),
        # The sweep's code is in use: the page explains why it cannot be deleted.
        "insight:code_delete": (reverse("insight:code_delete", args=[s, code.pk]), MANAGE, 200),
        "insight:code_delete (unused code)": (
            reverse("insight:code_delete", args=[s, unused.pk]),
            MANAGE,
            200,
        ),
        "insight:themes": (reverse("insight:themes", args=[s]), VIEW, 200),
        "insight:theme_create": (reverse("insight:theme_create", args=[s]), MANAGE, 200),
        "insight:theme_update": (reverse("insight:theme_update", args=[s, theme.pk]), MANAGE, 200),
        "insight:memos": (reverse("insight:memos", args=[s]), VIEW, 200),
        "insight:memo_create": (reverse("insight:memo_create", args=[s]), CODE, 200),
        "insight:memo_update": (
            reverse("insight:memo_update", args=[s, memo.pk]),
            CODE & ({"member"} | MANAGE),
            200,
        ),
    }


def writes() -> list[str]:
    return [
        "insight:coding_add",
        "insight:coding_remove",
        "insight:coding_polarity",
        "insight:codebook_seed",
        "insight:codebook_versions",
        "insight:code_create",
        "insight:code_update",
        "insight:code_delete",
        "insight:code_delete (unused code)",
        "insight:theme_create",
        "insight:theme_update",
        "insight:memo_create",
        "insight:memo_update",
    ]
