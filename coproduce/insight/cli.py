"""`coproduce insight ...`: the command line does what the study pages do, for automation.

Argument definitions and the handlers live here (evaluation is handled by assist/evaluate.py).
Each handler calls the same readers, writers, tables and actions as the pages.
Output goes to stdout; errors go to stderr with exit status 2 and change nothing.
"""

import argparse
import io
import json
import sys

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="insight_command", required=True)
    p = sub.add_parser("list", help="one study a line: slug, title and counts")
    p.set_defaults(handler="cli:cli_list")
    p = sub.add_parser("import-qdpx", help="import a REFI-QDA project (.qdpx) into a study")
    p.add_argument("file")
    p.add_argument("--study", required=True, help="slug of the study (created if new)")
    p.add_argument("--organisation", help="organisation short name for a new study")
    p.set_defaults(handler="cli:cli_import_qdpx")
    p = sub.add_parser("export-qdpx", help="export a study as a REFI-QDA project (.qdpx)")
    p.add_argument("slug")
    p.add_argument("out")
    p.set_defaults(handler="cli:cli_export_qdpx")
    p = sub.add_parser("export-qdc", help="export a study's codebook as REFI-QDA .qdc")
    p.add_argument("slug")
    p.add_argument("out")
    p.set_defaults(handler="cli:cli_export_qdc")
    p = sub.add_parser("table1", help="participant characteristics, n (%%)")
    p.add_argument("slug")
    p.add_argument("--by", action="append", required=True, metavar="ATTR")
    p.add_argument("--split", metavar="ATTR")
    p.add_argument(
        "--rounding", choices=["largest-remainder", "half-up"], default="largest-remainder"
    )
    p.add_argument("--format", choices=["csv", "md"], default="md")
    p.set_defaults(handler="cli:cli_table1")
    p = sub.add_parser("barriers", help="COM-B barriers and facilitators (Table 3)")
    p.add_argument("slug")
    p.add_argument("--format", choices=["csv", "md"], default="md")
    p.set_defaults(handler="cli:cli_barriers")
    p = sub.add_parser("agreement", help="Cohen's kappa and Krippendorff's alpha between coders")
    p.add_argument("slug")
    p.add_argument("--unit", choices=["character", "sentence", "turn"], default="turn")
    p.add_argument("--format", choices=["json", "md"], default="md")
    p.set_defaults(handler="cli:cli_agreement")

    p = sub.add_parser(
        "autocode-eval",
        help="cross-validate code suggestions on a coded QDPX project; prints JSON scores",
    )
    p.add_argument("file")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--unit", choices=["sentence", "turn", "paragraph"], default="sentence")
    p.add_argument("--backend", default="tfidf", help="tfidf (default), baseline-svm, embeddings")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--min-examples", type=int, default=5, help="codes with fewer coded units are not scored"
    )
    p.set_defaults(handler="assist.evaluate:cli_autocode_eval")


def run(args) -> int:
    from importlib import import_module

    module_name, function = args.handler.split(":")
    handler = getattr(import_module(f"coproduce.insight.{module_name}"), function)
    try:
        return handler(args, out=sys.stdout) or 0
    except ValidationError as exc:
        for message in exc.messages:
            print(f"error: {message}", file=sys.stderr)
        return 2


# Handlers of the exchange subcommands.


def _study(slug: str):
    from .models import Study

    study = Study.objects.filter(slug=slug).first()
    if study is None:
        raise ValidationError(_("There is no study called “%(slug)s”.") % {"slug": slug})
    return study


def cli_list(args, out) -> int:
    """One study a line: slug, title, then participants, sources, codes and codings (tabs)."""
    from .exchange.selectors import study_counts
    from .models import Study

    for study in Study.objects.order_by("slug"):
        counts = study_counts(study)
        fields = [study.slug, study.title.replace("\t", " ")] + [str(v) for v in counts.values()]
        print("\t".join(fields), file=out)
    return 0


