"""Employer network models. One module per part, so each part can grow on its own."""

from employers.models.contacts import (  # noqa: F401 - re-exported: the app's models are imported from here
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
from employers.models.imports import ImportBatch, ImportState  # noqa: F401 - re-exported: the app's models are imported from here
from employers.models.lists import SavedFilter  # noqa: F401 - re-exported: the app's models are imported from here
from employers.models.network import (  # noqa: F401 - re-exported: the app's models are imported from here
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
from employers.models.networks import Network  # noqa: F401 - re-exported: the app's models are imported from here
from employers.models.shares import EmployerPartQuerySet, EmployerShare, ShareState, shared_with  # noqa: F401 - re-exported: the app's models are imported from here
from employers.models.stories import FaqEntry, Story  # noqa: F401 - re-exported: the app's models are imported from here
