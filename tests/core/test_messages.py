"""Flash messages: one built with format_html keeps its link; any other is escaped."""

from django.contrib import messages
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.utils.html import format_html

from coproduce.core.messages import MessageStorage


def _rendered(*texts):
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = MessageStorage(request)
    for text in texts:
        messages.info(request, text)
    request._messages.update(HttpResponse())
    request._messages = MessageStorage(request)  # the next request reads them back
    template = engines["jinja2"].from_string("{% for m in ms %}<p>{{ m }}</p>{% endfor %}")
    return template.render({"ms": list(request._messages)})


def test_message_storage_safe_message_keeps_link():
    html = _rendered(format_html('Saved. <a href="{}">{}</a>', "/me/language/?a=1&b=2", "Use it"))
    assert html == '<p>Saved. <a href="/me/language/?a=1&amp;b=2">Use it</a></p>'


def test_message_storage_plain_message_escaped():
    assert _rendered("<b>Bold</b> & co") == "<p>&lt;b&gt;Bold&lt;/b&gt; &amp; co</p>"
