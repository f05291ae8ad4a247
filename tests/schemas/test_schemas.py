"""One schema per operation: a page's form and an API body are validated by the same pydantic model
(``grants.schemas``); the form path reads people's text, the API path only strict JSON."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from pydantic import Field, ValidationError
from werkzeug.datastructures import MultiDict

from grants.errors import ValidationFailed
from grants.schemas import Model, Patch, from_form
from grants.schemas.types import AmountStr, Id, ShareStr


class ExampleIn(Model):
    line_id: Id
    spent_on: date
    amount: AmountStr
    share: ShareStr | None = None
    supplier: str = Field(max_length=10)
    note: str | None = Field(None, max_length=20)
    tags: list[str] = []


def _fields(exc):
    return {v.field: (v.rule, str(v.message)) for v in exc.details}


def test_a_form_reads_what_a_person_types(app):
    form = MultiDict([("line_id", " 7 "), ("spent_on", "2026-03-01"), ("amount", "1 250,5"), ("share", "0.7"),
                      ("supplier", " Agro "), ("note", ""), ("tags", "a"), ("tags", ""), ("tags", "b"),
                      ("csrf_token", "x"), ("submit", "Guardar")])
    with app.test_request_context():
        body = from_form(ExampleIn, form)
    assert body.amount == Decimal("1250.50") and body.share == Decimal("0.7000")
    assert body.line_id == 7 and body.spent_on == date(2026, 3, 1) and body.supplier == "Agro"
    assert body.note is None and body.tags == ["a", "b"]
    assert body.given().keys() == {"line_id", "spent_on", "amount", "share", "supplier", "tags"}


def test_every_field_error_at_its_field_in_the_readers_language(app):
    form = MultiDict([("line_id", "x"), ("spent_on", "1 de marzo"), ("amount", "12.345"), ("supplier", "a" * 11)])
    with app.test_request_context(), force_locale("es"):
        with pytest.raises(ValidationFailed) as caught:
            from_form(ExampleIn, form)
        found = _fields(caught.value)
    assert set(found) == {"line_id", "spent_on", "amount", "supplier"}
    assert found["line_id"][0] == "invalid" and "número entero" in found["line_id"][1]
    assert "2026-03-31" in found["spent_on"][1]
    assert "decimales" in found["amount"][1]
    assert "10" in found["supplier"][1] and "caracteres" in found["supplier"][1]

    with app.test_request_context(), force_locale("en"):
        with pytest.raises(ValidationFailed) as caught:
            from_form(ExampleIn, MultiDict([("amount", "mucho")]))
        found = _fields(caught.value)
    assert found["line_id"] == ("required", "This field is required.")
    assert found["amount"][0] == "invalid" and "1250.00" in found["amount"][1]


def test_the_api_path_stays_strict(app):
    """The same model from a JSON body: amounts only as strings, no decimal comma."""
    body = {"line_id": 1, "spent_on": "2026-03-01", "supplier": "Agro"}
    with app.test_request_context():
        ok = ExampleIn.model_validate({**body, "amount": "1250.50"}, context={"client": True})
        assert ok.amount == Decimal("1250.50")
        for bad in ("1250,50", 1250.5, "1 250.50"):
            with pytest.raises(ValidationError):
                ExampleIn.model_validate({**body, "amount": bad}, context={"client": True})


def test_a_correction_needs_the_version_it_read(app):
    class ExamplePatch(Patch):
        supplier: str = Field(None, max_length=10)

    with app.test_request_context():
        with pytest.raises(ValidationFailed) as caught:
            from_form(ExamplePatch, MultiDict([("supplier", "Agro")]))
        assert _fields(caught.value)["version"][0] == "required"
        body = from_form(ExamplePatch, MultiDict([("supplier", "Agro"), ("version", "3")]))
    assert body.given() == {"supplier": "Agro", "version": 3}
