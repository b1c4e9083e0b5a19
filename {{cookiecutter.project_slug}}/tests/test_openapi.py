"""The OpenAPI schema: valid, warning-free, served, and describing how to authenticate."""

{% if cookiecutter.browser_sessions == 'y' %}import re
{% endif %}import runpy
from urllib.parse import quote

import pytest
from django.core.management import call_command
from gunicorn.http.message import MAX_REQUEST_LINE
{%- if cookiecutter.browser_sessions == 'y' %}

from djognito.browser.views import MAX_NEXT_LENGTH
{%- endif %}

from .processes import PROJECT

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    output = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(output))
    assert output.read_text().startswith("openapi: 3.")


@pytest.fixture
def schema(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_served_to_anyone(schema):
    assert schema["openapi"].startswith("3.")
    assert "/api/me/" in schema["paths"]


def test_swagger_ui_is_served_to_anyone(api_client):
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    # The UI's scripts are the project's own static files, not a CDN's.
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in response.content
    assert b"cdn.jsdelivr.net" not in response.content


def test_both_ways_of_sending_a_token_are_described(schema, settings):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["cognitoBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schemes["cognitoBearer"]["description"],
    }
    cookie = schemes["cognitoCookie"]
    assert (cookie["type"], cookie["in"], cookie["name"]) == (
        "apiKey",
        "cookie",
        settings.ACCESS_TOKEN_KEY,
    )


def test_protected_endpoints_accept_either_scheme(schema):
    security = schema["paths"]["/api/me/"]["get"]["security"]
    assert security == [{"cognitoBearer": []}, {"cognitoCookie": []}]


def test_public_endpoints_need_no_token(schema):
    for path in ("/api/public/", "/api/health/", "/api/csrf/"):
        assert schema["paths"][path]["get"]["security"] == [{}], path


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/me/", "get", {"200", "401"}),
        ("/api/admin/", "get", {"200", "401", "403"}),
        ("/api/notes/", "get", {"200", "401"}),
        ("/api/notes/", "post", {"201", "400", "401", "403"}),
    ],
)
def test_refusals_are_documented(schema, path, method, codes):
    responses = schema["paths"][path][method]["responses"]
    assert codes <= set(responses)
    for code in codes & {"401", "403"}:
        content = responses[code]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/Error"}


def test_every_operation_is_documented(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            assert {"200", "201", "202", "204", "302"} & set(operation["responses"])


# A character percent-encoded in a URL: at most 4 bytes of UTF-8, each written %XX.
ENCODED_CHARACTER_BYTES = 12


def longest_encoded(value_schema: dict, where: str) -> int:
    """The most bytes a value of ``value_schema`` takes percent-encoded in a URL."""
    if "enum" in value_schema:
        return max(len(quote(str(value), safe="")) for value in value_schema["enum"])
    if value_schema.get("type") == "string" and "maxLength" in value_schema:
        return value_schema["maxLength"] * ENCODED_CHARACTER_BYTES
    pytest.fail(f"{where}: no bound on the length of {value_schema}")


def longest_request_line(path: str, method: str, operation: dict) -> int:
    """The longest request line (``GET /path?a=...&b=... HTTP/1.1``) of a request the schema
    allows for ``operation``, in bytes: every parameter given, each at its longest."""
    length = len(f"{method.upper()} {path} HTTP/1.1".encode())
    query = []
    for parameter in operation.get("parameters", []):
        where = f"{method.upper()} {path} {parameter['name']}"
        if parameter["in"] == "path":
            placeholder = "{" + parameter["name"] + "}"  # in ``path``, replaced by the value
            length += longest_encoded(parameter["schema"], where) - len(placeholder)
        elif parameter["in"] == "query":
            name = quote(parameter["name"], safe="")
            query.append(len(f"{name}=") + longest_encoded(parameter["schema"], where))
    if query:
        length += len("?") + sum(query) + len("&") * (len(query) - 1)
    return length


def gunicorn_request_line_limit() -> int:
    """The longest request line gunicorn reads with the project's gunicorn.conf.py."""
    configured = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))["limit_request_line"]
    # gunicorn reads 0 as no limit at all, and a number over its most as its most.
    assert 0 < configured <= MAX_REQUEST_LINE, configured
    return configured


