from django.core.management.base import BaseCommand
from django.utils import timezone

from coproduce.core import actions, reminders


class Command(BaseCommand):
    help = (
        "E-mail reminders that are due (answers closing soon, decisions due for review). "
        "Run it hourly from cron or a systemd timer; each reminder goes out once."
    )

    def handle(self, *args, **options):
        sent = sum(
            1
            for reminder in reminders.due(timezone.now())
            if actions.send_reminder(by=None, reminder=reminder)
        )
        if options["verbosity"] >= 1:
            self.stdout.write(f"{sent} reminder(s) sent.")
