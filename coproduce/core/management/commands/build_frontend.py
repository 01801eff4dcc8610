from django.core.management.base import BaseCommand

from coproduce.core import frontend, i18n


class Command(BaseCommand):
    requires_system_checks = []
    help = "Copy the NHS.UK frontend assets into place and compile the Welsh catalogue."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, force=False, **options):
        out = frontend.build(force=force)
        compiled = i18n.compile_all(force=force)
        self.stdout.write(f"Front-end assets in {out}; compiled {len(compiled)} catalogue(s).")
