"""The words of the unsubscribe and confirmation pages, in each policy language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_ask": "Stop all marketing email from {controller} to this address?",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribe_done": "Done: {controller} will send no more marketing email to this "
        "address. It stays on our do-not-mail list, even if you send us a form again.",
        "unsubscribe_ask_everything": "Stop all marketing email from {controller} to this "
        "address, and erase the other data {controller} holds about you, except what the law "
        "requires it to keep?",
        "unsubscribe_done_everything": "Done: {controller} will send no more marketing email "
        "to this address, and erased the other data it held about you, except what the law "
        "requires it to keep. The address stays on our do-not-mail list.",
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
        "unsubscribe_ask_everything": "Ne plus recevoir aucun courriel de prospection de "
        "{controller} à cette adresse, et effacer les autres données que {controller} détient "
        "sur vous, sauf ce que la loi l'oblige à conserver ?",
        "unsubscribe_done_everything": "C'est fait : {controller} n'enverra plus de courriel "
        "de prospection à cette adresse et a effacé les autres données qu'il détenait sur "
        "vous, sauf ce que la loi l'oblige à conserver. L'adresse reste sur notre liste "
        "d'exclusion.",
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
        "unsubscribe_ask_everything": "Больше не получать рекламные письма {controller} на "
        "этот адрес и удалить остальные данные о вас, которые хранит {controller}, кроме "
        "тех, что закон обязывает хранить?",
        "unsubscribe_done_everything": "Готово: {controller} больше не будет присылать "
        "рекламные письма на этот адрес и удалил остальные данные о вас, кроме тех, что "
        "закон обязывает хранить. Адрес останется в нашем списке исключений.",
        "confirm_title": "Подтвердите подписку",
        "confirm_ask": "Получать рекламные письма {controller} на этот адрес?",
        "confirm_button": "Да, подписаться",
        "confirm_done": "Спасибо: подписка подтверждена. В каждом письме есть ссылка, "
        "чтобы отписаться.",
        "invalid_title": "Ссылка не работает",
        "invalid": "Возможно, она неполная или устарела. Ничего не изменено.",
    },
}


def words(language: str, opt_out_scope: str = "marketing") -> dict[str, str]:
    said = WORDS.get(language, WORDS["en"])
    if opt_out_scope != "everything":
        return said
    # Unsubscribing then erases the person too (marketing.opt_out_scope): the page says
    # so before the button, and after.
    return said | {
        "unsubscribe_ask": said["unsubscribe_ask_everything"],
        "unsubscribe_done": said["unsubscribe_done_everything"],
    }
