"""The codes of refused tokens are a contract: clients branch on them, so none ever moves."""

from djognito.errors import TokenError, token_error_codes

# code -> HTTP status, as clients rely on them (README, "Error codes").
PINNED_CODES = {
    "invalid_token": 401,
    "token_too_large": 401,
    "malformed_token": 401,
    "unsupported_algorithm": 401,
    "unsupported_header": 401,
    "unknown_key": 401,
    "invalid_signature": 401,
    "token_expired": 401,
    "token_not_yet_valid": 401,
    "token_issued_in_future": 401,
    "invalid_issuer": 401,
    "wrong_token_use": 401,
    "invalid_client": 401,
    "token_lifetime_too_long": 401,
    "invalid_claim": 401,
    "signing_keys_unavailable": 401,
    "token_revoked": 401,
    "revocation_unavailable": 503,
}


def test_every_token_error_has_its_pinned_code_and_status():
    assert token_error_codes() == PINNED_CODES


def test_each_code_belongs_to_one_error_class():
    classes, pending = [], [TokenError]
    while pending:
        error = pending.pop()
        classes.append(error)
        pending.extend(error.__subclasses__())
    assert len({error.code for error in classes}) == len(classes)


def test_the_readme_lists_every_code():
    from .processes import PROJECT

    readme = (PROJECT / "README.md").read_text()
    for code in PINNED_CODES:
        assert f"`{code}`" in readme, code
