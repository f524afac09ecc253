"""The policy text's own words in French (the keys of `en.py`)."""

from __future__ import annotations

WORDS: dict[str, str] = {
    "title": "Politique de confidentialité",
    "page/contents": "Sommaire",
    "page/languages": "Cette politique dans d'autres langues",
    "page/markdown": "Cette politique au format Markdown",
    "heading/controller": "Qui est responsable de vos données",
    "heading/data": "Les données que nous collectons, et comment",
    "heading/purposes": "Pourquoi nous utilisons vos données, et sur quelle base légale",
    "heading/retention": "Combien de temps nous conservons vos données",
    "heading/rights": "Vos droits, et comment les exercer",
    "heading/cookies": "Cookies",
    "heading/security": "Comment nous protégeons vos données",
    "heading/sharing": "Prestataires et partage",
    "heading/storage": "Où vos données sont stockées",
    "heading/transfers": "Transferts internationaux",
    "heading/children": "Enfants",
    "heading/marketing": "Courriels de prospection",
    "heading/changes": "Modifications de cette politique",
    "heading/law": "Droit applicable",
    "heading/company": "Informations sur la société",
    "intro.scope": "Cette politique explique comment {controller} traite vos données "
    "personnelles : ce que nous collectons et pourquoi, combien de temps nous le conservons, "
    "qui d'autre le reçoit, et les droits dont vous disposez.",
    "intro.version": "Version {version}, en vigueur depuis le {date}.",
    "controller.identity": "{controller}, {address}, est le responsable du traitement de vos "
    "données personnelles : il décide pourquoi et comment elles sont traitées.",
    "controller.contact": "Pour toute question sur vos données personnelles, écrivez à {email}.",
    "controller.contact/phone": "Pour toute question sur vos données personnelles, écrivez à "
    "{email} ou appelez le {phone}.",
    "controller.dpo": "Notre délégué à la protection des données : {contact}.",
    "data.intro": "Nous ne collectons que les données listées ici.",
    "fields": "Contenu : {fields}.",
    "source/visitor": "Vous nous les donnez.",
    "source/visitor/forms": "Vous nous les donnez via nos formulaires : {forms}.",
    "source/automatic": "Elles sont collectées automatiquement lorsque vous utilisez le site.",
    "source/staff": "Notre personnel les enregistre lorsque vous traitez avec nous.",
    "data.forms": "Dans nos formulaires, les champs à remplir obligatoirement sont signalés ; "
    "le reste est à votre discrétion.",
    "data.analytics/consent": "Nous ne mesurons notre audience que si vous acceptez les cookies "
    "de mesure d'audience.",
    "data.analytics/cookieless": "Nous comptons les visites sans cookies : aucun identifiant ne "
    "dure plus d'une journée, seules des statistiques agrégées sont conservées, et aucun "
    "profil de vous n'est constitué.",
    "data.ip_address/country": "Votre adresse IP sert uniquement à déterminer approximativement "
    "le pays d'où vous vous connectez ; elle n'est jamais conservée.",
    "data.ip_address/discard": "Votre adresse IP n'est jamais conservée.",
    "data.do_not_track": "Si votre navigateur envoie un signal Do Not Track ou Global Privacy "
    "Control, vos visites ne sont pas comptées.",
    "data.outbound_links": "Lorsque vous suivez un lien de notre site vers un autre site, nous "
    "retirons les identifiants qu'il contient, afin que l'autre site ne les reçoive pas.",
    "purposes.intro": "Nous n'utilisons vos données que pour ces finalités, chacune sur la base "
    "légale indiquée :",
    "purposes.withdrawal": "Lorsque nous nous fondons sur votre consentement, vous pouvez le "
    "retirer à tout moment ; cela ne remet pas en cause ce qui a été fait auparavant.",
    "column/purpose": "Finalité",
    "column/legal_basis": "Base légale",
    "column/data": "Données",
    "basis/consent": "Votre consentement",
    "basis/contract": "Un contrat avec vous, ou des mesures précontractuelles prises à votre "
    "demande",
    "basis/legal_obligation": "Une obligation légale",
    "basis/legitimate_interest": "Notre intérêt légitime",
    "basis/vital_interest": "La sauvegarde des intérêts vitaux d'une personne",
    "basis/public_task": "Une mission d'intérêt public",
    "retention.intro": "Nous conservons chaque type de données pendant la durée indiquée "
    "seulement, puis nous les supprimons ou les anonymisons automatiquement.",
    "retention.holds": "Nous ne conservons des données au-delà de ces durées que lorsque la "
    "loi, une réclamation ou un litige l'exige, et seulement le temps nécessaire.",
    "retention.holds/reasons": "Nous ne conservons des données au-delà de ces durées qu'en cas "
    "de : {reasons} ; et seulement le temps nécessaire.",
    "column/kept": "Durée",
    "column/from": "À compter de",
    "column/then": "Ensuite",
    "column/why": "Pourquoi",
    "anchor/collected": "leur réception",
    "anchor/last_contact": "notre dernier contact avec vous",
    "anchor/contract_end": "la fin du contrat",
    "anchor/request_closed": "la clôture de la demande",
    "then/delete": "supprimées",
    "then/anonymise": "anonymisées : seules des statistiques subsistent",
    "request_records": "Dossiers de vos demandes relatives à vos données : ce qui a été demandé "
    "et ce que nous avons fait",
    "request_records/why": "la preuve que nous avons répondu à vos demandes",
    "rights.intro": "Vous disposez de ces droits sur vos données personnelles :",
    "right/line": "{name} : {what}",
    "right/access": "Droit d'accès",
    "right/access/what": "obtenir une copie des données que nous détenons sur vous",
    "right/rectification": "Droit de rectification",
    "right/rectification/what": "faire corriger des données inexactes",
    "right/erasure": "Droit à l'effacement",
    "right/erasure/what": "faire supprimer vos données",
    "right/portability": "Droit à la portabilité",
    "right/portability/what": "recevoir vos données dans un format structuré et lisible par "
    "machine",
    "right/objection": "Droit d'opposition",
    "right/objection/what": "vous opposer à l'utilisation de vos données, notamment à des "
    "fins de prospection",
    "right/restriction": "Droit à la limitation",
    "right/restriction/what": "nous faire conserver vos données sans plus les utiliser",
    "right/withdraw_consent": "Droit de retirer votre consentement",
    "right/withdraw_consent/what": "retirer à tout moment un consentement donné",
    "right/complaint": "Droit d'introduire une réclamation",
    "right/complaint/what": "auprès d'une autorité de protection des données",
    "rights.how": "Pour exercer un droit, utilisez {portal} ou écrivez à {contact}.",
    "link/portal": "notre portail de demandes",
    "rights.deadline": "Nous répondons dans un délai de {deadline} après la confirmation de "
    "votre adresse électronique.",
    "rights.extension": "Si une demande est complexe, ce délai peut être prolongé de "
    "{extension} au plus ; nous vous en indiquons les raisons avant la fin du premier délai.",
    "rights.direct_transfer": "Lorsque c'est techniquement possible, nous transmettons vos "
    "données directement à un autre prestataire si vous le demandez.",
    "rights.complaint": "Vous pouvez aussi introduire une réclamation auprès de l'autorité de "
    "contrôle : {authority}.",
    "cookies.intro": "Un cookie est un petit fichier qu'un site conserve dans votre navigateur. "
    "Nous utilisons ces catégories de cookies.",
    "cookies.intro/none": "Notre site ne dépose aucun cookie.",
    "cookies.preferences": "Vous pouvez modifier votre choix à tout moment sur {link}.",
    "link/preferences": "la page de vos préférences",
    "cookie_status/required": "Toujours actifs : le site en a besoin.",
    "cookie_status/optional": "Uniquement avec votre consentement.",
    "cookie_purpose": "Finalité : {purpose}.",
    "vendors": "Fournisseurs : {vendors}.",
    "vendor/policy": "politique de confidentialité",
    "column/cookie": "Cookie",
    "column/set_by": "Déposé par",
    "column/lifetime": "Durée de vie",
    "column/what": "Rôle",
    "lifetime/session": "jusqu'à la fermeture du navigateur",
    "first_party": "nous",
    "cookie_category/functional": "Cookies fonctionnels",
    "cookie_category/necessary": "Cookies nécessaires",
    "cookie_category/essential": "Cookies essentiels",
    "cookie_category/analytics": "Cookies de mesure d'audience",
    "cookie_category/statistics": "Cookies statistiques",
    "cookie_category/marketing": "Cookies marketing",
    "cookie_category/advertising": "Cookies publicitaires",
    "cookie_category/preferences": "Cookies de préférences",
    "security.intro": "Nous protégeons vos données par ces mesures :",
    "sharing.sold/false": "Nous ne vendons jamais vos données personnelles.",
    "sharing.sold/true": "Nous pouvons vendre ou partager certaines données personnelles à des "
    "fins publicitaires ; vous pouvez le refuser dans vos préférences de cookies.",
    "sharing.processors": "Ces prestataires traitent des données pour notre compte, uniquement "
    "sur nos instructions et pour les finalités ci-dessus :",
    "sharing.disclosures": "Nous pouvons aussi communiquer vos données :",
    "column/provider": "Prestataire",
    "column/service": "Service",
    "column/location": "Localisation",
    "column/safeguard": "Garantie",
    "safeguard/adequacy_decision": "Décision d'adéquation",
    "safeguard/standard_contractual_clauses": "Clauses types de protection des données",
    "safeguard/binding_corporate_rules": "Règles d'entreprise contraignantes",
    "safeguard/consent": "Votre consentement explicite",
    "safeguard/other_appropriate_safeguards": "Autres garanties appropriées",
    "safeguard/none_needed": "Aucune nécessaire",
    "storage.region": "Lieu de stockage de vos données : {region}.",
    "storage.strict": "Vos données sont traitées et stockées uniquement à cet endroit.",
    "transfers.intro": "Certaines de vos données sont transférées hors du lieu de stockage "
    "({region}), chaque fois avec une garantie :",
    "transfers.more": "Pour en savoir plus sur ces garanties, écrivez à {contact}.",
    "children.age": "Nous ne collectons pas sciemment de données auprès d'enfants de moins de "
    "{age} et ne leur adressons pas de prospection.",
    "children.forms": "Nos formulaires vous demandent de confirmer que vous avez au moins {age}.",
    "children.parents": "Si vous êtes parent ou tuteur et apprenez que votre enfant nous a "
    "communiqué des données sans votre consentement, demandez-en l'effacement via {portal} ou "
    "à {contact} : nous les supprimerons.",
    "marketing.consent": "Nous ne vous envoyons des courriels de prospection qu'avec votre "
    "consentement. Ils portent sur : {purpose}.",
    "marketing.consent/none": "Nous pouvons vous envoyer des courriels de prospection. Ils "
    "portent sur : {purpose}.",
    "marketing.double_opt_in": "Avant le premier envoi, nous vous demandons de confirmer votre "
    "adresse par courriel.",
    "marketing.unsubscribe/one_click": "Chaque courriel de prospection contient un lien de "
    "désinscription qui fonctionne en un clic. Vous pouvez aussi écrire à {contact}.",
    "marketing.unsubscribe/link": "Chaque courriel de prospection contient un lien pour vous "
    "désinscrire. Vous pouvez aussi écrire à {contact}.",
    "marketing.scope/marketing": "La désinscription ne met fin qu'à la prospection : les "
    "données issues d'un achat ou d'une autre transaction ne sont pas concernées.",
    "marketing.scope/everything": "La désinscription efface aussi les autres données que nous "
    "détenons sur vous, sauf celles que la loi nous oblige à conserver.",
    "marketing.processor": "Nous envoyons ces courriels via {processor}.",
    "changes.notice/none": "Nous pouvons modifier cette politique sans préavis. La version en "
    "vigueur figure toujours sur cette page et prend effet dès sa publication.",
    "changes.notice/notice": "Lorsque nous modifions cette politique, nous publions la nouvelle "
    "version sur cette page, avec sa date d'entrée en vigueur.",
    "changes.notice/email": "Lorsque nous modifions cette politique, nous publions la nouvelle "
    "version sur cette page et, lorsque c'est possible, vous en informons par courriel.",
    "changes.history": "Les versions précédentes, et ce qui a changé dans chacune : {link}.",
    "link/changes": "l'historique de cette politique",
    "changes.evidence": "Comment chaque engagement de cette politique est tenu, avec les "
    "derniers contrôles : {link}.",
    "link/evidence": "la page des preuves",
    "law.applicable": "Cette politique et les relations qui en découlent entre vous et "
    "{controller} sont régies par : {law}.",
    "label/line": "{label} : {value}",
    "label/name": "Dénomination",
    "label/address": "Adresse",
    "label/email": "Courriel",
    "label/phone": "Téléphone",
    "label/website": "Site web",
    "label/representative": "Représentant",
    "label/dpo": "Délégué à la protection des données",
    "none": "—",
}
