"""``PrivateCookieAnswers``: an answer to a request that carried the token cookie depends on
that cookie, so no shared cache may keep it or hand it to someone else.

Adds ``Vary: Cookie`` and ``Cache-Control: private`` to such answers (an answer that is
already ``no-store`` keeps it). Requests without the cookie (Bearer clients, anonymous
visitors) are left as they are. Put it right after Django's ``SecurityMiddleware``.
"""

from django.utils.cache import patch_cache_control, patch_vary_headers

from . import state


class PrivateCookieAnswers:
    """Django middleware: cookie-authenticated answers are private and vary on ``Cookie``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The header test first: most API clients send no cookie at all.
        if "HTTP_COOKIE" in request.META and state.config().cookie_name in request.COOKIES:
            patch_vary_headers(response, ("Cookie",))
            if "no-store" not in response.get("Cache-Control", ""):
                patch_cache_control(response, private=True)
        return response