def test_every_request_the_schema_allows_fits_gunicorns_request_line(schema):
    limit = gunicorn_request_line_limit()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            longest = longest_request_line(path, method, operation)
            assert longest <= limit, f"{method.upper()} {path}: {longest} bytes, over {limit}"
{%- if cookiecutter.browser_sessions == 'y' %}


def test_the_cookie_scheme_points_to_the_sign_in_page(schema):
    description = schema["components"]["securitySchemes"]["cognitoCookie"]["description"]
    assert "cannot set the cookie" in description
    assert "sign-in page at `/`" in description


def test_a_stale_cookie_does_not_lock_the_docs(api_client, settings):
    api_client.cookies[settings.ACCESS_TOKEN_KEY] = "garbage"
    assert api_client.get("/api/schema/").status_code == 200
    assert api_client.get("/api/docs/").status_code == 200


def query_parameters(schema, path):
    """The query parameters of ``GET path``, by name."""
    parameters = schema["paths"][path]["get"]["parameters"]
    return {parameter["name"]: parameter for parameter in parameters if parameter["in"] == "query"}


def test_the_callback_requires_code_and_state(schema):
    parameters = query_parameters(schema, "/api/auth/hosted/callback/")
    assert parameters["code"]["required"] and parameters["state"]["required"]
    assert not parameters["error"].get("required", False)


def test_next_is_documented_as_a_local_path(schema):
    next_parameter = query_parameters(schema, "/api/auth/hosted/login/")["next"]
    assert next_parameter["schema"]["maxLength"] == MAX_NEXT_LENGTH
    pattern = re.compile(next_parameter["schema"]["pattern"])
    assert all(pattern.search(url) for url in ["", "/", "/after/?tab=1"])
    assert not any(pattern.search(url) for url in ["//evil.example", "/\\evil", "after/"])
    assert "DJANGO_CORS_ALLOWED_ORIGINS" in next_parameter["description"]


@pytest.mark.parametrize(
    ("path", "method", "calls_cognito"),
    [
        ("/api/auth/login/", "post", True),
        ("/api/auth/refresh/", "post", True),
        ("/api/auth/logout/", "post", False),
        ("/api/auth/hosted/login/", "get", False),
        ("/api/auth/hosted/callback/", "get", True),
        ("/api/auth/hosted/logout/", "post", False),
        ("/api/auth/signup/", "post", True),
        ("/api/auth/signup/confirm/", "post", True),
        ("/api/auth/signup/resend/", "post", True),
        ("/api/auth/password/forgot/", "post", True),
        ("/api/auth/password/reset/", "post", True),
        ("/api/auth/password/change/", "post", True),
        ("/api/auth/logout/everywhere/", "post", True),
    ],
)
def test_sign_in_endpoints_document_limits_and_cognito_outages(schema, path, method, calls_cognito):
    responses = schema["paths"][path][method]["responses"]
    assert "429" in responses
    assert ("503" in responses) == calls_cognito


def test_the_signed_in_account_endpoints_take_either_token(schema):
    for path in ("/api/auth/password/change/", "/api/auth/logout/everywhere/"):
        security = schema["paths"][path]["post"]["security"]
        assert security == [{"cognitoBearer": []}, {"cognitoCookie": []}], path


def test_sign_up_attributes_are_bounded_name_value_pairs(schema):
    body = schema["components"]["schemas"]["SignUpRequest"]["properties"]
    assert body["attributes"]["maxItems"] == 50
    attribute = schema["components"]["schemas"]["AttributeRequest"]["properties"]
    assert set(attribute) == {"name", "value"}
    assert re.search(attribute["name"]["pattern"], "custom:team")
    assert not re.search(attribute["name"]["pattern"], "bad name!")


def test_the_sign_in_answers_carry_the_new_csrf_token(schema):
    for path in ("/api/auth/login/", "/api/auth/challenge/"):
        answer = schema["paths"][path]["post"]["responses"]["200"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Session"
        }, path
        assert "csrfToken" in answer["description"], path
    session = schema["components"]["schemas"]["Session"]
    assert set(session["required"]) == {"username", "expires_in", "csrfToken"}
    assert session["properties"]["csrfToken"]["type"] == "string"
{%- endif %}
