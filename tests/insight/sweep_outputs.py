"""Permission-sweep rows for a study's outputs (Table 1, barriers, matrix, quotes,
interventions, agreement) and their downloads."""

from django.urls import reverse

from .sweep import CODE, MANAGE, VIEW

PAGES = ["table1", "barriers", "matrix", "quotes", "interventions", "agreement"]
FORMATS = ["csv", "xlsx", "docx"]


def entries(world, objects) -> dict:
    study, theme, participant = objects["study"], objects["theme"], objects["participant"]
    slug = study.slug
    table = {}
    for page in PAGES:
        path = reverse(f"insight:{page}", args=[slug])
        table[f"insight:{page}"] = (path, VIEW, 200)
        # Downloads: the same view and permission, so the same roles get them.
        for file_format in FORMATS:
            table[f"insight:{page}?format={file_format}"] = (
                f"{path}?format={file_format}",
                VIEW,
                200,
            )
    table["insight:matrix_cell"] = (
        reverse("insight:matrix_cell", args=[slug, theme.pk, participant.pk]),
        CODE,
        200,
    )
    table["insight:candidate"] = (
        reverse("insight:candidate", args=[slug, theme.pk, "training"]),
        MANAGE,
        200,
    )
    table["insight:send_to_project"] = (
        reverse("insight:send_to_project", args=[slug]),
        MANAGE,
        405,
    )
    return table


def writes() -> list[str]:
    return ["insight:matrix_cell", "insight:candidate", "insight:send_to_project"]
