"""confluent-kafka-python (Debian's python3-confluent-kafka on librdkafka 2.0.2) in a consumer
group: consume COUNT records, commit synchronously, exit. Run twice: the second run must start
exactly after the first run's commit. The same output as group_resume.py.

Usage: confluent_group_resume.py BOOTSTRAP TOPIC GROUP COUNT
Prints: "first <offset>", "last <offset>", "committed <offset>".
"""
import sys
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition

bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest',
                     'enable.auto.commit': False})
consumer.subscribe([topic])
seen = []
deadline = time.time() + 60
while len(seen) < count and time.time() < deadline:
    message = consumer.poll(1.0)
    if message is None:
        continue
    if message.error():
        raise KafkaException(message.error())
    seen.append(message)
if len(seen) < count:
    print("only %d records" % len(seen))
    sys.exit(1)
last = seen[-1]
consumer.commit(offsets=[TopicPartition(topic, last.partition(), last.offset() + 1)], asynchronous=False)
print("first %d" % seen[0].offset())
print("last %d" % last.offset())
committed = consumer.committed([TopicPartition(topic, last.partition())], timeout=10)
print("committed %d" % committed[0].offset)
consumer.close()
