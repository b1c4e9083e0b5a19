"""Front ends on other origins (CORS), Amplify's cookies, stale cookies and their checks."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.checks import run_checks

from djognito.browser.checks import CHECK_IDS
from djognito.browser.settings import load_browser_config

from .processes import PROJECT, run_python, scrubbed_environment

pytestmark = pytest.mark.django_db

FRONT_END = "https://app.example.test"
PUBLIC_PATHS = [
    "/",
    "/api/public/",
    "/api/health/",
    "/api/csrf/",
{%- if cookiecutter.openapi_docs == 'y' %}
    "/api/schema/",
    "/api/docs/",
{%- endif %}
]


@pytest.fixture
def front_end(settings):
    """One allowed origin, with the middleware config/settings.py then installs."""
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]
    common = settings.MIDDLEWARE.index("django.middleware.common.CommonMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:common],
        "corsheaders.middleware.CorsMiddleware",
        *settings.MIDDLEWARE[common:],
    ]
    return FRONT_END


def middleware_with(**variables) -> list[str]:
    """``MIDDLEWARE`` as config/settings.py computes it from ``variables`` (the module run
    in a child process, without starting Django)."""
    code = "import config.settings; print(','.join(config.settings.MIDDLEWARE))"
    result = run_python(
        "-c",
        code,
        env=scrubbed_environment(
            DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="on", **variables
        ),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split(",")


def test_cors_middleware_runs_only_when_origins_are_listed():
    cors, common = (
        "corsheaders.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
    )
    assert cors not in middleware_with(DJANGO_CORS_ALLOWED_ORIGINS="")
    listed = middleware_with(DJANGO_CORS_ALLOWED_ORIGINS=FRONT_END)
    assert listed.index(cors) == listed.index(common) - 1


def test_an_allowed_origin_may_call_with_credentials(api_client, front_end, tokens):
    api_client.cookies[settings.ACCESS_TOKEN_KEY] = tokens.token("alice")
    response = api_client.get("/api/me/", HTTP_ORIGIN=front_end)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == front_end
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_a_preflight_from_an_allowed_origin_is_answered(api_client, front_end):
    response = api_client.options(
        "/api/notes/",
        HTTP_ORIGIN=front_end,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-csrftoken",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == front_end
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"]


def test_another_origin_gets_no_cors_headers(api_client, front_end):
    response = api_client.get("/api/public/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("path", PUBLIC_PATHS)
@pytest.mark.parametrize("cookie", ["garbage", "eyJhbGciOiJub25lIn0.e30.", "expired"])
def test_a_stale_cookie_does_not_lock_anyone_out(api_client, tokens, path, cookie):
    if cookie == "expired":
        cookie = tokens.token("alice", exp=1_000_000, iat=999_000, auth_time=999_000)
    api_client.cookies[settings.ACCESS_TOKEN_KEY] = cookie
    assert api_client.get(path).status_code == 200


def test_login_with_a_stale_cookie_is_judged_on_its_body(api_client):
    api_client.cookies[settings.ACCESS_TOKEN_KEY] = "garbage"
    csrf = api_client.get("/api/csrf/").json()["csrfToken"]
    response = api_client.post("/api/auth/login/", {}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 400


def test_protected_endpoints_still_say_why(api_client):
    api_client.cookies[settings.ACCESS_TOKEN_KEY] = "garbage"
    response = api_client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("malformed token")


def test_the_sign_in_page_loads_no_third_party_script(api_client):
    page = api_client.get("/").content.decode()
    assert "<form" in page
    assert 'src="/static/api/sign_in.js"' in page
    assert "http://" not in page
    assert "https://" not in page


def test_the_sign_in_page_offers_the_managed_login_once_configured(api_client, settings):
    assert 'data-managed-login="off"' in api_client.get("/").content.decode()
    settings.AWS_COGNITO_DOMAIN = "https://example.auth.eu-west-1.amazoncognito.com"
    assert 'data-managed-login="on"' in api_client.get("/").content.decode()


# --- Amplify's cookie storage ------------------------------------------------------------

TOKEN_COOKIE_SUFFIX = {"access": "accessToken", "id": "idToken"}


def amplify_cookies(client_id: str, username: str, token: str) -> dict:
    """Cookies as Amplify's CookieStorage writes them (names and values URL-encoded)."""
    prefix = f"CognitoIdentityServiceProvider.{client_id}"
    token_name = TOKEN_COOKIE_SUFFIX[settings.AWS_COGNITO_TOKEN_USE]
    return {
        f"{prefix}.LastAuthUser": quote(username, safe=""),
        f"{prefix}.{quote(username, safe='')}.{token_name}": token,
        f"{prefix}.{quote(username, safe='')}.refreshToken": "opaque",
    }


def set_cookies(client, cookies: dict) -> None:
    for name, value in cookies.items():
        client.cookies[name] = value


@pytest.fixture
def amplify(settings):
    settings.AWS_COGNITO_AMPLIFY_COOKIES = True


@pytest.mark.parametrize("username", ["alice", "ana+test@example.com", "bob.o'neil"])
def test_amplify_cookies_are_read(api_client, amplify, tokens, username):
    token = tokens.token(username)
    set_cookies(api_client, amplify_cookies("testclient1", username, token))
    response = api_client.get("/api/me/")
    assert response.status_code == 200
    assert response.json()["username"] == username


