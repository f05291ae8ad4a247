"""The input models of accountability reports: prepare (``ReportIn``), the assembly's approval
(``AssemblyApprovalIn``), a workflow action (``ReportTransitionIn``)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from pydantic import Field, model_validator

from ...schemas import Model
from ...schemas.types import Id
from ...schemas.fields import PastDate, refuse


class ReportIn(Model):
    """Prepare an accountability report for a period (overlaps are the service's: ``period_overlaps``)."""

    period_start: date
    period_end: date
    assembly_approved_on: PastDate | None = None
    #: or the decision of the association's assembly register that approved it (its date is the assembly's)
    assembly_decision_id: Id | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.period_end < self.period_start:
            refuse(type(self), {"period_end": _l("The period ends after it starts.")})
        return self


class AssemblyApprovalIn(Model):
    """The assembly's approval of a report: its date (with the minutes' file), or a decision of the register."""

    assembly_approved_on: PastDate | None = None
    assembly_decision_id: Id | None = None


class ReportTransitionIn(Model):
    """A report action through the workflow (grants/workflows/report.py); an unknown action is 400."""

    action: str = Field(min_length=1, max_length=60, description="submit, approve, observe, reopen")
    observations: str | None = Field(None, max_length=5000)
    comment: str | None = Field(None, max_length=5000)
    #: ``submit`` may carry the assembly's approval (multipart: the minutes in ``file``)
    assembly_approved_on: PastDate | None = None
    #: ``submit`` may point to the assembly register's decision instead of a minutes file
    assembly_decision_id: Id | None = None
    version: Id | None = None
