"""``manage.py revoke_tokens``: refuse tokens that Cognito still considers valid.

``--origin-jti X`` revokes every token of one sign-in (the ``origin_jti`` claim, which
``explain_token`` prints); ``--username U`` revokes every token of U issued until now (a
disabled or signed-out user), in the pool ``--pool`` names (required when several are
configured). Usernames match in any case, as Cognito compares them by default. Entries go
to the shared cache that every server reads when ``AWS_COGNITO_REVOCATION`` is on.

The deny-list holds no tokens, so the command cannot say how many it matches: it says what
it recorded (the pool, the username as compared, the cut-off time) and whether that
replaced an earlier entry, so a repeated or mistyped revocation shows.
"""

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from djognito import state
from djognito.revocation.deny_list import is_per_process, normalised_username


def moment(timestamp: float) -> str:
    """``timestamp`` as an ISO 8601 UTC time, to the second."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def pool_to_revoke_in(pool: str | None) -> str:
    """The pool a ``--username`` cut-off applies to: ``pool`` when it is configured, the
    configured pool when there is one; otherwise ``CommandError``."""
    configured = state.config().user_pool_ids
    if pool is None:
        if len(configured) == 1:
            return configured[0]
        if not configured:
            raise CommandError("AWS_COGNITO_USER_POOL_ID is not set: name the pool with --pool.")
        raise CommandError(
            f"Several pools are configured: name the user's with --pool (one of "
            f"{', '.join(configured)})."
        )
    pool = pool.strip()
    if configured and pool not in configured:
        raise CommandError(
            f"{pool!r} is not a configured pool (AWS_COGNITO_USER_POOL_ID: "
            f"{', '.join(configured)})."
        )
    return pool


class Command(BaseCommand):
    help = (
        "Revoke every token of a sign-in (--origin-jti) or of a user (--username, in any "
        "case; --pool when several pools are configured)."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--origin-jti", help="the origin_jti claim of the sign-in to revoke")
        target.add_argument("--username", help="the user whose tokens issued until now to revoke")
        parser.add_argument(
            "--pool",
            metavar="POOL_ID",
            help="the user's pool (with --username; default: the configured pool, if only one)",
        )

    def handle(self, *args, origin_jti=None, username=None, pool=None, **options):
        revocation_list = state.revocation_list()
        if is_per_process(revocation_list.alias):
            raise CommandError(
                "The cache is per process (DJANGO_CACHE_URL unset or locmem): a revocation "
                "recorded here would reach no server. Set DJANGO_CACHE_URL to the shared cache."
            )
        if origin_jti is not None and pool is not None:
            raise CommandError("--pool goes with --username: an origin_jti names one sign-in.")
        if username is not None:
            pool = pool_to_revoke_in(pool)
        if not revocation_list.enabled:
            self.stderr.write(
                "AWS_COGNITO_REVOCATION is off: servers ignore the deny-list until it is on."
            )
        try:
            if origin_jti is not None:
                lines = self.revoke_sign_in(revocation_list, origin_jti.strip())
            else:
                lines = self.revoke_user(revocation_list, username.strip(), pool)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:  # the cache's connection error, named without a traceback
            raise CommandError(f"The cache could not be written: {exc}") from exc
        for line in lines:
            self.stdout.write(line)

    @staticmethod
    def revoke_sign_in(revocation_list, origin_jti: str) -> list[str]:
        """Revoke the sign-in ``origin_jti``; what to print."""
        hours = revocation_list.entry_ttl_seconds / 3600
        if revocation_list.revoke_origin_jti(origin_jti):
            return [
                f"Revoked every token of the sign-in with that origin_jti (entry kept "
                f"{hours:.1f} h)."
            ]
        return [
            "The sign-in with that origin_jti was already revoked: nothing changes, except "
            f"that its entry is now kept {hours:.1f} h from now."
        ]

    @staticmethod
    def revoke_user(revocation_list, username: str, pool: str) -> list[str]:
        """Record the cut-off of ``username`` of ``pool``; what to print."""
        earlier = revocation_list.cut_off(username, pool)
        cutoff = revocation_list.revoke_username(username, pool)
        compared = normalised_username(username)
        named = f"user {compared!r}"
        if compared != username:
            named += f" (normalised from {username!r})"
        if earlier is None:
            previous = "There was no earlier cut-off for this user."
        elif earlier < cutoff:
            previous = f"It replaces the cut-off of {moment(earlier)}."
        else:
            previous = f"The cut-off recorded before ({moment(earlier)}) is not earlier: it stays."
        hours = revocation_list.entry_ttl_seconds / 3600
        return [
            f"Cut-off recorded for pool {pool}, {named}: tokens issued until "
            f"{moment(cutoff)} are refused. {previous}",
            "The deny-list holds no tokens, so it cannot tell how many tokens this matches: "
            f"servers refuse them as they are presented (entry kept {hours:.1f} h).",
        ]
