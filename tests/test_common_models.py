"""The shared model and service helpers of grants/common.py and grants/errors.py: the alliance-row mixins keep
``id`` and ``alliance_id`` first and as each table had them, the attached-file and basis-point builders, the
owner check of the services, and the status and code a DomainError subclass names in its class line."""
import sqlalchemy as sa

from grants import errors
from grants.alliances.models import Alliance
from grants.common import AllianceOwned, AllianceRow, OnePerAlliance, basis_points, file_columns, owned
from grants.errors import Collector, DomainError
from grants.execution.models import Expense
from grants.extensions import db as _db
from grants.programs.models import Program
from grants.uploads import UnsupportedType, UploadTooLarge
from grants.web.idempotency import BadKey, InProgress
from grants.workflows import rules


def _mapped(mixin):
    return [m.class_ for m in _db.Model.registry.mappers if issubclass(m.class_, mixin)]


def test_alliance_mixins_put_the_keys_first_as_each_table_had_them(app):
    kinds = {AllianceOwned: dict(index=True, unique=None), OnePerAlliance: dict(index=None, unique=True),
             AllianceRow: dict(index=None, unique=None)}
    seen = 0
    for mixin, options in kinds.items():
        models = _mapped(mixin)
        assert models, mixin
        for model in models:
            table = model.__table__
            first, second = list(table.columns)[:2]
            assert (first.name, second.name) == ("id", "alliance_id"), table.name
            assert first.primary_key and not second.nullable, table.name
            (fk,) = second.foreign_keys
            assert (fk.target_fullname, fk.ondelete) == ("alliances.id", "CASCADE"), table.name
            assert (second.index, second.unique) == (options["index"], options["unique"]), table.name
            indexed = {tuple(c.name for c in ix.columns) for ix in table.indexes}
            assert (("alliance_id",) in indexed) == bool(options["index"]), table.name
            seen += 1
    assert seen >= 29


def test_file_columns_come_in_order_with_their_sizes():
    sha, name, ctype = file_columns()
    assert [type(c.type) for c in (sha, name, ctype)] == [sa.String] * 3
    assert [c.type.length for c in (sha, name, ctype)] == [64, 200, 60]
    assert all(c.nullable for c in (sha, name, ctype))
    assert not any(c.nullable for c in file_columns(nullable=False))
    names = [c.name for c in Expense.__table__.columns]
    i = names.index("receipt_sha256")
    assert names[i:i + 3] == ["receipt_sha256", "receipt_filename", "receipt_content_type"]


def test_basis_points_names_each_check():
    checks = basis_points(discount_rate="discount_rate_range", max_grant_share="max_grant_share_range")
    assert [(str(c.sqltext), c.name) for c in checks] == [
        ("discount_rate BETWEEN 0 AND 10000", "discount_rate_range"),
        ("max_grant_share BETWEEN 0 AND 10000", "max_grant_share_range")]
    names = {c.name for c in Program.__table__.constraints}
    assert {"ck_programs_cash_share_range", "ck_programs_realloc_share_range",
            "ck_programs_buyer_noncompliance_range"} <= names


def test_owned_gives_the_owners_row_or_a_violation_at_the_field(db, alliance, association, other_association):
    def pick(ident, owner):
        c = Collector()
        found = owned(c, Alliance, ident, rules.INVALID, "Choose an alliance of this association.", "alliance_id",
                      association_id=owner.id)
        return found, [(v.rule, v.field) for v in c.violations]

    assert pick(alliance.id, association) == (alliance, [])
    assert pick(None, association) == (None, [])
    for ident, owner in ((alliance.id, other_association), (2**40, association), ("x", association),
                         (alliance.id + 1000, association)):
        assert pick(ident, owner) == (None, [(rules.INVALID, "alliance_id")])


def test_domain_errors_name_status_and_code_in_the_class_line():
    assert (DomainError.status, DomainError.code) == (422, "rule_violation")
    expected = {errors.InvalidTransition: (409, "invalid_transition"), errors.StaleVersion: (409, "stale_version"),
                errors.Forbidden: (403, "forbidden"), errors.NotFound: (404, "not_found"),
                UploadTooLarge: (413, "too_large"), UnsupportedType: (415, "unsupported_type"),
                BadKey: (400, "bad_request"), InProgress: (409, "idempotency_in_progress"),
                errors.ValidationFailed: (422, "validation_error"), errors.RuleViolation: (422, "rule_violation")}
    for cls, pair in expected.items():
        assert (cls.status, cls.code) == pair, cls
        assert cls.__doc__, cls

    class Teapot(errors.NotFound, code="teapot"):
        """A subclass keeps what it does not name."""

    assert (Teapot.status, Teapot.code) == (404, "teapot")
    err = Teapot("no", ["detail"])
    assert (err.message, err.details) == ("no", ["detail"])
