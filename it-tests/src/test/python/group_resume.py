"""kafka-python (Debian's python3-kafka) in a consumer group: consume COUNT records, commit with
metadata, exit. Run twice: the second run must start exactly after the first run's commit.

Usage: group_resume.py BOOTSTRAP TOPIC GROUP COUNT
Prints: "first <offset>", "last <offset>", "committed <offset> <metadata>".
"""
import sys

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False, consumer_timeout_ms=20000)
seen = []
for message in consumer:
    seen.append(message)
    if len(seen) == count:
        break
if len(seen) < count:
    print("only %d records" % len(seen))
    sys.exit(1)
last = seen[-1]
tp = TopicPartition(topic, last.partition)
consumer.commit({tp: OffsetAndMetadata(last.offset + 1, "python-was-here")})
print("first %d" % seen[0].offset)
print("last %d" % last.offset)
committed = consumer.committed(tp)
print("committed %d" % committed)
consumer.close()
