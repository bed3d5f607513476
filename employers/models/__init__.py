"""Employer network models. One module per part, so each part can grow on its own."""

from employers.models.contacts import (  # noqa: F401
    Channel,
    Contact,
    DigestRun,
    DigestState,
    FollowUp,
    FollowUpFeed,
    FollowUpState,
    Purpose,
    UserPreference,
)
from employers.models.imports import ImportBatch, ImportState  # noqa: F401, E402
from employers.models.network import (  # noqa: F401
    Accommodation,
    AccommodationCode,
    ContactPerson,
    Employer,
    Language,
    Opening,
    OpeningState,
    SbiSection,
    SizeClass,
    Source,
    Stage,
    StageChange,
)
