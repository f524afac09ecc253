"""The words of the change notice mailed to people with a relationship, per language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "{controller} has updated its privacy policy",
        "body": "{controller} has published a new version of its privacy policy "
        "({version}), in force from {effective}.\n\nWhat changed: {summary}\n\n{consent}"
        "Read the policy: {privacy}\nEvery version, and what changed in each: {changes}\n\n"
        "You receive this message because you have a contract, a subscription or an open "
        "privacy request with {controller}.\n",
        "consent": "New for your cookie choices: {items}. On your next visit to our site we "
        "will ask for your choice again.\n\n",
    },
    "fr": {
        "subject": "{controller} a mis à jour sa politique de confidentialité",
        "body": "{controller} a publié une nouvelle version de sa politique de "
        "confidentialité ({version}), en vigueur à partir du {effective}.\n\n"
        "Ce qui change : {summary}\n\n{consent}Lire la politique : {privacy}\n"
        "Toutes les versions, et ce qui a changé dans chacune : {changes}\n\n"
        "Vous recevez ce message parce que vous avez un contrat, un abonnement ou une "
        "demande en cours concernant vos données auprès de {controller}.\n",
        "consent": "Nouveau dans vos choix de cookies : {items}. Lors de votre prochaine "
        "visite sur notre site, nous vous redemanderons votre choix.\n\n",
    },
    "ru": {
        "subject": "Политика конфиденциальности {controller} обновлена",
        "body": "Опубликована новая редакция политики конфиденциальности {controller} "
        "({version}); она действует с {effective}.\n\nЧто изменилось: {summary}\n\n"
        "{consent}Политика: {privacy}\nВсе редакции и изменения в каждой: {changes}\n\n"
        "Вы получили это письмо, потому что у вас есть договор, подписка или открытый "
        "запрос о персональных данных в {controller}.\n",
        "consent": "Новое в выборе файлов cookie: {items}. При следующем посещении сайта мы "
        "снова спросим ваше согласие.\n\n",
    },
}


def notice_words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
