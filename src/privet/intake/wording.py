"""The words of the form snippet and of the pages after it, in each policy language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "required": "required",
        "use": "We use what you send for: {purpose}",
        "policy": "privacy policy",
        "age": "I am at least {age} years old",
        "send": "Send",
        "thanks_title": "Thank you",
        "thanks": "We received what you sent.",
        "confirm_sent": "To start receiving our email, follow the link we have just sent you.",
        "invalid_title": "Please check the form",
        "back": "Back to the form",
    },
    "fr": {
        "required": "obligatoire",
        "use": "Nous utilisons ce que vous envoyez pour : {purpose}",
        "policy": "politique de confidentialité",
        "age": "J'ai au moins {age} ans",
        "send": "Envoyer",
        "thanks_title": "Merci",
        "thanks": "Nous avons bien reçu votre envoi.",
        "confirm_sent": "Pour recevoir nos courriels, suivez le lien que nous venons "
        "de vous envoyer.",
        "invalid_title": "Veuillez vérifier le formulaire",
        "back": "Retour au formulaire",
    },
    "ru": {
        "required": "обязательно",
        "use": "Мы используем отправленные данные для цели: {purpose}",
        "policy": "политика конфиденциальности",
        "age": "Мне не меньше {age} лет",
        "send": "Отправить",
        "thanks_title": "Спасибо",
        "thanks": "Мы получили ваше сообщение.",
        "confirm_sent": "Чтобы получать наши письма, перейдите по ссылке, "
        "которую мы вам отправили.",
        "invalid_title": "Проверьте форму",
        "back": "Вернуться к форме",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
