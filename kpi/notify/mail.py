"""The e-mail sender: ``email.message.EmailMessage`` over ``smtplib`` (STARTTLS, SSL, or none
on a local relay), the workbook attached, a bounded timeout.

Certificates are checked (``ssl.create_default_context``; ``ca_file`` adds a private CA). A
failure raises :class:`~kpi.notify.errors.DeliveryError` saying why, never the password.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from kpi.notify.errors import DeliveryError, network_error
from kpi.notify.message import Alert
from kpi.notify.targets import EmailTarget
from kpi.words import Fact

__all__ = ["XLSX", "email_message", "send_email"]

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def email_message(
    target: EmailTarget, alert: Alert, workbook: bytes | None, filename: str
) -> EmailMessage:
    """The message: the alert's subject and text, the workbook attached as ``filename``."""
    msg = EmailMessage()
    msg["Subject"] = alert.subject
    msg["From"] = target.sender
    msg["To"] = ", ".join(target.to)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain="parcours.local")
    msg["Content-Language"] = alert.lang
    msg.set_content(alert.text())
    if workbook is not None:
        msg.add_attachment(workbook, maintype=XLSX[0], subtype=XLSX[1], filename=filename)
    return msg


def _context(target: EmailTarget) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=target.ca_file)


def send_email(target: EmailTarget, msg: EmailMessage) -> None:
    """Send ``msg`` to the target's server; returns when the server accepted it."""
    secrets = target.secrets()
    try:
        if target.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                target.host, target.port, timeout=target.timeout, context=_context(target)
            )
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=target.timeout)
        with smtp:
            if target.security == "starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(Fact("notify.why.no_starttls"), retry=False)
                smtp.starttls(context=_context(target))
                smtp.ehlo()
            if target.user and target.password:
                smtp.login(target.user, target.password)
            smtp.send_message(msg)
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(Fact("notify.why.auth"), retry=False) from None
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError(Fact("notify.why.recipients"), retry=False) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            Fact("notify.why.smtp", code=str(exc.smtp_code)),
            retry=exc.smtp_code >= 400 and exc.smtp_code < 500,
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(Fact("notify.why.no_starttls"), retry=False) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise network_error(exc, target.timeout, secrets) from None
