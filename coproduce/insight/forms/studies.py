"""Forms of the studies area: studies, team, attributes and participants."""

import csv
import io
import itertools
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coproduce.core import archives, limits
from coproduce.people.models import Organisation, Person
from coproduce.projects.models import Project

from ..models import AttributeType, StudyRole

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class StudyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        required=False,
        help_text=_("Used in the study's web address. Letters, numbers and hyphens only."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Not part of a project"),
    )
    description = forms.CharField(
        label=_("Aims and description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    descriptor_template = forms.CharField(
        label=_("Quote descriptor"),
        max_length=200,
        initial="{sample_group}",
        help_text=_(
            "How quotes are attributed, with attribute names in braces, "
            "for example: {setting} clinician, {role}"
        ),
    )
    bcw_variant = forms.ChoiceField(
        label=_("Behaviour Change Wheel version"),
        choices=[("2014", _("2014 book")), ("2011", _("2011 article"))],
        initial="2014",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisations, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["project"].queryset = projects

    def clean(self):
        data = super().clean()
        project, organisation = data.get("project"), data.get("organisation")
        if (
            project
            and organisation
            and not project.organisations.filter(pk=organisation.pk).exists()
        ):
            self.add_error("project", _("Choose a project of the organisation."))
        return data


class StudyUpdateForm(StudyForm):
    def __init__(self, *args, projects, **kwargs):
        super().__init__(
            *args, organisations=Organisation.objects.none(), projects=projects, **kwargs
        )
        del self.fields["organisation"]
        self.fields["slug"].required = True

    def clean(self):
        return forms.Form.clean(self)


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("Role in the study"), choices=StudyRole.choices)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the study"), choices=StudyRole.choices)


class AttributeForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        required=False,
        help_text=_(
            "Used in quote descriptors and spreadsheet columns, like age_band. "
            "Left blank, it is made from the label."
        ),
    )
    type = forms.ChoiceField(label=_("Type"), choices=AttributeType.choices)
    special_category = forms.BooleanField(
        label=_("Special-category data (health, disability, ethnicity and similar)"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("name") and data.get("label"):
            data["name"] = data["label"]
        return data


def split_labels(text: str) -> list[str]:
    return [s.strip() for s in (text or "").replace("\n", ",").split(",") if s.strip()]


class ParticipantForm(forms.Form):
    identifier = forms.CharField(
        label=_("Identifier"), max_length=60, help_text=_("For example: P03. Never a name.")
    )
    speaker_labels = forms.CharField(
        label=_("Speaker labels in transcripts"),
        required=False,
        help_text=_("Other labels this participant speaks under, separated by commas."),
    )

    def __init__(self, *args, attributes, **kwargs):
        super().__init__(*args, **kwargs)
        self.attribute_names = []
        for attribute in attributes:
            name = f"attr_{attribute.name}"
            self.attribute_names.append((name, attribute.name))
            if attribute.type == AttributeType.BOOLEAN:
                field = forms.ChoiceField(
                    choices=[("", _("Not known")), ("true", _("Yes")), ("false", _("No"))]
                )
            else:
                field = forms.CharField(max_length=200)
            field.label = attribute.label
            field.required = False
            if attribute.type == AttributeType.DATE:
                field.help_text = _("As a date, for example 2026-03-10.")
            elif attribute.type in (AttributeType.INTEGER, AttributeType.FLOAT):
                field.help_text = _("A number.")
            self.fields[name] = field

    def clean(self):
        data = super().clean()
        data["speaker_labels"] = split_labels(data.get("speaker_labels", ""))
        data["attributes"] = {
            attribute: data.pop(field, "") for field, attribute in self.attribute_names
        }
        return data


def read_table(upload) -> tuple[list, list]:
    """The header row and the other rows of a CSV or Excel file, or a ValidationError.

    Rows are read one at a time and reading stops one row past the limit (limits.py), so a small
    file of millions of rows is refused in the time a few thousand take; cells past the column
    limit are not read (an Excel row can claim 16,384 columns)."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise ValidationError(_("The file must be a CSV or Excel (.xlsx) file."))
    if upload.size == 0:
        raise ValidationError(_("The selected file is empty."))
    if upload.size > IMPORT_MAX_BYTES:
        raise ValidationError(_("The file must be smaller than 5 MB."))
    data = upload.read()
    max_rows, max_columns = limits.get("rows"), limits.get("columns")
    wanted = max_rows + 2  # the header, the rows allowed, and one more to know there are more
    if extension == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ValidationError(_("The CSV file is not readable text (UTF-8).")) from None
        try:
            rows = list(itertools.islice(csv.reader(io.StringIO(text)), wanted))
        except csv.Error:
            raise ValidationError(_("The CSV file could not be read.")) from None
    else:
        from openpyxl import load_workbook

        try:
            # The zip's declared sizes (sheets, shared strings) and every sheet's rows and
            # columns are checked before openpyxl, which trusts them, opens it.
            with archives.Archive(io.BytesIO(data), name=upload.name) as archive:
                for member in archive.namelist():
                    if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                        with archive.open(member) as stream:
                            _check_sheet(stream, upload.name, max_rows, max_columns)
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            rows = [
                list(row)
                for row in sheet.iter_rows(
                    max_row=wanted, max_col=max_columns + 1, values_only=True
                )
            ]
            book.close()
        except archives.BadArchive:
            raise ValidationError(_("The Excel file could not be read.")) from None
        except ValidationError:
            raise
        except Exception:  # openpyxl raises zip, XML and key errors for broken files
            raise ValidationError(_("The Excel file could not be read.")) from None
        for row in rows:
            while row and row[-1] is None:
                row.pop()
    if not rows:
        raise ValidationError(_("The file has no rows."))
    if len(rows) > max_rows + 1:
        raise limits.too_many_rows()
    if any(len(row) > max_columns for row in rows):
        raise _too_many_columns(max_columns)
    if sum(len(row) for row in rows) > limits.get("cells"):
        raise _too_many_cells()
    return rows[0], rows[1:]


def _too_many_columns(max_columns):
    return ValidationError(_("The file has more than %(max)s columns.") % {"max": max_columns})


def _too_many_cells():
    return ValidationError(
        _("The file has more than %(max)s cells; split it into smaller files.")
        % {"max": limits.get("cells")}
    )


def _check_sheet(stream, name, max_rows, max_columns) -> None:
    """Count a worksheet's rows, columns and cells, streaming, and stop past the limits:
    openpyxl reads a whole sheet as it opens it (to find its size when the sheet does not say),
    which for a small file of three million rows took minutes."""
    rows = total = 0
    max_cells = limits.get("cells")
    for event, element in archives.iter_xml(stream, name=name, keep=False):
        if event != "start":
            continue
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "row":
            rows += 1
            cells = 0
            number = element.get("r") or ""
            if rows > max_rows + 1 or (number.isdigit() and int(number) > max_rows + 1):
                raise limits.too_many_rows()
        elif tag == "c":
            cells += 1
            total += 1
            if total > max_cells:
                raise _too_many_cells()
            letters = (element.get("r") or "").rstrip("0123456789")
            column = 0
            for letter in letters[:4].upper():
                column = column * 26 + ord(letter) - 64
            if max(column, cells) > max_columns:
                raise _too_many_columns(max_columns)


class ParticipantImportForm(forms.Form):
    upload = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "A CSV or Excel (.xlsx) file: a column headed identifier and one column per "
            "attribute, one row per participant."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    unknown = forms.ChoiceField(
        label=_("Columns that are not attributes yet"),
        choices=[
            ("refuse", _("Stop and tell me which they are")),
            ("create", _("Create them as text attributes")),
        ],
        initial="refuse",
        widget=forms.RadioSelect,
    )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.cleaned_data["table"] = read_table(upload)
        return upload
