"""The page edge written once (grants/web/forms.py): ``form_action`` and ``button_action``, on the real database.

A refusal rolls back what the service wrote, puts each message at its field (the others flashed), and answers
the page again with the error's status; a success answers ``done`` (a redirect, which the edge commits)."""
import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from werkzeug.exceptions import Forbidden as Http403
from wtforms import StringField
from wtforms.validators import DataRequired

from grants.assistance.models import Provider
from grants.errors import RuleViolation, ValidationFailed, Violation
from grants.extensions import db
from grants.web.forms import button_action, form_action, success


class NameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired()])


def _providers():
    return db.session.execute(sa.select(Provider.name).order_by(Provider.id)).scalars().all()


def _add(name):
    p = Provider(name=name)
    db.session.add(p)
    db.session.flush()
    return p


def _summary():
    """The refusal's own message, in the request's language (Spanish by default)."""
    return str(RuleViolation([]).message)


def _page(status):
    return "the page again", status


def _refuse(name):
    _add(name)  # written, then refused: the rollback must take it back
    raise RuleViolation([Violation("name_taken", "This name is taken.", "name"),
                         Violation("other_rule", "Something else is wrong.")])


def test_a_refusal_rolls_back_and_shows_each_message_at_its_field(app):
    with app.test_request_context("/", method="POST", data={"name": "Agroandina"}):
        form = NameForm()
        answer = form_action(form, lambda: _refuse(form.name.data), _page, lambda p: pytest.fail("no success"))
        assert answer == ("the page again", 422)
        assert form.name.errors == ["This name is taken."]
        assert form.name.data == "Agroandina"  # what was typed stays
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Something else is wrong."), ("error", _summary())]
    assert _providers() == []


def test_on_error_may_show_another_error_and_keeps_the_status(app):
    def elsewhere(exc):
        return ValidationFailed(exc.message, [Violation("moved", "Moved here.", None)])

    with app.test_request_context("/", method="POST", data={"name": "Agroandina"}):
        form = NameForm()
        answer = form_action(form, lambda: _refuse(form.name.data), _page, lambda p: None, on_error=elsewhere)
        assert answer == ("the page again", 422)
        assert form.name.errors == []
        assert ("error", "Moved here.") in get_flashed_messages(with_categories=True)


def test_an_invalid_form_answers_the_page_without_calling_the_service(app):
    called = []
    with app.test_request_context("/", method="POST", data={"name": ""}):
        form = NameForm()
        assert form_action(form, lambda: called.append(1), _page, lambda r: None) == ("the page again", 400)
        assert form_action(form, lambda: called.append(1), _page, lambda r: None, invalid_status=422)[1] == 422
        assert form_action(form, lambda: called.append(1), _page, lambda r: None,
                           invalid=lambda: "invalid") == "invalid"
    assert called == []


def test_not_allowed_is_403_before_anything(app):
    called = []
    with app.test_request_context("/", method="POST", data={"name": "Agroandina"}):
        with pytest.raises(Http403):
            form_action(NameForm(), lambda: called.append(1), _page, lambda r: None, allowed=False)
    assert called == []


def test_a_success_answers_done_and_leaves_the_write_for_the_edge_to_commit(app):
    with app.test_request_context("/", method="POST", data={"name": "Agroandina"}):
        form = NameForm()
        resp = form_action(form, lambda: _add(form.name.data), _page,
                           lambda p: success(f"Saved {p.name}.", f"/ta-providers#{p.id}"))
        assert resp.status_code == 302 and resp.location.startswith("/ta-providers#")
        assert get_flashed_messages(with_categories=True) == [("success", "Saved Agroandina.")]
        assert _providers() == ["Agroandina"]  # flushed in this transaction, not committed here
    db.session.rollback()
    assert _providers() == []


def test_button_action_flashes_a_refusal_once_and_goes_back(app):
    with app.test_request_context("/", method="POST"):
        resp = button_action(lambda: _refuse("Agroandina"), "/back", "never shown")
        assert resp.status_code == 302 and resp.location == "/back"
        assert get_flashed_messages(with_categories=True) == [
            ("error", _summary()), ("error", "This name is taken."),
            ("error", "Something else is wrong.")]
    assert _providers() == []
    with app.test_request_context("/", method="POST"):
        resp = button_action(lambda: _add("Agroandina"), "/back", lambda p: f"Added {p.name}.")
        assert resp.location == "/back"
        assert get_flashed_messages(with_categories=True) == [("success", "Added Agroandina.")]


def test_the_page_write_is_committed_by_the_edge(db, login, make_user):
    """Through a real page: the provider registry (form_action) persists what it saved; a save the service
    refuses (an e-mail without @) answers 422 with the message at its field and leaves nothing."""
    web = login(make_user(roles=["officer"], locale="en"))
    resp = web.post("/ta-providers", data={"name": "Consultora Agroandina"})
    assert resp.status_code == 302
    db.session.rollback()
    assert _providers() == ["Consultora Agroandina"]
    resp = web.post("/ta-providers", data={"name": "Otra", "email": "no-es-un-correo"})
    assert resp.status_code == 422
    assert "Enter an email address such as name@example.org." in resp.get_data(as_text=True)
    db.session.rollback()
    assert _providers() == ["Consultora Agroandina"]
