"""What is in the database, for tests that assert a refused or failed write changed nothing."""

from django.apps import apps


def _models(target):
    if isinstance(target, str):
        # An app label: every model of the app, with its many-to-many tables.
        return list(apps.get_app_config(target).get_models(include_auto_created=True))
    through = [f.remote_field.through for f in target._meta.many_to_many]
    return [target, *through]


def snapshot(*targets) -> tuple:
    """Every row, every column, of the given models and apps (labels), in a fixed order.

    Whole rows rather than counts, so an update that should not have happened is caught as
    well as an insert or a delete.
    """
    seen, state = set(), []
    for target in targets:
        for model in _models(target):
            if model in seen:
                continue
            seen.add(model)
            columns = [field.attname for field in model._meta.concrete_fields]
            rows = list(model._default_manager.order_by("pk").values_list(*columns))
            state.append((model._meta.label, rows))
    return tuple(state)
