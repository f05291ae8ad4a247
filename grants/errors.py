"""Domain errors raised by services and the workflow engine; views and the API translate them."""
from dataclasses import dataclass, field

from flask import jsonify


@dataclass
class Violation:
    """One broken rule: a stable ``rule`` code, a human ``message`` and the ``field`` it concerns."""

    rule: str
    message: str
    field: str | None = None

    def as_dict(self):
        return {"rule": self.rule, "field": self.field, "message": str(self.message)}


class DomainError(Exception):
    """A refusal the request edge turns into an answer: HTTP ``status`` and a stable ``code``. A subclass names
    its own in the class line: ``class StaleVersion(DomainError, status=409, code="stale_version")``."""

    status = 422
    code = "rule_violation"

    def __init_subclass__(cls, status=None, code=None, **kwargs):
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code

    def __init__(self, message="", details=None):
        super().__init__(str(message))
        self.message = message
        self.details = list(details or [])


class RuleViolation(DomainError):
    """One or more business rules refuse the operation; ``details`` lists every ``Violation``."""

    def __init__(self, violations, message=None):
        from flask_babel import lazy_gettext as _l

        violations = list(violations)
        super().__init__(message or _l("The operation breaks one or more rules."), violations)
        self.violations = violations

    @property
    def rules(self):
        return [v.rule for v in self.violations]


class ValidationFailed(DomainError):
    """Field errors: ``details`` is a list of ``Violation`` with rule ``invalid``/``required``."""

    code = "validation_error"


class InvalidTransition(DomainError, status=409, code="invalid_transition"):
    """The object is not in a state from which the action may be taken."""


class StaleVersion(DomainError, status=409, code="stale_version"):
    """Someone else changed the object since the form was read."""


class Forbidden(DomainError, status=403, code="forbidden"):
    """The user may not do this."""


class NotFound(DomainError, status=404, code="not_found"):
    """There is no such object, or it is not the user's to see."""


@dataclass
class Collector:
    """Collects violations so that every broken rule is reported at once."""

    violations: list = field(default_factory=list)

    def add(self, rule, message, field=None):
        self.violations.append(Violation(rule, message, field))

    def raise_if_any(self):
        if self.violations:
            raise RuleViolation(self.violations)


def error_response(status, code, message, details=None):
    """The API's error shape (API.md) as a JSON response: ``{"error": {status, code, message, details}}``; also the
    answer of a refusal made below the API (a 429 from ``accounts/throttling.py``, a CSRF 400 under ``/api``)."""
    body = {"error": {"status": status, "code": code, "message": str(message),
                      "details": [d.as_dict() if hasattr(d, "as_dict") else d for d in details or []]}}
    resp = jsonify(body)
    resp.status_code = status
    return resp
