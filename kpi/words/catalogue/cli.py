"""The command line (``python -m kpi report``): progress lines, errors and hints."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.read": (
        "read {file}: {kept:int} of {read:int} rows kept ({kind}) in {seconds:num1} s",
        "lu {file}\u00a0: {kept:int} lignes conservées sur {read:int} ({kind}) en "
        "{seconds:num1}\u00a0s",
    ),
    "cli.building": (
        "view: {view}; building the workbook…",
        "vue\u00a0: {view}\u00a0; création du classeur…",
    ),
    "cli.wrote": (
        "wrote {path} ({kb:num0} KB) in {seconds:num1} s",
        "classeur écrit\u00a0: {path} ({kb:num0}\u00a0Ko) en {seconds:num1}\u00a0s",
    ),
    "cli.flag": (
        "red flag ({level}): {title}: {message}",
        "{level}\u00a0: {title}\u00a0: {message}",
    ),
    "cli.flag.alert": ("alert", "alerte"),
    "cli.flag.warning": ("warning", "avertissement"),
    "cli.error": ("error: {text}", "erreur\u00a0: {text}"),
    "cli.memory": (
        "not enough memory for these files.",
        "mémoire insuffisante pour ces fichiers.",
    ),
    "cli.interrupted": ("interrupted.", "interrompu."),
    "cli.no_such_file": ("{path}: no such file.", "{path}\u00a0: fichier introuvable."),
    "cli.cannot_write": ("cannot write {path}: {why}.", "impossible d'écrire {path}\u00a0: {why}."),
    "cli.from_after_to": (
        "--from is after --to.",
        "la date de --from est postérieure à celle de --to.",
    ),
    "cli.window.bad": (
        "Cannot read the conversion window '{text}'.",
        "Impossible de lire la fenêtre de conversion «\u00a0{text}\u00a0».",
    ),
    "cli.window.hint": (
        "Write a number and a unit: {examples:orlist}.",
        "Indiquez un nombre et une unité\u00a0: {examples:orlist}.",
    ),
    "cli.role.syntax": (
        "--role '{spec}': write FILE:COLUMN=ROLE, e.g. orders.csv:Client=user_id.",
        "--role «\u00a0{spec}\u00a0»\u00a0: écrivez FICHIER:COLONNE=RÔLE, par exemple "
        "orders.csv:Client=user_id.",
    ),
    "cli.role.unknown": (
        "--role '{spec}': unknown role '{role}'; roles: {roles:list}.",
        "--role «\u00a0{spec}\u00a0»\u00a0: rôle «\u00a0{role}\u00a0» inconnu\u00a0; rôles "
        "possibles\u00a0: {roles:list}.",
    ),
    "cli.role.no_file": (
        "--role '{spec}': '{file}' is not one of the input files.",
        "--role «\u00a0{spec}\u00a0»\u00a0: «\u00a0{file}\u00a0» ne fait pas partie des "
        "fichiers d'entrée.",
    ),
    "cli.role.no_column": (
        "{file}: no column '{column}' for --role; columns: {columns:list}.",
        "{file}\u00a0: pas de colonne «\u00a0{column}\u00a0» pour --role\u00a0; colonnes\u00a0: "
        "{columns:list}.",
    ),
    "cli.filter.syntax": (
        "--filter '{spec}': write COLUMN=VALUE[,VALUE], e.g. device=mobile.",
        "--filter «\u00a0{spec}\u00a0»\u00a0: écrivez COLONNE=VALEUR[,VALEUR], par exemple "
        "device=mobile.",
    ),
    "cli.filter.no_segment": (
        "--filter {segment}: no such segment; segments: {segments:list}.",
        "--filter {segment}\u00a0: ce segment n'existe pas\u00a0; segments\u00a0: {segments:list}.",
    ),
}
