from django.core.management.base import BaseCommand

from coproduce.measures.actions import load_frameworks


class Command(BaseCommand):
    help = "Load new versions of the framework data files (ladders, principles, criteria)."

    def handle(self, *args, **options):
        added = load_frameworks(by=None)
        if options["verbosity"] >= 1:
            for framework in added:
                self.stdout.write(f"Loaded {framework}")
            self.stdout.write(f"{len(added)} framework version(s) added.")
