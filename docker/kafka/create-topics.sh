#!/usr/bin/env bash
# One-shot topic setup of docker-compose's init-topics service (apache/kafka image).
# Creates every stockpipe topic with TOPIC_PARTITIONS / TOPIC_REPLICATION_FACTOR / TOPIC_MIN_INSYNC_REPLICAS,
# then checks each topic's actual replication factor, because --if-not-exists keeps an older topic as it was.
# The topic list is dev.stockpipe.model.Topics.ALL; DockerComposeFileTest keeps the two in step.
set -euo pipefail

BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is required}"
PARTITIONS="${TOPIC_PARTITIONS:-6}"
REPLICATION_FACTOR="${TOPIC_REPLICATION_FACTOR:-3}"
MIN_ISR="${TOPIC_MIN_INSYNC_REPLICAS:-2}"
KAFKA_TOPICS=/opt/kafka/bin/kafka-topics.sh
# The CLI tools are JVMs too: an explicit heap.
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx256m}"

TOPICS=(
  stocks.trades.raw
  stocks.bars.raw
  stocks.trades
  stocks.bars
  stocks.rejects
  stocks.sink.dlq
)

for topic in "${TOPICS[@]}"; do
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$topic" --partitions "$PARTITIONS" --replication-factor "$REPLICATION_FACTOR" \
    --config min.insync.replicas="$MIN_ISR"
done

failed=0
for topic in "${TOPICS[@]}"; do
  actual="$("$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --describe --topic "$topic" \
    | sed -n 's/.*ReplicationFactor: *\([0-9]*\).*/\1/p' | head -1)"
  if [[ "$actual" != "$REPLICATION_FACTOR" ]]; then
    echo "init-topics: $topic has replication factor ${actual:-?}, expected $REPLICATION_FACTOR" >&2
    failed=1
  else
    echo "init-topics: $topic ready (replication factor $actual)"
  fi
done
exit "$failed"
