"""The API's interactive docs from our own static files.

django-ninja's default page loads Swagger UI from a CDN, which our Content-Security-Policy
blocks (the page was blank). Its bundled copy (ninja's static files, collected with ours)
needs no outside resource and no inline script: the settings travel as a JSON data block that
ninja's own swagger-ui-init.js reads.
"""

import json

from django.shortcuts import render
from ninja.openapi.docs import DocsBase, _csrf_needed


class LocalSwagger(DocsBase):
    settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # The "valid" badge asks a public validator service: blocked by the CSP, and it would
        # send our API description to a third party.
        "validatorUrl": None,
    }

    def render_page(self, request, api, **kwargs):
        context = {
            "api": api,
            # Inside a <script> data block: "<" escaped so no value can close it.
            "swagger_settings": json.dumps(
                {**self.settings, "url": self.get_openapi_url(api, kwargs)}
            ).replace("<", "\\u003c"),
            "add_csrf": _csrf_needed(api),
        }
        return render(request, "api/docs.html", context)