def cli_import_qdpx(args, out) -> int:
    from coproduce.people.models import Organisation

    from . import actions
    from .exchange import read_qdpx

    try:
        handle = open(args.file, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ValidationError(
            _("Cannot read %(file)s: %(error)s") % {"file": args.file, "error": exc.strerror}
        ) from None
    from .models import Study

    with handle, transaction.atomic():
        study = Study.objects.filter(slug=args.study).first()
        created = study is None
        if created:
            if args.organisation:
                organisation = Organisation.objects.filter(slug=args.organisation).first()
                if organisation is None:
                    raise ValidationError(
                        _("There is no organisation called “%(slug)s”.")
                        % {"slug": args.organisation}
                    )
            else:
                organisations = list(Organisation.objects.all()[:2])
                if len(organisations) != 1:
                    raise ValidationError(
                        _("Say which organisation the new study belongs to with --organisation.")
                    )
                organisation = organisations[0]
            parsed = read_qdpx(handle)
            study = actions.create_study(
                by=None,
                organisation=organisation,
                title=parsed.name or args.study,
                slug=args.study,
                description=parsed.description,
                seed_comb=False,
                standard_attributes=False,
            )
        else:
            parsed = read_qdpx(handle)
        report = actions.import_qdpx(by=None, study=study, parsed=parsed)
    report["study"] = study.slug
    report["study_created"] = created
    dropped = report.get("dropped")
    if dropped:
        print(
            _("warning: %(n)s codings were not imported: the text of %(sources)s was not found.")
            % {"n": dropped["codings"], "sources": ", ".join(dropped["sources"])},
            file=sys.stderr,
        )
    print(json.dumps(report, indent=1, ensure_ascii=False), file=out)
    return 0


def _write_out(path: str, write) -> None:
    try:
        with open(path, "wb") as fp:
            return write(fp)
    except OSError as exc:
        raise ValidationError(
            _("Cannot write %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
        ) from None


def cli_export_qdpx(args, out) -> int:
    from . import actions
    from .exchange import export_qdpx

    study = _study(args.slug)
    counts = _write_out(args.out, lambda fp: export_qdpx(study, fp))
    actions.record_export(by=None, study=study, format="qdpx", counts=counts)
    print(json.dumps({"file": args.out, **counts}, indent=1), file=out)
    return 0


def cli_export_qdc(args, out) -> int:
    from . import actions
    from .exchange import export_qdc

    study = _study(args.slug)
    buffer = io.BytesIO()
    counts = export_qdc(study, buffer)
    _write_out(args.out, lambda fp: fp.write(buffer.getvalue()))
    actions.record_export(by=None, study=study, format="qdc", counts=counts)
    print(json.dumps({"file": args.out, **counts}, indent=1), file=out)
    return 0


# Handlers of the outputs subcommands.


def _cli_study(slug):
    from .outputs.selectors import study_by_slug

    study = study_by_slug(slug)
    if study is None:
        raise ValidationError(_("There is no study called “%(slug)s”.") % {"slug": slug})
    return study


def cli_table1(args, *, out) -> int:
    """`coproduce insight table1 SLUG --by ATTR [--split ATTR]`: the command line runs with the
    operator's full access, so special-category attributes may be asked for by name."""
    from . import analysis

    study = _cli_study(args.slug)
    table = analysis.table1(
        study,
        by=args.by,
        split=args.split,
        rounding=getattr(args, "rounding", analysis.LARGEST_REMAINDER),
        include_special=True,
    )
    if args.format == "csv":
        header, rows = analysis.table1_tabular(table, combined=False)
        out.write(analysis.write_csv(header, rows).decode("utf-8"))
    else:
        header, rows = analysis.table1_tabular(table, combined=True)
        out.write(f"{table['title']}\n\n{analysis.write_markdown(header, rows)}")
    return 0


def cli_barriers(args, *, out) -> int:
    from . import analysis

    study = _cli_study(args.slug)
    header, rows = analysis.barriers_tabular(analysis.barriers(study))
    if args.format == "csv":
        out.write(analysis.write_csv(header, rows).decode("utf-8"))
    else:
        out.write(analysis.write_markdown(header, rows))
    return 0


def cli_agreement(args, *, out) -> int:
    from . import analysis

    study = _cli_study(args.slug)
    table = analysis.agreement(study, unit=args.unit)
    header, rows = analysis.agreement_tabular(table)
    if getattr(args, "format", "md") == "json":
        out.write(
            json.dumps(
                {"unit": table["unit"], "units": table["units"], "header": header, "rows": rows},
                ensure_ascii=False,
                indent=2,
            )
        )
        out.write("\n")
    else:
        out.write(analysis.write_markdown(header, rows))
    return 0
