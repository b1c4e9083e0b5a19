"""OpenAPI for drf-spectacular: the sign-in endpoints of ``djognito.browser.views``.

Loaded by ``djognito.browser.apps`` when drf-spectacular is installed, as drf-spectacular's
documentation asks of libraries ("extensions for third-party packages"): the views stay
free of schema code, and a project documents them by installing the app, wherever it
mounts the URLs.

Each view gets an ``OpenApiViewExtension`` of priority -1, so that a project's own
extension for the same view (one of priority 0, as earlier sample apps registered) wins.
"""

from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers

from ..contrib.spectacular import BEARER_SCHEME, COOKIE_SCHEME, ErrorSerializer
from .serializers import (
    AcceptedSerializer,
    AuthenticatorCodeSerializer,
    ChangePasswordSerializer,
    ConfirmSignUpSerializer,
    LoginSerializer,
    MfaSettingsSerializer,
    RefreshedSerializer,
    ResetPasswordSerializer,
    SessionSerializer,
    SignUpAcceptedSerializer,
    SignUpSerializer,
    TotpSetupSerializer,
    UsernameSerializer,
)
from .views import MAX_NEXT_LENGTH


class SignInErrorSerializer(serializers.Serializer):
    """Why the sign-in failed; ``challenge`` names the step Cognito asks for, if any."""

    detail = serializers.CharField()
    code = serializers.CharField()
    challenge = serializers.CharField(required=False)


SIGN_IN_REFUSED = OpenApiResponse(
    SignInErrorSerializer,
    description=(
        "Wrong username or password (one answer for both), or a step Cognito asks for "
        "(`challenge` names it)."
    ),
)
CSRF_REFUSED = OpenApiResponse(
    ErrorSerializer, description="The request carried no valid CSRF token."
)
IDP_UNAVAILABLE = OpenApiResponse(SignInErrorSerializer, description="Cognito is unreachable.")
SESSION_ENDED = OpenApiResponse(
    SignInErrorSerializer,
    description="No refresh cookie, or Cognito refused it: both cookies are cleared.",
)
REDIRECT = OpenApiResponse(description="A redirect (`Location`).")
SIGNED_IN_SESSION = OpenApiResponse(
    SessionSerializer,
    description=(
        "Signed in: the token cookies are set and the CSRF token rotated; `csrfToken` is "
        "the new one (the one this request sent no longer passes)."
    ),
)
SIGNED_IN_REDIRECT = OpenApiResponse(
    description=(
        "Signed in: a redirect (`Location`) with the token cookies; the CSRF token is "
        "rotated, so the page it lands on gets the new one from `GET /api/csrf/`."
    )
)
TOO_MANY_ATTEMPTS = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Too many requests from this address, or failed attempts for this username "
        "(`too_many_attempts`); `Retry-After` says when to try again."
    ),
)
UNTRUSTED_TOKEN = OpenApiResponse(
    ErrorSerializer, description="Cognito answered with a token this API refuses."
)
HOSTED_NOT_CONFIGURED = OpenApiResponse(
    ErrorSerializer, description="The managed login is not configured (`AWS_COGNITO_DOMAIN`)."
)

