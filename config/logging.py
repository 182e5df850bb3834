"""Logging filters named in settings.LOGGING."""

import logging


class NoClientErrorTraceback(logging.Filter):
    """Django logs a refused request (PermissionDenied → 403, Http404…) with the exception's
    traceback; for a client error that is noise that buries real faults. Keep the one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
