#!/usr/bin/env bash
# Runs a latentforge command through spark-submit with the shaded job jar, on any master.
#
#   deploy/submit.sh [spark-submit options] COMMAND [latentforge options]
#
#   deploy/submit.sh --master yarn --deploy-mode cluster --num-executors 8 \
#       nightly --kind image --input hdfs:///corpora/images --output hdfs:///latent --run-date 2026-11-27
#
# Options before COMMAND go to spark-submit unchanged (--master, --deploy-mode, --num-executors,
# --executor-memory, --conf k=v, ...); COMMAND and everything after it go to latentforge. The
# script adds: the main class, ND4J's off-heap limits for the driver and one OpenMP thread per
# executor task. Kryo (spark.kryo), the executors' off-heap limits and memory overhead come from
# the config (spark.executor-offheap, executor-physical,
# executor-memory-overhead; e.g. --set spark.executor-offheap=8G). A --conf given on the command
# line for the same key wins.
#
# Environment:
#   SPARK_SUBMIT         the spark-submit to run (default: $SPARK_HOME/bin/spark-submit, else on PATH)
#   LATENTFORGE_JAR      the job jar (default: jobs/target/latentforge-jobs-0.1.0-SNAPSHOT-spark.jar)
#   LATENTFORGE_OFFHEAP  the driver's ND4J off-heap bytes, javacpp maxbytes (default 4G)
#   LATENTFORGE_PHYSICAL the driver's javacpp maxphysicalbytes: heap + off-heap (default 12G)
# Exit codes are latentforge's (README: Exit codes) when the driver runs here (client mode).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
main_class=io.latentforge.jobs.Main
jar="${LATENTFORGE_JAR:-$root/jobs/target/latentforge-jobs-0.1.0-SNAPSHOT-spark.jar}"
if [ -n "${SPARK_SUBMIT:-}" ]; then
  submit=("$SPARK_SUBMIT")
elif [ -n "${SPARK_HOME:-}" ]; then
  submit=("$SPARK_HOME/bin/spark-submit")
else
  submit=(spark-submit)
fi

# A URI (local:// inside a container image, hdfs://, s3a://) is spark-submit's to resolve.
if [[ "$jar" != *://* ]] && [ ! -f "$jar" ]; then
  echo "submit.sh: no job jar at $jar; build it with: mvn -B -ntp package -DskipTests (or set LATENTFORGE_JAR)" >&2
  exit 2
fi

# spark-submit options up to the first word that is not one (the latentforge command).
spark_args=()
while [ $# -gt 0 ] && [[ "$1" == --* ]]; do
  case "$1" in
    --verbose | --supervise) spark_args+=("$1"); shift ;;
    --*=*) spark_args+=("$1"); shift ;;
    *)
      if [ $# -lt 2 ]; then
        echo "submit.sh: spark-submit option $1 needs a value" >&2
        exit 2
      fi
      spark_args+=("$1" "$2"); shift 2 ;;
  esac
done
if [ $# -eq 0 ]; then
  echo "usage: deploy/submit.sh [spark-submit options] COMMAND [latentforge options]" >&2
  echo "       commands: demo, nightly, encode, import, bench (see: deploy/submit.sh nightly --help)" >&2
  exit 2
fi

offheap="${LATENTFORGE_OFFHEAP:-4G}"
physical="${LATENTFORGE_PHYSICAL:-12G}"
jvm_opts="-Dorg.bytedeco.javacpp.maxbytes=$offheap -Dorg.bytedeco.javacpp.maxphysicalbytes=$physical"
# spark-submit adds the --add-opens itself; the other Java 17 options (conf/java17-options) go to
# the driver and the executors.
java17_extra="$(grep -v -- '^--add-opens' "$root/conf/java17-options" | paste -sd' ')"
jvm_opts+=" $java17_extra"

exec "${submit[@]}" \
  --class "$main_class" \
  --conf "spark.driver.extraJavaOptions=$jvm_opts" \
  --conf "spark.executor.extraJavaOptions=$java17_extra" \
  --conf spark.executorEnv.OMP_NUM_THREADS=1 \
  "${spark_args[@]}" \
  "$jar" "$@"
