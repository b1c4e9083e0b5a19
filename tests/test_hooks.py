"""Refused answers stop generation with a message that names the answer."""

import pytest

from .conftest import BASE_ANSWERS

REFUSED = {
    "slug-not-identifier": ({"project_slug": "my-api"}, "project_slug"),
    "slug-keyword-digit": ({"project_slug": "1api"}, "project_slug"),
    "region-made-up": ({"aws_region": "europe-1"}, "aws_region"),
    "region-uppercase": ({"aws_region": "EU-WEST-1"}, "aws_region"),
    "pool-no-underscore": ({"cognito_user_pool_id": "eu-west-1AbC"}, "cognito_user_pool_id"),
    "pool-other-region": ({"cognito_user_pool_id": "us-east-1_AbC123"}, "cognito_user_pool_id"),
    "pool-bad-chars": ({"cognito_user_pool_id": "eu-west-1_Ab-C"}, "cognito_user_pool_id"),
    "client-uppercase": ({"cognito_app_client_id": "ABC123"}, "cognito_app_client_id"),
    "client-punctuation": ({"cognito_app_client_id": "abc-123"}, "cognito_app_client_id"),
    "cookie-space": ({"access_token_cookie": "access token"}, "access_token_cookie"),
    "cookie-semicolon": ({"access_token_cookie": "tok;en"}, "access_token_cookie"),
    "cookie-empty": ({"access_token_cookie": ""}, "access_token_cookie"),
    "admin-group-space": ({"admin_group": "the admins"}, "admin_group"),
    "resource-server-space": ({"resource_server": "my api"}, "resource_server"),
    "resource-server-empty": ({"resource_server": ""}, "resource_server"),
}


@pytest.mark.parametrize(("answers", "name"), REFUSED.values(), ids=REFUSED.keys())
def test_bad_answer_stops_generation_naming_it(cookies, capfd, answers, name):
    result = cookies.bake(extra_context={**BASE_ANSWERS, **answers})
    assert result.exit_code != 0
    assert result.project_path is None or not result.project_path.exists()
    stderr = capfd.readouterr().err
    assert f"ERROR: {name} " in stderr
    assert "expected" in stderr


def test_several_bad_answers_are_all_reported(cookies, capfd):
    cookies.bake(
        extra_context={**BASE_ANSWERS, "aws_region": "nowhere", "access_token_cookie": "a b"}
    )
    stderr = capfd.readouterr().err
    assert "aws_region" in stderr and "access_token_cookie" in stderr
