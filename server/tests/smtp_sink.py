"""An aiosmtpd handler for the reminder tests: every message it receives is written, decoded,
to DIRECTORY/NNN.json (envelope sender and recipients, subject, plain-text body), so the Rust
test reads what a mail client would show."""

import email
import json
import os
from email import policy


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("Sink takes one argument: the directory to write messages to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.count += 1
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "header_to": str(message["to"]),
            "subject": str(message["subject"]),
            "body": message.get_body(("plain",)).get_content(),
        }
        path = os.path.join(self.directory, f"{self.count:03}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        os.rename(path + ".tmp", path)
        return "250 OK"
