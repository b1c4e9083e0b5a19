"""The sign-in page at ``/``: a small page to try the API from a browser."""

from django.templatetags.static import static
from django.views.generic import TemplateView

from djognito.browser.settings import browser_config

# The page's own script and style sheet, and calls to its own API: nothing else runs here.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class SignInPageView(TemplateView):
    """Sign in, see ``/api/me/``, add and list notes, refresh, sign out.

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
