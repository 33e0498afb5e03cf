"""Airflow DAG: the nightly latentforge runs through SparkSubmitOperator.

Each task passes Airflow's logical date ({{ ds }}) as --run-date, so `airflow dags backfill
-s 2026-11-20 -e 2026-11-22 latentforge_nightly` recomputes exactly those dates' partitions.
A non-zero exit code of the job (README: Exit codes) fails the task.
Needs apache-airflow-providers-apache-spark and a "spark_default" connection to the cluster.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "/opt/latentforge/jobs/target/latentforge-jobs-0.1.0-SNAPSHOT-spark.jar"
JVM_OPTIONS = ("-Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=12G "
               "-Djdk.reflect.useDirectMethodHandle=false")
SPARK_CONF = {  # what deploy/submit.sh adds
    "spark.driver.extraJavaOptions": JVM_OPTIONS,
    # Kryo with ND4J's registrator, the executors' ND4J limits and memory overhead come from
    # latentforge's config (spark.kryo, spark.executor-*).
    "spark.executor.extraJavaOptions": "-Djdk.reflect.useDirectMethodHandle=false",
    "spark.executorEnv.OMP_NUM_THREADS": "1",
}

with DAG(
    dag_id="latentforge_nightly",
    start_date=datetime(2026, 11, 1),
    schedule="30 1 * * *",
    catchup=True,
    max_active_runs=1,  # runs share output roots; latentforge also locks them (exit code 6)
    default_args={"retries": 0, "execution_timeout": timedelta(hours=6)},
) as dag:
    for kind, corpus in (("image", "images"), ("text", "documents")):
        SparkSubmitOperator(
            task_id=f"nightly_{corpus}",
            conn_id="spark_default",
            application=JAR,
            java_class="io.latentforge.jobs.Main",
            conf=SPARK_CONF,
            application_args=[
                "nightly", "--kind", kind,
                "--input", f"hdfs:///corpora/{corpus}",
                "--output", f"hdfs:///latent/{corpus}",
                "--run-date", "{{ ds }}",
            ],
        )
