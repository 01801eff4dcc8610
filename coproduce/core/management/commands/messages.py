from django.core.management.base import BaseCommand

from coproduce.core import i18n


class Command(BaseCommand):
    requires_system_checks = []
    help = "Extract translatable strings into the Welsh catalogue and list what lacks Welsh."

    def handle(self, *args, **options):
        i18n.update("cy")
        gaps = i18n.missing("cy")
        for gap in gaps:
            self.stdout.write(gap)
        self.stdout.write(f"{len(gaps)} string(s) without Welsh.")
