from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from ..web.forms import MoneyField, ReadableAmount, options
from .models import ATTACHMENT_KINDS

AMOUNT = ReadableAmount()


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AllianceForm(FlaskForm):
    association_id = SelectField(_l("Association"), coerce=int, validators=[DataRequired()])
    call_id = SelectField(_l("Call"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title of the alliance"), validators=[DataRequired(), Length(max=200)])
    product = StringField(_l("Product"), validators=[DataRequired(), Length(max=120)])
    buyer_id = SelectField(_l("Buyer"), coerce=int, validators=[Optional()])
    buyer_name = StringField(_l("Or a new buyer: name"), validators=[Optional(), Length(max=200)])
    buyer_tax_id = StringField(_l("New buyer's tax ID (NIT)"), validators=[Optional(), Length(max=40)])
    requested_grant = MoneyField(_l("Requested grant"), validators=[DataRequired(), AMOUNT])
    estimated_counterpart = MoneyField(_l("Estimated counterpart"), validators=[DataRequired(), AMOUNT])
    member_ids = MultiCheckboxField(_l("Member families taking part"), coerce=int, validators=[Optional()])

    def data_for_service(self):
        """What was typed, shaped as the operation's schema (``AllianceCreate``/``AlliancePatch``) reads it:
        the new buyer's name and tax ID as ``buyer``; 0 ("— choose —") as no ``buyer_id``."""
        data = {"title": self.title.data, "product": self.product.data, "requested_grant": self.requested_grant.data,
                "estimated_counterpart": self.estimated_counterpart.data, "member_ids": self.member_ids.data or []}
        if (self.buyer_name.data or "").strip():
            data["buyer"] = {"name": self.buyer_name.data, "tax_id": self.buyer_tax_id.data}
        elif self.buyer_id.data:
            data["buyer_id"] = self.buyer_id.data
        return data


class AttachmentForm(FlaskForm):
    kind = SelectField(_l("Kind of document"), choices=options(
        zip(ATTACHMENT_KINDS, (_l("Buyer's letter of intent"), _l("Legal status certificate"), _l("Signed agreement"),
                               _l("Assembly minutes"), _l("Other")))))
    file = FileField(_l("File (PDF, JPEG or PNG)"))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])
    call_id = SelectField(_l("Call"), validators=[Optional()])


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("Comment"))
