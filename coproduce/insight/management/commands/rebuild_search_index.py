from django.core.management.base import BaseCommand, CommandError

from coproduce.insight import search
from coproduce.insight.models import Study


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of insight studies: one study (--study SLUG) or all. "
        "Rebuilding all also clears index entries left behind by changed sources."
    )

    def add_arguments(self, parser):
        parser.add_argument("--study", metavar="SLUG", help="only this study")

    def handle(self, *args, **options):
        study = None
        if options["study"]:
            study = Study.objects.filter(slug=options["study"]).first()
            if study is None:
                raise CommandError(f"No study with the short name {options['study']!r}.")
        count = search.rebuild(study)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{count} passage(s) indexed.")
