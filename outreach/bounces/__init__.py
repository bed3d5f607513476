"""Bounces and complaints: mail that came back tells the CRM which addresses are dead.

``verp`` gives every outbox row its own envelope sender (``bounces+<row>-<signature>@`` the
BOUNCE_DOMAIN), so a bounce names the very message it is about, and a forged one (a wrong
signature) names nothing. ``reading`` finds that address in a bounce and says what it is (a
hard or soft bounce, parsed by flufl.bounce, or a spam complaint in ARF); ``services`` records
it on the row and the person; ``mailbox`` reads the bounce mailbox over IMAP (BOUNCE_IMAP_URL),
for the ``fetch_bounces`` command and the beat task of the same name.
"""
