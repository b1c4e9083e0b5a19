"""The verification core: strict JWS parsing (``jws``), the Cognito claim rules (``claims``),
the pool's key set (``jwks``), the verified-token cache (``cache``), one pool's verifier
(``verifier``) and several pools behind one entry point (``pools``).

Nothing here imports Django REST Framework: it takes a ``CognitoConfig`` and a token, and
returns claims or raises a ``djognito.errors.TokenError``.
"""
