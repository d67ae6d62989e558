"""EMA Clinical Data Publication boundary models: one listing row, one finding in a report."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from extract.files import MAX_FIELD_CHARS, past_date

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

LISTING_REQUIRED = ("document_id", "product_name", "procedure_number", "document_title")


class ListingRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, str_max_length=MAX_FIELD_CHARS)

    document_id: NonEmpty
    product_name: NonEmpty
    active_substance: str | None = None
    procedure_number: Annotated[str, StringConstraints(pattern=r"^EMEA/H/C/\d{4,6}(/[A-Z0-9/]+)?$")]
    marketing_authorisation_holder: str | None = None
    document_type: str | None = None
    document_title: NonEmpty
    study_identifier: str | None = None
    eudract_number: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{6}-\d{2}$")] | None = None
    publication_date: (
        Annotated[
            str,
            StringConstraints(pattern=r"^(\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2})$"),
            AfterValidator(past_date),
        ]
        | None
    ) = None
    document_file: str | None = None


class Finding(BaseModel):
    """A value the report extractor found: what, where (page, label) and how sure."""

    finding_type: NonEmpty
    finding_value: NonEmpty
    page_number: int
    label: str | None = None
    confidence: float
    context: str | None = None
