"""Every write about insight studies. One module per area, re-exported here so callers write
`from coproduce.insight import actions; actions.add_coding(...)`."""

from ..exchange.actions import *  # noqa: F403
from ..jobs import *  # noqa: F403
from ..outputs.actions import *  # noqa: F403
from .assist import *  # noqa: F403
from .coding import *  # noqa: F403
from .participants import *  # noqa: F403
from .pseudonymise import *  # noqa: F403
from .sources import *  # noqa: F403
from .studies import *  # noqa: F403
