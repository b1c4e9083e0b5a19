"""The project's request body parser: JSON, bounded in size and depth.

DRF's ``JSONParser`` turns malformed JSON into 400 but lets a deeply nested body raise
``RecursionError`` (a 500), and reads any size. This one answers 400 for both malformed and
too deeply nested JSON, and 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``. Set it as
REST_FRAMEWORK's only ``DEFAULT_PARSER_CLASSES`` entry, so every view parses bodies with it.
"""

import json

from django.conf import settings
from rest_framework import exceptions, parsers, status

# Far below the interpreter's recursion limit, far above any real request.
MAX_DEPTH = 64


class RequestBodyTooLarge(exceptions.APIException):
    """The request body is larger than the configured bound."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "request_too_large"


def _refuse_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _depth_exceeds(value, limit: int) -> bool:
    # Iterative, so that checking a deep value cannot itself recurse too deep.
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """UTF-8 JSON request bodies; 400 when malformed or nested deeper than ``MAX_DEPTH``,
    413 when over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1 if limit is not None else -1) if stream else b""
        if limit is not None and len(raw) > limit:
            raise RequestBodyTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            value = json.loads(text, parse_constant=_refuse_constant if self.strict else None)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc.__class__.__name__}") from exc
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        except RecursionError as exc:
            raise exceptions.ParseError("JSON parse error - nested too deeply") from exc
        if _depth_exceeds(value, MAX_DEPTH):
            raise exceptions.ParseError("JSON parse error - nested too deeply")
        return value
