"""`coproduce insight ...`: the command line does what the study pages do, for automation.

Argument definitions live here; each subcommand's work is in the module that owns that area
(exchange for QDPX, analysis for tables and agreement), so the command and the pages share code.
Output goes to stdout; errors go to stderr with exit status 2 and change nothing.
"""

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="insight_command", required=True)
    p = sub.add_parser("list", help="one study a line: slug, title and counts")
    p.set_defaults(handler="exchange:cli_list")
    p = sub.add_parser("import-qdpx", help="import a REFI-QDA project (.qdpx) into a study")
    p.add_argument("file")
    p.add_argument("--study", required=True, help="slug of the study (created if new)")
    p.add_argument("--organisation", help="organisation short name for a new study")
    p.set_defaults(handler="exchange:cli_import_qdpx")
    p = sub.add_parser("export-qdpx", help="export a study as a REFI-QDA project (.qdpx)")
    p.add_argument("slug")
    p.add_argument("out")
    p.set_defaults(handler="exchange:cli_export_qdpx")
    p = sub.add_parser("export-qdc", help="export a study's codebook as REFI-QDA .qdc")
    p.add_argument("slug")
    p.add_argument("out")
    p.set_defaults(handler="exchange:cli_export_qdc")
    p = sub.add_parser("table1", help="participant characteristics, n (%%)")
    p.add_argument("slug")
    p.add_argument("--by", action="append", required=True, metavar="ATTR")
    p.add_argument("--split", metavar="ATTR")
    p.add_argument(
        "--rounding", choices=["largest-remainder", "half-up"], default="largest-remainder"
    )
    p.add_argument("--format", choices=["csv", "md"], default="md")
    p.set_defaults(handler="analysis:cli_table1")
    p = sub.add_parser("barriers", help="COM-B barriers and facilitators (Table 3)")
    p.add_argument("slug")
    p.add_argument("--format", choices=["csv", "md"], default="md")
    p.set_defaults(handler="analysis:cli_barriers")
    p = sub.add_parser("agreement", help="Cohen's kappa and Krippendorff's alpha between coders")
    p.add_argument("slug")
    p.add_argument("--unit", choices=["character", "sentence", "turn"], default="turn")
    p.add_argument("--format", choices=["json", "md"], default="md")
    p.set_defaults(handler="analysis:cli_agreement")

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

    from django.core.exceptions import ValidationError

    module_name, function = args.handler.split(":")
    handler = getattr(import_module(f"coproduce.insight.{module_name}"), function)
    try:
        return handler(args, out=sys.stdout) or 0
    except ValidationError as exc:
        for message in exc.messages:
            print(f"error: {message}", file=sys.stderr)
        return 2
