from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class SettingsForm(FlaskForm):
    reporting_org_ref = StringField(_l("IATI organisation identifier of the program"),
                                    validators=[DataRequired(), Length(max=80)])
    ocid_prefix = StringField(_l("OCDS prefix (ocid)"), validators=[DataRequired(), Length(max=40)])
    licence = SelectField(_l("Licence of the published data"))
    dac_sectors = TextAreaField(_l("DAC sector of each product (one 'word=code' per line)"),
                                validators=[Length(max=4000)])
