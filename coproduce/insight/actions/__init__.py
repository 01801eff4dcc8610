"""Every write about insight studies. One module per area, re-exported here so callers write
`from coproduce.insight import actions; actions.add_coding(...)`."""

from .coding import *  # noqa: F403
from .studies import *  # noqa: F403
