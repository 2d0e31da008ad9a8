"""Connected tables whose columns cannot be mapped to events (``kpi.engine.roles``)."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "engine_roles.empty": ("{source} has no rows.", "{source} ne contient aucune ligne."),
        "engine_roles.missing_role": (
            "No column of {source} was recognised as the {role} (the table reads as {kind}); "
            "a connected table is read as an event log or as orders.",
            "Aucune colonne de {source} n'a été reconnue comme {role} (la table ressemble à "
            "{kind}) ; une table connectée est lue comme un journal d'événements ou comme des "
            "commandes.",
        ),
        "engine_roles.kind_unknown": ("an unknown shape", "une forme inconnue"),
        "engine_roles.hint.role": (
            "Name the column with --role COLUMN={code} (columns: {columns:list}).",
            "Indiquez la colonne avec --role COLONNE={code} (colonnes : {columns:list}).",
        ),
        "engine_roles.unknown_column": (
            "{source} has no column “{column}” (given with --role).",
            "{source} n'a pas de colonne « {column} » (indiquée avec --role).",
        ),
        "engine_roles.hint.columns": ("Columns: {columns:list}.", "Colonnes : {columns:list}."),
        "engine_roles.unknown_role": (
            "“{role}” is not a role.",
            "« {role} » n'est pas un rôle.",
        ),
        "engine_roles.hint.roles": ("Roles: {roles:list}.", "Rôles : {roles:list}."),
        "engine_roles.bad_option": (
            "“{option}” is not of the form COLUMN=ROLE.",
            "« {option} » n'est pas de la forme COLONNE=RÔLE.",
        ),
        "engine_roles.hint.option": (
            "Write --role event_time=ts, for example (roles: {roles:list}).",
            "Écrivez par exemple --role event_time=ts (rôles : {roles:list}).",
        ),
        "engine_roles.backend": (
            "Times cannot be converted in this engine ({backend}).",
            "Les dates ne peuvent pas être converties dans ce moteur ({backend}).",
        ),
    }
)
