"""The database cache's table (settings.CACHES), made wherever migrations run so `coproduce
serve`, the demo, tests and `manage migrate` all have it. createcachetable skips a table that
exists and any cache that is not in the database."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_remindersent"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