# What ``settings.is_allowed_redirect`` lets through without an allowed origin: a path on
# this site ("/..."), never protocol-relative ("//host"), without backslash, tab or line
# break; or nothing (the default applies).
LOCAL_PATH_PATTERN = r"^(?:/(?!/)[^\\\t\r\n]*)?$"
NEXT_PARAMETER = OpenApiParameter(
    "next",
    {"type": "string", "pattern": LOCAL_PATH_PATTERN, "maxLength": MAX_NEXT_LENGTH},
    description=(
        "Where to land after signing in: a path on this site (`/...`, not `//...`), at most "
        f"{MAX_NEXT_LENGTH} characters; a URL on an origin of `DJANGO_CORS_ALLOWED_ORIGINS` "
        "is accepted too. Anything else is refused (400). Absent or empty: "
        "`AWS_COGNITO_LOGIN_REDIRECT_URL`."
    ),
)
# What the managed login sends back is short (Cognito's code is a UUID, our state 43
# characters, an OAuth error code a word): 200 characters each keep the callback's request
# line, at most 3 x 200 x 12 bytes percent-encoded (7,200) with the path and the names
# (59), within gunicorn's 8,190 (see views.MAX_NEXT_LENGTH). A longer one cannot be right:
# it gets the 400 of a code or state that does not match.
CALLBACK_VALUE_MAX_LENGTH = 200
CALLBACK_PARAMETERS = [
    OpenApiParameter(
        "code",
        {"type": "string", "minLength": 1, "maxLength": CALLBACK_VALUE_MAX_LENGTH},
        required=True,
        description="The authorization code the managed login sends back.",
    ),
    OpenApiParameter(
        "state",
        {"type": "string", "minLength": 1, "maxLength": CALLBACK_VALUE_MAX_LENGTH},
        required=True,
        description="The state this browser's sign-in started with (checked against its cookie).",
    ),
    OpenApiParameter(
        "error",
        {"type": "string", "maxLength": CALLBACK_VALUE_MAX_LENGTH},
        description="Sent by the managed login instead of `code` when it did not sign in (400).",
    ),
]


class ChallengeRequiredSerializer(serializers.Serializer):
    """A step Cognito asks for (``challenge_required``), or why the answer was refused."""

    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="challenge_required, challenge_expired, unsupported_challenge, ..."
    )
    challenge = serializers.CharField(
        required=False,
        help_text="SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE, "
        "NEW_PASSWORD_REQUIRED or MFA_SETUP",
    )
    parameters = serializers.DictField(
        required=False,
        help_text="What to show: destination (SMS_MFA, EMAIL_OTP), options (SELECT_MFA_TYPE, "
        "MFA_SETUP), required_attributes (NEW_PASSWORD_REQUIRED), secret and otpauth_uri "
        "(MFA_SETUP once the app is chosen).",
    )


class ChallengeAnswerSerializer(serializers.Serializer):
    """The answer to the pending step: the fields it needs, by step."""

    code = serializers.CharField(
        required=False, help_text="SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, MFA_SETUP (finish)"
    )
    mfa = serializers.CharField(
        required=False, help_text="SELECT_MFA_TYPE (one of options), MFA_SETUP (start)"
    )
    new_password = serializers.CharField(required=False, help_text="NEW_PASSWORD_REQUIRED")
    attributes = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="NEW_PASSWORD_REQUIRED: the required_attributes",
    )


CHALLENGE_STEP = OpenApiResponse(
    ChallengeRequiredSerializer,
    description=(
        "`challenge_required`: the next step (`challenge`, `parameters`), with the challenge "
        "cookie; `challenge_expired`: no step is waiting (sign in again); "
        "`unsupported_challenge`: a step this API cannot complete."
    ),
)
# No one schema: a refused code is {"detail", "code"}, a malformed body names its fields.
INVALID_CODE = OpenApiResponse(
    description="`invalid_code` (try again: it counts as a failed attempt), "
    '`invalid_password`, `invalid_parameter` (each `{"detail", "code"}`), or a '
    "malformed body (the body names the fields)."
)
NOT_SIGNED_IN = OpenApiResponse(
    ErrorSerializer, description="No valid access token in the cookie: sign in first."
)

