"""Words shared by every page: yes/no, units, languages, generic labels."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "common.yes": ("yes", "oui"),
    "common.no": ("no", "non"),
    "common.days": ("days", "jours"),
    "common.none": ("(none)", "(aucun)"),
    "common.other": ("Other", "Autres"),
    "common.all": ("All", "Tous"),
    "common.language": ("Language", "Langue"),
    "common.lang.fr": ("Français", "Français"),
    "common.lang.en": ("English", "English"),
}
