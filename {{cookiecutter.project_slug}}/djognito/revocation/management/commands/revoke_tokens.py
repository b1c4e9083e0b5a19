"""``manage.py revoke_tokens``: refuse tokens that Cognito still considers valid.

``--origin-jti X`` revokes every token of one sign-in (the ``origin_jti`` claim, which
``explain_token`` prints); ``--username U`` revokes every token of U issued until now (a
disabled or signed-out user). Entries go to the shared cache that every server reads when
``AWS_COGNITO_REVOCATION`` is on.
"""

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from djognito import state
from djognito.revocation.deny_list import is_per_process


class Command(BaseCommand):
    help = "Revoke every token of a sign-in (--origin-jti) or of a user (--username)."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--origin-jti", help="the origin_jti claim of the sign-in to revoke")
        target.add_argument("--username", help="the user whose tokens issued until now to revoke")

    def handle(self, *args, origin_jti=None, username=None, **options):
        revocation_list = state.revocation_list()
        if is_per_process(revocation_list.alias):
            raise CommandError(
                "The cache is per process (DJANGO_CACHE_URL unset or locmem): a revocation "
                "recorded here would reach no server. Set DJANGO_CACHE_URL to the shared cache."
            )
        if not revocation_list.enabled:
            self.stderr.write(
                "AWS_COGNITO_REVOCATION is off: servers ignore the deny-list until it is on."
            )
        try:
            if origin_jti is not None:
                revocation_list.revoke_origin_jti(origin_jti.strip())
                message = "Revoked every token of the sign-in with that origin_jti"
            else:
                cutoff = revocation_list.revoke_username(username.strip())
                when = datetime.fromtimestamp(cutoff, UTC).isoformat(timespec="seconds")
                message = f"Revoked every token of {username.strip()!r} issued until {when}"
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:  # the cache's connection error, named without a traceback
            raise CommandError(f"The cache could not be written: {exc}") from exc
        hours = revocation_list.entry_ttl_seconds / 3600
        self.stdout.write(f"{message} (entry kept {hours:.1f} h).")
