"""The sign-in page at ``/``: a small page to try the API from a browser."""

import json

import segno
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView

from djognito.browser.settings import browser_config

# The page's own script and style sheet, and calls to its own API: nothing else runs here.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class SignInPageView(TemplateView):
    """Sign in (through any step Cognito asks for), see ``/api/me/``, add and list notes,
    refresh, sign out; sign up and confirm, reset a forgotten password, change the password,
    sign out everywhere.

    Plain HTML and one static script; the tokens stay in HttpOnly cookies the page cannot
    read. Replace it with your own front end.
    """

    template_name = "api/sign_in.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["managed_login"] = "on" if browser_config().domain else "off"
        context["script_url"] = static("api/sign_in.js")
        context["style_url"] = static("api/sign_in.css")
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


# An otpauth:// URI of an authenticator set-up is well under this.
MAX_QR_TEXT_LENGTH = 1024


class QrCodeView(View):
    """``POST {"text": "otpauth://totp/..."}``: the QR code of an authenticator set-up, as
    an SVG made here (no third party sees the secret, no CDN). A ``POST`` with the CSRF
    token, so the secret is in no URL and no access log."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            text = json.loads(request.body or b"{}").get("text")
        except (ValueError, AttributeError):
            text = None
        if (
            not isinstance(text, str)
            or not text.startswith("otpauth://totp/")
            or len(text) > MAX_QR_TEXT_LENGTH
        ):
            return JsonResponse(
                {"detail": "text must be an otpauth://totp/ URI", "code": "invalid_parameter"},
                status=400,
            )
        svg = segno.make(text, error="m").svg_inline(scale=4, title="Authenticator set-up")
        response = HttpResponse(svg, content_type="image/svg+xml")
        add_never_cache_headers(response)
        return response
