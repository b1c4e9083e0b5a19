"""Refuse answers that would make a broken project; each message names the answer."""

import re
import sys

CHECKS = [
    (
        "project_slug",
        "{{ cookiecutter.project_slug }}",
        lambda v: v.isidentifier() and v.isascii() and v == v.lower(),
        "a lowercase Python identifier such as my_api",
    ),
    (
        "aws_region",
        "{{ cookiecutter.aws_region }}",
        lambda v: re.fullmatch(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}", v),
        "an AWS region name such as us-east-1 or eu-west-1",
    ),
    (
        "cognito_user_pool_id",
        "{{ cookiecutter.cognito_user_pool_id }}",
        lambda v: v == "" or re.fullmatch(r"{{ cookiecutter.aws_region }}_[A-Za-z0-9]+", v),
        "empty, or <aws_region>_<letters and digits> in region {{ cookiecutter.aws_region }}, "
        "such as {{ cookiecutter.aws_region }}_AbCdEf123",
    ),
    (
        "cognito_app_client_id",
        "{{ cookiecutter.cognito_app_client_id }}",
        lambda v: v == "" or re.fullmatch(r"[a-z0-9]{1,128}", v),
        "empty, or lowercase letters and digits such as 1h57kf5cpq17m0eml12EXAMPLE".lower(),
    ),
    (
        "access_token_cookie",
        "{{ cookiecutter.access_token_cookie }}",
        lambda v: re.fullmatch(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", v),
        "a cookie name: letters, digits and !#$%&'*+-.^_`|~ only, such as accessToken",
    ),
    (
        "admin_group",
        "{{ cookiecutter.admin_group }}",
        lambda v: re.fullmatch(r"[\w+=,.@-]{1,128}", v),
        "a Cognito group name: letters, digits and _+=,.@- only, such as admin",
    ),
    (
        "resource_server",
        "{{ cookiecutter.resource_server }}",
        # Cognito's rule for a resource server identifier: printable ASCII but space, " and \.
        lambda v: re.fullmatch(r"[!#-\[\]-~]{1,256}", v),
        "a Cognito resource server identifier (no spaces, quotes or backslashes), "
        "such as api or https://api.example.com",
    ),
]


def main() -> int:
    failed = False
    for name, value, is_valid, expected in CHECKS:
        if not is_valid(value):
            print(f"ERROR: {name} {value!r} is not valid: expected {expected}.", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
