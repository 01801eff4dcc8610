"""Reads about one code's place in the analysis: what stops it being deleted, and what deleting
it would touch. The delete page and `actions.delete_code` both use `code_uses`, so what the page
promises and what the action does cannot drift apart."""

from dataclasses import dataclass, field

from ..models import Code, Coding, Memo, Theme


@dataclass
class CodeUses:
    codings: int = 0
    children: list[Code] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)

    @property
    def deletable(self) -> bool:
        # Codings are the evidence and sub-codes hang off it; themes and memos are not blockers
        # (delete_code takes the code out of its themes and keeps the memos, about the study).
        return not self.codings and not self.children


def code_uses(code: Code) -> CodeUses:
    """Four queries, however much the code is used."""
    return CodeUses(
        codings=Coding.objects.filter(code=code).count(),
        children=list(code.children.only("pk", "name", "study_id", "parent_id")),
        themes=list(Theme.objects.filter(codes=code).only("pk", "name", "study_id")),
        memos=list(Memo.objects.filter(code=code).order_by("pk")),
    )
