"""DRF exception handler: every error body carries a stable machine-readable ``code``.

``{"detail": "token expired", "code": "token_expired"}``: clients branch on ``code`` (refresh
the token, sign in again, fix the request) and show ``detail``. Set it as REST_FRAMEWORK's
``EXCEPTION_HANDLER``.
"""

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, with the exception's code beside a string ``detail``."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and isinstance(data.get("detail"), str) and "code" not in data:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        if isinstance(codes, str):
            data["code"] = codes
    return response