def test_amplify_cookies_of_a_second_configured_client(api_client, amplify, tokens):
    tokens.client_id = "testclient2"
    set_cookies(api_client, amplify_cookies("testclient2", "bob", tokens.token("bob")))
    assert api_client.get("/api/me/").json()["username"] == "bob"


def test_amplify_cookies_of_an_unknown_client_are_ignored(api_client, amplify, tokens):
    set_cookies(api_client, amplify_cookies("otherclient", "bob", tokens.token("bob")))
    assert api_client.get("/api/me/").status_code == 401


def test_amplify_cookies_are_ignored_unless_turned_on(api_client, tokens):
    set_cookies(api_client, amplify_cookies("testclient1", "bob", tokens.token("bob")))
    assert api_client.get("/api/me/").status_code == 401


def test_the_header_wins_over_amplify_cookies(api_client, amplify, tokens):
    set_cookies(api_client, amplify_cookies("testclient1", "bob", "garbage"))
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {tokens.token('alice')}")
    assert response.json()["username"] == "alice"


def test_amplify_cookies_need_the_csrf_token_on_unsafe_methods(api_client, amplify, tokens):
    set_cookies(api_client, amplify_cookies("testclient1", "bob", tokens.token("bob")))
    response = api_client.post("/api/notes/", {"text": "x"}, format="json")
    assert response.status_code == 403


def test_a_bad_amplify_token_is_401_with_the_reason(api_client, amplify):
    set_cookies(api_client, amplify_cookies("testclient1", "bob", "garbage"))
    response = api_client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("malformed token")


# --- manage.py check ------------------------------------------------------------------


def check_messages() -> str:
    return "\n".join(message.msg for message in run_checks(tags=["djognito"]))


def test_the_defaults_pass_the_checks():
    assert check_messages() == ""


def test_environment_strings_are_converted(settings):
    settings.AWS_COGNITO_REFRESH_TOKEN_DAYS = "7"
    settings.AWS_COGNITO_AMPLIFY_COOKIES = "off"
    settings.AWS_COGNITO_IDP_TIMEOUT_SECONDS = "2.5"
    config = load_browser_config()
    assert (config.refresh_token_days, config.amplify_cookies) == (7, False)
    assert config.idp_timeout_seconds == 2.5
    assert check_messages() == ""


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"CORS_ALLOWED_ORIGINS": ["*"]}, "DJANGO_CORS_ALLOWED_ORIGINS"),
        ({"CORS_ALLOW_ALL_ORIGINS": True}, "DJANGO_CORS_ALLOWED_ORIGINS"),
        ({"AWS_COGNITO_COOKIE_SAMESITE": "None"}, "AWS_COGNITO_COOKIE_SAMESITE None needs HTTPS"),
        ({"AWS_COGNITO_COOKIE_SAMESITE": "lax-ish"}, "AWS_COGNITO_COOKIE_SAMESITE"),
        ({"AWS_COGNITO_REFRESH_TOKEN_DAYS": 0}, "AWS_COGNITO_REFRESH_TOKEN_DAYS"),
        ({"AWS_COGNITO_REFRESH_COOKIE": "bad name;"}, "AWS_COGNITO_REFRESH_COOKIE"),
        ({"AWS_COGNITO_LOGIN_REDIRECT_URL": "https://evil.example/"}, "AWS_COGNITO_LOGIN_"),
        ({"AWS_COGNITO_DOMAIN": "http://auth.example.com"}, "AWS_COGNITO_DOMAIN"),
        ({"AWS_COGNITO_ENDPOINT_URL": "not a url"}, "AWS_COGNITO_ENDPOINT_URL"),
        ({"DJANGO_COOKIE_DOMAIN": "bad domain!"}, "DJANGO_COOKIE_DOMAIN"),
        # As the environment writes them: strings, converted (or named) by djognito.conf.
        ({"AWS_COGNITO_REFRESH_TOKEN_DAYS": "a month"}, "AWS_COGNITO_REFRESH_TOKEN_DAYS"),
        ({"AWS_COGNITO_AMPLIFY_COOKIES": "maybe"}, "AWS_COGNITO_AMPLIFY_COOKIES must be on or off"),
        ({"AWS_COGNITO_IDP_TIMEOUT_SECONDS": "soon"}, "AWS_COGNITO_IDP_TIMEOUT_SECONDS"),
    ],
)
def test_bad_browser_settings_are_named(settings, overrides, named):
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert named in check_messages()


def test_samesite_none_is_accepted_behind_https(settings):
    settings.AWS_COGNITO_COOKIE_SAMESITE = "None"
    settings.SECURE_SSL_REDIRECT = True
    assert check_messages() == ""


def test_the_readme_lists_each_sign_in_setting_with_its_check_id():
    readme = (PROJECT / "README.md").read_text()
    assert len(set(CHECK_IDS.values())) == len(CHECK_IDS)
    for name, check_id in CHECK_IDS.items():
        rows = [line for line in readme.splitlines() if line.startswith(f"| `{name}` |")]
        assert any(f"`{check_id}`" in row for row in rows), f"README lists no {check_id} for {name}"
