"""The words of the evidence page in every language privet speaks, and its figures, dates
and durations written the reader's way (Babel: plural forms, separators, month names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from babel.dates import format_datetime
from babel.numbers import format_percent
from babel.units import format_unit

from privet.policy.durations import Duration
from privet.policy.schema import Policy, Text
from privet.policy.texts import text_in
from privet.transparency.formats import (
    countries_in,
    country_in,
    date_in,
    duration_in,
    number_in,
)

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Our privacy promises, and the evidence they are kept",
        "intro": "For each promise of {controller}'s privacy policy (version {version}): how "
        "it is kept, and the live figure that shows it, as of {as_of}. The figures are "
        "counts only: nothing here is about any one person.",
        "promise": "Promise:",
        "mechanism": "How it is kept:",
        "figures": "Live figures",
        "policy_link": "Read the privacy policy",
        "json_link": "The same figures as JSON",
        "rights_title": "Your requests answered on time",
        "rights_promise": "We answer your request within {deadline} of confirming your address.",
        "rights_extension": "Where a request needs longer, the deadline may be extended once, "
        "by {extension}, and we tell you why.",
        "rights_mechanism": "privet tracks each request's deadline from the moment the address "
        "is proven, reminds the privacy officers a week before it, and counts an overdue "
        "request as a finding of the audit below.",
        "received": "Requests received in {year}",
        "answered": "answered",
        "on_time": "answered within the deadline",
        "late": "answered late",
        "still_open": "still open",
        "overdue_now": "Open requests past their deadline now",
        "median": "Median time to answer",
        "median_none": "no request answered yet this year",
        "promised": "promised: {deadline}",
        "retention_title": "Data kept no longer than promised",
        "retention_promise": "Each kind of data is kept only as long as the table below "
        "says, then deleted or anonymised.",
        "retention_mechanism": "privet sweeps the store every day and deletes or anonymises "
        "each record as soon as its rule runs out; a record under a legal hold waits, and is "
        "counted.",
        "swept": "The last sweep completed on {date}.",
        "never_swept": "No sweep has completed yet.",
        "sweep_failed": "The last sweep, on {date}, failed: it is retried, and the privacy "
        "officers are alerted.",
        "data": "Data",
        "rule": "Kept",
        "kept": "{duration} after {anchor}, then {then}",
        "collected": "collection",
        "last_contact": "the last contact",
        "contract_end": "the end of the contract",
        "request_closed": "the request is closed",
        "delete": "deleted",
        "anonymise": "anonymised",
        "deleted": "Deleted by the last sweep",
        "anonymised": "Anonymised by the last sweep",
        "held": "Kept under a legal hold",
        "consent_title": "Optional cookies only with your consent",
        "consent_promise": "The cookies the site needs are always on; the others run only if "
        "you agree, and you can change your mind at any time.",
        "consent_mechanism": "The banner offers “{reject}” beside “{accept}”, as easy to "
        "press; nothing optional runs before a choice, and each choice is filed as a receipt.",
        "consent_gpc": "A Global Privacy Control signal from your browser refuses these cookies "
        "without a click: {categories}.",
        "consent_none": "No cookie here needs your consent: the site uses only the cookies it "
        "needs.",
        "decisions": "Choices made in the last 30 days",
        "gpc_decisions": "of which with a Global Privacy Control signal",
        "category": "Cookies",
        "granted": "Share of choices allowing them",
        "sharing_title": "Who receives your data, and where it is kept",
        "storage": "Your data is stored in {region}.",
        "storage_strict": "Your data is stored in {region}, and does not leave it.",
        "never_sold": "Your data is never sold.",
        "sold": "The policy declares that data may be sold; a Global Privacy Control signal "
        "opts you out.",
        "sharing_mechanism": "The policy names every processor with its location and "
        "safeguard, and no buyer; privet check refuses a processor outside the storage "
        "region without a transfer basis, the audit below checks it again, and a Global "
        "Privacy Control signal is honoured.",
        "processor": "Processor",
        "service": "Service",
        "location": "Location",
        "region": "Storage region",
        "inside": "inside",
        "outside": "outside",
        "safeguard": "Safeguard",
        "transfers": "Transfers",
        "adequacy_decision": "adequacy decision",
        "standard_contractual_clauses": "standard contractual clauses",
        "binding_corporate_rules": "binding corporate rules",
        "consent": "your consent",
        "other_appropriate_safeguards": "other appropriate safeguards",
        "none_needed": "none needed",
        "audit_title": "The audit of every promise",
        "audit_promise": "The data stored is checked against every promise of this policy.",
        "audit_mechanism": "privet's audit counts records kept past their rule, page views "
        "without consent, marketing to people who objected, requests past their deadline, "
        "processors outside the storage region, data of undeclared categories, and sweeps "
        "that stopped.",
        "checked": "Checked on {moment}.",
        "no_finding": "No finding: every promise checked is kept.",
        "finding": "Finding",
        "count": "Count",
        "check_retention": "records kept past their rule",
        "check_analytics_consent": "page views stored without consent",
        "check_marketing": "live marketing consents of people who objected",
        "check_requests": "requests past their deadline",
        "check_processors": "processors outside the storage region without a transfer basis",
        "check_categories": "data filed under a category the policy does not declare",
        "check_sweep": "retention sweeps that failed or stopped",
        "check_backups": "encrypted backups not scheduled or not recent",
    },
    "fr": {
        "title": "Nos engagements de confidentialité, et la preuve qu'ils sont tenus",
        "intro": "Pour chaque engagement de la politique de confidentialité de {controller} "
        "(version {version}) : comment il est tenu, et le chiffre en direct qui le montre, "
        "au {as_of}. Les chiffres ne sont que des totaux : rien ici ne concerne une personne.",
        "promise": "Engagement :",
        "mechanism": "Comment il est tenu :",
        "figures": "Chiffres en direct",
        "policy_link": "Lire la politique de confidentialité",
        "json_link": "Les mêmes chiffres en JSON",
        "rights_title": "Vos demandes traitées dans les délais",
        "rights_promise": "Nous répondons à votre demande dans un délai de {deadline} après "
        "la confirmation de votre adresse.",
        "rights_extension": "Si une demande exige plus de temps, le délai peut être prolongé "
        "une fois, de {extension}, et nous vous disons pourquoi.",
        "rights_mechanism": "privet suit le délai de chaque demande dès que l'adresse est "
        "prouvée, rappelle l'échéance aux responsables une semaine avant, et compte toute "
        "demande en retard parmi les constats de l'audit ci-dessous.",
        "received": "Demandes reçues en {year}",
        "answered": "traitées",
        "on_time": "traitées dans le délai",
        "late": "traitées en retard",
        "still_open": "encore en cours",
        "overdue_now": "Demandes en cours dont le délai est dépassé",
        "median": "Délai de réponse médian",
        "median_none": "aucune demande traitée cette année",
        "promised": "promis : {deadline}",
        "retention_title": "Des données conservées pas plus longtemps que promis",
        "retention_promise": "Chaque type de données n'est conservé que la durée indiquée "
        "ci-dessous, puis supprimé ou anonymisé.",
        "retention_mechanism": "privet passe chaque jour sur les données et supprime ou "
        "anonymise chaque enregistrement dès que sa règle expire ; un enregistrement sous "
        "conservation légale attend, et il est compté.",
        "swept": "Le dernier passage s'est terminé le {date}.",
        "never_swept": "Aucun passage ne s'est encore terminé.",
        "sweep_failed": "Le dernier passage, le {date}, a échoué : il est relancé, et les "
        "responsables sont alertés.",
        "data": "Données",
        "rule": "Conservation",
        "kept": "{duration} après {anchor}, puis {then}",
        "collected": "la collecte",
        "last_contact": "le dernier contact",
        "contract_end": "la fin du contrat",
        "request_closed": "la clôture de la demande",
        "delete": "suppression",
        "anonymise": "anonymisation",
        "deleted": "Supprimés au dernier passage",
        "anonymised": "Anonymisés au dernier passage",
        "held": "Conservés sous conservation légale",
        "consent_title": "Les cookies facultatifs uniquement avec votre accord",
        "consent_promise": "Les cookies nécessaires au site sont toujours actifs ; les autres "
        "ne fonctionnent qu'avec votre accord, que vous pouvez changer à tout moment.",
        "consent_mechanism": "Le bandeau propose « {reject} » à côté de « {accept} », aussi "
        "simple à choisir ; rien de facultatif ne fonctionne avant un choix, et chaque choix "
        "est enregistré sous forme de reçu.",
        "consent_gpc": "Le signal Global Privacy Control de votre navigateur refuse ces cookies "
        "sans un clic : {categories}.",
        "consent_none": "Aucun cookie ici ne demande votre accord : le site n'utilise que les "
        "cookies dont il a besoin.",
        "decisions": "Choix faits ces 30 derniers jours",
        "gpc_decisions": "dont avec un signal Global Privacy Control",
        "category": "Cookies",
        "granted": "Part des choix qui les autorisent",
        "sharing_title": "Qui reçoit vos données, et où elles sont conservées",
        "storage": "Lieu de stockage de vos données : {region}.",
        "storage_strict": "Lieu de stockage de vos données : {region} ; elles n'en sortent pas.",
        "never_sold": "Vos données ne sont jamais vendues.",
        "sold": "La politique déclare que des données peuvent être vendues ; un signal Global "
        "Privacy Control vous y oppose.",
        "sharing_mechanism": "La politique nomme chaque sous-traitant avec sa localisation et "
        "sa garantie, et aucun acheteur ; privet check refuse un sous-traitant hors de la "
        "région de stockage sans base de transfert, l'audit ci-dessous le vérifie à nouveau, "
        "et le signal Global Privacy Control est respecté.",
        "processor": "Sous-traitant",
        "service": "Service",
        "location": "Localisation",
        "region": "Région de stockage",
        "inside": "dans la région",
        "outside": "hors de la région",
        "safeguard": "Garantie",
        "transfers": "Transferts",
        "adequacy_decision": "décision d'adéquation",
        "standard_contractual_clauses": "clauses contractuelles types",
        "binding_corporate_rules": "règles d'entreprise contraignantes",
        "consent": "votre consentement",
        "other_appropriate_safeguards": "autres garanties appropriées",
        "none_needed": "aucune nécessaire",
        "audit_title": "L'audit de chaque engagement",
        "audit_promise": "Les données stockées sont vérifiées au regard de chaque engagement "
        "de cette politique.",
        "audit_mechanism": "L'audit de privet compte les enregistrements conservés au-delà de "
        "leur règle, les pages vues sans consentement, le marketing envers des personnes qui "
        "s'y sont opposées, les demandes en retard, les sous-traitants hors de la région de "
        "stockage, les données de catégories non déclarées, et les passages interrompus.",
        "checked": "Vérifié le {moment}.",
        "no_finding": "Aucun constat : chaque engagement vérifié est tenu.",
        "finding": "Constat",
        "count": "Nombre",
        "check_retention": "enregistrements conservés au-delà de leur règle",
        "check_analytics_consent": "pages vues enregistrées sans consentement",
        "check_marketing": "consentements marketing actifs de personnes qui s'y sont opposées",
        "check_requests": "demandes dont le délai est dépassé",
        "check_processors": "sous-traitants hors de la région de stockage sans base de transfert",
        "check_categories": "données classées dans une catégorie que la politique ne déclare pas",
        "check_sweep": "passages de conservation échoués ou interrompus",
        "check_backups": "sauvegardes chiffrées non planifiées ou trop anciennes",
    },
    "ru": {
        "title": "Наши обязательства о конфиденциальности и доказательства их соблюдения",
        "intro": "Для каждого обязательства политики конфиденциальности {controller} "
        "(версия {version}): как оно соблюдается и какие текущие показатели это "
        "подтверждают, по состоянию на {as_of}. Показатели — только итоговые числа: ничего "
        "здесь не относится к конкретному человеку.",
        "promise": "Обязательство:",
        "mechanism": "Как оно соблюдается:",
        "figures": "Текущие показатели",
        "policy_link": "Политика конфиденциальности",
        "json_link": "Те же показатели в формате JSON",
        "rights_title": "Ответ на ваши запросы в срок",
        "rights_promise": "Мы отвечаем на ваш запрос в течение {deadline} после "
        "подтверждения вашего адреса.",
        "rights_extension": "Если запрос требует больше времени, срок может быть один раз "
        "продлён на {extension}, и мы сообщим вам причину.",
        "rights_mechanism": "privet отслеживает срок каждого запроса с момента подтверждения "
        "адреса, напоминает ответственным сотрудникам за неделю до него и учитывает каждый "
        "просроченный запрос в проверке ниже.",
        "received": "Запросов получено в {year} году",
        "answered": "отвечено",
        "on_time": "отвечено в срок",
        "late": "отвечено с опозданием",
        "still_open": "ещё в работе",
        "overdue_now": "Открытые запросы с истёкшим сроком",
        "median": "Медианное время ответа",
        "median_none": "в этом году ещё нет ответов на запросы",
        "promised": "обещано: {deadline}",
        "retention_title": "Данные хранятся не дольше обещанного",
        "retention_promise": "Каждый вид данных хранится не дольше срока, указанного ниже, "
        "затем удаляется или обезличивается.",
        "retention_mechanism": "privet ежедневно проходит по хранилищу и удаляет или "
        "обезличивает каждую запись, как только истекает её срок; запись, на которую "
        "наложено удержание по закону, ждёт и учитывается.",
        "swept": "Последний проход завершён {date}.",
        "never_swept": "Ни один проход ещё не завершён.",
        "sweep_failed": "Последний проход, {date}, завершился ошибкой: он будет повторён, "
        "ответственные сотрудники оповещены.",
        "data": "Данные",
        "rule": "Срок хранения",
        "kept": "{duration} после {anchor}, затем {then}",
        "collected": "сбора",
        "last_contact": "последнего контакта",
        "contract_end": "окончания договора",
        "request_closed": "закрытия запроса",
        "delete": "удаление",
        "anonymise": "обезличивание",
        "deleted": "Удалено последним проходом",
        "anonymised": "Обезличено последним проходом",
        "held": "Удерживается по закону",
        "consent_title": "Необязательные файлы cookie — только с вашего согласия",
        "consent_promise": "Файлы cookie, необходимые для работы сайта, всегда включены; "
        "остальные работают только с вашего согласия, которое можно изменить в любой момент.",
        "consent_mechanism": "Баннер предлагает «{reject}» рядом с «{accept}», так же просто; "
        "ничего необязательного не работает до выбора, и каждый выбор записывается в "
        "квитанцию.",
        "consent_gpc": "Сигнал Global Privacy Control вашего браузера отклоняет эти файлы "
        "cookie без единого нажатия: {categories}.",
        "consent_none": "Ни один файл cookie здесь не требует согласия: сайт использует только "
        "необходимые.",
        "decisions": "Решений за последние 30 дней",
        "gpc_decisions": "из них с сигналом Global Privacy Control",
        "category": "Файлы cookie",
        "granted": "Доля решений, разрешающих их",
        "sharing_title": "Кто получает ваши данные и где они хранятся",
        "storage": "Место хранения ваших данных: {region}.",
        "storage_strict": "Место хранения ваших данных: {region}; они его не покидают.",
        "never_sold": "Ваши данные никогда не продаются.",
        "sold": "Политика заявляет, что данные могут продаваться; сигнал Global Privacy "
        "Control означает ваш отказ.",
        "sharing_mechanism": "Политика называет каждого обработчика, его местонахождение и "
        "гарантии, и ни одного покупателя; privet check не принимает обработчика вне региона "
        "хранения без основания для передачи, проверка ниже проверяет это снова, а сигнал "
        "Global Privacy Control соблюдается.",
        "processor": "Обработчик",
        "service": "Услуга",
        "location": "Местонахождение",
        "region": "Регион хранения",
        "inside": "в регионе",
        "outside": "вне региона",
        "safeguard": "Гарантия",
        "transfers": "Передачи",
        "adequacy_decision": "решение об адекватности",
        "standard_contractual_clauses": "стандартные договорные положения",
        "binding_corporate_rules": "обязательные корпоративные правила",
        "consent": "ваше согласие",
        "other_appropriate_safeguards": "иные надлежащие гарантии",
        "none_needed": "не требуется",
        "audit_title": "Проверка каждого обязательства",
        "audit_promise": "Хранимые данные проверяются на соответствие каждому обязательству "
        "этой политики.",
        "audit_mechanism": "Проверка privet считает записи, хранимые дольше срока, просмотры "
        "страниц без согласия, рассылки людям, которые возразили, просроченные запросы, "
        "обработчиков вне региона хранения, данные незаявленных категорий и остановившиеся "
        "проходы.",
        "checked": "Проверено {moment}.",
        "no_finding": "Нарушений нет: каждое проверенное обязательство соблюдается.",
        "finding": "Нарушение",
        "count": "Количество",
        "check_retention": "записи, хранимые дольше срока",
        "check_analytics_consent": "просмотры страниц, сохранённые без согласия",
        "check_marketing": "действующие согласия на рассылку у людей, которые возразили",
        "check_requests": "запросы с истёкшим сроком",
        "check_processors": "обработчики вне региона хранения без основания для передачи",
        "check_categories": "данные в категории, которую политика не заявляет",
        "check_sweep": "проходы хранения, завершившиеся ошибкой или остановившиеся",
        "check_backups": "зашифрованные резервные копии не запланированы или устарели",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


@dataclass(frozen=True)
class Formats:
    """Figures, dates and the policy's own texts, as the reader of `language` writes them."""

    language: str
    policy: Policy

    def number(self, value: int) -> str:
        return number_in(value, self.language)

    def share(self, value: float | None) -> str:
        return "—" if value is None else format_percent(value, locale=self.language)

    def duration(self, duration: Duration) -> str:
        return duration_in(duration, self.language)

    def days(self, value: float) -> str:
        return format_unit(value, "duration-day", length="long", locale=self.language)

    def date(self, moment: datetime) -> str:
        return date_in(moment.astimezone(UTC).date(), self.language)

    def moment(self, moment: datetime) -> str:
        return format_datetime(moment, "long", tzinfo=UTC, locale=self.language)

    def place(self, code: str) -> str:
        return country_in(code, self.language)

    def places(self, codes: tuple[str, ...]) -> str:
        return countries_in(list(codes), self.language)

    def text(self, text: Text) -> str:
        return text_in(text, self.language, self.policy)

    def cookie_categories(self, names: tuple[str, ...]) -> str:
        return ", ".join(self.text(self.policy.cookies[name].description) for name in names)
