"""The words of the request portal and its mail, in every language privet speaks."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "details": "What is wrong, and what should it say? (for a correction)",
        "recipient": "Send my data straight to this provider (optional, an https:// address)",
        "download": "Download your data",
        "download_until": "The link works until {until}.",
        "outcome": "What we did",
        "answer_subject": "Your privacy request was answered",
        "answer_body": "{controller} answered your privacy request ({kind}).\n\n{answer}\n",
        "answer_access": "Your data is ready. Download it before {until}:\n{link}",
        "answer_erasure": "Your data was erased.",
        "answer_nothing": "We hold no data about this address.",
        "answer_kept": "We keep, because the law requires it: {record}: {reason}, until {until}.",
        "answer_receipts": "Your cookie choices stay as proof of consent, no longer linked to you.",
        "answer_objection": "You will get no more marketing from us.",
        "answer_restriction": "We keep your data but no longer use it.",
        "answer_rectification": "Your data was corrected.",
        "answer_refused": "We refused your request: {reason}",
        "answer_pushed": "Your data was also sent to {host}.",
        "answer_push_failed": "We could not send your data to {host}: use the download link.",
        "extended_subject": "Your privacy request needs more time",
        "extended_body": "{controller} needs more time to answer your privacy request ({kind}). "
        "We will answer by {due}.\n\nWhy: {reason}\n",
        "title": "Your privacy requests",
        "intro": "Ask {controller} for a copy of your data, to correct or erase it, or to stop "
        "a use of it. We answer within {deadline} of confirming your address.",
        "kind": "What do you ask?",
        "email": "Your email address",
        "send": "Send the request",
        "access": "A copy of my data",
        "rectification": "Correct my data",
        "erasure": "Erase my data",
        "portability": "My data in a machine-readable file",
        "objection": "Stop marketing to me",
        "restriction": "Keep my data but stop using it",
        "child_erasure": "Erase my child's data (parent or guardian)",
        "status_title": "Your request",
        "check_mail": "We sent a code to the address you gave. Enter it here to confirm the "
        "request. It works for 30 minutes.",
        "code": "Code",
        "confirm": "Confirm",
        "wrong_code": "This code does not work: it may be wrong, used or expired.",
        "status_unverified": "Waiting for you to confirm your address",
        "status_open": "Confirmed: we are working on it",
        "status_done": "Answered",
        "status_refused": "Refused",
        "due": "We answer by",
        "extended": "The deadline was extended: {reason}",
        "mail_subject": "Your code to confirm your privacy request",
        "mail_body": "Someone, hopefully you, sent {controller} a privacy request for this "
        "address.\n\nYour code: {code}\n\nEnter it on the request's page within 30 minutes:\n"
        "{link}\n\nIf it was not you, ignore this message: nothing will be done.\n",
    },
    "fr": {
        "details": "Qu'est-ce qui est inexact, et que faut-il indiquer ? (pour une rectification)",
        "recipient": "Envoyer mes données directement à ce prestataire (facultatif, une adresse "
        "https://)",
        "download": "Télécharger vos données",
        "download_until": "Le lien fonctionne jusqu'au {until}.",
        "outcome": "Ce que nous avons fait",
        "answer_subject": "Réponse à votre demande relative à vos données",
        "answer_body": "{controller} a répondu à votre demande ({kind}).\n\n{answer}\n",
        "answer_access": "Vos données sont prêtes. Téléchargez-les avant le {until} :\n{link}",
        "answer_erasure": "Vos données ont été effacées.",
        "answer_nothing": "Nous ne détenons aucune donnée liée à cette adresse.",
        "answer_kept": "Nous conservons, parce que la loi l'exige : {record} : {reason}, jusqu'au "
        "{until}.",
        "answer_receipts": "Vos choix en matière de cookies restent la preuve de votre "
        "consentement, sans lien avec vous.",
        "answer_objection": "Vous ne recevrez plus de prospection de notre part.",
        "answer_restriction": "Nous conservons vos données mais ne les utilisons plus.",
        "answer_rectification": "Vos données ont été rectifiées.",
        "answer_refused": "Nous avons refusé votre demande : {reason}",
        "answer_pushed": "Vos données ont aussi été envoyées à {host}.",
        "answer_push_failed": "Nous n'avons pas pu envoyer vos données à {host} : utilisez le "
        "lien de téléchargement.",
        "extended_subject": "Votre demande demande plus de temps",
        "extended_body": "{controller} a besoin de plus de temps pour répondre à votre demande "
        "({kind}). Nous répondrons au plus tard le {due}.\n\nPourquoi : {reason}\n",
        "title": "Vos demandes relatives à vos données",
        "intro": "Demandez à {controller} une copie de vos données, leur rectification ou leur "
        "effacement, ou l'arrêt d'un usage. Nous répondons dans un délai de {deadline} après "
        "la confirmation de votre adresse.",
        "kind": "Que demandez-vous ?",
        "email": "Votre adresse électronique",
        "send": "Envoyer la demande",
        "access": "Une copie de mes données",
        "rectification": "Rectifier mes données",
        "erasure": "Effacer mes données",
        "portability": "Mes données dans un fichier lisible par machine",
        "objection": "Ne plus recevoir de prospection",
        "restriction": "Conserver mes données sans les utiliser",
        "child_erasure": "Effacer les données de mon enfant (parent ou tuteur)",
        "status_title": "Votre demande",
        "check_mail": "Nous avons envoyé un code à l'adresse indiquée. Saisissez-le ici pour "
        "confirmer la demande. Il est valable 30 minutes.",
        "code": "Code",
        "confirm": "Confirmer",
        "wrong_code": "Ce code ne fonctionne pas : il est peut-être erroné, déjà utilisé ou "
        "expiré.",
        "status_unverified": "En attente de la confirmation de votre adresse",
        "status_open": "Confirmée : nous la traitons",
        "status_done": "Traitée",
        "status_refused": "Refusée",
        "due": "Réponse au plus tard le",
        "extended": "Le délai a été prolongé : {reason}",
        "mail_subject": "Votre code pour confirmer votre demande",
        "mail_body": "Quelqu'un, vous sans doute, a adressé à {controller} une demande "
        "relative aux données de cette adresse.\n\nVotre code : {code}\n\nSaisissez-le sur la "
        "page de la demande dans les 30 minutes :\n{link}\n\nSi ce n'était pas vous, ignorez "
        "ce message : rien ne sera fait.\n",
    },
    "ru": {
        "details": "Что указано неверно и как должно быть? (для уточнения)",
        "recipient": "Передать мои данные напрямую этому поставщику (необязательно, адрес "
        "https://)",
        "download": "Скачать ваши данные",
        "download_until": "Ссылка действует до {until}.",
        "outcome": "Что мы сделали",
        "answer_subject": "Ответ на ваш запрос о персональных данных",
        "answer_body": "{controller} ответил на ваш запрос ({kind}).\n\n{answer}\n",
        "answer_access": "Ваши данные готовы. Скачайте их до {until}:\n{link}",
        "answer_erasure": "Ваши данные удалены.",
        "answer_nothing": "Мы не храним данных, связанных с этим адресом.",
        "answer_kept": "Мы храним, так как этого требует закон: {record}: {reason}, до {until}.",
        "answer_receipts": "Ваш выбор в отношении cookie хранится как доказательство согласия, "
        "без связи с вами.",
        "answer_objection": "Вы больше не будете получать от нас рекламу.",
        "answer_restriction": "Мы храним ваши данные, но больше их не используем.",
        "answer_rectification": "Ваши данные уточнены.",
        "answer_refused": "Мы отклонили ваш запрос: {reason}",
        "answer_pushed": "Ваши данные также переданы {host}.",
        "answer_push_failed": "Не удалось передать ваши данные {host}: воспользуйтесь ссылкой "
        "для скачивания.",
        "extended_subject": "Ответ на ваш запрос потребует больше времени",
        "extended_body": "{controller} нужно больше времени, чтобы ответить на ваш запрос "
        "({kind}). Мы ответим не позднее {due}.\n\nПричина: {reason}\n",
        "title": "Ваши запросы о персональных данных",
        "intro": "Попросите {controller} предоставить копию ваших данных, уточнить или удалить "
        "их либо прекратить их использование. Мы ответим в течение {deadline} после "
        "подтверждения адреса.",
        "kind": "О чём вы просите?",
        "email": "Ваш адрес электронной почты",
        "send": "Отправить запрос",
        "access": "Копию моих данных",
        "rectification": "Уточнить мои данные",
        "erasure": "Удалить мои данные",
        "portability": "Мои данные в машиночитаемом файле",
        "objection": "Прекратить рекламные рассылки",
        "restriction": "Хранить мои данные, но не использовать их",
        "child_erasure": "Удалить данные моего ребёнка (родитель или опекун)",
        "status_title": "Ваш запрос",
        "check_mail": "Мы отправили код на указанный адрес. Введите его здесь, чтобы "
        "подтвердить запрос. Код действует 30 минут.",
        "code": "Код",
        "confirm": "Подтвердить",
        "wrong_code": "Код не подходит: возможно, он неверен, уже использован или устарел.",
        "status_unverified": "Ждём подтверждения адреса",
        "status_open": "Подтверждён: мы его выполняем",
        "status_done": "Выполнен",
        "status_refused": "Отклонён",
        "due": "Ответим не позднее",
        "extended": "Срок продлён: {reason}",
        "mail_subject": "Код для подтверждения вашего запроса",
        "mail_body": "Кто-то, вероятно вы, направил {controller} запрос о данных, связанных с "
        "этим адресом.\n\nВаш код: {code}\n\nВведите его на странице запроса в течение 30 "
        "минут:\n{link}\n\nЕсли это были не вы, просто проигнорируйте письмо: ничего не "
        "будет сделано.\n",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
