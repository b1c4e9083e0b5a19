"""Browser sessions (option ``browser_sessions``): the sign-in API that keeps Cognito's
tokens in HttpOnly cookies.

Its settings (``settings``) and checks (``checks``), URLs and views, the cookies, Cognito's
sign-in calls (``idp``), the managed login's state (``hosted``), Amplify's cookies
(``amplify``) and the bodies (``serializers``). Add ``"djognito.browser"`` to
``INSTALLED_APPS`` and include ``djognito.browser.urls`` (e.g. under ``api/auth/``).
"""
