"""``BaseCognitoAuthentication`` runs its steps inline for a ``Bearer <token>`` header, and one
by one for a class that overrides one of them: both ways give the same answers, and an
overridden step is always called."""

import time

import pytest
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from djognito.authentication import INLINE_STEPS, BaseCognitoAuthentication


class Inline(BaseCognitoAuthentication):
    """Overrides only ``attach_attributes``, like the project's own class."""

    def attach_attributes(self, user, request):
        user.team = user.claims.get("custom:team", "none")


class Stepwise(Inline):
    """Overrides ``verify`` without changing it: every request takes the steps one by one."""

    def verify(self, request, token):
        return super().verify(request, token)


def view_of(authentication):
    class View(APIView):
        authentication_classes = [authentication]
        permission_classes = [IsAuthenticated]

        def get(self, request):
            user = request.user
            return Response(
                {
                    "kind": type(user).__name__,
                    "username": user.username,
                    "groups": list(user.groups),
                    "team": user.team,
                    "pool": user.pool,
                    "claims": dict(request.auth),
                }
            )

    return View.as_view()


def answer(authentication, header: str):
    """Status, body and challenge of a request with ``header`` as its Authorization."""
    response = view_of(authentication)(APIRequestFactory().get("/", HTTP_AUTHORIZATION=header))
    response.render()
    return response.status_code, response.content, response.get("WWW-Authenticate")


HEADERS = {
    "valid": (200, lambda t, k: f"Bearer {t.token('alice', groups=['admin'])}"),
    "lower-case-scheme": (200, lambda t, k: f"bearer {t.token('alice')}"),
    "upper-case-scheme": (200, lambda t, k: f"BEARER {t.token('alice')}"),
    "two-spaces": (200, lambda t, k: f"Bearer  {t.token('alice')}"),
    "custom-claim": (200, lambda t, k: f"Bearer {t.token('alice', **{'custom:team': 'red'})}"),
    # A client-credentials token is an access token: refused where the API takes id tokens.
    "machine-client": (None, lambda t, k: f"Bearer {t.client_token(scopes=['api/reports.read'])}"),
    "expired": (401, lambda t, k: f"Bearer {t.token('alice', exp=int(time.time()) - 3600)}"),
    "other-key": (401, lambda t, k: f"Bearer {t.token('alice', key=k)}"),
    "other-issuer": (401, lambda t, k: f"Bearer {t.token('alice', iss='https://evil.example')}"),
    "empty": (401, lambda t, k: "Bearer "),
    "two-values": (401, lambda t, k: f"Bearer {t.token('alice')} extra"),
    "not-a-token": (401, lambda t, k: "Bearer abc"),
    "tab": (401, lambda t, k: f"Bearer\t{t.token('alice')}"),
}


def test_only_a_class_that_overrides_no_step_runs_them_inline():
    assert BaseCognitoAuthentication._steps_inline
    assert Inline._steps_inline
    assert not Stepwise._steps_inline


@pytest.mark.parametrize("name", HEADERS)
def test_inline_and_step_by_step_give_the_same_answer(tokens, other_key, name):
    status, header = HEADERS[name]
    if status is None:
        status = 200 if tokens.token_use == "access" else 401
    header = header(tokens, other_key)
    inline = answer(Inline, header)
    assert inline[0] == status
    assert inline == answer(Stepwise, header)


@pytest.mark.parametrize("step", INLINE_STEPS)
def test_an_overridden_step_is_called(tokens, step):
    calls = []

    def recording(self, *args):
        calls.append(step)
        return getattr(super(cls, self), step)(*args)

    cls = type("Recording", (Inline,), {step: recording})
    assert not cls._steps_inline
    status, _, _ = answer(cls, f"Bearer {tokens.token('alice')}")
    assert status == 200
    assert calls == [step]
