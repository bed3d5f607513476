"""A private Dovecot IMAP server for one test: Debian's ``dovecot`` binary with a config of its
own in a temporary folder (its own base_dir, a passwd-file user, a free loopback port), so no
system service and no system configuration is touched. Stopped (SIGTERM, waited for) after."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.outreach.harness import free_port
from tests.polling import port_open, wait_until

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@dataclass(frozen=True)
class ImapServer:
    port: int
    user: str
    password: str

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(self.user, self.password)
        return imap

    def append(self, raw: bytes) -> None:
        with self.client() as imap:
            status, _ = imap.append("INBOX", None, None, raw)
            assert status == "OK"

    def unseen(self) -> int:
        with self.client() as imap:
            imap.select("INBOX")
            return len(imap.uid("SEARCH", "UNSEEN")[1][0].split())


def _users() -> tuple[str, str, int, int]:
    """Who the login, internal and mail processes run as. As root: Debian's ``dovenull`` and
    ``dovecot`` users (Dovecot refuses root for them); otherwise the user running the test."""
    if os.getuid() == 0:
        dovecot = pwd.getpwnam("dovecot")
        return "dovenull", "dovecot", dovecot.pw_uid, dovecot.pw_gid
    me = pwd.getpwuid(os.getuid())
    return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    if DOVECOT is None:
        pytest.skip("Dovecot is not installed (Debian: apt-get install dovecot-imapd; bin/provision does it)")
    # Not under pytest's own temporary folder: that one is private to us (0700), and Dovecot's
    # unprivileged processes must reach the passwd file and the mail folder.
    root = Path(tempfile.mkdtemp(prefix="wsp-dovecot-"))
    root.chmod(0o755)
    login_user, internal_user, uid, gid = _users()
    server = ImapServer(port=free_port(), user="bounces", password="bounce-test-secret")
    mail = root / "mail"
    mail.mkdir()
    os.chown(mail, uid, gid)
    (root / "passwd").write_text(f"{server.user}:{{PLAIN}}{server.password}:{uid}:{gid}::{mail}/{server.user}\n")
    config = root / "dovecot.conf"
    users = {"login_user": login_user, "internal_user": internal_user, "uid": uid}
    config.write_text(CONFIG.format(root=root, port=server.port, **users))
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        if not wait_until(lambda: port_open(server.port) or process.poll() is not None, timeout=30) or (
            process.poll() is not None
        ):
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"Dovecot did not start: {log[-2000:]}")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
