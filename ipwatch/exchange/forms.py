from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ipwatch.core.choices import IncidentStatus
from ipwatch.core.workflow import may_publish

from .formats import FORMATS
from .readers import XLS_MAGIC, XLSX_MAGIC

# Bigger files belong to `manage.py import_incidents`, which streams them from disk with a progress bar.
DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
ALLOWED_EXTENSIONS = {".csv", ".xlsx"}


def max_upload_bytes() -> int:
    return getattr(settings, "IPWATCH_IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="A .csv file (any format) or a .xlsx workbook (GTD).")
    format = forms.ChoiceField(choices=[(name, fmt.label) for name, fmt in FORMATS.items()])
    status = forms.ChoiceField(
        choices=[(IncidentStatus.DRAFT, "Draft")],
        help_text="Status of newly created incidents. Existing incidents keep theirs.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += f" At most {filesizeformat(max_upload_bytes())}."
        if may_publish(user):
            self.fields["status"].choices = [(IncidentStatus.DRAFT, "Draft"), (IncidentStatus.PUBLISHED, "Published")]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower()
        if extension not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(f"{upload.name!r}: only .csv and .xlsx files can be imported")
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                f"{upload.name!r} is {filesizeformat(upload.size)}; uploads are limited to "
                f"{filesizeformat(max_upload_bytes())} (use manage.py import_incidents for larger files)"
            )
        if upload.size == 0:
            raise forms.ValidationError(f"{upload.name!r} is empty")
        # The content must match the name: a workbook is a zip; a CSV is text (no zip, no NUL bytes).
        head = upload.read(64 * 1024)
        upload.seek(0)
        if extension == ".xlsx" and not head.startswith(XLSX_MAGIC):
            raise forms.ValidationError(f"{upload.name!r} is not an .xlsx workbook")
        if extension == ".csv" and (head.startswith((XLSX_MAGIC, XLS_MAGIC)) or b"\x00" in head):
            raise forms.ValidationError(f"{upload.name!r} is not a text CSV file (is it a spreadsheet?)")
        return upload
