"""The words of /privacy/changes and of one published version's page, per language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Changes to the privacy policy",
        "intro": "Every version of {controller}'s privacy policy, newest first. Each one stays "
        "readable exactly as it was published.",
        "none": "No version has been published yet.",
        "version": "Version",
        "effective": "In force from",
        "published": "Published",
        "summary": "What changed",
        "latest": "latest",
        "version_title": "Privacy policy of {controller}, version {version}",
        "as_published": "The text as published on {published}, in force from {effective}.",
        "newer": "A newer version exists.",
        "all_versions": "All versions and what changed",
        "other_languages": "This version in",
        "changes_from": "Changes from version {previous}",
        "first": "This is the first published version.",
        "no_change": "The text in this language did not change.",
        "legend": "Lines marked + were added, lines marked - were removed.",
        "folded": "Unchanged lines: {count}",
        "text": "The full text",
        "not_found": "No version of the policy was published under this name.",
    },
    "fr": {
        "title": "Modifications de la politique de confidentialité",
        "intro": "Toutes les versions de la politique de confidentialité de {controller}, de la "
        "plus récente à la plus ancienne. Chacune reste lisible telle qu'elle a été publiée.",
        "none": "Aucune version n'a encore été publiée.",
        "version": "Version",
        "effective": "En vigueur à partir du",
        "published": "Publiée le",
        "summary": "Ce qui change",
        "latest": "la plus récente",
        "version_title": "Politique de confidentialité de {controller}, version {version}",
        "as_published": "Le texte tel que publié le {published}, en vigueur à partir du "
        "{effective}.",
        "newer": "Une version plus récente existe.",
        "all_versions": "Toutes les versions et ce qui a changé",
        "other_languages": "Cette version en",
        "changes_from": "Modifications depuis la version {previous}",
        "first": "C'est la première version publiée.",
        "no_change": "Le texte dans cette langue n'a pas changé.",
        "legend": "Les lignes marquées + ont été ajoutées, celles marquées - supprimées.",
        "folded": "Lignes inchangées : {count}",
        "text": "Le texte complet",
        "not_found": "Aucune version de la politique n'a été publiée sous ce nom.",
    },
    "ru": {
        "title": "Изменения политики конфиденциальности",
        "intro": "Все редакции политики конфиденциальности {controller}, начиная с последней. "
        "Каждая доступна в том виде, в котором была опубликована.",
        "none": "Ни одной редакции ещё не опубликовано.",
        "version": "Редакция",
        "effective": "Действует с",
        "published": "Опубликована",
        "summary": "Что изменилось",
        "latest": "последняя",
        "version_title": "Политика конфиденциальности {controller}, редакция {version}",
        "as_published": "Текст в том виде, в котором он опубликован {published}; действует с "
        "{effective}.",
        "newer": "Есть более новая редакция.",
        "all_versions": "Все редакции и их изменения",
        "other_languages": "Эта редакция на языках",
        "changes_from": "Изменения по сравнению с редакцией {previous}",
        "first": "Это первая опубликованная редакция.",
        "no_change": "Текст на этом языке не изменился.",
        "legend": "Строки со знаком + добавлены, строки со знаком - удалены.",
        "folded": "Строк без изменений: {count}",
        "text": "Полный текст",
        "not_found": "Редакции политики с таким названием не публиковалось.",
    },
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ru": "Русский"}


def changes_words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
