"""What the files are (events, orders, Shopify, GA4, wide tables, several files and the user id
they share, cohorts, currencies): the notes the Data page shows about the data."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "ingest_shape.currencies": (
            "The files name several currencies ({currencies:list}): amounts are added as they "
            "are and shown without a currency symbol.",
            "Les fichiers indiquent plusieurs devises ({currencies:list}) : les montants sont "
            "additionnés tels quels et affichés sans symbole monétaire.",
        ),
        "ingest_shape.email_ids": (
            "{file}: customers identified by {column} (compared in lower case).",
            "{file} : clients identifiés par {column} (comparé en minuscules).",
        ),
        "ingest_shape.wide": (
            "{file}: wide table, {steps:int} step columns turned into {events:int} step events.",
            "{file} : tableau large, {steps:int} colonnes d'étapes transformées en "
            "{events:int} événements d'étape.",
        ),
        "ingest_shape.ga4_medium": (
            "{file}: channel = {column}, the medium that first brought the user (organic, cpc, "
            "referral, (none) for direct); the source (google, …) is a segment of its own.",
            "{file} : canal = {column}, le support qui a amené l'utilisateur la première fois "
            "(organic, cpc, referral, (none) pour le direct) ; la source (google, …) est un "
            "segment à part.",
        ),
        "ingest_shape.ga4_session": (
            "{file}: session = {user_column} + ':' + {session_column} (GA4 numbers sessions per "
            "user).",
            "{file} : session = {user_column} + « : » + {session_column} (GA4 numérote les "
            "sessions par utilisateur).",
        ),
        "ingest_shape.order_lines_filled": (
            "{file}: {n:int} order lines without the order's own fields (e-mail, date, total…) "
            "took them from the order's first line.",
            "{file} : {n:int} lignes de commande sans les champs de la commande (e-mail, date, "
            "total…) les ont repris de la première ligne de la commande.",
        ),
        "ingest_shape.cancellations": (
            "{file}: order ids starting with C are cancellations in this file ({negative:int} of "
            "{lines:int} such lines have a negative {column}); they are set aside.",
            "{file} : les numéros de commande commençant par C sont des annulations dans ce "
            "fichier ({negative:int} de ces {lines:int} lignes ont {column} négatif) ; elles "
            "sont mises de côté.",
        ),
        "ingest_shape.c_orders_kept": (
            "{file}: {lines:int} lines with an order id starting with C are kept as orders (their "
            "{column} values are not negative: no cancellation convention here).",
            "{file} : {lines:int} lignes dont le numéro de commande commence par C sont gardées "
            "comme des commandes (leurs valeurs de {column} ne sont pas négatives : pas de "
            "convention d'annulation ici).",
        ),
        "ingest_shape.revenue_per_order": (
            "{file}: revenue = {column}, once per order (an order-level amount, not summed over "
            "the order's lines).",
            "{file} : chiffre d'affaires = {column}, une fois par commande (un montant de la "
            "commande, non additionné sur ses lignes).",
        ),
        "ingest_shape.net_of_refunds": (
            "{file}: revenue net of refunds ({revenue} − {refund}): {orders:int} refunded "
            "{orders:plural:order|orders}, {amount:money} refunded; a fully refunded order stays "
            "an order with 0 revenue.",
            "{file} : chiffre d'affaires net des remboursements ({revenue} − {refund}) : "
            "{orders:int} {orders:plural:commande remboursée|commandes remboursées}, "
            "{amount:money} remboursés ; une commande remboursée en totalité reste une commande, "
            "à 0 de chiffre d'affaires.",
        ),
        "ingest_shape.revenue_price": (
            "{file}: revenue = {price} on '{step}' rows (one unit per row); the price on other "
            "events (views, carts…) is not revenue.",
            "{file} : chiffre d'affaires = {price} sur les lignes « {step} » (une unité par "
            "ligne) ; le prix des autres événements (vues, paniers…) n'est pas du chiffre "
            "d'affaires.",
        ),
        "ingest_shape.revenue_price_qty": (
            "{file}: revenue = {price} on '{step}' rows (× {quantity}); the price on other events "
            "(views, carts…) is not revenue.",
            "{file} : chiffre d'affaires = {price} sur les lignes « {step} » (× {quantity}) ; le "
            "prix des autres événements (vues, paniers…) n'est pas du chiffre d'affaires.",
        ),
        "ingest_shape.revenue_qty_times_price": (
            "{file}: revenue = {quantity} × {price} (no amount column).",
            "{file} : chiffre d'affaires = {quantity} × {price} (pas de colonne de montant).",
        ),
        "ingest_shape.orders_grouped": (
            "{file}: {lines:int} order lines grouped into {orders:int} orders (one per order id).",
            "{file} : {lines:int} lignes de commande regroupées en {orders:int} commandes (une "
            "par numéro de commande).",
        ),
        "ingest_shape.repeated_user_ids": (
            "{file}: {n:int} repeated user ids; the first row of each is used.",
            "{file} : {n:int} identifiants utilisateur en double ; la première ligne de chacun "
            "est utilisée.",
        ),
        "ingest_shape.cohort.signup.month": (
            "Cohort = signup month.",
            "Cohorte = mois d'inscription.",
        ),
        "ingest_shape.cohort.signup.week": (
            "Cohort = signup week.",
            "Cohorte = semaine d'inscription.",
        ),
        "ingest_shape.cohort.first_seen.month": (
            "Cohort = first-seen month.",
            "Cohorte = mois de la première visite.",
        ),
        "ingest_shape.cohort.first_seen.week": (
            "Cohort = first-seen week.",
            "Cohorte = semaine de la première visite.",
        ),
        "ingest_shape.steps_by_users": (
            "Steps ordered by users, most first (one file per step).",
            "Étapes classées par nombre d'utilisateurs, du plus grand au plus petit (un fichier "
            "par étape).",
        ),
        # several files: the user id they share
        "ingest_shape.shared_id": (
            "user id = {column}: shared by {share}, {overlap:pct} of its values overlap"
            "{others}{changed}.",
            "identifiant utilisateur = {column} : présent dans {share}, {overlap:pct} de ses "
            "valeurs se recoupent{others}{changed}.",
        ),
        "ingest_shape.shared_id.both": ("both files", "les deux fichiers"),
        "ingest_shape.shared_id.all": ("all {files:int} files", "les {files:int} fichiers"),
        "ingest_shape.shared_id.some": (
            "{files:int} of {of_files:int} files",
            "{files:int} fichiers sur {of_files:int}",
        ),
        "ingest_shape.shared_id.not": ("; not {columns:list}", " ; pas {columns:list}"),
        "ingest_shape.shared_id.few_values": (
            "{column} ({n:int} values)",
            "{column} ({n:int} valeurs)",
        ),
        "ingest_shape.shared_id.less_overlap": (
            "{column} ({overlap:pct} overlap)",
            "{column} ({overlap:pct} de recoupement)",
        ),
        "ingest_shape.shared_id.fewer_files": (
            "{column} (in {files:int} files)",
            "{column} (dans {files:int} fichiers)",
        ),
        "ingest_shape.shared_id.changed": (
            " (set in {files:list})",
            " (choisi pour {files:list})",
        ),
    }
)
