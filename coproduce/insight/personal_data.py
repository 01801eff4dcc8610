"""What insight studies hold about a person who is on a study team (not about participants, who
are known only by study identifiers and whose key is held separately)."""

from .models import Coder, Coding, Memo, StudyMember


def export_for(person) -> dict:
    coders = Coder.objects.filter(person=person).select_related("study")
    return {
        "insight_studies": [
            {"study": m.study.title, "role": m.role}
            for m in StudyMember.objects.filter(person=person).select_related("study")
        ],
        "insight_coding": [
            {
                "study": coder.study.title,
                "codings": Coding.objects.filter(coder=coder).count(),
                "memos": [m.text for m in Memo.objects.filter(author=coder)],
            }
            for coder in coders
        ],
    }


def erase_for(person, pseudonym: str) -> None:
    """Coders keep their codings (the analysis stays true) under the pseudonym."""
    Coder.objects.filter(person=person).update(name=pseudonym)
