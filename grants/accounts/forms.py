"""Forms of the user administration pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, PasswordField, SelectField, SelectMultipleField,
                     StringField, widgets)
from wtforms import EmailField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..web.forms import options
from .models import ASSOCIATION_ROLES, GLOBAL_ROLES
from .passwords import is_valid_email

#: human labels of the global roles (API names in GLOBAL_ROLES)
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "officer": _l("Program officer"),
    "finance": _l("Finance officer"),
    "committee": _l("Committee member"),
    "facilitator": _l("Facilitator"),
    "ta_provider": _l("Technical-assistance provider"),
    "auditor": _l("Auditor"),
    "buyer": _l("Buyer (own account)"),
    "grievance_officer": _l("Grievance officer"),
}
#: human labels of the roles in an association
ASSOCIATION_ROLE_LABELS = {
    "board": _l("Board"),
    "treasurer": _l("Treasurer"),
    "member": _l("Member"),
}
LANGUAGE_LABELS = (("es", "Español"), ("en", "English"))
BLANK_MEMBERSHIP_ROWS = 2

assert set(ROLE_LABELS) == set(GLOBAL_ROLES) and set(ASSOCIATION_ROLE_LABELS) == set(ASSOCIATION_ROLES)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def split_list(text):
    """``"La Paz, Oruro ,,"`` -> ``["La Paz", "Oruro"]`` (order kept, duplicates dropped)."""
    seen = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


class MembershipForm(Form):
    """One row: the user's role in one association. A row without an association is ignored."""

    association_id = SelectField(_l("Association"), validators=[Optional()])
    role = SelectField(_l("Role in the association"), choices=options(ASSOCIATION_ROLE_LABELS.items()))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=80)])


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Length(max=200)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Active (may sign in)"), default=True)
    locale = SelectField(_l("Language"), choices=options(LANGUAGE_LABELS))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    roles = MultiCheckboxField(_l("Global roles"), choices=options(ROLE_LABELS.items()))
    regions = MultiCheckboxField(_l("Regions (for program officers)"), validators=[Optional()])
    other_regions = StringField(_l("Other regions, separated by commas"), validators=[Optional(), Length(max=800)])
    memberships = FieldList(FormField(MembershipForm), label=_l("Associations"))

    def set_choices(self, associations, known_regions):
        """Association options for every row; a checkbox per region known among associations."""
        assoc_options = [("", _l("— none —"))] + [(str(a.id), f"{a.name} ({a.region})") for a in associations]
        for entry in self.memberships:
            entry.form.association_id.choices = options(assoc_options)
        self.regions.choices = options((r, r) for r in known_regions)

    def data_for_service(self, editing=False):
        data = {
            "name": self.name.data or "",
            "email": self.email.data or "",
            "active": bool(self.active.data),
            "locale": self.locale.data,
            # "" (not None) on edit, so that clearing the phone reaches the service
            "phone": (self.phone.data or "").strip() or ("" if editing else None),
            "roles": list(self.roles.data or []),
            "regions": list(dict.fromkeys(list(self.regions.data or []) + split_list(self.other_regions.data))),
            "memberships": [],
        }
        if self.password.data or not editing:
            data["password"] = self.password.data or ""
        for entry in self.memberships:
            row = entry.form
            if (row.association_id.data or "").isdigit():
                data["memberships"].append({"association_id": int(row.association_id.data), "role": row.role.data,
                                            "title": (row.title.data or "").strip() or None})
        return data


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()], choices=options(
        [("", _l("All roles"))] + list(ROLE_LABELS.items())
        + [(f"assoc:{k}", _l("Association: %(role)s", role=v)) for k, v in ASSOCIATION_ROLE_LABELS.items()]))


def valid_email(_form, field):
    """The accounts' e-mail rule, the same that ``create-admin`` and the user form apply."""
    if not is_valid_email(field.data):
        raise ValidationError(_l("Enter a valid e-mail address."))


class LoginForm(FlaskForm):
    """The sign-in form (``web/auth.py``; also the 429 page of too many failed sign-ins, ``throttling.py``)."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
