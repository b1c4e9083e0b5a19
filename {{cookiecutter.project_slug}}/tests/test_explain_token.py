"""`manage.py explain_token`: header and claims, then the first failed rule or the user."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .processes import run_python, scrubbed_environment


def explain(*args, stdin=None):
    """Run the command; returns its standard output."""
    out = StringIO()
    options = {"stdin": StringIO(stdin)} if stdin is not None else {}
    call_command("explain_token", *args, stdout=out, **options)
    return out.getvalue()


def explain_failure(*args, stdin=None):
    """Run the command on a token it must refuse; returns (stdout, error message)."""
    out = StringIO()
    options = {"stdin": StringIO(stdin)} if stdin is not None else {}
    with pytest.raises(CommandError) as failure:
        call_command("explain_token", *args, stdout=out, **options)
    return out.getvalue(), str(failure.value)


def signature_of(token):
    return token.rsplit(".", 1)[1]


def test_valid_token_shows_claims_and_the_user(tokens, admin_group):
    token = tokens.token("alice", groups=[admin_group])
    output = explain(token)
    assert '"alg": "RS256"' in output
    assert '"sub": "sub-alice"' in output
    assert "exp: " in output and "(in " in output
    assert f"valid: username='alice' sub='sub-alice' groups=['{admin_group}']" in output
    assert signature_of(token) not in output


def test_token_is_read_from_stdin(tokens):
    output = explain(stdin=f"Bearer {tokens.token('bob')}\n")
    assert "valid: username='bob'" in output


def test_dash_reads_stdin_too(tokens):
    assert "valid: username='carol'" in explain("-", stdin=tokens.token("carol"))


def test_expired_token_names_the_rule_and_still_shows_claims(tokens):
    token = tokens.token("alice", exp=1000)
    output, error = explain_failure(token)
    assert error == "invalid: token expired (token_expired)"
    assert '"exp": 1000' in output
    assert "s ago)" in output
    assert signature_of(token) not in output + error


def test_first_failed_rule_is_reported(tokens):
    # Both the issuer and the client are wrong: the issuer is checked first.
    token = tokens.token("alice", iss="https://elsewhere.example", client_id="x", aud="x")
    assert explain_failure(token)[1] == ("invalid: token issued by another issuer (invalid_issuer)")


def test_token_signed_by_another_key_is_invalid(tokens, other_key):
    output, error = explain_failure(tokens.token("alice", key=other_key))
    assert error == "invalid: invalid token signature (invalid_signature)"
    assert '"username": "alice"' in output or '"cognito:username": "alice"' in output


def test_unreadable_payload_is_reported(tokens):
    header = tokens.token().split(".")[0]
    output, error = explain_failure(f"{header}.bm90IGpzb24.AAAA")
    assert "contents: unreadable (malformed token: payload is not JSON)" in output
    assert error == "invalid: malformed token: payload is not JSON (malformed_token)"


def test_garbage_is_invalid(tokens):
    assert explain_failure("not a token")[1] == (
        "invalid: malformed token: expected three dot-separated segments (malformed_token)"
    )


def test_the_token_is_verified_once(tokens, jwks_server, monkeypatch):
    from djognito.jwt_utils import get_verifier

    verifier = get_verifier()
    calls = []
    verify = verifier.verify
    monkeypatch.setattr(verifier, "verify", lambda token: calls.append(token) or verify(token))
    assert "valid: username='alice'" in explain(tokens.token("alice"))
    assert len(calls) == 1


def test_misconfiguration_is_reported(settings, tokens):
    settings.AWS_COGNITO_REGION = "nowhere"
    assert explain_failure(tokens.token())[1].startswith("not configured: AWS_COGNITO_REGION")


def test_exit_status_is_non_zero_when_invalid():
    env = scrubbed_environment(DJANGO_SETTINGS_MODULE="config.test_settings")
    result = run_python("manage.py", "explain_token", env=env, stdin="e30.e30")
    assert result.returncode == 1
    assert "invalid: malformed token" in result.stderr
    assert "Traceback" not in result.stderr
