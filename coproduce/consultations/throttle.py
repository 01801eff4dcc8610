"""Rate limits on anonymous survey answers (settings.SURVEY_RATE_LIMITS): so many per client
address through one link, and so many through the link as a whole, which also caps a flood
from many addresses.

Built on allauth's limiter, the one that already guards sign-in: it keeps its counts in the
default cache, which is the database, so the limits hold across every worker and server (a
per-process cache would multiply them by the number of workers)."""

from allauth.core.internal import ratelimit
from django.conf import settings
from django.utils.crypto import salted_hmac

APP = "coproduce.consultations"


def _client_key(request, link) -> str:
    # A keyed hash: the cache never holds the address itself, and the hash cannot be reversed
    # by trying every address without the secret key. Nothing joins it to the answers.
    address = ratelimit.get_ip(request)
    return salted_hmac("consultations.survey", f"{address}|{link.code}").hexdigest()


def allow_answer(request, link) -> bool:
    """Count one answer through `link`, or False (counting nothing) when this client or the
    link has reached its limit."""
    limits = settings.SURVEY_RATE_LIMITS
    client = ratelimit.consume(
        request, app=APP, action="client", config=limits, key=_client_key(request, link)
    )
    if client is None:
        return False
    if ratelimit.consume(request, app=APP, action="link", config=limits, key=link.code) is None:
        client.rollback()
        return False
    return True
