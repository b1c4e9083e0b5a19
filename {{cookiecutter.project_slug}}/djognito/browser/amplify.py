"""Reading the tokens that Amplify's cookie storage leaves in the browser, as they are.

Amplify (``CookieStorage``) keeps ``CognitoIdentityServiceProvider.<client id>.LastAuthUser``
(the signed-in username) and ``CognitoIdentityServiceProvider.<client id>.<username>.accessToken``
(``idToken`` for the id token). Names and values may be URL-encoded: usernames such as
``ana+test@example.com`` arrive as ``ana%2Btest%40example.com``.
"""

from urllib.parse import unquote

from .settings import browser_config

PREFIX = "CognitoIdentityServiceProvider."
TOKEN_COOKIE_SUFFIX = {"access": "accessToken", "id": "idToken"}


def amplify_token(cookies, client_ids, token_use: str) -> str | None:
    """The token of the last signed-in user of the first client that has one, or ``None``."""
    decoded = {
        unquote(name): unquote(value)
        for name, value in cookies.items()
        if name.startswith(PREFIX) and value
    }
    if not decoded:
        return None
    suffix = TOKEN_COOKIE_SUFFIX[token_use]
    for client_id in client_ids:
        username = decoded.get(f"{PREFIX}{client_id}.LastAuthUser")
        if username:
            token = decoded.get(f"{PREFIX}{client_id}.{username}.{suffix}")
            if token:
                return token
    return None


def amplify_request_token(cookies) -> str | None:
    """The token in Amplify's cookies of a request, when ``AWS_COGNITO_AMPLIFY_COOKIES`` is
    on; ``None`` otherwise."""
    config = browser_config()
    if config.amplify_cookies is not True:
        return None
    cognito = config.cognito
    return amplify_token(cookies, cognito.app_client_ids, cognito.token_use)
