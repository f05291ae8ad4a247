"""The officer's web queue of accountability reports, oldest first, only from the officer's regions."""
from datetime import date

from grants.execution.models import AccountabilityReport
from tests.execution_support import executing


def _report(db, alliance, user, state="submitted"):
    report = AccountabilityReport(alliance_id=alliance.id, period_start=date(2026, 1, 1), period_end=date(2026, 6, 30),
                                  state=state, created_by_id=user.id)
    db.session.add(report)
    db.session.commit()
    return report


def test_the_officer_sees_submitted_reports_of_their_regions(db, login, alliance, officer, other_officer, facilitator,
                                                             board, treasurer, auditor):
    executing(alliance, officer, facilitator, board)
    submitted = _report(db, alliance, treasurer)
    draft = _report(db, alliance, treasurer, state="draft")
    html = login(officer).get("/accountability-reports/").get_data(as_text=True)
    assert f'id="queued-report-{submitted.id}"' in html and f'id="queued-report-{draft.id}"' not in html
    assert f'id="queued-report-{draft.id}"' in login(officer).get("/accountability-reports/?state=draft").get_data(
        as_text=True)
    assert 'id="queue-empty"' in login(other_officer).get("/accountability-reports/").get_data(as_text=True)
    assert f'id="queued-report-{submitted.id}"' in login(auditor).get("/accountability-reports/").get_data(as_text=True)
    assert login(treasurer).get("/accountability-reports/").status_code == 403
    assert login(officer).get("/accountability-reports/?state=nonsense").status_code == 200
