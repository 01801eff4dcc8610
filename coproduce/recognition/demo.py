"""Demo data for this app, called by coproduce.core.demo.load()."""


def load(ctx) -> None:
    """ctx: see coproduce.core.demo.DemoContext."""
