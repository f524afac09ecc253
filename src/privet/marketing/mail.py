"""The double opt-in mail: a link the address's owner follows to confirm."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from privet.notify.service import queue_email
from privet.policy.schema import Policy
from privet.subjects.models import Subject

CONFIRMATION = {
    "en": (
        "Please confirm your subscription",
        "Someone, hopefully you, asked {controller} to send marketing email to this "
        "address.\n\nTo confirm, open this link within 7 days:\n{link}\n\n"
        "If it was not you, ignore this message: nothing will be sent.\n",
    ),
    "fr": (
        "Merci de confirmer votre inscription",
        "Quelqu'un, vous sans doute, a demandé à {controller} d'envoyer des courriels de "
        "prospection à cette adresse.\n\nPour confirmer, ouvrez ce lien dans les 7 jours :\n"
        "{link}\n\nSi ce n'était pas vous, ignorez ce message : rien ne sera envoyé.\n",
    ),
    "ru": (
        "Подтвердите подписку",
        "Кто-то, вероятно вы, попросил {controller} присылать рекламные письма на этот "
        "адрес.\n\nЧтобы подтвердить, откройте ссылку в течение 7 дней:\n{link}\n\n"
        "Если это были не вы, просто проигнорируйте письмо: ничего присылаться не будет.\n",
    ),
}


def queue_confirmation(
    session: Session,
    *,
    policy: Policy,
    base_url: str,
    subject: Subject,
    token: str,
    language: str,
    now: datetime,
) -> None:
    title, body = CONFIRMATION.get(language, CONFIRMATION["en"])
    link = f"{base_url}/marketing/confirm/{token}"
    text = body.format(controller=policy.controller.name, link=link)
    queue_email(session, subject.email, title, text, now, subject_id=subject.id)
