"""Stateless authentication of Django REST Framework requests from AWS Cognito tokens.

The public names of the Djognito package are kept:
``djognito.authentication.BaseCognitoAuthentication`` and ``djognito.jwt_utils.verify_jwt``.
"""
