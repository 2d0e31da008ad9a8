"""Connected sources (a DuckDB file, a Parquet folder, Spark, a warehouse): what went wrong when
one cannot be opened or read, and what to do. Values never hold a secret (``kpi.engine.source``
redacts every address and reason before it reaches a message)."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        # the address itself
        "engine_source.empty": ("No source given.", "Aucune source indiquée."),
        "engine_source.unknown": (
            "“{source}” is not a source Parcours can read.",
            "« {source} » n'est pas une source que Parcours sait lire.",
        ),
        "engine_source.bad_address": (
            "“{source}” is not a valid address ({reason}).",
            "« {source} » n'est pas une adresse valide ({reason}).",
        ),
        "engine_source.hint.forms": (
            "Give a DuckDB file (duckdb:///path/file.duckdb), a folder of Parquet files (its "
            "path), spark:local, spark://host:port, sc://host:port (Spark Connect) or a "
            "warehouse address (postgres://…, bigquery://…, snowflake://…, clickhouse://…).",
            "Indiquez un fichier DuckDB (duckdb:///chemin/fichier.duckdb), un dossier de "
            "fichiers Parquet (son chemin), spark:local, spark://hôte:port, sc://hôte:port "
            "(Spark Connect) ou l'adresse d'un entrepôt de données (postgres://…, "
            "bigquery://…, snowflake://…, clickhouse://…).",
        ),
        # files and folders
        "engine_source.missing_path": ("{path} does not exist.", "{path} n'existe pas."),
        "engine_source.hint.path": (
            "Check the path: it is read on the machine that runs Parcours.",
            "Vérifiez le chemin : il est lu sur la machine où tourne Parcours.",
        ),
        "engine_source.not_duckdb": (
            "{path} cannot be opened as a DuckDB database ({reason}).",
            "{path} ne peut pas être ouvert comme base DuckDB ({reason}).",
        ),
        "engine_source.hint.duckdb": (
            "Give a database file written by DuckDB (duckdb:///path/file.duckdb); a database "
            "open for writing in another program cannot be read at the same time.",
            "Indiquez une base écrite par DuckDB (duckdb:///chemin/fichier.duckdb) ; une base "
            "ouverte en écriture par un autre programme ne peut pas être lue en même temps.",
        ),
        "engine_source.no_parquet": (
            "The folder {path} holds no Parquet file.",
            "Le dossier {path} ne contient aucun fichier Parquet.",
        ),
        "engine_source.hint.parquet": (
            "Point at a folder of .parquet files; hive folders such as date=2024-01-31/ are "
            "read as columns.",
            "Indiquez un dossier de fichiers .parquet ; les sous-dossiers de type "
            "date=2024-01-31/ sont lus comme des colonnes.",
        ),
        "engine_source.bad_parquet": (
            "The Parquet files of {path} cannot be read ({reason}).",
            "Les fichiers Parquet de {path} ne peuvent pas être lus ({reason}).",
        ),
        "engine_source.hint.same_schema": (
            "Check that every file is a Parquet file and that files share their columns.",
            "Vérifiez que chaque fichier est un fichier Parquet et que les fichiers ont les "
            "mêmes colonnes.",
        ),
        # tables
        "engine_source.need_table": (
            "{source} holds {n:int} tables: say which one to read.",
            "{source} contient {n:int} tables : indiquez laquelle lire.",
        ),
        "engine_source.hint.tables": (
            "Tables: {tables:list} (command line: --table NAME).",
            "Tables : {tables:list} (ligne de commande : --table NOM).",
        ),
        "engine_source.no_tables": (
            "{source} holds no table.",
            "{source} ne contient aucune table.",
        ),
        "engine_source.hint.no_tables": (
            "Check that this is the right database, or name a table or a Parquet path.",
            "Vérifiez qu'il s'agit de la bonne base, ou indiquez une table ou un chemin Parquet.",
        ),
        "engine_source.table_missing": (
            "{source} has no table “{table}”.",
            "{source} n'a pas de table « {table} ».",
        ),
        "engine_source.read_failed": (
            "Cannot read {table} from {source} ({reason}).",
            "Impossible de lire {table} depuis {source} ({reason}).",
        ),
        # Spark
        "engine_source.no_java": (
            "Spark needs Java, and no java command was found on this machine.",
            "Spark a besoin de Java, et aucune commande java n'a été trouvée sur cette machine.",
        ),
        "engine_source.hint.java": (
            "Install Java 17 (Debian, Ubuntu: apt-get install openjdk-17-jre-headless) or set "
            "JAVA_HOME.",
            "Installez Java 17 (Debian, Ubuntu : apt-get install openjdk-17-jre-headless) ou "
            "définissez JAVA_HOME.",
        ),
        "engine_source.no_pyspark": (
            "Spark is not installed here (the Python package pyspark).",
            "Spark n'est pas installé ici (le paquet Python pyspark).",
        ),
        "engine_source.no_connect": (
            "Spark Connect (sc://) needs Python packages that are not installed ({package}).",
            "Spark Connect (sc://) a besoin de paquets Python qui ne sont pas installés "
            "({package}).",
        ),
        "engine_source.hint.install": (
            "Install them: pip install -r requirements-spark.txt.",
            "Installez-les : pip install -r requirements-spark.txt.",
        ),
        "engine_source.spark_failed": (
            "Spark could not start or connect ({reason}).",
            "Spark n'a pas pu démarrer ou se connecter ({reason}).",
        ),
        # warehouses
        "engine_source.no_driver": (
            "The {backend} driver is not installed here.",
            "Le pilote {backend} n'est pas installé ici.",
        ),
        "engine_source.hint.driver": (
            "Install it: pip install 'ibis-framework[{backend}]'.",
            "Installez-le : pip install 'ibis-framework[{backend}]'.",
        ),
        "engine_source.connect_failed": (
            "Cannot connect to {source} ({reason}).",
            "Impossible de se connecter à {source} ({reason}).",
        ),
        "engine_source.hint.connection": (
            "Check the address, the port and the credentials, and that the server accepts "
            "connections from this machine.",
            "Vérifiez l'adresse, le port et les identifiants, et que le serveur accepte les "
            "connexions depuis cette machine.",
        ),
    }
)