# View (in djognito.browser.views) -> method -> its documentation.
ENDPOINTS = {
    "LoginView": {
        "post": extend_schema(
            summary="Sign in: the tokens go into HttpOnly cookies",
            request=LoginSerializer,
            responses={
                200: SIGNED_IN_SESSION,
                400: OpenApiResponse(description="Malformed body (the body names the fields)."),
                401: SIGN_IN_REFUSED,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                502: UNTRUSTED_TOKEN,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "ChallengeView": {
        "post": extend_schema(
            summary="Answer the step Cognito asked for at sign-in (MFA code, new password ...)",
            request=ChallengeAnswerSerializer,
            responses={
                200: SIGNED_IN_SESSION,
                400: INVALID_CODE,
                401: CHALLENGE_STEP,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                502: UNTRUSTED_TOKEN,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "RefreshView": {
        "post": extend_schema(
            summary="A new access cookie from the refresh cookie",
            request=None,
            responses={
                200: RefreshedSerializer,
                401: SESSION_ENDED,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                502: UNTRUSTED_TOKEN,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "LogoutView": {
        "post": extend_schema(
            summary="Sign out: both cookies cleared, refresh token revoked",
            request=None,
            responses={204: None, 403: CSRF_REFUSED, 429: TOO_MANY_ATTEMPTS},
        )
    },
    "HostedLoginView": {
        "get": extend_schema(
            summary="Go to the managed login (PKCE)",
            parameters=[NEXT_PARAMETER],
            responses={
                302: REDIRECT,
                400: OpenApiResponse(description="`next` refused (the body says why)."),
                404: HOSTED_NOT_CONFIGURED,
                429: TOO_MANY_ATTEMPTS,
            },
        )
    },
    "HostedCallbackView": {
        "get": extend_schema(
            summary="The managed login's redirect back: sets the cookies",
            parameters=CALLBACK_PARAMETERS,
            responses={
                302: SIGNED_IN_REDIRECT,
                400: OpenApiResponse(
                    SignInErrorSerializer,
                    description=(
                        "The managed login sent `error`; missing, forged or expired state; "
                        "code refused."
                    ),
                ),
                404: HOSTED_NOT_CONFIGURED,
                429: TOO_MANY_ATTEMPTS,
                502: UNTRUSTED_TOKEN,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "HostedLogoutView": {
        "post": extend_schema(
            summary="Sign out here and at the managed login (the sign-in revoked as by logout)",
            request=None,
            responses={
                302: REDIRECT,
                403: CSRF_REFUSED,
                404: HOSTED_NOT_CONFIGURED,
                429: TOO_MANY_ATTEMPTS,
            },
        )
    },
}


def view_extension(
    view_name: str, methods: dict, module: str = "views"
) -> type[OpenApiViewExtension]:
    """The extension (registered on creation) documenting one view of ``browser.<module>``."""

    def view_replacement(self):
        # A subclass carries the documentation: the served view stays untouched.
        subclass = type(view_name, (self.target,), {"__doc__": self.target.__doc__})
        return extend_schema_view(**methods)(subclass)

    return type(
        f"{view_name}Schema",
        (OpenApiViewExtension,),
        {
            "target_class": f"{__package__}.{module}.{view_name}",
            "priority": -1,
            "view_replacement": view_replacement,
        },
    )


VIEW_EXTENSIONS = [view_extension(name, methods) for name, methods in ENDPOINTS.items()]

# The authenticator self-service views (in djognito.browser.mfa).
MFA_ENDPOINTS = {
    "MfaView": {
        "get": extend_schema(
            summary="The second factors on for the signed-in user, and the preferred one",
            responses={
                200: MfaSettingsSerializer,
                401: NOT_SIGNED_IN,
                429: TOO_MANY_ATTEMPTS,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "TotpView": {
        "post": extend_schema(
            summary="A new authenticator app secret (shown once; on after verify/)",
            request=None,
            responses={
                200: TotpSetupSerializer,
                401: NOT_SIGNED_IN,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                503: IDP_UNAVAILABLE,
            },
        ),
        "delete": extend_schema(
            summary="Turn the authenticator app off (within AWS_COGNITO_REAUTH_SECONDS of "
            "signing in)",
            request=None,
            responses={
                204: None,
                401: NOT_SIGNED_IN,
                403: OpenApiResponse(
                    ErrorSerializer,
                    description="`reauthentication_required` (sign in again), or no CSRF token.",
                ),
                429: TOO_MANY_ATTEMPTS,
                503: IDP_UNAVAILABLE,
            },
        ),
    },
    "TotpVerifyView": {
        "post": extend_schema(
            summary="The app's first code: the authenticator is then on and preferred",
            request=AuthenticatorCodeSerializer,
            responses={
                204: None,
                400: INVALID_CODE,
                401: NOT_SIGNED_IN,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                503: IDP_UNAVAILABLE,
            },
        )
    },
}
VIEW_EXTENSIONS += [
    view_extension(name, methods, module="mfa") for name, methods in MFA_ENDPOINTS.items()
]


# The account views (in djognito.browser.accounts).
ACCOUNT_REFUSED = OpenApiResponse(
    description="`invalid_password` or `invalid_parameter` (Cognito's explanation in "
    '`detail`; each `{"detail", "code"}`), or a malformed body (the body names the fields).'
)
CODE_REFUSED = OpenApiResponse(
    description="`invalid_code`: a wrong or expired code, or an unknown user (one answer; "
    'it counts as a failed attempt of the username), `invalid_password` (each `{"detail", '
    '"code"}`), or a malformed body (the body names the fields).'
)
MALFORMED = OpenApiResponse(description="Malformed body (the body names the fields).")
CODES_LIMITED = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Too many requests from this address, or codes asked for this username "
        "(`too_many_attempts`, known usernames or not); `Retry-After` says when to try again."
    ),
)
SIGNED_IN_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description=(
        "No valid access token (Bearer header or cookie): sign in first; `access_refused` "
        "when Cognito no longer takes it."
    ),
)
SIGNED_IN = [{BEARER_SCHEME: []}, {COOKIE_SCHEME: []}]
ACCOUNT_ENDPOINTS = {
    "SignUpView": {
        "post": extend_schema(
            summary="Sign up: Cognito sends a code to confirm the account (the same answer "
            "for a taken username)",
            request=SignUpSerializer,
            responses={
                202: SignUpAcceptedSerializer,
                400: ACCOUNT_REFUSED,
                403: CSRF_REFUSED,
                429: CODES_LIMITED,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "ConfirmSignUpView": {
        "post": extend_schema(
            summary="Confirm the sign-up with the code sent",
            request=ConfirmSignUpSerializer,
            responses={
                204: None,
                400: CODE_REFUSED,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "ResendCodeView": {
        "post": extend_schema(
            summary="A new sign-up code (202 whether or not the account waits for one)",
            request=UsernameSerializer,
            responses={
                202: AcceptedSerializer,
                400: MALFORMED,
                403: CSRF_REFUSED,
                429: CODES_LIMITED,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "ForgotPasswordView": {
        "post": extend_schema(
            summary="Forgot the password: a code to reset it (202 whether or not the account "
            "exists)",
            request=UsernameSerializer,
            responses={
                202: AcceptedSerializer,
                400: MALFORMED,
                403: CSRF_REFUSED,
                429: CODES_LIMITED,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "ResetPasswordView": {
        "post": extend_schema(
            summary="A new password with the code from password/forgot/",
            request=ResetPasswordSerializer,
            responses={
                204: None,
                400: CODE_REFUSED,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "ChangePasswordView": {
        "post": extend_schema(
            summary="Change the signed-in user's password",
            request=ChangePasswordSerializer,
            auth=SIGNED_IN,
            responses={
                204: None,
                400: ACCOUNT_REFUSED,
                401: OpenApiResponse(
                    ErrorSerializer,
                    description="`invalid_credentials`: the current password is not right "
                    "(a failed attempt of the username); or no valid access token.",
                ),
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "LogoutEverywhereView": {
        "post": extend_schema(
            summary="Sign out on every device (GlobalSignOut); cookies cleared",
            request=None,
            auth=SIGNED_IN,
            responses={
                204: None,
                401: SIGNED_IN_REFUSED,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                503: IDP_UNAVAILABLE,
            },
        )
    },
}
VIEW_EXTENSIONS += [
    view_extension(name, methods, module="accounts") for name, methods in ACCOUNT_ENDPOINTS.items()
]
