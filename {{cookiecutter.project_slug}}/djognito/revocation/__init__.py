"""Revocation (opt-in, ``AWS_COGNITO_REVOCATION``): a deny-list of tokens that Cognito still
considers valid, its system check and ``manage.py revoke_tokens``.

Add ``"djognito.revocation"`` to ``INSTALLED_APPS`` for the check and the command; the
authentication class consults the list whenever the setting is on.
"""
