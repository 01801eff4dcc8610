"""Flash messages that may carry a link.

Pages are Jinja templates, and Jinja escapes anything without `__html__`, including Django's
`Message`, so a message the code built with `format_html` (a link to act on it, say) lost its
markup. Messages from this storage render as Django templates would: a message marked safe keeps
its markup; every other message is escaped, as before.
"""

from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.session import SessionStorage
from django.utils.html import conditional_escape


class HtmlMessage(Message):
    def __html__(self) -> str:
        return conditional_escape(self.message)


class MessageStorage(SessionStorage):
    def __iter__(self):
        messages = list(super().__iter__())
        for message in messages:
            if type(message) is Message:
                message.__class__ = HtmlMessage
        return iter(messages)
