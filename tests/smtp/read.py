"""Reads messages the test SMTP server kept, for OrderDesk's tests.

    read.py FILE...

Prints a JSON list: for each message its Message-ID, sender, recipients,
decoded subject and text, and its attachments (name, type, size, SHA-256).
"""

import email
import email.policy
import hashlib
import json
import sys


def read(path):
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    attachments = []
    for part in message.iter_attachments():
        data = part.get_content()
        attachments.append(
            {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    return {
        "file": path,
        "message_id": message["Message-ID"],
        "from": str(message["From"]),
        "to": str(message["To"]),
        "reply_to": str(message["Reply-To"]) if message["Reply-To"] else None,
        "subject": str(message["Subject"]),
        "body": text.get_content() if text else None,
        "attachments": attachments,
    }


print(json.dumps([read(p) for p in sys.argv[1:]], ensure_ascii=False))
