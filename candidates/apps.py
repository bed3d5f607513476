from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = _("Candidates and matching")

    def ready(self) -> None:
        # A merge of two employers moves their matches and placements through our service
        # (employers never imports us).
        from candidates.services.employer_merge import matches_move_to_employer
        from employers.archive import register_employer_mover

        register_employer_mover("candidates", matches_move_to_employer)
