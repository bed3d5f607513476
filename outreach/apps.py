from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Knowledge sessions and outreach")

    def ready(self) -> None:
        # Invitations and answers join the employer's timeline (employers never imports us).
        from employers.timeline import TimelineSource, register_source
        from outreach.timeline import invitation_entries, invitation_keys

        register_source(TimelineSource("invitation", invitation_keys, invitation_entries))
        # Every app's mail goes through our outbox, behind crm.emails (no app imports us for it).
        from crm.emails import register_outbox
        from outreach.outbox import store_message

        register_outbox(store_message)
        # A merge of two employers moves a merged contact person's invitations through us.
        from employers.archive import register_person_mover
        from outreach.services.merge import invitations_move_to_person

        register_person_mover("invitations", invitations_move_to_person)
