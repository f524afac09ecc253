"""The words of the banner and the preferences page, in every language privet speaks.

The banner carries the words of every policy language, so it can pick the page's own
without asking the server again; the category descriptions come from the policy.
"""

from __future__ import annotations

BANNER: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your choice of cookies",
        "intro": "{controller} uses cookies that the site needs, always on. Others run only "
        "if you agree; you can change your mind at any time.",
        "accept_all": "Accept all",
        "reject_all": "Reject all",
        "choose": "Choose",
        "save": "Save my choices",
        "always_on": "Always active",
        "vendors": "Vendors",
        "privacy_policy": "Privacy policy",
        "gpc_on": "Your browser sends a Global Privacy Control signal: {categories} stay off.",
        "saved": "Your choices are saved.",
    },
    "fr": {
        "title": "Votre choix de cookies",
        "intro": "{controller} utilise des cookies nécessaires au site, toujours actifs. Les "
        "autres ne fonctionnent qu'avec votre accord, que vous pouvez changer à tout moment.",
        "accept_all": "Tout accepter",
        "reject_all": "Tout refuser",
        "choose": "Choisir",
        "save": "Enregistrer mes choix",
        "always_on": "Toujours actifs",
        "vendors": "Fournisseurs",
        "privacy_policy": "Politique de confidentialité",
        "gpc_on": "Votre navigateur envoie le signal Global Privacy Control : {categories} "
        "reste désactivé.",
        "saved": "Vos choix sont enregistrés.",
    },
    "ru": {
        "title": "Ваш выбор файлов cookie",
        "intro": "{controller} использует файлы cookie, необходимые для работы сайта, — они "
        "всегда включены. Остальные работают только с вашего согласия, которое можно "
        "изменить в любой момент.",
        "accept_all": "Принять все",
        "reject_all": "Отклонить все",
        "choose": "Выбрать",
        "save": "Сохранить выбор",
        "always_on": "Всегда включены",
        "vendors": "Поставщики",
        "privacy_policy": "Политика конфиденциальности",
        "gpc_on": "Ваш браузер передаёт сигнал Global Privacy Control: {categories} "
        "остаются выключенными.",
        "saved": "Ваш выбор сохранён.",
    },
}

PREFERENCES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your privacy preferences",
        "choices": "Cookies",
        "receipts": "Your consent receipts",
        "receipts_intro": "Each choice you make is recorded as a receipt. These are the "
        "receipts of this browser.",
        "none": "This browser has made no choice yet.",
        "when": "When",
        "how": "How",
        "granted": "Allowed",
        "denied": "Refused",
        "receipt": "Receipt",
        "download": "Download all receipts (JSON)",
    },
    "fr": {
        "title": "Vos préférences de confidentialité",
        "choices": "Cookies",
        "receipts": "Vos reçus de consentement",
        "receipts_intro": "Chacun de vos choix est enregistré sous forme de reçu. Voici les "
        "reçus de ce navigateur.",
        "none": "Ce navigateur n'a encore fait aucun choix.",
        "when": "Date",
        "how": "Moyen",
        "granted": "Autorisés",
        "denied": "Refusés",
        "receipt": "Reçu",
        "download": "Télécharger tous les reçus (JSON)",
    },
    "ru": {
        "title": "Ваши настройки конфиденциальности",
        "choices": "Файлы cookie",
        "receipts": "Ваши квитанции о согласии",
        "receipts_intro": "Каждый ваш выбор записывается в виде квитанции. Здесь квитанции "
        "этого браузера.",
        "none": "В этом браузере выбор ещё не сделан.",
        "when": "Когда",
        "how": "Как",
        "granted": "Разрешены",
        "denied": "Отклонены",
        "receipt": "Квитанция",
        "download": "Скачать все квитанции (JSON)",
    },
}


def banner_words(language: str, controller: str) -> dict[str, str]:
    words = dict(BANNER.get(language, BANNER["en"]))
    words["intro"] = words["intro"].format(controller=controller)
    return words


def preference_words(language: str) -> dict[str, str]:
    return PREFERENCES.get(language, PREFERENCES["en"])
