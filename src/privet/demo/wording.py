"""The words of the example site, in every language privet speaks.

Only the site's own words: its forms, banner and privacy pages are privet's, in their words.
The notes about the demo itself (the bar at the top, the mailbox) are in English, as the
admin pages are: they speak to the newcomer, not to the company's visitors.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "home": "Home",
        "newsletter": "Newsletter",
        "language": "Language",
        "blurb": "This is a demo site of {controller}'s policy run by privet.",
        "made_from_policy": "Everything here comes from the policy: the forms and what they "
        "ask, whether a cookie banner shows, the privacy pages linked below.",
        "write_to_us": "Write to us",
        "sent": "Thank you: we received what you sent.",
        "confirm_by_mail": "If you ticked the box for our email, confirm it with the link we "
        "have just sent you.",
        "newsletter_how": "{controller} sends news by email only to people who tick the box "
        "under one of these forms:",
        "newsletter_confirm": "We then ask you to confirm by email before the first one.",
        "newsletter_unsubscribe": "Every email has a link to unsubscribe.",
        "no_newsletter": "{controller}'s policy declares no marketing email: there is no "
        "newsletter to sign up for.",
        "scripts": "Scripts that wait for your consent",
        "scripts_intro": "Each one stands in for the scripts of a cookie category that needs "
        "your consent: they run only once you agree.",
        "script_off": "not running: you have not agreed",
        "script_on": "running: you agreed",
        "no_banner": "This site uses only the cookies it cannot work without, so it asks for "
        "no consent and shows no cookie banner.",
        "privacy": "Privacy policy",
        "preferences": "Privacy preferences",
        "requests": "Your data",
        "cookie_settings": "Cookie settings",
        "not_found": "There is no such page on this site.",
    },
    "fr": {
        "home": "Accueil",
        "newsletter": "Lettre d'information",
        "language": "Langue",
        "blurb": "Ceci est un site de démonstration de la politique de {controller}, "
        "appliquée par privet.",
        "made_from_policy": "Tout ici vient de la politique : les formulaires et ce qu'ils "
        "demandent, la présence d'un bandeau des cookies, les pages de confidentialité "
        "ci-dessous.",
        "write_to_us": "Nous écrire",
        "sent": "Merci : nous avons bien reçu votre envoi.",
        "confirm_by_mail": "Si vous avez coché la case pour nos courriels, confirmez-le avec "
        "le lien que nous venons de vous envoyer.",
        "newsletter_how": "{controller} n'envoie ses nouvelles par courriel qu'aux personnes "
        "qui cochent la case sous l'un de ces formulaires :",
        "newsletter_confirm": "Nous vous demandons ensuite de confirmer par courriel avant le "
        "premier envoi.",
        "newsletter_unsubscribe": "Chaque courriel contient un lien pour vous désinscrire.",
        "no_newsletter": "La politique de {controller} ne prévoit aucun courriel de "
        "prospection : il n'y a pas de lettre d'information.",
        "scripts": "Scripts qui attendent votre accord",
        "scripts_intro": "Chacun remplace les scripts d'une catégorie de cookies soumise à "
        "votre accord : ils ne fonctionnent qu'une fois que vous l'avez donné.",
        "script_off": "inactif : vous n'avez pas donné votre accord",
        "script_on": "actif : vous avez donné votre accord",
        "no_banner": "Ce site n'utilise que les cookies sans lesquels il ne peut fonctionner : "
        "il ne demande aucun accord et n'affiche pas de bandeau.",
        "privacy": "Politique de confidentialité",
        "preferences": "Préférences de confidentialité",
        "requests": "Vos données",
        "cookie_settings": "Paramètres des cookies",
        "not_found": "Cette page n'existe pas sur ce site.",
    },
    "ru": {
        "home": "Главная",
        "newsletter": "Рассылка",
        "language": "Язык",
        "blurb": "Это демонстрационный сайт политики {controller}, которую исполняет privet.",
        "made_from_policy": "Всё здесь взято из политики: формы и то, что они спрашивают, "
        "будет ли баннер о cookie, страницы о конфиденциальности по ссылкам ниже.",
        "write_to_us": "Напишите нам",
        "sent": "Спасибо: мы получили ваше сообщение.",
        "confirm_by_mail": "Если вы отметили согласие на наши письма, подтвердите его по "
        "ссылке, которую мы вам отправили.",
        "newsletter_how": "{controller} присылает новости по электронной почте только тем, "
        "кто отметил согласие под одной из этих форм:",
        "newsletter_confirm": "Перед первым письмом мы попросим подтвердить адрес.",
        "newsletter_unsubscribe": "В каждом письме есть ссылка для отписки.",
        "no_newsletter": "Политика {controller} не предусматривает рекламных писем: "
        "подписаться не на что.",
        "scripts": "Скрипты, которые ждут вашего согласия",
        "scripts_intro": "Каждый заменяет скрипты категории cookie, для которой нужно ваше "
        "согласие: они работают только после него.",
        "script_off": "не работает: вы не дали согласия",
        "script_on": "работает: вы дали согласие",
        "no_banner": "Сайт использует только необходимые cookie, поэтому не спрашивает "
        "согласия и не показывает баннер.",
        "privacy": "Политика конфиденциальности",
        "preferences": "Настройки конфиденциальности",
        "requests": "Ваши данные",
        "cookie_settings": "Настройки cookie",
        "not_found": "Такой страницы на сайте нет.",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
