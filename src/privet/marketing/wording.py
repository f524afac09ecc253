"""The words of the unsubscribe and confirmation pages, in each policy language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_ask": "Stop all marketing email from {controller} to this address?",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribe_done": "Done: {controller} will send no more marketing email to this "
        "address. It stays on our do-not-mail list, even if you send us a form again.",
        "confirm_title": "Confirm your subscription",
        "confirm_ask": "Receive marketing email from {controller} at this address?",
        "confirm_button": "Yes, subscribe me",
        "confirm_done": "Thank you: your subscription is confirmed. Every email has a link "
        "to unsubscribe.",
        "invalid_title": "This link does not work",
        "invalid": "It may be incomplete or out of date. Nothing was changed.",
    },
    "fr": {
        "unsubscribe_title": "Se désinscrire",
        "unsubscribe_ask": "Ne plus recevoir aucun courriel de prospection de {controller} "
        "à cette adresse ?",
        "unsubscribe_button": "Me désinscrire",
        "unsubscribe_done": "C'est fait : {controller} n'enverra plus de courriel de "
        "prospection à cette adresse. Elle reste sur notre liste d'exclusion, même si vous "
        "nous envoyez à nouveau un formulaire.",
        "confirm_title": "Confirmez votre inscription",
        "confirm_ask": "Recevoir les courriels de prospection de {controller} à cette adresse ?",
        "confirm_button": "Oui, je m'inscris",
        "confirm_done": "Merci : votre inscription est confirmée. Chaque courriel contient un "
        "lien de désinscription.",
        "invalid_title": "Ce lien ne fonctionne pas",
        "invalid": "Il est peut-être incomplet ou périmé. Rien n'a été modifié.",
    },
    "ru": {
        "unsubscribe_title": "Отписаться",
        "unsubscribe_ask": "Больше не получать рекламные письма {controller} на этот адрес?",
        "unsubscribe_button": "Отписаться",
        "unsubscribe_done": "Готово: {controller} больше не будет присылать рекламные письма "
        "на этот адрес. Он останется в нашем списке исключений, даже если вы снова "
        "отправите нам форму.",
        "confirm_title": "Подтвердите подписку",
        "confirm_ask": "Получать рекламные письма {controller} на этот адрес?",
        "confirm_button": "Да, подписаться",
        "confirm_done": "Спасибо: подписка подтверждена. В каждом письме есть ссылка, "
        "чтобы отписаться.",
        "invalid_title": "Ссылка не работает",
        "invalid": "Возможно, она неполная или устарела. Ничего не изменено.",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
