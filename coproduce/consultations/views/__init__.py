"""The consultation pages, by what they are about; urls.py names them as `views.<Page>`."""

from .links import (
    LinkDetail,
    LinkExcluded,
    LinkPrint,
    LinkQr,
    PaperEntry,
    Rate,
    TokenBatch,
)
from .organisations import (
    ExportCsv,
    ExportXlsx,
    Instruments,
    MyConsultations,
    OrganisationDashboard,
    PermissionView,
    SettingsView,
    TeamCreate,
)
from .survey import (
    Survey,
    SurveyThanks,
)
from .teams import (
    Calibration,
    ClinicianDashboard,
    ConsultationCreate,
    LinkCreate,
    MemberCreate,
    TeamDashboard,
)

__all__ = [
    "Calibration",
    "ClinicianDashboard",
    "ConsultationCreate",
    "ExportCsv",
    "ExportXlsx",
    "Instruments",
    "LinkCreate",
    "LinkDetail",
    "LinkExcluded",
    "LinkPrint",
    "LinkQr",
    "MemberCreate",
    "MyConsultations",
    "OrganisationDashboard",
    "PaperEntry",
    "PermissionView",
    "Rate",
    "SettingsView",
    "Survey",
    "SurveyThanks",
    "TeamCreate",
    "TeamDashboard",
    "TokenBatch",
]
