"""Alerts sent to the team (``--notify``): the message, delivery lines, config errors, help."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        # ---- the message --------------------------------------------------------------------
        "notify.parcours": ("Parcours", "Parcours"),
        "notify.title.flags": (
            "{heading}: {n:int} red {n:plural:flag|flags}",
            "{heading} : {n:int} {n:plural:alerte|alertes}",
        ),
        "notify.title.none": ("{heading}: no red flag", "{heading} : aucune alerte"),
        "notify.subject.flags": (
            "{heading}: {n:int} red {n:plural:flag|flags} – {about}",
            "{heading} : {n:int} {n:plural:alerte|alertes} – {about}",
        ),
        "notify.subject.none": (
            "{heading}: no red flag – {about}",
            "{heading} : aucune alerte – {about}",
        ),
        "notify.label.view": ("View", "Vue"),
        "notify.period.whole": (
            "{period} (the whole period in the data)",
            "{period} (toute la période des données)",
        ),
        "notify.figures": ("Figures", "Chiffres"),
        "notify.figures.previous": (
            "Figures (previous period in brackets)",
            "Chiffres (période précédente entre parenthèses)",
        ),
        "notify.figure.with_previous": ("{value} ({previous})", "{value} ({previous})"),
        "notify.workbook.attached": (
            "The workbook {name} is attached.",
            "Le classeur {name} est joint.",
        ),
        "notify.workbook.written": (
            "The workbook is {name}.",
            "Le classeur est {name}.",
        ),
        "notify.value.rate": ("{v:pct}", "{v:pct}"),
        "notify.value.count": ("{v:int}", "{v:int}"),
        "notify.value.currency": ("{v:money}", "{v:money}"),
        "notify.value.seconds": ("{v:dur}", "{v:dur}"),
        "notify.value.days": ("{v:num1} days", "{v:num1} jours"),
        "notify.value.months": ("{v:num1} months", "{v:num1} mois"),
        "notify.value.ratio": ("{v:num2}", "{v:num2}"),
        "notify.value.number": ("{v:num}", "{v:num}"),
        # ---- what the command line says -----------------------------------------------------
        "notify.sent": (
            "alert sent to {target} ({n:int} red {n:plural:flag|flags})",
            "alerte envoyée à {target} ({n:int} {n:plural:alerte|alertes})",
        ),
        "notify.skipped": (
            "no red flag: nothing sent to {targets:list} (--notify-always sends anyway)",
            "aucune alerte : rien n'est envoyé à {targets:list} (--notify-always envoie quand même)",
        ),
        "notify.failed": (
            "alert NOT delivered to {target}: {why} ({attempts:int} "
            "{attempts:plural:attempt|attempts}). The workbook {path} is written.",
            "alerte NON remise à {target} : {why} ({attempts:int} "
            "{attempts:plural:tentative|tentatives}). Le classeur {path} est bien écrit.",
        ),
        "notify.warning": ("warning: {text}", "attention : {text}"),
        # ---- why a delivery failed (never the URL, never the password) ----------------------
        "notify.why.refused": (
            "the server refused the connection (nothing listens on that port, or a firewall)",
            "le serveur a refusé la connexion (rien n'écoute sur ce port, ou un pare-feu)",
        ),
        "notify.why.timeout": (
            "no answer within {seconds:num} s",
            "pas de réponse en {seconds:num} s",
        ),
        "notify.why.dns": (
            "the server's name could not be found (check the host)",
            "le nom du serveur est introuvable (vérifiez l'hôte)",
        ),
        "notify.why.tls": (
            "TLS error ({detail}): check the host, the port and the security setting",
            "erreur TLS ({detail}) : vérifiez l'hôte, le port et le réglage de sécurité",
        ),
        "notify.why.http": (
            "the server answered HTTP {status}{body}",
            "le serveur a répondu HTTP {status}{body}",
        ),
        "notify.why.http_client": (
            "the server answered HTTP {status}{body}: check the webhook URL (it may have "
            "been revoked)",
            "le serveur a répondu HTTP {status}{body} : vérifiez l'URL du webhook (elle a pu "
            "être révoquée)",
        ),
        "notify.why.no_starttls": (
            "the SMTP server does not offer STARTTLS (set security to ssl, or none on a "
            "local relay)",
            "le serveur SMTP ne propose pas STARTTLS (réglez security sur ssl, ou none pour un "
            "relais local)",
        ),
        "notify.why.auth": (
            "the SMTP server refused the user name or password",
            "le serveur SMTP a refusé l'identifiant ou le mot de passe",
        ),
        "notify.why.smtp": (
            "the SMTP server refused the message (code {code})",
            "le serveur SMTP a refusé le message (code {code})",
        ),
        "notify.why.recipients": (
            "the SMTP server refused every recipient",
            "le serveur SMTP a refusé tous les destinataires",
        ),
        "notify.why.closed": (
            "the server closed the connection",
            "le serveur a fermé la connexion",
        ),
        "notify.why.network": ("network error ({detail})", "erreur réseau ({detail})"),
        # ---- configuration ------------------------------------------------------------------
        "notify.config.missing": (
            "The alerts config file {path} does not exist.",
            "Le fichier de configuration des alertes {path} n'existe pas.",
        ),
        "notify.config.hint": (
            "Give its path with --notify-config, or the secrets in environment variables "
            "(README, section Alerts to Slack or e-mail).",
            "Donnez son chemin avec --notify-config, ou les secrets dans des variables "
            "d'environnement (README, section Alerts to Slack or e-mail).",
        ),
        "notify.config.unreadable": (
            "The alerts config file {path} cannot be read ({why}).",
            "Le fichier de configuration des alertes {path} est illisible ({why}).",
        ),
        "notify.config.bad_toml": (
            "The alerts config file {path} is not valid TOML ({why}).",
            "Le fichier de configuration des alertes {path} n'est pas du TOML valide ({why}).",
        ),
        "notify.config.open_mode": (
            "the alerts config file {path} can be read by other users; protect it with chmod 600",
            "le fichier de configuration des alertes {path} est lisible par d'autres "
            "utilisateurs ; protégez-le avec chmod 600",
        ),
        "notify.config.bad_timeout": (
            "The timeout of alert target {target} is not a number of seconds.",
            "Le délai de la cible d'alerte {target} n'est pas un nombre de secondes.",
        ),
        "notify.config.timeout_hint": (
            "Give between 0 and {most:num} seconds.",
            "Donnez entre 0 et {most:num} secondes.",
        ),
        "notify.target.syntax": (
            "Name a target as slack:NAME, email:NAME or the name of an environment variable "
            "that holds its URL (README, section Alerts to Slack or e-mail).",
            "Nommez une cible slack:NOM, email:NOM ou le nom d'une variable d'environnement qui "
            "contient son URL (README, section Alerts to Slack or e-mail).",
        ),
        "notify.target.unknown_kind": (
            "Alert target {target}: {kind} is not a kind of target.",
            "Cible d'alerte {target} : {kind} n'est pas un type de cible.",
        ),
        "notify.target.secret_given": (
            "A --notify target is a name, not a URL or an address: the command line is kept in "
            "the shell's history and in the list of processes.",
            "Une cible --notify est un nom, pas une URL ni une adresse : la ligne de commande "
            "reste dans l'historique du shell et dans la liste des processus.",
        ),
        "notify.target.bad_name": (
            "Alert target {target} is not a target name.",
            "La cible d'alerte {target} n'est pas un nom de cible.",
        ),
        "notify.target.no_url": (
            "Alert target {target} has no webhook URL: set the environment variable {var}, or "
            "url in the [{kind}.{name}] table of the config file.",
            "La cible d'alerte {target} n'a pas d'URL de webhook : définissez la variable "
            "d'environnement {var}, ou url dans la table [{kind}.{name}] du fichier de "
            "configuration.",
        ),
        "notify.target.bad_url": (
            "Alert target {target}: its URL is not an http(s), smtp or smtps URL.",
            "Cible d'alerte {target} : son URL n'est pas une URL http(s), smtp ou smtps.",
        ),
        "notify.target.no_env": (
            "Alert target {target}: the environment variable {target} is not set.",
            "Cible d'alerte {target} : la variable d'environnement {target} n'est pas définie.",
        ),
        "notify.target.email_incomplete": (
            "Alert target {target} lacks {missing:list}: set {prefix}HOST and {prefix}TO, or "
            "host and to in the [email.{name}] table of the config file.",
            "Il manque {missing:list} à la cible d'alerte {target} : définissez {prefix}HOST "
            "et {prefix}TO, ou host et to dans la table [email.{name}] du fichier de "
            "configuration.",
        ),
        "notify.target.bad_security": (
            "Alert target {target}: security {value} is unknown; choose {choices:orlist}.",
            "Cible d'alerte {target} : la sécurité {value} est inconnue ; choisissez {choices:orlist}.",
        ),
        "notify.target.bad_port": (
            "Alert target {target}: the SMTP port is not a number.",
            "Cible d'alerte {target} : le port SMTP n'est pas un nombre.",
        ),
        "notify.target.bad_to": (
            "Alert target {target}: the recipients (to) are not e-mail addresses.",
            "Cible d'alerte {target} : les destinataires (to) ne sont pas des adresses e-mail.",
        ),
        "notify.target.plain_password": (
            "Alert target {target}: a password is never sent without TLS to another machine; "
            "set security to starttls or ssl.",
            "Cible d'alerte {target} : un mot de passe n'est jamais envoyé sans TLS à une autre "
            "machine ; réglez security sur starttls ou ssl.",
        ),
        "notify.always_without_target": (
            "--notify-always needs a --notify TARGET.",
            "--notify-always demande une cible --notify.",
        ),
        # ---- help ---------------------------------------------------------------------------
        "notify.help.group": ("alerts (Slack, e-mail)", "alertes (Slack, e-mail)"),
        "notify.help.notify": (
            "send the red flags to TARGET when one fires: slack:NAME (an incoming webhook), "
            "email:NAME (SMTP, the workbook attached) or an environment variable's name; "
            "repeatable. Secrets come from the environment or the config file, never from "
            "here. Exit code 4 when an alert was not delivered (the workbook is still written)",
            "envoie les alertes à CIBLE quand l'une se déclenche : slack:NOM (un webhook "
            "entrant), email:NOM (SMTP, le classeur joint) ou le nom d'une variable "
            "d'environnement ; répétable. Les secrets viennent de l'environnement ou du "
            "fichier de configuration, jamais d'ici. Code de sortie 4 quand une alerte n'a "
            "pas été remise (le classeur est quand même écrit)",
        ),
        "notify.help.always": (
            "send to the --notify targets even when no red flag fires",
            "envoie aux cibles --notify même quand aucune alerte ne se déclenche",
        ),
        "notify.help.config": (
            "the alerts config file (TOML; default $PARCOURS_NOTIFY_CONFIG, else "
            "~/.config/parcours/notify.toml)",
            "le fichier de configuration des alertes (TOML ; par défaut "
            "$PARCOURS_NOTIFY_CONFIG, sinon ~/.config/parcours/notify.toml)",
        ),
    }
)
