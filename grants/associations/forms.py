"""Forms of the association, member and buyer pages. The services check the rules; these forms only
carry what was typed (and keep it when the page is shown again with errors)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FileField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ..web.forms import QueryForm, options

YEAR = Regexp(r"^\s*\d{4}\s*$", message=_l("Enter a year such as 1975."))
HECTARES = Regexp(r"^\s*\d{1,5}([.,]\d{1,2})?\s*$", message=_l("Enter the hectares as a number such as 2.5."))


def level_options():
    return options([("1", _l("1 · base association")), ("2", _l("2 · association of associations")),
                    ("3", _l("3 · regional"))])


def sex_options(blank=False):
    pairs = [("F", _l("Woman")), ("M", _l("Man")), ("X", _l("Other"))]
    return options(([("", _l("— choose —"))] if blank else []) + pairs)


class AssociationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    legal_id = StringField(_l("Legal status (personería jurídica) number"), validators=[Optional(), Length(max=60)])
    tax_id = StringField(_l("Tax ID (NIT)"), validators=[Optional(), Length(max=40)])
    level = SelectField(_l("Level"), choices=level_options(), default="1")
    parent_id = SelectField(_l("Belongs to (second or third level)"), validators=[Optional()])
    municipality = StringField(_l("Municipality"), validators=[DataRequired(), Length(max=120)])
    region = StringField(_l("Region (department)"), validators=[DataRequired(), Length(max=80)])
    founded_year = StringField(_l("Year founded"), validators=[Optional(), YEAR])
    bank_name = StringField(_l("Bank"), validators=[Optional(), Length(max=120)])
    bank_account = StringField(_l("Bank account number"), validators=[Optional(), Length(max=60)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])

    FIELDS = ("name", "legal_id", "tax_id", "level", "parent_id", "municipality", "region", "founded_year",
              "bank_name", "bank_account", "phone", "email")

    def data_for_service(self):
        data = {key: getattr(self, key).data for key in self.FIELDS}
        data["parent_id"] = data["parent_id"] or None
        return data


class MemberForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    national_id = StringField(_l("National ID (CI)"), validators=[DataRequired(), Length(max=40)])
    sex = SelectField(_l("Sex"), choices=sex_options(blank=True), validators=[DataRequired()])
    birth_year = StringField(_l("Birth year"), validators=[Optional(), YEAR])
    indigenous = BooleanField(_l("Belongs to an indigenous people"))
    hectares = StringField(_l("Hectares farmed"), validators=[Optional(), HECTARES])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    active = BooleanField(_l("Active member"), default=True)

    FIELDS = ("full_name", "national_id", "sex", "birth_year", "indigenous", "hectares", "phone")

    def data_for_service(self, editing=False):
        data = {key: getattr(self, key).data for key in self.FIELDS}
        data["hectares"] = (data["hectares"] or "").strip().replace(",", ".")
        if editing:
            data["active"] = bool(self.active.data)
        return data


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"))


class BuyerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    tax_id = StringField(_l("Tax ID (NIT)"), validators=[Optional(), Length(max=40)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])

    FIELDS = ("name", "tax_id", "contact_name", "email", "phone", "city")

    def data_for_service(self):
        return {key: getattr(self, key).data for key in self.FIELDS}


class SearchForm(QueryForm):
    """The GET filters of a list (no CSRF: reading only)."""

    q = StringField(_l("Search"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    level = SelectField(_l("Level"), validators=[Optional()])
