"""Stateless authentication of Django REST Framework requests from AWS Cognito tokens.

The public names of the Djognito package are kept:
``djognito.authentication.BaseCognitoAuthentication`` and ``djognito.jwt_utils.verify_jwt``.

``__version__`` is the release of the template this module came with; the template's
``CHANGELOG.md`` says what each release changes and what a project edits to take it.
"""

__version__ = "2.0.0"
